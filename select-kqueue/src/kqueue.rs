//! [`Kqueue`]: Python's `select.kqueue`.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

use select_core::error::{closed, invalid_input};
use select_core::{__private::retry, InterruptCheck};
use select_core::{timeout, Waitable};

use crate::sys;
use crate::KEvent;

/// A kernel event queue: Python's `select.kqueue()`.
///
/// Created close-on-exec. [`control`](Kqueue::control) applies a changelist of
/// [`KEvent`]s and waits for triggered events; [`control_into`](Kqueue::control_into)
/// does the same into a caller-owned buffer without allocating.
///
/// [`close`](Kqueue::close) is idempotent; afterwards every call fails with
/// `InvalidInput` "I/O operation on closed kqueue object" (Python's `ValueError`).
/// Dropping the object closes it too.
///
/// # Fork
///
/// A child made by `fork(2)` has no kqueue under the parent's number (the BSD kernels
/// do not pass kqueues on), so the number may soon name another file of the child's.
/// In the child an inherited `Kqueue` is therefore closed, as in CPython 3.13
/// (gh-110395): [`closed`](Kqueue::closed) is `true`, [`fileno`](Kqueue::fileno),
/// [`control`](Kqueue::control) and the other calls fail as after
/// [`close`](Kqueue::close), [`AsRawFd`] gives `-1`, and neither `close` nor dropping it
/// closes the number, which is not its own there. A `Kqueue` made in the child is the
/// child's and works (and is closed in turn in the child's own children); the parent's
/// objects are not affected. Under libkqueue (Linux), an emulation whose fds a child
/// would inherit, the number is left alone in the child as well (libkqueue 2.x closes
/// its own fds there; an emulation that did not would leak the fd in the child only).
/// A fork is noticed through a `pthread_atfork` child handler (it does not run for a
/// child made by a raw `fork` system call, nor for `vfork`), and the check costs each
/// call one relaxed atomic load.
///
/// # Examples
///
/// ```
/// # #[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
/// #     target_os = "dragonfly", target_vendor = "apple",
/// #     all(target_os = "linux", feature = "libkqueue")))]
/// # fn main() -> std::io::Result<()> {
/// use std::io::Write;
/// use std::time::Duration;
/// use select_kqueue::{KEvent, Kqueue, KQ_FILTER_READ};
///
/// let kq = Kqueue::new()?;
/// let (reader, mut writer) = std::io::pipe()?;
/// // Nothing to read yet: the change is applied and the wait times out.
/// let ev = kq.control(&[KEvent::for_fd(&reader)?], 1, Some(Duration::ZERO))?;
/// assert!(ev.is_empty());
/// writer.write_all(b"hi")?;
/// let ev = kq.control(&[], 4, Some(Duration::from_secs(5)))?;
/// assert_eq!(ev.len(), 1);
/// assert_eq!(ev[0].filter(), KQ_FILTER_READ);
/// assert_eq!(ev[0].data(), 2); // bytes ready
/// # Ok(()) }
/// # #[cfg(not(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
/// #     target_os = "dragonfly", target_vendor = "apple",
/// #     all(target_os = "linux", feature = "libkqueue"))))]
/// # fn main() {}
/// ```
pub struct Kqueue {
    fd: Option<OwnedFd>,
    /// The fork generation `fd` belongs to (see `sys::fork_generation`): in another
    /// generation (a forked child) the object is closed and `fd` is not the process's.
    forks: u32,
    check: Option<InterruptCheck>,
}

select_core::interrupt_check_accessors! {
    /// A resumed wait does not pass the changelist again: the kernel has already applied it.
    Kqueue
}

impl Kqueue {
    /// Creates a kqueue: `kqueue(2)` (`kqueue1(O_CLOEXEC)` on NetBSD), close-on-exec.
    ///
    /// # Errors
    ///
    /// The errno of `kqueue(2)` or `fcntl(2)` (e.g. `EMFILE`), Python's `OSError`; that
    /// of `pthread_atfork(3)` (`ENOMEM`) if the fork handler cannot be installed (see
    /// [Fork](Kqueue#fork)).
    #[doc(alias = "kqueue")]
    pub fn new() -> io::Result<Kqueue> {
        let forks = sys::watch_forks()?;
        Ok(Kqueue {
            fd: Some(sys::kqueue_cloexec()?),
            forks,
            check: None,
        })
    }

    /// Takes ownership of an existing kqueue fd (Python's `kqueue.fromfd`). Its
    /// close-on-exec flag is left as it is.
    ///
    /// # Errors
    ///
    /// `InvalidInput`, naming the fd and the kernel's complaint, if `fd` is not a kqueue
    /// (an empty `kevent(2)` call on it fails, with `EBADF` on the BSDs and macOS). The
    /// fd is closed then. Python accepts any fd here and fails on first use instead.
    /// The error of `pthread_atfork(3)`, as for [`new`](Kqueue::new).
    pub fn from_fd(fd: OwnedFd) -> io::Result<Kqueue> {
        let forks = sys::watch_forks()?;
        let raw = fd.as_raw_fd();
        sys::probe_kqueue(raw)
            .map_err(|e| invalid_input(format!("file descriptor {raw} is not a kqueue: {e}")))?;
        Ok(Kqueue {
            fd: Some(fd),
            forks,
            check: None,
        })
    }

    /// The fd, if the object is open in this process: not closed, and not inherited
    /// through a fork (the closed check of every call).
    #[inline]
    fn live(&self) -> Option<&OwnedFd> {
        match &self.fd {
            Some(fd) if self.forks == sys::fork_generation() => Some(fd),
            _ => None,
        }
    }

    /// The raw fd while [`live`](Kqueue::live), for `KqueueSelector`'s mechanism and
    /// wakers.
    #[inline]
    pub(crate) fn live_fd(&self) -> Option<RawFd> {
        self.live().map(AsRawFd::as_raw_fd)
    }

    /// Takes the fd out: `Some` if it is this process's; in a forked child the number
    /// is forgotten (not closed: the kqueue was not inherited, and the number may name a
    /// file of the child's by now) and `None` returned.
    fn release(&mut self) -> Option<OwnedFd> {
        let fd = self.fd.take()?;
        if self.forks == sys::fork_generation() {
            Some(fd)
        } else {
            let _not_ours = fd.into_raw_fd();
            None
        }
    }

    /// The kqueue's fd (Python's `fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed kqueue object" after
    /// [`close`](Kqueue::close) (Python's `ValueError`) or in a forked child (see
    /// [Fork](Kqueue#fork)).
    #[inline]
    pub fn fileno(&self) -> io::Result<RawFd> {
        match self.live() {
            Some(fd) => Ok(fd.as_raw_fd()),
            None => Err(closed("kqueue")),
        }
    }

    /// The kqueue's fd, borrowed (e.g. to `try_clone_to_owned` it). This is `Kqueue`'s
    /// `AsFd`: there is no `AsFd` impl, because [`close`](Kqueue::close) releases the fd
    /// in place (as Python's `close()` does) and a closed object has no fd to lend; an
    /// `as_fd` would have to panic. [`AsRawFd`] gives `-1` after `close`.
    ///
    /// # Errors
    ///
    /// `InvalidInput`, "I/O operation on closed kqueue object", after
    /// [`close`](Kqueue::close) or in a forked child.
    pub fn try_as_fd(&self) -> io::Result<BorrowedFd<'_>> {
        self.live().map(AsFd::as_fd).ok_or_else(|| closed("kqueue"))
    }

    /// Gives up the kqueue's fd, still open, to the caller.
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed kqueue object" after
    /// [`close`](Kqueue::close) or in a forked child (the number is forgotten then, see
    /// [Fork](Kqueue#fork)).
    pub fn into_fd(mut self) -> io::Result<OwnedFd> {
        self.release().ok_or_else(|| closed("kqueue"))
    }

    /// Whether [`close`](Kqueue::close) was called (Python's `closed`); also `true` in a
    /// forked child (see [Fork](Kqueue#fork)).
    #[inline]
    #[must_use]
    pub fn closed(&self) -> bool {
        self.live().is_none()
    }

    /// Closes the kqueue; idempotent, never fails (Python's `close()`; an error from
    /// `close(2)` is ignored, as CPython does). In a forked child nothing is closed: the
    /// object only forgets the number (see [Fork](Kqueue#fork)).
    pub fn close(&mut self) {
        drop(self.release());
    }

    /// Applies `changelist` and returns up to `max_events` triggered events
    /// (Python's `control(changelist, maxevents, timeout)`); `kevent(2)`.
    ///
    /// `timeout`: `None` waits until an event arrives, zero polls, anything else waits
    /// at most that long (nanosecond precision; waits past 24 days are made in several
    /// calls, where CPython refuses only timeouts beyond about 292 years: a Python float
    /// converts with [`timeout::from_secs_f64(t, Negative::Refuse)`](crate::timeout::from_secs_f64)).
    /// An interrupted wait is resumed with the time left unless an
    /// [interrupt check](Kqueue::set_interrupt_check) ends it. With `max_events == 0` the changes are
    /// applied and the call returns at once, whatever the timeout.
    ///
    /// Errors of individual changes come back as the OS reports them: as events with
    /// `KQ_EV_ERROR` set and the errno in `data` when the output has room, otherwise
    /// as this call's error. An interrupted wait (EINTR) is resumed with the remaining
    /// time, without submitting the changelist again (the kernel applies it before it
    /// sleeps; CPython re-submits it).
    ///
    /// # Errors
    ///
    /// * `InvalidInput` after [`close`](Kqueue::close) or in a forked child (Python's
    ///   `ValueError`), for
    ///   `max_events` above `i32::MAX`, or for a changelist longer than `i32::MAX`
    ///   (Python's `OverflowError`);
    /// * `OutOfMemory` if the output vector cannot be allocated (Python's
    ///   `MemoryError`);
    /// * the errno of `kevent(2)`: a failed change without room to report it (e.g.
    ///   `EBADF`, `ENOENT`, `EINVAL`), Python's `OSError`.
    #[doc(alias = "kevent")]
    pub fn control(
        &self,
        changelist: &[KEvent],
        max_events: usize,
        timeout: Option<Duration>,
    ) -> io::Result<Vec<KEvent>> {
        self.fileno()?;
        if max_events > i32::MAX as usize {
            return Err(invalid_input(format!(
                "Length of eventlist must be at most {}, got {max_events}",
                i32::MAX
            )));
        }
        let mut events = Vec::new();
        events.try_reserve_exact(max_events).map_err(|_| {
            io::Error::new(
                io::ErrorKind::OutOfMemory,
                format!("cannot allocate an eventlist of {max_events} kevents"),
            )
        })?;
        self.control_max(changelist, &mut events, max_events, timeout)?;
        Ok(events)
    }

    /// [`control`](Kqueue::control) into a caller-owned buffer: `events` is cleared, then
    /// filled with up to `events.capacity()` triggered events (never reallocated, so a
    /// warm buffer makes this allocation-free). Returns how many. A buffer of capacity 0
    /// applies the changes and returns at once.
    ///
    /// ```
    /// # #[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
    /// #     target_os = "dragonfly", target_vendor = "apple",
    /// #     all(target_os = "linux", feature = "libkqueue")))]
    /// # fn main() -> std::io::Result<()> {
    /// use std::time::Duration;
    /// use select_kqueue::{KEvent, Kqueue, KQ_FILTER_WRITE};
    ///
    /// let kq = Kqueue::new()?;
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut events = Vec::with_capacity(8);
    /// let add = KEvent::for_fd(&a)?.with_filter(KQ_FILTER_WRITE);
    /// let n = kq.control_into(&[add], &mut events, Some(Duration::from_secs(5)))?;
    /// assert_eq!(n, 1);
    /// assert_eq!(events[0].filter(), KQ_FILTER_WRITE);
    /// # Ok(()) }
    /// # #[cfg(not(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
    /// #     target_os = "dragonfly", target_vendor = "apple",
    /// #     all(target_os = "linux", feature = "libkqueue"))))]
    /// # fn main() {}
    /// ```
    ///
    /// # Errors
    ///
    /// As [`control`](Kqueue::control), except the allocation failure.
    #[doc(alias = "kevent")]
    pub fn control_into(
        &self,
        changelist: &[KEvent],
        events: &mut Vec<KEvent>,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        let max = events.capacity();
        self.control_max(changelist, events, max, timeout)
    }

    fn control_max(
        &self,
        changelist: &[KEvent],
        events: &mut Vec<KEvent>,
        max: usize,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        let fd = self.fileno()?;
        events.clear();
        control_raw(fd, changelist, events, max, timeout, self.check)
    }
}

/// `kevent(2)` on `fd` with EINTR retried: the changelist goes in the first call only.
/// With no room for events (`max == 0`) the call never waits. `check` is the
/// [`InterruptCheck`] run after each EINTR.
#[inline(always)]
pub(crate) fn control_raw(
    fd: RawFd,
    changelist: &[KEvent],
    events: &mut Vec<KEvent>,
    max: usize,
    timeout: Option<Duration>,
    check: Option<InterruptCheck>,
) -> io::Result<usize> {
    let max = max.min(events.capacity() - events.len());
    let timeout = if max == 0 {
        Some(Duration::ZERO)
    } else {
        timeout
    };
    let mut pending = changelist;
    retry::wait_checked(timeout, check, |left| {
        let ts = left.map(timeout::to_timespec);
        let r = sys::kevent_vec(fd, pending, events, max, ts.as_ref());
        // Whether it succeeded or was interrupted, the kernel has processed the
        // changelist: a retry must not apply it a second time.
        pending = &[];
        r
    })
}

impl Drop for Kqueue {
    /// Closes the kqueue, except in a forked child (see [Fork](Kqueue#fork)).
    fn drop(&mut self) {
        self.close();
    }
}

impl fmt::Debug for Kqueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.live() {
            Some(fd) => f
                .debug_struct("Kqueue")
                .field("fd", &fd.as_raw_fd())
                .finish(),
            None => f.write_str("Kqueue(closed)"),
        }
    }
}

impl AsRawFd for Kqueue {
    /// The kqueue's fd, or `-1` after [`close`](Kqueue::close) and in a forked child.
    fn as_raw_fd(&self) -> RawFd {
        self.live_fd().unwrap_or(-1)
    }
}

impl IntoRawFd for Kqueue {
    /// Gives up ownership of the fd (the caller must close it); `-1` if already closed
    /// or in a forked child.
    fn into_raw_fd(mut self) -> RawFd {
        self.release().map_or(-1, IntoRawFd::into_raw_fd)
    }
}

impl Waitable for Kqueue {
    /// A kqueue is itself pollable: readable while it has pending events.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](Kqueue::close) or in a forked child.
    fn fileno(&self) -> io::Result<RawFd> {
        Kqueue::fileno(self)
    }
}

/// Whether close-on-exec is set on `fd` (for tests: Python's
/// `os.get_inheritable(fd)` negated). Plumbing, hidden; see `__private`.
///
/// # Errors
///
/// The errno of `fcntl(2)` (`EBADF` for a closed fd).
#[doc(hidden)]
pub fn is_close_on_exec<W: Waitable + ?Sized>(fd: &W) -> io::Result<bool> {
    sys::is_cloexec(fd.fileno()?)
}
