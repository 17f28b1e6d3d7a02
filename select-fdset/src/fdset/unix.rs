//! The Unix representation of [`FdSet`]: a bit set of the C library's `fd_mask` words,
//! one `fd_set` inline and a heap buffer beyond `FD_SETSIZE`; and the working sets
//! `select(2)` overwrites ([`WorkSet`]), with what a `select()` call tracks to size them
//! ([`Bounds`], [`Span`]).

use std::io;
use std::os::fd::RawFd;

use select_core::error::invalid_input;
use select_core::Waitable;

use super::FdSet;
use crate::sys::{self, Word, BITS, FD_SETSIZE};

/// Words held without a heap allocation: exactly one C `fd_set`.
const INLINE_WORDS: usize = FD_SETSIZE / BITS;

// On 64-bit illumos/Solaris one C fd_set is 8 KiB (FD_SETSIZE 65536): inline still, as a
// C program's fd_set is, rather than a heap allocation per set.
#[cfg_attr(
    any(target_os = "illumos", target_os = "solaris"),
    allow(clippy::large_enum_variant)
)]
#[derive(Clone)]
enum Storage {
    Inline([Word; INLINE_WORDS]),
    Heap(Box<[Word]>),
}

impl Storage {
    #[inline(always)]
    fn words(&self) -> &[Word] {
        match self {
            Storage::Inline(a) => a,
            Storage::Heap(b) => b,
        }
    }
    #[inline(always)]
    fn words_mut(&mut self) -> &mut [Word] {
        match self {
            Storage::Inline(a) => a,
            Storage::Heap(b) => b,
        }
    }
}

/// What an [`FdSet`] holds on Unix. Every fd handed to it is non-negative (the
/// [`FdSet`] methods checked it).
#[derive(Clone)]
pub(crate) struct Repr {
    storage: Storage,
    len: usize,
    /// The highest member, or -1 when empty. Every bit above it is zero.
    highest: RawFd,
}

impl Repr {
    pub(crate) const fn new() -> Repr {
        Repr {
            storage: Storage::Inline([0; INLINE_WORDS]),
            len: 0,
            highest: -1,
        }
    }

    #[inline]
    pub(crate) fn capacity(&self) -> usize {
        self.storage.words().len() * BITS
    }

    /// Makes room for every fd up to and including `max_fd`.
    fn reserve(&mut self, max_fd: RawFd) -> io::Result<()> {
        let (word, _) = position(max_fd);
        self.ensure_words(word + 1)
    }

    #[inline(always)]
    fn ensure_words(&mut self, need: usize) -> io::Result<()> {
        if need <= self.storage.words().len() {
            return Ok(());
        }
        self.grow_words(need)
    }

    #[cold]
    #[inline(never)]
    fn grow_words(&mut self, need: usize) -> io::Result<()> {
        let have = self.storage.words().len();
        let new_len = need.max(have.saturating_mul(2));
        let mut v: Vec<Word> = Vec::new();
        v.try_reserve_exact(new_len).map_err(|_| {
            io::Error::new(
                io::ErrorKind::OutOfMemory,
                format!("cannot allocate an fd set for {} fds", new_len * BITS),
            )
        })?;
        v.extend_from_slice(self.storage.words());
        v.resize(new_len, 0);
        self.storage = Storage::Heap(v.into_boxed_slice());
        Ok(())
    }

    #[inline(always)]
    pub(crate) fn insert(&mut self, fd: RawFd) -> io::Result<bool> {
        let (word, bit) = position(fd);
        if word >= self.storage.words().len() {
            self.ensure_words(word + 1)?;
        }
        let Some(w) = self.storage.words_mut().get_mut(word) else {
            return Err(invalid_input(format!("fd {fd} does not fit the fd set")));
        };
        if *w & bit != 0 {
            return Ok(false);
        }
        *w |= bit;
        self.len += 1;
        self.highest = self.highest.max(fd);
        Ok(true)
    }

    #[inline(always)]
    pub(crate) fn remove(&mut self, fd: RawFd) -> bool {
        let (word, bit) = position(fd);
        let Some(w) = self.storage.words_mut().get_mut(word) else {
            return false;
        };
        if *w & bit == 0 {
            return false;
        }
        *w &= !bit;
        self.len -= 1;
        if self.len == 0 {
            // The last fd left: nothing to scan for.
            self.highest = -1;
        } else if fd == self.highest {
            // Usually a lower fd shares the word: no scan.
            self.highest = if *w != 0 {
                (word * BITS + (BITS - 1 - w.leading_zeros() as usize)) as RawFd
            } else {
                highest_in(&self.storage.words()[..word])
            };
        }
        true
    }

    #[inline]
    pub(crate) fn contains(&self, fd: RawFd) -> bool {
        let (word, bit) = position(fd);
        self.storage.words().get(word).is_some_and(|w| w & bit != 0)
    }

    #[inline]
    pub(crate) fn clear(&mut self) {
        let used = self.used_words_len();
        self.storage.words_mut()[..used].fill(0);
        self.len = 0;
        self.highest = -1;
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub(crate) fn iter(&self) -> Iter<'_> {
        Iter::new(self.used_words())
    }

    /// The words up to and including the one holding the highest fd.
    #[inline]
    fn used_words(&self) -> &[Word] {
        &self.storage.words()[..self.used_words_len()]
    }

    #[inline]
    fn used_words_len(&self) -> usize {
        // `highest` is -1 (no word) or a valid fd inside the buffer; `i32::MAX` is a
        // valid fd, so no `highest + 1` here.
        if self.highest < 0 {
            0
        } else {
            self.highest as usize / BITS + 1
        }
    }
}

impl PartialEq for Repr {
    fn eq(&self, other: &Repr) -> bool {
        self.highest == other.highest && self.used_words() == other.used_words()
    }
}

/// The bit set's own API, which Winsock's counted array does not have.
impl FdSet {
    /// An empty set that can hold every fd up to and including `max_fd` without
    /// allocating again.
    ///
    /// # Errors
    ///
    /// As [`reserve`](FdSet::reserve).
    pub fn with_max_fd(max_fd: RawFd) -> io::Result<FdSet> {
        let mut set = FdSet::new();
        set.reserve(max_fd)?;
        Ok(set)
    }

    /// Makes room for every fd up to and including `max_fd`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` naming `max_fd` if it is negative (Python's `ValueError("file
    /// descriptor cannot be a negative integer (N)")`); `OutOfMemory` if the buffer cannot
    /// be allocated.
    pub fn reserve(&mut self, max_fd: RawFd) -> io::Result<()> {
        let max_fd = max_fd.fileno()?;
        self.repr.reserve(max_fd)
    }

    /// The highest fd in the set (`nfds - 1` for `select(2)`), or `None` when empty.
    #[inline]
    #[must_use]
    pub fn highest(&self) -> Option<RawFd> {
        (self.repr.highest >= 0).then_some(self.repr.highest)
    }

    /// The whole buffer as the kernel sees it: [`capacity`](FdSet::capacity) bits, at
    /// least `FD_SETSIZE`, in words of the C library's `fd_mask` type.
    #[inline]
    #[must_use]
    pub fn as_words(&self) -> &[Word] {
        self.repr.storage.words()
    }
}

/// Word index and bit mask of a non-negative fd.
#[inline(always)]
fn position(fd: RawFd) -> (usize, Word) {
    let fd = fd as usize;
    (fd / BITS, 1 << (fd % BITS))
}

/// The highest set bit of `words` as an fd, or -1.
fn highest_in(words: &[Word]) -> RawFd {
    // Eight words per step from the top (the OR vectorises): one test per 8 words of
    // an empty tail (the removal of the highest fd, above a gap, is the common case).
    let mut end = words.len();
    while let Some(chunk) = end.checked_sub(8).and_then(|start| words.get(start..end)) {
        if chunk.iter().fold(0, |a, &w| a | w) != 0 {
            break;
        }
        end -= 8;
    }
    for (i, &w) in words[..end].iter().enumerate().rev() {
        if w != 0 {
            let bit = BITS - 1 - w.leading_zeros() as usize;
            // Positions come from fds, so they fit a RawFd.
            return (i * BITS + bit) as RawFd;
        }
    }
    -1
}

/// The fds of a bit set in increasing order; skips empty words whole.
#[derive(Debug, Clone)]
pub(crate) struct Iter<'a> {
    words: &'a [Word],
    index: usize,
    current: Word,
}

impl<'a> Iter<'a> {
    fn new(words: &'a [Word]) -> Iter<'a> {
        Iter {
            words,
            index: 0,
            current: words.first().copied().unwrap_or(0),
        }
    }
}

impl Iterator for Iter<'_> {
    type Item = RawFd;

    #[inline]
    fn next(&mut self) -> Option<RawFd> {
        loop {
            if self.current != 0 {
                let bit = self.current.trailing_zeros() as usize;
                self.current &= self.current - 1;
                return Some((self.index * BITS + bit) as RawFd);
            }
            self.index += 1;
            self.current = *self.words.get(self.index)?;
        }
    }
}

impl std::iter::FusedIterator for super::Iter<'_> {}

/// `dst.fill(0)`, without a call into the C library for the usual set of one word (fds
/// below 64): a wait's sets are that small in most programs.
#[inline(always)]
fn zero_words(dst: &mut [Word]) {
    match dst {
        [] => {}
        [w] => *w = 0,
        _ => dst.fill(0),
    }
}

/// `dst.copy_from_slice(src)` for slices of equal length, without a call into the C
/// library for one word.
#[inline(always)]
fn copy_words(dst: &mut [Word], src: &[Word]) {
    match (&mut *dst, src) {
        ([d], [s]) => *d = *s,
        _ => dst.copy_from_slice(src),
    }
}

/// The highest fd of a `select()` call's lists (-1 for none) and the lowest (0 if none
/// is negative), widened as the lists are converted.
#[derive(Clone, Copy)]
pub(crate) struct Bounds {
    highest: RawFd,
    lowest: RawFd,
}

/// How much of the sets a call covers: `nfds` for the kernel, and the words that hold
/// its bits.
#[derive(Clone, Copy)]
pub(crate) struct Span {
    nfds: usize,
    nwords: usize,
}

impl Bounds {
    /// No fd seen yet.
    pub(crate) const fn new() -> Bounds {
        Bounds {
            highest: -1,
            lowest: 0,
        }
    }

    /// Takes in one converted fd.
    #[inline(always)]
    pub(crate) fn widen(&mut self, fd: RawFd) {
        self.highest = self.highest.max(fd);
        self.lowest = self.lowest.min(fd);
    }

    /// The part of the sets every fd seen lies in: `nfds` is one above the highest fd.
    /// Also after an error, when it is the part to wipe.
    #[inline]
    pub(crate) fn span(&self) -> Span {
        // `i32::MAX` is a valid fd: the `+ 1` is made in usize.
        let nfds = usize::try_from(self.highest).map_or(0, |h| h + 1);
        Span {
            nfds,
            nwords: nfds.div_ceil(BITS),
        }
    }

    /// The checks between the conversion of the lists (`lists`: their fds) and the
    /// wait; returns the span of the call.
    ///
    /// # Errors
    ///
    /// `EBADF` for a closed highest fd beyond the kernel's fd table (which would silently
    /// ignore it); `InvalidInput` for a negative fd, which only a `Waitable` of the
    /// caller's own can hand out (Python's `ValueError`).
    #[inline(always)]
    pub(crate) fn check(&self, lists: [&[RawFd]; 3]) -> io::Result<Span> {
        if self.highest >= 0 {
            sys::check_in_table(self.highest)?;
        }
        if self.lowest < 0 {
            return Err(negative_fd(lists));
        }
        Ok(self.span())
    }
}

/// The error for the first negative fd of the lists (Python's `ValueError`).
#[cold]
fn negative_fd(lists: [&[RawFd]; 3]) -> io::Error {
    let fd = lists
        .iter()
        .flat_map(|l| l.iter())
        .copied()
        .find(|&fd| fd < 0)
        .unwrap_or(-1);
    // RawFd's conversion words the error (Python's ValueError) for every crate alike.
    fd.fileno()
        .err()
        .unwrap_or_else(|| invalid_input("negative file descriptor"))
}

/// A scratch buffer `select(2)` overwrites: filled (from an [`FdSet`], or from a list's
/// fds) before every call, read bit by bit after it. Grows only when a higher fd appears.
#[derive(Debug, Default, Clone)]
pub(crate) struct WorkSet {
    words: Vec<Word>,
}

/// The bits of one list's fds on their way into a [`WorkSet`] (from
/// [`WorkSet::gather`]): the bits of consecutive fds in one word are gathered in a
/// register and written once, when the word changes, so there is no read-modify-write
/// of memory per fd.
pub(crate) struct Gather<'a> {
    set: &'a mut WorkSet,
    /// The word being gathered (none yet: an index no buffer has) and its bits.
    word: usize,
    bits: Word,
    fit: bool,
}

impl Gather<'_> {
    /// Sets the bit of `fd` (a negative fd becomes a huge index: it does not fit).
    #[inline(always)]
    pub(crate) fn add(&mut self, fd: RawFd) {
        let i = fd as usize / BITS;
        if i != self.word {
            self.flush();
            self.word = i;
            self.bits = 0;
        }
        self.bits |= 1 << (fd as usize % BITS);
    }

    #[inline(always)]
    fn flush(&mut self) {
        if self.bits != 0 && !self.set.merge(self.word, self.bits) {
            self.fit = false;
        }
    }

    /// Writes the last word; returns whether every fd fitted in the set as it is.
    #[inline(always)]
    pub(crate) fn finish(mut self) -> bool {
        self.flush();
        self.fit
    }
}

/// The words of a wait's result, for `FD_ISSET` of each list entry.
#[derive(Clone, Copy)]
pub(crate) struct Found<'a>(&'a [Word]);

impl Found<'_> {
    /// Whether the bit of `fd` is set.
    #[inline]
    pub(crate) fn contains(self, fd: RawFd) -> bool {
        let fd = fd as usize;
        self.0
            .get(fd / BITS)
            .is_some_and(|w| w & (1 << (fd % BITS)) != 0)
    }
}

impl WorkSet {
    /// An empty buffer.
    pub(crate) const fn new() -> WorkSet {
        WorkSet { words: Vec::new() }
    }

    /// Makes room for `nwords` words.
    #[inline]
    pub(crate) fn prepare(&mut self, nwords: usize) -> io::Result<()> {
        if self.words.len() < nwords {
            self.grow(nwords)?;
        }
        Ok(())
    }

    #[cold]
    fn grow(&mut self, nwords: usize) -> io::Result<()> {
        let extra = nwords - self.words.len();
        self.words.try_reserve_exact(extra).map_err(|_| {
            io::Error::new(
                io::ErrorKind::OutOfMemory,
                format!("cannot allocate an fd set for {} fds", nwords * BITS),
            )
        })?;
        self.words.resize(nwords, 0);
        Ok(())
    }

    /// Copies the words of `src` into the first `nwords` words (zeroing what `src`
    /// does not cover) and returns them for the kernel. The buffer must be
    /// [`prepare`](WorkSet::prepare)d for `nwords`; fewer words are loaded otherwise.
    #[inline]
    pub(crate) fn load(&mut self, src: &FdSet, nwords: usize) -> &mut [Word] {
        let dst = self.words_mut(nwords);
        // Every word past the highest fd is zero, so it may be copied too.
        let used = src.as_words();
        let k = used.len().min(dst.len());
        let (head, tail) = dst.split_at_mut(k);
        copy_words(head, &used[..k]);
        zero_words(tail);
        dst
    }

    /// The first `nwords` words (fewer if not [`prepare`](WorkSet::prepare)d that far),
    /// for the kernel.
    #[inline]
    pub(crate) fn words_mut(&mut self, nwords: usize) -> &mut [Word] {
        let k = nwords.min(self.words.len());
        &mut self.words[..k]
    }

    /// The first `nwords` words (fewer if not [`prepare`](WorkSet::prepare)d that far).
    #[inline]
    pub(crate) fn words(&self, nwords: usize) -> &[Word] {
        &self.words[..nwords.min(self.words.len())]
    }

    /// ORs `bits` into word `i` if the buffer has it; returns `false` (and changes
    /// nothing) if it does not.
    #[inline(always)]
    fn merge(&mut self, i: usize, bits: Word) -> bool {
        match self.words.get_mut(i) {
            Some(w) => {
                *w |= bits;
                true
            }
            None => false,
        }
    }

    /// Starts setting the bits of a list's fds, straight into this (all-zero) buffer
    /// where they fit.
    #[inline(always)]
    pub(crate) fn gather(&mut self) -> Gather<'_> {
        Gather {
            set: self,
            word: usize::MAX,
            bits: 0,
            fit: true,
        }
    }

    /// Readies the set of a non-empty list `fds` for a call over `span`: makes room
    /// for it and, unless every fd already `fit` (its bit set by [`gather`]), builds
    /// the set from scratch. Does nothing for an empty list.
    ///
    /// [`gather`]: WorkSet::gather
    ///
    /// # Errors
    ///
    /// `OutOfMemory` if the buffer cannot grow.
    #[inline(always)]
    pub(crate) fn arm(&mut self, fds: &[RawFd], fit: bool, span: Span) -> io::Result<()> {
        if !fds.is_empty() {
            self.prepare(span.nwords)?;
            if !fit {
                self.build(fds, span);
            }
        }
        Ok(())
    }

    /// Zeroes the words of `span` (or all, if fewer): `FD_ZERO` of a set whose bits all
    /// lie there.
    #[inline]
    pub(crate) fn wipe(&mut self, span: Span) {
        zero_words(self.words_mut(span.nwords));
    }

    /// `FD_ZERO` then `FD_SET` of every fd of `fds`, straight into the words of `span`
    /// (the buffer the kernel gets). The fds must be non-negative and inside `span`,
    /// with the buffer [`arm`](WorkSet::arm)ed for it; an fd outside the buffer is
    /// skipped.
    #[inline]
    pub(crate) fn build(&mut self, fds: &[RawFd], span: Span) {
        let words = self.words_mut(span.nwords);
        words.fill(0);
        for &fd in fds {
            // A negative fd becomes a huge index and is skipped like any other outsider.
            if let Some(w) = words.get_mut(fd as usize / BITS) {
                *w |= 1 << (fd as usize % BITS);
            }
        }
    }

    /// What the kernel left set in the words of `span`.
    #[inline]
    pub(crate) fn found(&self, span: Span) -> Found<'_> {
        Found(self.words(span.nwords))
    }

    /// Whether `fd` is set.
    #[cfg(test)]
    fn contains(&self, fd: RawFd) -> bool {
        let (word, bit) = position(fd);
        fd >= 0 && self.words.get(word).is_some_and(|w| w & bit != 0)
    }

    /// Forgets the buffer.
    pub(crate) fn release(&mut self) {
        self.words = Vec::new();
    }
}

/// One `select(2)` over `span` of the given sets (`None`: a null pointer).
///
/// # Errors
///
/// As [`sys::select`].
#[inline(always)]
pub(crate) fn kernel_select(
    span: Span,
    [r, w, x]: [Option<&mut WorkSet>; 3],
    timeout: Option<std::time::Duration>,
) -> io::Result<usize> {
    let n = span.nwords;
    sys::select(
        span.nfds,
        r.map(|s| s.words_mut(n)),
        w.map(|s| s.words_mut(n)),
        x.map(|s| s.words_mut(n)),
        timeout,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_until_fd_setsize() {
        let mut s = FdSet::new();
        assert_eq!(s.capacity(), FD_SETSIZE);
        s.insert(FD_SETSIZE as RawFd - 1).unwrap();
        assert!(matches!(s.repr.storage, Storage::Inline(_)));
        s.insert(FD_SETSIZE as RawFd).unwrap();
        assert!(matches!(s.repr.storage, Storage::Heap(_)));
        assert!(s.capacity() > FD_SETSIZE);
        assert_eq!(s.len(), 2);
        s.clear();
        assert!(s.capacity() > FD_SETSIZE, "clear keeps the buffer");
        assert_eq!(s.repr.used_words().len(), 0);
    }

    #[test]
    fn highest_follows_removals() {
        let mut s = FdSet::from_fds([1, 64, 200, 5000]).unwrap();
        assert_eq!(s.highest(), Some(5000));
        assert!(s.remove(5000).unwrap());
        assert_eq!(s.highest(), Some(200));
        assert!(s.remove(64).unwrap());
        assert_eq!(s.highest(), Some(200));
        assert!(s.remove(200).unwrap());
        assert_eq!(s.highest(), Some(1));
        assert!(s.remove(1).unwrap());
        assert_eq!(s.highest(), None);
        assert!(s.is_empty());
    }

    #[test]
    fn workset_load_zeroes_tail() {
        let src = FdSet::from_fds([3, 70]).unwrap();
        let mut w = WorkSet::default();
        w.prepare(4).unwrap();
        w.words.fill(!0);
        let words = w.load(&src, 4);
        assert_eq!(words.len(), 4);
        assert!(w.contains(3) && w.contains(70) && !w.contains(4) && !w.contains(200));
        assert_eq!(w.words(4)[3], 0);
        assert_eq!(w.words(1_000_000).len(), 4);
    }
}
