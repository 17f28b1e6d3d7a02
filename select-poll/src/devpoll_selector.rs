//! [`DevpollSelector`]: the [`Selector`] contract on `/dev/poll` (Python's
//! `selectors.DevpollSelector`, the `DefaultSelector` of illumos and Solaris).

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use libc::pollfd;
use select_core::__private::WakeFd;
use select_core::error::already_registered;
use select_core::retry::InterruptCheck;
use select_core::{Backend, Events, Interest, Registry, Selector, SelectorKey, Waitable};

use crate::selector::{to_flags, translate, wake_fd_error};
use crate::{DevPoll, PollFlags};

/// Python's `selectors.DevpollSelector`: the uniform [`Selector`] contract of
/// select-core on top of a [`DevPoll`]. illumos and Solaris only.
///
/// The registration table is a [`Registry`]; the kernel keeps the fds, so a wait is one
/// `DP_POLL` ioctl whose cost grows with the ready fds, not the registered ones. Every
/// change is written to the device at once (one `write(2)`), so its error, if any, is
/// the error of the call that made it.
///
/// `revents` are translated as by [`PollSelector`](crate::PollSelector) (hang-ups and
/// errors show as the registered READ/WRITE with the flag set), with the registered
/// interest taken from the table.
///
/// # Stricter than Python
///
/// As every backend of the contract: [`register`](Selector::register) refuses an fd that
/// is not open with `EBADF` (checked with `fcntl(F_GETFD)`), an empty interest is
/// refused, a failed `modify` keeps the old registration, and after
/// [`close`](Selector::close) (which closes the device) every call fails.
///
/// # Bounded waits
///
/// A wait asks the kernel for every ready fd and reports at most
/// `events.capacity()` of them; when more are ready, the next wait starts with the
/// fds after the last one reported (by number), so none starves.
///
/// # Verification
///
/// Type-checked in CI for illumos and Solaris, never run (see [`DevPoll`]).
#[derive(Debug)]
pub struct DevpollSelector<T> {
    registry: Registry<T>,
    devpoll: DevPoll,
    wake: Option<RawFd>,
    /// Ready fds above this are reported first by the next wait (rotation).
    cursor: RawFd,
}

impl<T> DevpollSelector<T> {
    /// The registration table, for `DefaultSelector`'s `ready_keys` (plumbing: not
    /// covered by semver).
    #[doc(hidden)]
    #[inline]
    pub fn registry(&self) -> &Registry<T> {
        &self.registry
    }

    /// An empty selector on a newly opened `/dev/poll`.
    ///
    /// # Errors
    ///
    /// The errno of opening `/dev/poll` (e.g. `NotFound` where it is missing).
    pub fn new() -> io::Result<DevpollSelector<T>> {
        Ok(DevpollSelector {
            registry: Registry::new("devpoll"),
            devpoll: DevPoll::new()?,
            wake: None,
            cursor: -1,
        })
    }

    /// The `/dev/poll` fd (Python's `DevpollSelector.fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed devpoll object" after `close`.
    pub fn fileno(&self) -> io::Result<RawFd> {
        self.devpoll.fileno()
    }

    /// Sets what happens when a wait is interrupted by a signal (see
    /// [`DevPoll::set_interrupt_check`]).
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.devpoll.set_interrupt_check(check);
    }

    /// The check set by [`set_interrupt_check`](DevpollSelector::set_interrupt_check).
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.devpoll.interrupt_check()
    }
}

impl<T> Selector for DevpollSelector<T> {
    type Data = T;

    fn backend(&self) -> Backend {
        Backend::Devpoll
    }

    /// Registers `fd` (see [`Selector::register`]).
    ///
    /// # Errors
    ///
    /// * `InvalidInput` for a negative fd, an empty interest, or after `close`.
    /// * `AlreadyExists` if `fd` is registered or is the wake fd (Python's `KeyError`).
    /// * errno `EBADF` if `fd` is not open; the errno of writing to the device.
    fn register<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let (devpoll, wake) = (&mut self.devpoll, self.wake);
        self.registry.register(fd, interest, data, |fd, interest| {
            if wake == Some(fd) {
                return Err(wake_fd_error(fd));
            }
            select_core::check_open(fd)?;
            devpoll.register(&fd, to_flags(interest))?;
            devpoll.flush()
        })
    }

    /// Changes the interest and data of `fd` (see [`Selector::modify`]): a
    /// `POLLREMOVE` record and the new mask, written together.
    ///
    /// # Errors
    ///
    /// * `NotFound` if `fd` is not registered (Python's `KeyError`).
    /// * `InvalidInput` for a negative fd, an empty interest, or after `close`.
    /// * `EBADF` if the interest changes and `fd` is no longer open; the errno of
    ///   writing to the device. On any error the old registration is kept in the table.
    fn modify<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let devpoll = &mut self.devpoll;
        self.registry
            .modify(fd, interest, data, |fd, _old, interest| {
                select_core::check_open(fd)?;
                devpoll.modify(&fd, to_flags(interest))?;
                devpoll.flush()
            })
    }

    /// Removes `fd` and returns its key. Works after the fd was closed or its number
    /// reused; an error of the device is swallowed, as CPython's selectors do.
    ///
    /// # Errors
    ///
    /// `NotFound` if `fd` is not registered (Python's `KeyError`); `InvalidInput` for a
    /// negative fd or after `close`.
    fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<SelectorKey<T>> {
        let fd = fd.fileno()?;
        let devpoll = &mut self.devpoll;
        self.registry.unregister(fd, |fd, _| {
            if devpoll.unregister(&fd).is_ok() {
                let _ = devpoll.flush();
            }
        })
    }

    /// Waits with `DP_POLL` and fills `events` (see [`Selector::select`]).
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close`; the errno of the ioctl. Never `Interrupted`, unless
    /// the interrupt check (`set_interrupt_check`) returns it.
    fn select(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        self.registry.check_open()?;
        events.clear();
        let n = self.devpoll.wait(timeout)?;
        if n == 0 {
            return Ok(0);
        }
        let ready = &self.devpoll.results()[..n];
        let (registry, wake, cursor) = (&self.registry, self.wake, self.cursor);
        let mut last = None;
        // Those above the cursor first, then the rest: rotation when `events` fills.
        let pass = |upper: bool| {
            ready
                .iter()
                .filter(move |p| (p.fd > cursor) == upper && p.revents != 0)
        };
        for p in pass(true).chain(pass(false)) {
            if wake == Some(p.fd) {
                events.set_woken();
                continue;
            }
            // Only fds in the table: a stale record cannot report an unregistered fd.
            let Some(interest) = registry.interest(p.fd) else {
                continue;
            };
            if events.is_full() {
                break;
            }
            let full = pollfd {
                fd: p.fd,
                events: to_flags(interest).bits(),
                revents: p.revents,
            };
            events.push(translate(&full));
            last = Some(p.fd);
        }
        if let Some(fd) = last {
            self.cursor = fd;
        }
        Ok(events.len())
    }

    fn get_key<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<&SelectorKey<T>> {
        self.registry.get(fd.fileno()?)
    }

    fn keys(&self) -> impl Iterator<Item = &SelectorKey<T>> {
        self.registry.iter()
    }

    fn len(&self) -> usize {
        self.registry.len()
    }

    /// Forgets every registration and the wake fd and closes the device. Idempotent.
    fn close(&mut self) {
        self.registry.close();
        self.devpoll.close();
        self.wake = None;
        self.cursor = -1;
    }

    fn is_closed(&self) -> bool {
        self.registry.is_closed()
    }
}

impl<T> WakeFd for DevpollSelector<T> {
    /// Watches `fd` for `POLLIN` on the device without reporting it as an event; any
    /// `revents` on it sets [`Events::woken`]. `None` stops watching.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a negative fd or after `close`; `AlreadyExists` if `fd` is
    /// registered as a user fd; `EBADF` if it is not open; the errno of writing to the
    /// device. The previous wake fd stays on error.
    fn set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()> {
        self.registry.check_open()?;
        let Some(fd) = fd else {
            if let Some(old) = self.wake.take() {
                self.devpoll.unregister(&old)?;
                self.devpoll.flush()?;
            }
            return Ok(());
        };
        let fd = fd.fileno()?;
        if self.registry.interest(fd).is_some() {
            return Err(already_registered(fd));
        }
        select_core::check_open(fd)?;
        self.devpoll.register(&fd, PollFlags::POLLIN)?;
        self.devpoll.flush()?;
        if let Some(old) = self.wake.replace(fd) {
            if old != fd {
                self.devpoll.unregister(&old)?;
                self.devpoll.flush()?;
            }
        }
        Ok(())
    }
}
