//! The Windows representation of [`FdSet`]: Winsock's counted array of sockets in a
//! buffer that grows; the same array serves as the working set a wait hands to Winsock
//! ([`WorkSet`]), with the trivial [`Bounds`] and [`Span`] of a call (Winsock has no
//! `nfds` and no fd table to check).

use std::io;
use std::time::Duration;

use select_core::RawFd;

use super::FdSet;
use crate::sys::{self, Slot};

/// What an [`FdSet`] holds on Windows: `[count, socket, socket, ...]`, the C layout,
/// `count == slots.len() - 1`; or empty (no sockets, the count slot not yet allocated).
#[derive(Debug, Default, Clone)]
pub(crate) struct Repr {
    slots: Vec<Slot>,
}

/// A wait's working set is the same counted array, which Winsock overwrites with the
/// ready sockets.
pub(crate) type WorkSet = Repr;

impl Repr {
    pub(crate) const fn new() -> Repr {
        Repr { slots: Vec::new() }
    }

    pub(crate) fn insert(&mut self, fd: RawFd) -> io::Result<bool> {
        let fd = fd as Slot;
        if self.sockets().contains(&fd) {
            return Ok(false);
        }
        self.push(fd)?;
        Ok(true)
    }

    pub(crate) fn remove(&mut self, fd: RawFd) -> bool {
        let fd = fd as Slot;
        match self.sockets().iter().position(|&s| s == fd) {
            Some(i) => {
                self.slots.swap_remove(i + 1);
                self.slots[0] -= 1;
                true
            }
            None => false,
        }
    }

    pub(crate) fn contains(&self, fd: RawFd) -> bool {
        self.sockets().contains(&(fd as Slot))
    }

    pub(crate) fn clear(&mut self) {
        self.slots.clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len().saturating_sub(1)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn capacity(&self) -> usize {
        self.slots.capacity().saturating_sub(1)
    }

    pub(crate) fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.sockets().iter(),
        }
    }

    #[inline]
    fn sockets(&self) -> &[Slot] {
        self.slots.get(1..).unwrap_or(&[])
    }

    /// Appends `fd` without looking for it.
    #[inline]
    pub(crate) fn push(&mut self, fd: Slot) -> io::Result<()> {
        if self.slots.len() == self.slots.capacity() {
            self.slots
                .try_reserve(self.slots.len().max(2))
                .map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::OutOfMemory,
                        format!("cannot allocate an fd set for {} sockets", self.len() * 2),
                    )
                })?;
        }
        if self.slots.is_empty() {
            self.slots.push(0);
        }
        self.slots.push(fd);
        self.slots[0] += 1;
        Ok(())
    }

    /// Sorts the sockets and drops duplicates, for binary search.
    pub(crate) fn sort_dedup(&mut self) {
        let n = self.len();
        if n < 2 {
            return;
        }
        self.slots[1..].sort_unstable();
        // The last kept socket is at `slots[kept]`.
        let mut kept = 1;
        for i in 2..=n {
            if self.slots[i] != self.slots[kept] {
                kept += 1;
                self.slots[kept] = self.slots[i];
            }
        }
        self.slots.truncate(kept + 1);
        self.slots[0] = kept;
    }

    /// The sorted sockets (after [`sort_dedup`](Repr::sort_dedup)).
    #[inline]
    pub(crate) fn sorted(&self) -> &[Slot] {
        self.sockets()
    }

    /// The C-layout buffer, for `sys::select` (with its count slot, even when empty).
    #[inline]
    pub(crate) fn slots_mut(&mut self) -> &mut Vec<Slot> {
        if self.slots.is_empty() {
            self.slots.push(0);
        }
        &mut self.slots
    }

    /// Makes this set a copy of `other`, reusing the buffer.
    #[inline]
    pub(crate) fn copy_from(&mut self, other: &Repr) -> io::Result<()> {
        self.slots.clear();
        self.slots
            .try_reserve(other.slots.len())
            .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
        self.slots.extend_from_slice(&other.slots);
        Ok(())
    }

    /// Nothing is set while a `select()` call converts its lists: the array is built
    /// by [`arm`](Repr::arm).
    #[inline]
    pub(crate) fn gather(&mut self) -> Gather {
        Gather
    }

    /// Builds the array of a non-empty list `fds` for a call, with room for every
    /// handle so that [`build`](Repr::build) never allocates. Does nothing for an empty
    /// list.
    ///
    /// # Errors
    ///
    /// `OutOfMemory` if the buffer cannot grow.
    #[inline]
    pub(crate) fn arm(&mut self, fds: &[RawFd], _fit: bool, span: Span) -> io::Result<()> {
        if !fds.is_empty() {
            self.slots.clear();
            self.slots
                .try_reserve(fds.len() + 1)
                .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
            self.build(fds, span);
        }
        Ok(())
    }

    /// The array of `fds`, sorted, each handle once (Winsock's `FD_SET` skips
    /// duplicates too), in the room [`arm`](Repr::arm) made.
    pub(crate) fn build(&mut self, fds: &[RawFd], _span: Span) {
        self.slots.clear();
        self.slots.push(fds.len());
        self.slots.extend(fds.iter().map(|&fd| fd as Slot));
        self.sort_dedup();
    }

    /// Empties the array, keeping its buffer.
    #[inline]
    pub(crate) fn wipe(&mut self, _span: Span) {
        self.slots.clear();
    }

    /// The sockets Winsock left in the array, sorted for binary search.
    #[inline]
    pub(crate) fn found(&mut self, _span: Span) -> Found<'_> {
        self.sort_dedup();
        Found(self.sorted())
    }
}

impl PartialEq for Repr {
    fn eq(&self, other: &Repr) -> bool {
        self.len() == other.len() && self.sockets().iter().all(|&s| other.sockets().contains(&s))
    }
}

/// The counted array's own API, which the Unix bit set does not have.
impl FdSet {
    /// An empty set with room for `n` sockets.
    pub fn with_capacity(n: usize) -> FdSet {
        FdSet {
            repr: Repr {
                slots: Vec::with_capacity(n.saturating_add(1)),
            },
        }
    }
}

/// The sockets of a counted array, in its order.
#[derive(Debug, Clone)]
pub(crate) struct Iter<'a> {
    inner: std::slice::Iter<'a, Slot>,
}

impl Iterator for Iter<'_> {
    type Item = RawFd;

    #[inline]
    fn next(&mut self) -> Option<RawFd> {
        self.inner.next().map(|&s| s as RawFd)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for super::Iter<'_> {}

/// What a `select()` call tracks of its handles: nothing, as Winsock ignores `nfds` and
/// reports closed or foreign handles itself (`WSAENOTSOCK`).
#[derive(Clone, Copy)]
pub(crate) struct Bounds;

/// How much of the sets a call covers: all of each array.
#[derive(Clone, Copy)]
pub(crate) struct Span;

impl Bounds {
    pub(crate) const fn new() -> Bounds {
        Bounds
    }

    #[inline(always)]
    pub(crate) fn widen(&mut self, _fd: RawFd) {}

    #[inline]
    pub(crate) fn span(&self) -> Span {
        Span
    }

    /// No checks between conversion and wait: Winsock makes them.
    ///
    /// # Errors
    ///
    /// None.
    #[inline(always)]
    pub(crate) fn check(&self, _lists: [&[RawFd]; 3]) -> io::Result<Span> {
        Ok(Span)
    }
}

/// A list's handles on their way into a [`WorkSet`]: none is stored while converting.
pub(crate) struct Gather;

impl Gather {
    #[inline(always)]
    pub(crate) fn add(&mut self, _fd: RawFd) {}

    /// `false`: the array is always built by [`Repr::arm`].
    #[inline(always)]
    pub(crate) fn finish(self) -> bool {
        false
    }
}

/// The sorted sockets Winsock reported ready in one set.
#[derive(Clone, Copy)]
pub(crate) struct Found<'a>(&'a [Slot]);

impl Found<'_> {
    /// Whether `fd` was reported ready (binary search).
    #[inline]
    pub(crate) fn contains(self, fd: RawFd) -> bool {
        self.0.binary_search(&(fd as Slot)).is_ok()
    }
}

/// One Winsock `select` over the given arrays (`None`: a null pointer).
///
/// # Errors
///
/// As `sys::select`.
#[inline]
pub(crate) fn kernel_select(
    _span: Span,
    [r, w, x]: [Option<&mut WorkSet>; 3],
    timeout: Option<Duration>,
) -> io::Result<usize> {
    sys::select(
        r.map(Repr::slots_mut),
        w.map(Repr::slots_mut),
        x.map(Repr::slots_mut),
        timeout,
    )
}
