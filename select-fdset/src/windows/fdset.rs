//! [`FdSet`] on Windows: Winsock's counted array of sockets, growable.

use std::fmt;
use std::io;

use select_core::{RawFd, Waitable};

use crate::sys::Slot;

/// A set of sockets laid out as Winsock's `fd_set` — a count followed by an array of
/// `SOCKET` handles — in a buffer that grows as sockets are added, so it holds more
/// than [`FD_SETSIZE`](crate::FD_SETSIZE) (64) of them.
///
/// Membership is a linear scan, as with the C macros `FD_SET`/`FD_ISSET`: inserting `n`
/// sockets one by one is O(n²). [`select`](crate::select) and
/// [`SelectSelector`](crate::SelectSelector) build their sets without that cost.
///
/// # Examples
///
/// ```
/// use std::net::UdpSocket;
/// use select_fdset::{FdSet, Waitable};
///
/// let a = UdpSocket::bind("127.0.0.1:0")?;
/// let mut set = FdSet::new();
/// assert!(set.insert(a.fileno()?)?);
/// assert!(!set.insert(a.fileno()?)?); // already there
/// assert!(set.contains(a.fileno()?));
/// assert_eq!(set.len(), 1);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct FdSet {
    /// `[count, socket, socket, ...]`: the C layout, `count == slots.len() - 1`; or
    /// empty (no sockets, the count slot not yet allocated).
    slots: Vec<Slot>,
}

impl FdSet {
    /// An empty set. Allocates nothing.
    pub const fn new() -> FdSet {
        FdSet { slots: Vec::new() }
    }

    /// An empty set with room for `n` sockets.
    pub fn with_capacity(n: usize) -> FdSet {
        FdSet {
            slots: Vec::with_capacity(n.saturating_add(1)),
        }
    }

    /// A set of the given sockets (duplicates kept once).
    ///
    /// # Errors
    ///
    /// As [`insert`](FdSet::insert).
    pub fn from_fds<I: IntoIterator<Item = RawFd>>(fds: I) -> io::Result<FdSet> {
        let mut set = FdSet::new();
        for fd in fds {
            set.insert(fd)?;
        }
        Ok(set)
    }

    /// Adds `fd`; returns whether it was absent (Winsock's `FD_SET`, which skips
    /// duplicates, but without its silent stop at `FD_SETSIZE`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` for `INVALID_SOCKET`; `OutOfMemory` if the buffer cannot grow.
    pub fn insert(&mut self, fd: RawFd) -> io::Result<bool> {
        let fd = fd.fileno()? as Slot;
        if self.sockets().contains(&fd) {
            return Ok(false);
        }
        self.push(fd)?;
        Ok(true)
    }

    /// Removes `fd`; returns whether it was present. The last socket takes its place
    /// (order inside the set carries no meaning).
    ///
    /// # Errors
    ///
    /// `InvalidInput` for `INVALID_SOCKET`.
    pub fn remove(&mut self, fd: RawFd) -> io::Result<bool> {
        let fd = fd.fileno()? as Slot;
        match self.sockets().iter().position(|&s| s == fd) {
            Some(i) => {
                self.slots.swap_remove(i + 1);
                self.slots[0] -= 1;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Whether `fd` is in the set (Winsock's `FD_ISSET`).
    pub fn contains(&self, fd: RawFd) -> bool {
        self.sockets().contains(&(fd as Slot))
    }

    /// Empties the set, keeping its buffer.
    pub fn clear(&mut self) {
        self.slots.clear();
    }

    /// How many sockets are in the set.
    pub fn len(&self) -> usize {
        self.slots.len().saturating_sub(1)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many sockets the set holds without growing.
    pub fn capacity(&self) -> usize {
        self.slots.capacity().saturating_sub(1)
    }

    /// The sockets, in the order they were added (a removal moves the last one into the
    /// gap; a wait keeps only the ready ones).
    pub fn iter(&self) -> Iter<'_> {
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

    /// Binary search for `fd` in a set sorted by [`sort_dedup`](FdSet::sort_dedup).
    #[inline]
    pub(crate) fn sorted_contains(&self, fd: Slot) -> bool {
        self.sockets().binary_search(&fd).is_ok()
    }

    /// The sorted sockets (after [`sort_dedup`](FdSet::sort_dedup)).
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
    pub(crate) fn copy_from(&mut self, other: &FdSet) -> io::Result<()> {
        self.slots.clear();
        self.slots
            .try_reserve(other.slots.len())
            .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
        self.slots.extend_from_slice(&other.slots);
        Ok(())
    }
}

impl Default for FdSet {
    fn default() -> FdSet {
        FdSet::new()
    }
}

impl fmt::Debug for FdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl PartialEq for FdSet {
    /// Equal when they hold the same sockets, in any order.
    fn eq(&self, other: &FdSet) -> bool {
        self.len() == other.len() && self.iter().all(|s| other.contains(s))
    }
}

impl Eq for FdSet {}

impl<'a> IntoIterator for &'a FdSet {
    type Item = RawFd;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The sockets of an [`FdSet`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
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

impl ExactSizeIterator for Iter<'_> {}
