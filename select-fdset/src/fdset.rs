//! [`FdSet`]: a growable bit set of fds laid out as the kernel's `fd_set`.

use std::fmt;
use std::io;
use std::os::fd::RawFd;

use select_core::error::invalid_input;
use select_core::Waitable;

use crate::sys::{Word, BITS, FD_SETSIZE};

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
    #[inline]
    fn words(&self) -> &[Word] {
        match self {
            Storage::Inline(a) => a,
            Storage::Heap(b) => b,
        }
    }
    #[inline]
    fn words_mut(&mut self) -> &mut [Word] {
        match self {
            Storage::Inline(a) => a,
            Storage::Heap(b) => b,
        }
    }
}

/// A set of file descriptors stored as the kernel's `fd_set`: bit `fd % W` of word
/// `fd / W`, where the word is the C library's `fd_mask` (`long` on Linux, FreeBSD,
/// DragonFly, illumos and Solaris; 32 bits on macOS, NetBSD and OpenBSD) of `W` bits.
///
/// Up to `FD_SETSIZE` fds (1024 on Linux, macOS, FreeBSD and OpenBSD; 256 on NetBSD;
/// 65536 on 64-bit illumos and Solaris, an 8 KiB value there) fit in the value itself, without a heap allocation, exactly as a C `fd_set`. A
/// higher fd moves the set to a heap buffer of the needed size, which is kept (and
/// reused) from then on: [`clear`](FdSet::clear) never frees, and a set that was once
/// large never allocates again for fds it already had room for.
///
/// Every method is safe for any input: a negative fd is refused with `InvalidInput`
/// (where it could be stored) or simply not contained.
///
/// Corresponds to the C macros `FD_SET`, `FD_CLR`, `FD_ISSET` and `FD_ZERO`, without their
/// `FD_SETSIZE` limit.
///
/// # Examples
///
/// ```
/// use select_fdset::FdSet;
///
/// let mut set = FdSet::new();
/// assert!(set.insert(5)?);
/// assert!(!set.insert(5)?); // already there
/// set.insert(3)?;
/// set.insert(15_000)?; // beyond FD_SETSIZE: moves to the heap
/// assert_eq!(set.iter().collect::<Vec<_>>(), [3, 5, 15_000]);
/// assert_eq!(set.highest(), Some(15_000));
/// assert!(set.contains(3) && !set.contains(4) && !set.contains(-1));
///
/// let err = set.insert(-2).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// assert!(err.to_string().contains("-2"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct FdSet {
    storage: Storage,
    len: usize,
    /// The highest member, or -1 when empty. Every bit above it is zero.
    highest: RawFd,
}

impl FdSet {
    /// An empty set with room for `FD_SETSIZE` fds, without allocating.
    #[must_use]
    pub const fn new() -> FdSet {
        FdSet {
            storage: Storage::Inline([0; INLINE_WORDS]),
            len: 0,
            highest: -1,
        }
    }

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

    /// A set holding the given fds.
    ///
    /// # Errors
    ///
    /// As [`insert`](FdSet::insert): `InvalidInput` naming the first negative fd.
    pub fn from_fds<I: IntoIterator<Item = RawFd>>(fds: I) -> io::Result<FdSet> {
        let mut set = FdSet::new();
        for fd in fds {
            set.insert(fd)?;
        }
        Ok(set)
    }

    /// How many fds the set can hold without allocating: every fd below this number.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.storage.words().len() * BITS
    }

    /// Makes room for every fd up to and including `max_fd`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` naming `max_fd` if it is negative (Python's `ValueError("file
    /// descriptor cannot be a negative integer (N)")`); `OutOfMemory` if the buffer cannot
    /// be allocated.
    pub fn reserve(&mut self, max_fd: RawFd) -> io::Result<()> {
        let (word, _) = position(max_fd)?;
        self.ensure_words(word + 1)
    }

    #[inline]
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

    /// Adds `fd`; returns whether it was not already present (`FD_SET`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` naming `fd` if it is negative (Python's `ValueError`);
    /// `OutOfMemory` if a larger buffer is needed and cannot be allocated.
    #[inline]
    pub fn insert(&mut self, fd: RawFd) -> io::Result<bool> {
        let (word, bit) = position(fd)?;
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

    /// Removes `fd`; returns whether it was present (`FD_CLR`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` naming `fd` if it is negative (Python's `ValueError`).
    #[inline]
    pub fn remove(&mut self, fd: RawFd) -> io::Result<bool> {
        let (word, bit) = position(fd)?;
        let Some(w) = self.storage.words_mut().get_mut(word) else {
            return Ok(false);
        };
        if *w & bit == 0 {
            return Ok(false);
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
        Ok(true)
    }

    /// Whether `fd` is in the set (`FD_ISSET`); `false` for a negative fd.
    #[inline]
    #[must_use]
    pub fn contains(&self, fd: RawFd) -> bool {
        match position(fd) {
            Ok((word, bit)) => self.storage.words().get(word).is_some_and(|w| w & bit != 0),
            Err(_) => false,
        }
    }

    /// Empties the set, keeping its buffer (`FD_ZERO`). Costs O(highest fd / word bits).
    #[inline]
    pub fn clear(&mut self) {
        let used = self.used_words_len();
        self.storage.words_mut()[..used].fill(0);
        self.len = 0;
        self.highest = -1;
    }

    /// How many fds are in the set.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is empty.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The highest fd in the set (`nfds - 1` for `select(2)`), or `None` when empty.
    #[inline]
    #[must_use]
    pub fn highest(&self) -> Option<RawFd> {
        (self.highest >= 0).then_some(self.highest)
    }

    /// The fds in the set, in increasing order.
    #[inline]
    #[must_use]
    pub fn iter(&self) -> Iter<'_> {
        Iter::new(self.used_words())
    }

    /// The whole buffer as the kernel sees it: [`capacity`](FdSet::capacity) bits, at
    /// least `FD_SETSIZE`, in words of the C library's `fd_mask` type.
    #[inline]
    #[must_use]
    pub fn as_words(&self) -> &[Word] {
        self.storage.words()
    }

    /// The words up to and including the one holding the highest fd.
    #[inline]
    pub(crate) fn used_words(&self) -> &[Word] {
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

/// Word index and bit mask of a non-negative fd.
#[inline]
fn position(fd: RawFd) -> io::Result<(usize, Word)> {
    let fd = fd.fileno()? as usize;
    Ok((fd / BITS, 1 << (fd % BITS)))
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

impl Default for FdSet {
    fn default() -> FdSet {
        FdSet::new()
    }
}

impl PartialEq for FdSet {
    /// Equal when they hold the same fds, whatever their capacities.
    fn eq(&self, other: &FdSet) -> bool {
        self.highest == other.highest && self.used_words() == other.used_words()
    }
}

impl Eq for FdSet {}

impl fmt::Debug for FdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a FdSet {
    type Item = RawFd;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Iterator over the fds of an [`FdSet`] in increasing order, from
/// [`FdSet::iter`]. Skips empty words whole.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
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

impl std::iter::FusedIterator for Iter<'_> {}

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

/// A scratch buffer `select(2)` overwrites: loaded from an [`FdSet`] before every call,
/// read bit by bit after it. Grows only when a higher fd appears.
#[derive(Debug, Default, Clone)]
pub(crate) struct WorkSet {
    words: Vec<Word>,
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
    pub(crate) fn merge(&mut self, i: usize, bits: Word) -> bool {
        match self.words.get_mut(i) {
            Some(w) => {
                *w |= bits;
                true
            }
            None => false,
        }
    }

    /// Readies the set of a non-empty list `fds` for a call with `nwords` words: makes
    /// room for them and, unless every fd already `fit` (its bit set), builds the set
    /// from scratch. Does nothing for an empty list.
    ///
    /// # Errors
    ///
    /// `OutOfMemory` if the buffer cannot grow.
    #[inline(always)]
    pub(crate) fn arm(&mut self, fds: &[RawFd], fit: bool, nwords: usize) -> io::Result<()> {
        if !fds.is_empty() {
            self.prepare(nwords)?;
            if !fit {
                self.build(fds, nwords);
            }
        }
        Ok(())
    }

    /// Zeroes the first `nwords` words (or all, if fewer): `FD_ZERO` of a set whose
    /// bits all lie there.
    #[inline]
    pub(crate) fn wipe(&mut self, nwords: usize) {
        zero_words(self.words_mut(nwords));
    }

    /// `FD_ZERO` then `FD_SET` of every fd of `fds`, straight into the first `nwords`
    /// words (the buffer the kernel gets). The fds must be non-negative and below
    /// `nwords * BITS`, with the buffer [`prepare`](WorkSet::prepare)d for `nwords`; an
    /// fd outside the buffer is skipped.
    #[inline]
    pub(crate) fn build(&mut self, fds: &[RawFd], nwords: usize) {
        let words = self.words_mut(nwords);
        words.fill(0);
        for &fd in fds {
            // A negative fd becomes a huge index and is skipped like any other outsider.
            if let Some(w) = words.get_mut(fd as usize / BITS) {
                *w |= 1 << (fd as usize % BITS);
            }
        }
    }

    /// Appends to `out` the index of every entry of `fds` whose bit is set among the
    /// first `nwords` words (`FD_ISSET` of each list entry, duplicates included).
    #[inline]
    pub(crate) fn ready_indices(&self, fds: &[RawFd], nwords: usize, out: &mut Vec<usize>) {
        let words = self.words(nwords);
        for (i, &fd) in fds.iter().enumerate() {
            let fd = fd as usize;
            if words
                .get(fd / BITS)
                .is_some_and(|w| w & (1 << (fd % BITS)) != 0)
            {
                out.push(i);
            }
        }
    }

    /// Whether `fd` is set.
    #[cfg(test)]
    fn contains(&self, fd: RawFd) -> bool {
        match position(fd) {
            Ok((word, bit)) => self.words.get(word).is_some_and(|w| w & bit != 0),
            Err(_) => false,
        }
    }

    /// Forgets the buffer.
    pub(crate) fn release(&mut self) {
        self.words = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_until_fd_setsize() {
        let mut s = FdSet::new();
        assert_eq!(s.capacity(), FD_SETSIZE);
        s.insert(FD_SETSIZE as RawFd - 1).unwrap();
        assert!(matches!(s.storage, Storage::Inline(_)));
        s.insert(FD_SETSIZE as RawFd).unwrap();
        assert!(matches!(s.storage, Storage::Heap(_)));
        assert!(s.capacity() > FD_SETSIZE);
        assert_eq!(s.len(), 2);
        s.clear();
        assert!(s.capacity() > FD_SETSIZE, "clear keeps the buffer");
        assert_eq!(s.used_words().len(), 0);
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
