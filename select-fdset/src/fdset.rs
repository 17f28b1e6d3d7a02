//! [`FdSet`]: a growable set of fds laid out as the kernel's `fd_set`, over the
//! platform's representation: a bitmap of `fd_mask` words on Unix (`fdset/unix.rs`),
//! Winsock's counted `SOCKET` array on Windows (`fdset/windows.rs`). Each platform file
//! also holds the working sets a wait hands to the kernel.

use std::fmt;
use std::io;

use select_core::{RawFd, Waitable};

#[cfg_attr(unix, path = "fdset/unix.rs")]
#[cfg_attr(windows, path = "fdset/windows.rs")]
mod imp;

pub(crate) use imp::{kernel_select, Bounds, Found, Span, WorkSet};

/// A set of file descriptors laid out as the kernel's `fd_set`, in a buffer that grows
/// past [`FD_SETSIZE`](crate::FD_SETSIZE) instead of stopping there.
///
/// Every method is safe for any input: a raw value that is not an fd (negative on Unix,
/// `INVALID_SOCKET` on Windows) is refused with `InvalidInput` where it would be stored
/// or removed, and simply not contained.
///
/// Corresponds to the C macros `FD_SET`, `FD_CLR`, `FD_ISSET` and `FD_ZERO`, without their
/// `FD_SETSIZE` limit.
///
/// # Platforms
///
/// On Unix, a bit set: bit `fd % W` of word `fd / W`, where the word is the C library's
/// `fd_mask` (`Word`: `long` on Linux, FreeBSD, DragonFly, illumos and
/// Solaris; 32 bits on macOS, NetBSD and OpenBSD) of `W` bits. Up to `FD_SETSIZE` fds
/// (1024 on Linux, macOS, FreeBSD and OpenBSD; 256 on NetBSD; 65536 on 64-bit illumos and
/// Solaris, an 8 KiB value there) fit in the value itself, without a heap allocation,
/// exactly as a C `fd_set`. A higher fd moves the set to a heap buffer of the needed
/// size, which is kept (and reused) from then on: [`clear`](FdSet::clear) never frees,
/// and a set that was once large never allocates again for fds it already had room for.
/// [`iter`](FdSet::iter) yields the fds in increasing order.
///
/// On Windows, a set of sockets laid out as Winsock's `fd_set` — a count followed by an
/// array of `SOCKET` handles — in a buffer that grows as sockets are added, so it holds
/// more than `FD_SETSIZE` (64) of them. Membership is a linear scan, as with the C
/// macros: inserting `n` sockets one by one is O(n²) ([`select`](crate::select()) and
/// [`SelectSelector`](crate::SelectSelector) build their sets without that cost).
/// [`iter`](FdSet::iter) yields the sockets in the order they were added. It offers
/// `with_capacity` instead of the Unix set's `with_max_fd`, `reserve`, `highest` and
/// `as_words`.
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
/// set.insert(15_000)?; // on Unix beyond FD_SETSIZE: the buffer grows
/// assert_eq!(set.len(), 3);
/// assert!(set.contains(3) && !set.contains(4));
/// assert!(set.remove(5)? && !set.contains(5));
///
/// #[cfg(unix)]
/// {
///     // A bit set: the fds come out in increasing order; a negative fd is refused.
///     set.insert(5)?;
///     assert_eq!(set.iter().collect::<Vec<_>>(), [3, 5, 15_000]);
///     assert_eq!(set.highest(), Some(15_000));
///     assert!(!set.contains(-1));
///     let err = set.insert(-2).unwrap_err();
///     assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
///     assert!(err.to_string().contains("-2"));
/// }
/// #[cfg(windows)]
/// {
///     // Any socket handle, such as a real socket's; `INVALID_SOCKET` is refused.
///     use select_fdset::Waitable;
///     let a = std::net::UdpSocket::bind("127.0.0.1:0")?;
///     assert!(set.insert(a.fileno()?)?);
///     assert!(set.contains(a.fileno()?));
///     assert_eq!(set.len(), 3);
///     assert!(set.insert(!0).is_err());
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct FdSet {
    repr: imp::Repr,
}

impl FdSet {
    /// An empty set, without allocating (on Unix, with room for `FD_SETSIZE` fds).
    #[must_use]
    pub const fn new() -> FdSet {
        FdSet {
            repr: imp::Repr::new(),
        }
    }

    /// A set holding the given fds (each once).
    ///
    /// # Errors
    ///
    /// As [`insert`](FdSet::insert): `InvalidInput` naming the first fd that is not one.
    pub fn from_fds<I: IntoIterator<Item = RawFd>>(fds: I) -> io::Result<FdSet> {
        let mut set = FdSet::new();
        for fd in fds {
            set.insert(fd)?;
        }
        Ok(set)
    }

    /// Adds `fd`; returns whether it was not already present (`FD_SET`, without its
    /// silent stop at `FD_SETSIZE`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` naming `fd` if it is negative (Python's `ValueError`), on Windows
    /// for `INVALID_SOCKET`; `OutOfMemory` if a larger buffer is needed and cannot be
    /// allocated.
    #[inline]
    pub fn insert(&mut self, fd: RawFd) -> io::Result<bool> {
        let fd = fd.fileno()?;
        self.repr.insert(fd)
    }

    /// [`insert`](FdSet::insert) of an fd the caller has checked (the selector's, whose
    /// skeleton refused bad fds before): no check, inlined whole into the register path.
    #[cfg(unix)]
    #[inline(always)]
    pub(crate) fn insert_checked(&mut self, fd: RawFd) -> io::Result<bool> {
        self.repr.insert(fd)
    }

    /// [`remove`](FdSet::remove) of an fd the caller has checked, as
    /// [`insert_checked`](FdSet::insert_checked).
    #[cfg(unix)]
    #[inline(always)]
    pub(crate) fn remove_checked(&mut self, fd: RawFd) -> bool {
        self.repr.remove(fd)
    }

    /// Removes `fd`; returns whether it was present (`FD_CLR`). On Windows the last
    /// socket takes its place (order inside the set carries no meaning).
    ///
    /// # Errors
    ///
    /// `InvalidInput` naming `fd` if it is negative (Python's `ValueError`), on Windows
    /// for `INVALID_SOCKET`.
    #[inline]
    pub fn remove(&mut self, fd: RawFd) -> io::Result<bool> {
        let fd = fd.fileno()?;
        Ok(self.repr.remove(fd))
    }

    /// Whether `fd` is in the set (`FD_ISSET`); `false` for a negative fd (or
    /// `INVALID_SOCKET`).
    #[inline]
    #[must_use]
    pub fn contains(&self, fd: RawFd) -> bool {
        fd.fileno().is_ok_and(|fd| self.repr.contains(fd))
    }

    /// Empties the set, keeping its buffer (`FD_ZERO`). On Unix it costs O(highest fd /
    /// word bits).
    #[inline]
    pub fn clear(&mut self) {
        self.repr.clear();
    }

    /// How many fds are in the set.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.repr.len()
    }

    /// Whether the set is empty.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many fds the set can hold without allocating: on Unix, every fd below this
    /// number; on Windows, this many sockets.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.repr.capacity()
    }

    /// The fds in the set: on Unix in increasing order, on Windows in the order they were
    /// added (a removal moves the last one into the gap).
    #[inline]
    #[must_use]
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.repr.iter(),
        }
    }
}

impl Default for FdSet {
    fn default() -> FdSet {
        FdSet::new()
    }
}

impl PartialEq for FdSet {
    /// Equal when they hold the same fds, whatever their capacities (and, on Windows,
    /// their order).
    fn eq(&self, other: &FdSet) -> bool {
        self.repr == other.repr
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

/// Iterator over the fds of an [`FdSet`], from [`FdSet::iter`]: on Unix in increasing
/// order (skipping empty words whole), on Windows in the set's order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    inner: imp::Iter<'a>,
}

impl Iterator for Iter<'_> {
    type Item = RawFd;

    #[inline]
    fn next(&mut self) -> Option<RawFd> {
        self.inner.next()
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
