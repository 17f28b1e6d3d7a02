//! The registration table every backend selector keeps, with the shared rules.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;

use crate::error::{already_registered, closed, not_registered};
use crate::RawFd;
use crate::{Interest, SelectorKey};

/// The registration table behind every backend's [`Selector`](crate::Selector).
///
/// It enforces the contract's bookkeeping rules once for all backends: the selector is
/// open, the interest is valid, the fd is (or is not) registered; the backend supplies
/// only the kernel step as a closure, run after the checks and before the table changes,
/// so a kernel refusal leaves the table untouched.
///
/// Lookups are O(1) (a hash map keyed by fd, with a multiplicative hash).
///
/// ```
/// use select_core::{Interest, Registry};
/// let mut reg: Registry<&str> = Registry::new("poll");
/// reg.register(3, Interest::READ, "three", |_fd, _i| Ok(()))?;
/// assert_eq!(reg.get(3)?.data, "three");
/// let e = reg.register(3, Interest::READ, "again", |_, _| Ok(())).unwrap_err();
/// assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
/// let key = reg.unregister(3, |_, _| ())?;
/// assert_eq!(key.fd, 3);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Registry<T> {
    keys: HashMap<RawFd, SelectorKey<T>, BuildHasherDefault<FdHasher>>,
    closed: bool,
    what: &'static str,
}

impl<T> Registry<T> {
    /// An empty, open table. `what` names the object in the closed error
    /// (`"I/O operation on closed {what} selector"`).
    #[must_use]
    pub fn new(what: &'static str) -> Registry<T> {
        Registry {
            keys: HashMap::default(),
            closed: false,
            what,
        }
    }

    /// `Ok` while open.
    ///
    /// # Errors
    ///
    /// `InvalidInput`, "I/O operation on closed {what} selector object", after
    /// [`close`](Registry::close).
    #[inline]
    pub fn check_open(&self) -> io::Result<()> {
        if self.closed {
            Err(self.closed_error())
        } else {
            Ok(())
        }
    }

    // Out of line: the message is built only after `close`, off every wait's hot path.
    #[cold]
    #[inline(never)]
    fn closed_error(&self) -> io::Error {
        closed(&format!("{} selector", self.what))
    }

    /// Registers `fd`: checks, runs `kernel(fd, interest)`, then records the key.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when closed or for an empty/unknown interest, `AlreadyExists` if
    /// registered, or `kernel`'s error (nothing is recorded then).
    pub fn register(
        &mut self,
        fd: RawFd,
        interest: Interest,
        data: T,
        kernel: impl FnOnce(RawFd, Interest) -> io::Result<()>,
    ) -> io::Result<&SelectorKey<T>> {
        self.check_open()?;
        interest.validate()?;
        if self.keys.contains_key(&fd) {
            return Err(already_registered(fd));
        }
        kernel(fd, interest)?;
        let key = SelectorKey { fd, interest, data };
        Ok(self.keys.entry(fd).or_insert(key))
    }

    /// Modifies `fd`: checks, runs `kernel(fd, old_interest, new_interest)`, then updates
    /// the key.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when closed or for an empty/unknown interest, `NotFound` if not
    /// registered, or `kernel`'s error (the old key stays then).
    pub fn modify(
        &mut self,
        fd: RawFd,
        interest: Interest,
        data: T,
        kernel: impl FnOnce(RawFd, Interest, Interest) -> io::Result<()>,
    ) -> io::Result<&SelectorKey<T>> {
        self.check_open()?;
        interest.validate()?;
        let key = self.keys.get_mut(&fd).ok_or_else(|| not_registered(fd))?;
        if key.interest != interest {
            kernel(fd, key.interest, interest)?;
            key.interest = interest;
        }
        key.data = data;
        Ok(key)
    }

    /// Unregisters `fd`: removes the key, then runs `kernel(fd, old_interest)`, whose
    /// failures (a closed or reused fd) the backend is expected to ignore.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when closed, `NotFound` if not registered.
    pub fn unregister(
        &mut self,
        fd: RawFd,
        kernel: impl FnOnce(RawFd, Interest),
    ) -> io::Result<SelectorKey<T>> {
        self.check_open()?;
        let key = self.keys.remove(&fd).ok_or_else(|| not_registered(fd))?;
        kernel(fd, key.interest);
        Ok(key)
    }

    /// The key of `fd`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when closed, `NotFound` if not registered.
    #[inline]
    pub fn get(&self, fd: RawFd) -> io::Result<&SelectorKey<T>> {
        self.check_open()?;
        self.keys.get(&fd).ok_or_else(|| not_registered(fd))
    }

    /// The registered interest of `fd`, if any (no error, for backends' wait loops).
    #[inline]
    #[must_use]
    pub fn interest(&self, fd: RawFd) -> Option<Interest> {
        self.keys.get(&fd).map(|k| k.interest)
    }

    /// Every key, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &SelectorKey<T>> {
        self.keys.values()
    }

    /// How many fds are registered.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether nothing is registered.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Forgets every key and refuses further calls. Idempotent.
    pub fn close(&mut self) {
        self.keys = HashMap::default();
        self.closed = true;
    }

    /// Whether [`close`](Registry::close) was called.
    #[inline]
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed
    }
}

/// A hasher for fds: one multiplication (fds are small dense integers, and a `RawFd`
/// key is hashed with a single `write_i32`).
#[derive(Debug, Default, Clone, Copy)]
pub struct FdHasher(u64);

impl Hasher for FdHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    #[inline]
    fn write_i32(&mut self, n: i32) {
        self.0 = (n as u32 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok2(_: RawFd, _: Interest) -> io::Result<()> {
        Ok(())
    }

    #[test]
    fn register_rules() {
        let mut r: Registry<u32> = Registry::new("test");
        assert_eq!(
            r.register(5, Interest::EMPTY, 0, ok2).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        let e = r
            .register(5, Interest::READ, 0, |_, _| {
                Err(io::Error::from_raw_os_error(libc::EBADF))
            })
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        assert!(r.get(5).is_err(), "a kernel refusal records nothing");
        r.register(5, Interest::READ, 1, ok2).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r.interest(5), Some(Interest::READ));
        let e = r.register(5, Interest::WRITE, 2, ok2).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(r.get(5).unwrap().data, 1);
    }

    #[test]
    fn modify_rules() {
        let mut r: Registry<u32> = Registry::new("test");
        let e = r
            .modify(9, Interest::READ, 0, |_, _, _| Ok(()))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        r.register(9, Interest::READ, 1, ok2).unwrap();
        let e = r
            .modify(9, Interest::EMPTY, 0, |_, _, _| Ok(()))
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let e = r
            .modify(9, Interest::WRITE, 2, |_, _, _| {
                Err(io::Error::from_raw_os_error(libc::ENOMEM))
            })
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOMEM));
        assert_eq!(
            r.get(9).unwrap(),
            &SelectorKey {
                fd: 9,
                interest: Interest::READ,
                data: 1
            }
        );
        // Same interest: data changes without a kernel call.
        r.modify(9, Interest::READ, 3, |_, _, _| panic!("no kernel call"))
            .unwrap();
        let mut seen = None;
        let k = r
            .modify(9, Interest::WRITE, 4, |fd, old, new| {
                seen = Some((fd, old, new));
                Ok(())
            })
            .unwrap();
        assert_eq!((k.interest, k.data), (Interest::WRITE, 4));
        assert_eq!(seen, Some((9, Interest::READ, Interest::WRITE)));
    }

    #[test]
    fn unregister_and_close() {
        let mut r: Registry<()> = Registry::new("test");
        assert_eq!(
            r.unregister(1, |_, _| ()).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        r.register(1, Interest::ALL, (), ok2).unwrap();
        r.register(2, Interest::READ, (), ok2).unwrap();
        let k = r
            .unregister(1, |_, i| assert_eq!(i, Interest::ALL))
            .unwrap();
        assert_eq!(k.fd, 1);
        assert_eq!(r.iter().map(|k| k.fd).collect::<Vec<_>>(), vec![2]);
        r.close();
        r.close();
        assert!(r.is_closed() && r.is_empty());
        for e in [
            r.get(2).unwrap_err(),
            r.register(3, Interest::READ, (), ok2).unwrap_err(),
            r.unregister(2, |_, _| ()).unwrap_err(),
        ] {
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
            assert_eq!(
                e.to_string(),
                "I/O operation on closed test selector object"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn many_fds() {
        let mut r: Registry<RawFd> = Registry::new("test");
        for fd in (0..20_000).step_by(3) {
            r.register(fd, Interest::READ, fd, ok2).unwrap();
        }
        r.register(i32::MAX, Interest::READ, -1, ok2).unwrap();
        for fd in (0..20_000).step_by(3) {
            assert_eq!(r.get(fd).unwrap().data, fd);
            assert!(r.get(fd + 1).is_err());
        }
        assert_eq!(r.get(i32::MAX).unwrap().data, -1);
    }
}
