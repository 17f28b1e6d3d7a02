//! [`PollSelector`]: the [`Selector`] contract on `poll(2)` (Python's
//! `selectors.PollSelector`).

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use libc::pollfd;
use select_core::__private::WakeFd;
use select_core::error::already_registered;
use select_core::retry::InterruptCheck;
use select_core::{Backend, Event, Events, Interest, Registry, Selector, SelectorKey, Waitable};

use crate::{Poll, PollFlags};

/// Python's `selectors.PollSelector`: the uniform [`Selector`] contract of select-core on
/// top of a [`Poll`].
///
/// The registration table is a [`Registry`]; the `pollfd` array is the [`Poll`]'s own,
/// updated in O(1) on each change, so a wait rebuilds nothing and allocates nothing.
///
/// # Translation of `revents`
///
/// | `revents` | reported as |
/// | --- | --- |
/// | `POLLIN` | [`Interest::READ`] |
/// | `POLLOUT` | [`Interest::WRITE`] |
/// | `POLLPRI` | [`Interest::PRIORITY`] |
/// | `POLLHUP` | READ and WRITE, with [`Event::is_hangup`] |
/// | `POLLERR`, `POLLNVAL` | READ and WRITE, with [`Event::is_error`] |
///
/// Only registered interests are reported. A hang-up or error on an fd registered for
/// [`Interest::PRIORITY`] alone is reported as PRIORITY (with the flag), so that it is
/// never silently dropped while `poll(2)` keeps returning at once.
///
/// # Stricter than Python
///
/// * [`register`](Selector::register) refuses an fd that is not open with `EBADF`
///   (checked with `fcntl(F_GETFD)`). CPython's `PollSelector` accepts any number and
///   reports `POLLNVAL` later; the check keeps this backend's contract identical to
///   epoll and kqueue, whose kernels refuse such fds. [`modify`](Selector::modify) makes
///   no syscall: an fd closed after registration is reported by the next wait
///   (`POLLNVAL`, an error event), whether or not it was modified.
/// * An empty interest is refused by `register` and `modify`; a failed `modify` keeps the
///   old registration; after [`close`](Selector::close) every call fails. See the
///   [`Selector`] contract.
///
/// # Bounded waits and rotation
///
/// A wait reports at most `events.capacity()` events. When more fds are ready, the
/// selector remembers the slot where it stopped and the next wait starts scanning there,
/// so with a small buffer every ready fd is reported in turn and none starves.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::time::Duration;
/// use select_poll::{Events, Interest, PollSelector, Selector};
///
/// let (reader, mut writer) = std::io::pipe()?;
/// let mut sel = PollSelector::new()?;
/// sel.register(&reader, Interest::READ, "reader")?;
/// let mut events = Events::with_capacity(16);
///
/// assert_eq!(sel.select(&mut events, Some(Duration::ZERO))?, 0);
/// writer.write_all(b"ping")?;
/// assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
/// let (key, ready) = sel.ready_keys(&events).next().unwrap();
/// assert_eq!((key.data, ready), ("reader", Interest::READ));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// Python's `for key, mask in sel.select(timeout):` loop, changing the selector inside
/// it ([`Events::cursor`]):
///
/// ```
/// use std::io::Write;
/// use std::time::Duration;
/// use select_poll::{Events, Interest, PollSelector, Selector};
///
/// let (reader, mut writer) = std::io::pipe()?;
/// let mut sel = PollSelector::new()?;
/// sel.register(&reader, Interest::READ, 7_u32)?;
/// sel.register(&writer, Interest::WRITE, 8)?;
/// writer.write_all(b"ping")?;
/// let mut events = Events::with_capacity(16);
/// sel.select(&mut events, Some(Duration::from_secs(5)))?;
/// let mut ready = events.cursor();
/// while let Some((key, mask)) = ready.next_key(&sel) {
///     if mask.is_readable() {
///         sel.modify(&key.fd, Interest::READ | Interest::PRIORITY, key.data)?;
///     } else {
///         sel.unregister(&key.fd)?;
///     }
/// }
/// assert_eq!(sel.len(), 1);
/// assert_eq!(sel.get_key(&reader)?.interest, Interest::READ | Interest::PRIORITY);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct PollSelector<T> {
    registry: Registry<T>,
    poll: Poll,
    wake: Option<RawFd>,
    /// The slot where the next wait starts scanning (rotation).
    cursor: usize,
}

impl<T> PollSelector<T> {
    /// The registration table, for `DefaultSelector`'s `ready_keys` (plumbing: not
    /// covered by semver).
    #[doc(hidden)]
    #[inline]
    pub fn registry(&self) -> &Registry<T> {
        &self.registry
    }

    /// An empty, open selector.
    ///
    /// # Errors
    ///
    /// None today (`poll(2)` needs no kernel object); the `io::Result` keeps the
    /// constructor's signature the same as the other backends'.
    pub fn new() -> io::Result<PollSelector<T>> {
        Ok(PollSelector {
            registry: Registry::new("poll"),
            poll: Poll::new(),
            wake: None,
            cursor: 0,
        })
    }

    /// Sets what happens when a wait is interrupted by a signal (PEP 475's handler
    /// step): `None` (the default) resumes the wait with the remaining time; with
    /// `Some(check)`, `check` runs after each EINTR and its error, if any, ends the wait
    /// (see [`Poll::set_interrupt_check`]).
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.poll.set_interrupt_check(check);
    }

    /// The check set by [`set_interrupt_check`](PollSelector::set_interrupt_check).
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.poll.interrupt_check()
    }
}

/// The `pollfd` request bits for `interest`.
#[inline]
pub(crate) fn to_flags(interest: Interest) -> PollFlags {
    let mut f = PollFlags::empty();
    if interest.is_readable() {
        f |= PollFlags::POLLIN;
    }
    if interest.is_writable() {
        f |= PollFlags::POLLOUT;
    }
    if interest.is_priority() {
        f |= PollFlags::POLLPRI;
    }
    f
}

/// `out` when `x` has a bit of `mask`, else 0 (no branch).
#[inline(always)]
const fn bit(x: libc::c_short, mask: libc::c_short, out: u8) -> u8 {
    (x & mask != 0) as u8 * out
}

/// The ready interests (low byte; never empty), hang-up (bit 8) and error (bit 9) that
/// `revents` means for a registration that asked for `events`.
const fn translate_bits(ev: libc::c_short, rev: libc::c_short) -> u16 {
    let registered =
        bit(ev, libc::POLLIN, 1) | bit(ev, libc::POLLOUT, 2) | bit(ev, libc::POLLPRI, 4);
    let hangup = rev & libc::POLLHUP != 0;
    let error = rev & (libc::POLLERR | libc::POLLNVAL) != 0;
    let ready = bit(rev, libc::POLLIN, 1)
        | bit(rev, libc::POLLOUT, 2)
        | bit(rev, libc::POLLPRI, 4)
        | ((hangup | error) as u8 * 3);
    let mut ready = ready & registered;
    if ready == 0 {
        // A hang-up or error on a PRIORITY-only registration: report what is registered
        // rather than drop a condition that makes every wait return at once.
        ready = registered;
    }
    ready as u16 | ((hangup as u16) << 8) | ((error as u16) << 9)
}

/// Whether the six `poll` bits `translate` reads are bits 0-5 (POLLIN, POLLPRI,
/// POLLOUT, POLLERR, POLLHUP, POLLNVAL: true on Linux, the BSDs, macOS and illumos),
/// so [`TABLE`] applies.
const DENSE_BITS: bool = libc::POLLIN == 1
    && libc::POLLPRI == 2
    && libc::POLLOUT == 4
    && libc::POLLERR == 8
    && libc::POLLHUP == 16
    && libc::POLLNVAL == 32;

/// [`translate_bits`] for every (`events & 7`, `revents & 63`) pair: one load per
/// event instead of a dozen bit tests.
static TABLE: [u16; 512] = {
    let mut t = [0u16; 512];
    let mut i = 0;
    while i < 512 {
        t[i] = translate_bits((i >> 6) as libc::c_short, (i & 63) as libc::c_short);
        i += 1;
    }
    t
};

/// The event a ready `pollfd` of a user registration stands for.
#[inline(always)]
pub(crate) fn translate(p: &pollfd) -> Event {
    let bits = if DENSE_BITS {
        let i = ((p.events as usize & 7) << 6) | (p.revents as usize & 63);
        TABLE.get(i).copied().unwrap_or(0)
    } else {
        translate_bits(p.events, p.revents)
    };
    // `bits` is in `Event`'s packed form (interests, hang-up bit 8, error bit 9).
    Event::from_packed(p.fd, bits)
}

pub(crate) fn wake_fd_error(fd: RawFd) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("file descriptor {fd} is the selector's wake fd"),
    )
}

impl<T> Selector for PollSelector<T> {
    type Data = T;

    fn backend(&self) -> Backend {
        Backend::Poll
    }

    /// Registers `fd` (see [`Selector::register`]).
    ///
    /// # Errors
    ///
    /// * `InvalidInput` for a negative fd, an empty interest, or after `close`.
    /// * `AlreadyExists` if `fd` is registered or is the wake fd (Python's `KeyError`).
    /// * errno `EBADF` (Python's `OSError(EBADF)`) if `fd` is not an
    ///   open descriptor: stricter than CPython, as epoll and kqueue are.
    fn register<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let (poll, wake) = (&mut self.poll, self.wake);
        self.registry.register(fd, interest, data, |fd, interest| {
            if wake == Some(fd) {
                return Err(wake_fd_error(fd));
            }
            select_core::check_open(fd)?;
            poll.register(&fd, to_flags(interest))
        })
    }

    /// Changes the interest and data of `fd` (see [`Selector::modify`]).
    ///
    /// # Errors
    ///
    /// * `NotFound` if `fd` is not registered (Python's `KeyError`).
    /// * `InvalidInput` for a negative fd, an empty interest, or after `close`.
    ///
    /// On any error the old registration is kept. No syscall is made: an fd closed since
    /// registration is reported by the next wait.
    fn modify<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let poll = &mut self.poll;
        // No syscall: a registered fd that was closed since is reported by the next
        // wait (`POLLNVAL`, as an error event), as for an unchanged registration.
        self.registry
            .modify(fd, interest, data, |fd, _old, interest| {
                poll.modify(&fd, to_flags(interest))
            })
    }

    /// Removes `fd` and returns its key. Works after the fd was closed or its number
    /// reused: only the number is looked at.
    ///
    /// # Errors
    ///
    /// `NotFound` if `fd` is not registered (Python's `KeyError`); `InvalidInput` for a
    /// negative fd or after `close`.
    fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<SelectorKey<T>> {
        let fd = fd.fileno()?;
        let poll = &mut self.poll;
        self.registry.unregister(fd, |fd, _| {
            // Registered in the registry means registered in the poll set.
            let _ = poll.unregister(&fd);
        })
    }

    /// Waits with `poll(2)` and fills `events` (see [`Selector::select`]): one syscall,
    /// then a scan of the `pollfd` array from where the last full wait stopped, ending at
    /// the last ready fd or when `events` is full.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close`; the errno of `poll(2)` (e.g. `EINVAL` when more fds
    /// are registered than `RLIMIT_NOFILE`). Never `Interrupted`, unless the interrupt check (`set_interrupt_check`) returns it.
    fn select(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        self.registry.check_open()?;
        events.clear();
        let n = self.poll.wait(timeout)?;
        if n == 0 {
            return Ok(0);
        }
        let fds = self.poll.slots();
        if self.wake.is_none() && self.cursor == 0 && n <= events.capacity() {
            // Everything fits and nothing needs skipping: one pass from the start that
            // stops at the last ready fd, as a plain `poll(2)` caller's scan does.
            let len = events.fill_with(|slots| {
                let mut k = 0;
                for p in fds {
                    if p.revents != 0 {
                        // `n <= slots.len()`: never `None`.
                        if let Some(slot) = slots.get_mut(k) {
                            *slot = translate(p);
                        }
                        k += 1;
                        if k == n {
                            break;
                        }
                    }
                }
                k
            });
            return Ok(len);
        }
        let mut left = n;
        let wake_slot = match self.wake.and_then(|w| self.poll.slot(w)) {
            Some(s) => {
                if fds[s].revents != 0 {
                    events.set_woken();
                    left -= 1;
                }
                s
            }
            None => usize::MAX,
        };
        let len = fds.len();
        let mut i = if self.cursor < len { self.cursor } else { 0 };
        let mut scanned = 0;
        while left > 0 && scanned < len {
            let p = &fds[i];
            if p.revents != 0 && i != wake_slot {
                if events.is_full() {
                    // More is ready than fits: the next wait starts here.
                    self.cursor = i;
                    break;
                }
                events.push(translate(p));
                left -= 1;
            }
            i += 1;
            if i == len {
                i = 0;
            }
            scanned += 1;
        }
        if left == 0 {
            // Every ready fd was reported: no one to favour next time.
            self.cursor = 0;
        }
        Ok(events.len())
    }

    fn get_key<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<&SelectorKey<T>> {
        self.registry.get(fd.fileno()?)
    }

    /// One O(1) table lookup per event ([`Registry::ready_keys`]).
    #[inline]
    fn ready_keys<'a>(
        &'a self,
        events: &'a Events,
    ) -> impl Iterator<Item = (&'a SelectorKey<T>, Interest)> {
        self.registry.ready_keys(events)
    }

    fn keys(&self) -> impl Iterator<Item = &SelectorKey<T>> {
        self.registry.iter()
    }

    fn len(&self) -> usize {
        self.registry.len()
    }

    /// Forgets every registration and the wake fd and frees the `pollfd` array.
    /// Idempotent; no fd is closed (the selector owns none).
    fn close(&mut self) {
        self.registry.close();
        self.poll = Poll::new();
        self.wake = None;
        self.cursor = 0;
    }

    fn is_closed(&self) -> bool {
        self.registry.is_closed()
    }
}

impl<T> WakeFd for PollSelector<T> {
    /// Watches `fd` for `POLLIN` in an extra `pollfd` slot that is never reported as an
    /// [`Event`]; any `revents` on it (readable, hang-up, error) sets
    /// [`Events::woken`]. `None` stops watching.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a negative fd or after `close`; `AlreadyExists` if `fd` is
    /// registered as a user fd; `EBADF` if it is not open. The previous wake fd stays on
    /// error.
    fn set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()> {
        self.registry.check_open()?;
        let Some(fd) = fd else {
            if let Some(old) = self.wake.take() {
                let _ = self.poll.unregister(&old);
            }
            return Ok(());
        };
        let fd = fd.fileno()?;
        if self.wake == Some(fd) {
            return Ok(());
        }
        if self.registry.interest(fd).is_some() {
            return Err(already_registered(fd));
        }
        select_core::check_open(fd)?;
        // The new slot first: if it cannot be added, the old wake fd is still watched.
        self.poll.register(&fd, PollFlags::POLLIN)?;
        if let Some(old) = self.wake.replace(fd) {
            let _ = self.poll.unregister(&old);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pfd(events: PollFlags, revents: PollFlags) -> pollfd {
        pollfd {
            fd: 7,
            events: events.bits(),
            revents: revents.bits(),
        }
    }

    #[test]
    fn translation_reports_only_registered_interests() {
        use PollFlags as F;
        let e = translate(&pfd(F::POLLIN | F::POLLOUT, F::POLLOUT));
        assert_eq!(e.ready(), Interest::WRITE);
        assert!(!e.is_hangup() && !e.is_error());
        let e = translate(&pfd(F::POLLIN, F::POLLIN | F::POLLHUP));
        assert_eq!(e.ready(), Interest::READ);
        assert!(e.is_hangup() && !e.is_error());
        let e = translate(&pfd(F::POLLIN | F::POLLOUT, F::POLLERR));
        assert_eq!(e.ready(), Interest::READ | Interest::WRITE);
        assert!(e.is_error() && !e.is_hangup());
        let e = translate(&pfd(F::POLLOUT, F::POLLNVAL));
        assert_eq!(e.ready(), Interest::WRITE);
        assert!(e.is_error());
        let e = translate(&pfd(F::POLLPRI | F::POLLIN, F::POLLPRI));
        assert_eq!(e.ready(), Interest::PRIORITY);
        let e = translate(&pfd(F::POLLPRI, F::POLLHUP));
        assert_eq!(e.ready(), Interest::PRIORITY);
        assert!(e.is_hangup());
    }

    #[test]
    fn interest_to_flags() {
        assert_eq!(to_flags(Interest::READ), PollFlags::POLLIN);
        assert_eq!(to_flags(Interest::WRITE), PollFlags::POLLOUT);
        assert_eq!(to_flags(Interest::ALL), PollFlags::DEFAULT_MASK);
    }
}
