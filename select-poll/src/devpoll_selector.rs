//! [`DevpollSelector`]: the [`Selector`] contract on `/dev/poll` (Python's
//! `selectors.DevpollSelector`, the `DefaultSelector` of illumos and Solaris).

use std::io;
use std::os::fd::{BorrowedFd, RawFd};
use std::time::Duration;

use select_core::__private::{BaseSelector, Mechanism, Report, Tag, WaitView};
use select_core::InterruptCheck;
use select_core::{Backend, Interest};

use crate::selector::{to_flags, translate_packed};
use crate::DevPoll;

/// Python's `selectors.DevpollSelector`: the uniform [`Selector`](crate::Selector)
/// contract of select-core on top of a [`DevPoll`]. illumos and Solaris only.
///
/// The kernel keeps the fds, so a wait is one `DP_POLL` ioctl whose cost grows with the
/// ready fds, not the registered ones. Every change is written to the device at once
/// (one `write(2)`), so its error, if any, is the error of the call that made it.
///
/// `revents` are translated as by [`PollSelector`](crate::PollSelector) (hang-ups and
/// errors show as the registered READ/WRITE with the flag set), with the registered
/// interest taken from the table; a record for an fd the table does not hold is dropped.
///
/// # Stricter than Python
///
/// As every backend of the contract: `register` refuses an fd that is not open with
/// `EBADF` (checked with `fcntl(F_GETFD)`), an empty interest is refused, a failed
/// `modify` keeps the old registration, and after `close` (which closes the device)
/// every call fails.
///
/// # Bounded waits
///
/// A wait asks the kernel for every ready fd and reports at most `events.capacity()` of
/// them; when more are ready, the next wait starts with the fds whose numbers follow the
/// last one reported (the rule of every backend selector), so none starves.
///
/// # Verification
///
/// Type-checked in CI for illumos and Solaris, never run (see [`DevPoll`]).
pub struct DevpollSelector<T>(BaseSelector<DevpollMechanism, T>);

select_core::forward_selector!(DevpollSelector);

impl<T> DevpollSelector<T> {
    /// An empty selector on a newly opened `/dev/poll`.
    ///
    /// # Errors
    ///
    /// The errno of opening `/dev/poll` (e.g. `NotFound` where it is missing).
    pub fn new() -> io::Result<DevpollSelector<T>> {
        Ok(DevpollSelector(BaseSelector::new(DevpollMechanism {
            devpoll: DevPoll::new()?,
        })))
    }

    /// The `/dev/poll` fd (Python's `DevpollSelector.fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed devpoll object" after `close`.
    pub fn fileno(&self) -> io::Result<RawFd> {
        self.0.mechanism().devpoll.fileno()
    }

    /// The `/dev/poll` fd, borrowed (see [`DevPoll::try_as_fd`]).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed devpoll object" after `close`.
    pub fn try_as_fd(&self) -> io::Result<BorrowedFd<'_>> {
        self.0.mechanism().devpoll.try_as_fd()
    }
}

/// The `/dev/poll` half of [`DevpollSelector`].
#[derive(Debug)]
pub(crate) struct DevpollMechanism {
    devpoll: DevPoll,
}

impl Mechanism for DevpollMechanism {
    const BACKEND: Backend = Backend::Devpoll;
    const NAME: &'static str = "devpoll";
    const GEN_MASK: u32 = 0;

    /// A `POLLREMOVE` record, then the mask (as `modify` writes them): the device ORs a
    /// mask into the one it holds for the fd, and it still holds one after a delete
    /// whose write failed (swallowed, as CPython does), which would add the old
    /// interest's events to the new registration's.
    #[inline(always)]
    fn add(&mut self, fd: RawFd, interest: Interest, _tag: Tag) -> io::Result<()> {
        select_core::__private::check_open(fd)?;
        self.devpoll.modify(&fd, to_flags(interest))?;
        self.devpoll.flush()
    }

    /// A `POLLREMOVE` record, then the new mask, in two writes: written together, a
    /// failure after the kernel applied the first would leave the fd unwatched while the
    /// selector keeps its old key. After a failure of either write the old mask is
    /// written again (the device ORs masks, so this restores exactly the old one whether
    /// or not the removal was applied), and the first error is returned.
    #[inline(always)]
    fn modify(&mut self, fd: RawFd, old: Interest, new: Interest, _tag: Tag) -> io::Result<()> {
        select_core::__private::check_open(fd)?;
        let changed = self
            .devpoll
            .unregister(&fd)
            .and_then(|()| self.devpoll.flush())
            .and_then(|()| self.devpoll.register(&fd, to_flags(new)))
            .and_then(|()| self.devpoll.flush());
        if changed.is_err() {
            let _ = self
                .devpoll
                .register(&fd, to_flags(old))
                .and_then(|()| self.devpoll.flush());
        }
        changed
    }

    #[inline(always)]
    fn delete(&mut self, fd: RawFd, _old: Interest) -> io::Result<()> {
        self.devpoll.unregister(&fd)?;
        self.devpoll.flush()
    }

    #[inline(always)]
    fn wait(&mut self, _slots: usize, timeout: Option<Duration>) -> io::Result<usize> {
        self.devpoll.wait(timeout)
    }

    fn for_each_ready<T, F: FnMut(Report)>(
        &mut self,
        n: usize,
        view: &WaitView<'_, T>,
        mut report: F,
    ) {
        for p in self.devpoll.results().get(..n).unwrap_or_default() {
            if p.revents == 0 {
                continue;
            }
            // The kernel's record carries no request bits: those of the table (none for
            // the wake fd or a stale record, which the skeleton drops or counts as a
            // wake).
            let registered = view.interest(p.fd).unwrap_or(Interest::EMPTY);
            report(Report::Fd {
                fd: p.fd,
                packed: translate_packed(to_flags(registered).bits(), p.revents),
                gen: 0,
            });
        }
    }

    fn close(&mut self) {
        self.devpoll.close();
    }

    fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.devpoll.set_interrupt_check(check);
    }

    fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.devpoll.interrupt_check()
    }
}
