//! [`DevPoll`]: Python's `select.devpoll()` object (illumos and Solaris).

use std::collections::HashSet;
use std::fmt;
use std::hash::BuildHasherDefault;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

use libc::pollfd;
use select_core::__private::{retry, FdHasher};
use select_core::error::closed;
use select_core::InterruptCheck;
use select_core::{timeout, Waitable};

use crate::sys::devpoll as sys;
use crate::PollFlags;

/// How many changes are buffered before they are written to the device without waiting
/// for the next [`poll`](DevPoll::poll) (CPython writes when its buffer of
/// `RLIMIT_NOFILE` records is full).
const MAX_PENDING: usize = 1024;

type FdSet = HashSet<RawFd, BuildHasherDefault<FdHasher>>;

/// Python's `select.devpoll()` object: the `/dev/poll` device of illumos and Solaris,
/// which keeps the registered fds in the kernel so a wait costs O(ready fds).
///
/// Registration is a `write(2)` of `pollfd` records to the device, a wait is the
/// `DP_POLL` ioctl (see `poll(7d)`). As in CPython, changes are **buffered** and written
/// in one `write(2)` before the next wait (or once 1024 are pending), so an error the
/// kernel finds in a change (e.g. `EBADF`) is reported by that [`poll`](DevPoll::poll)
/// rather than by the call that made it.
///
/// # Python semantics
///
/// * [`register`](DevPoll::register) is write-only, like the device: registering an fd
///   that is already registered adds the new events to the old ones (the kernel ORs
///   them; Python calls this undefined). Use [`modify`](DevPoll::modify) to replace a
///   mask.
/// * [`modify`](DevPoll::modify) writes a `POLLREMOVE` record and then the new mask, so
///   it works whether or not the fd was registered (no `ENOENT`, unlike `poll`).
/// * [`unregister`](DevPoll::unregister) of an fd that is not registered is silently
///   ignored (the kernel ignores the `POLLREMOVE`).
/// * [`close`](DevPoll::close) is idempotent and never fails; afterwards every call
///   fails with `InvalidInput` "I/O operation on closed devpoll object" (Python's
///   `ValueError`), and [`closed`](DevPoll::closed) is true.
/// * Timeouts are `Option<Duration>`: `None` blocks, zero polls, anything else is
///   rounded **up** to whole milliseconds. To port `dp.poll(ms)` with Python's exact
///   rules (`-1` blocks, any other negative value or one above `INT_MAX` is an
///   `OverflowError`), convert with [`DevPoll::timeout_from_millis_f64`].
///
/// # Verification
///
/// `/dev/poll` exists only on illumos and Solaris. CI type-checks this type for
/// `x86_64-unknown-illumos`, `x86_64-pc-solaris` and `sparcv9-sun-solaris` (the
/// `struct dvpoll` layout is asserted at compile time) but runs nothing on them: the
/// behaviour described here follows illumos's `poll(7d)` manual page and CPython's
/// `select.devpoll`, and has not been run on a real illumos or Solaris kernel.
///
/// # Examples
///
/// ```no_run
/// use std::io::Write;
/// use std::os::fd::AsRawFd;
/// use std::time::Duration;
/// use select_poll::{DevPoll, PollFlags};
///
/// let (reader, mut writer) = std::io::pipe()?;
/// let mut dp = DevPoll::new()?;
/// dp.register(&reader, PollFlags::POLLIN)?;
/// assert!(dp.poll(Some(Duration::ZERO))?.is_empty());
///
/// writer.write_all(b"x")?;
/// let ready = dp.poll(Some(Duration::from_secs(5)))?;
/// assert_eq!(ready, vec![(reader.as_raw_fd(), PollFlags::POLLIN)]);
/// dp.close();
/// assert!(dp.closed());
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct DevPoll {
    fd: Option<OwnedFd>,
    /// Records written to the device on the next flush.
    pending: Vec<pollfd>,
    /// The fds registered through this object and not unregistered since: an upper
    /// bound of how many the kernel can report ready, which sizes the result buffer.
    registered: FdSet,
    /// The `DP_POLL` result buffer.
    results: Vec<pollfd>,
    /// Run after each EINTR (PEP 475's handler step); `None` resumes the wait.
    check: Option<InterruptCheck>,
}

select_core::interrupt_check_accessors! {
    /// An error ends `devpoll.poll` as a Python signal handler that raises does.
    DevPoll
}

impl DevPoll {
    /// Opens `/dev/poll` (Python's `select.devpoll()`). The fd is close-on-exec, as
    /// CPython's is non-inheritable.
    ///
    /// # Errors
    ///
    /// The errno of `open(2)`, e.g. `NotFound` (`ENOENT`) where the device is missing.
    pub fn new() -> io::Result<DevPoll> {
        Ok(DevPoll {
            fd: Some(sys::open()?),
            pending: Vec::new(),
            registered: FdSet::default(),
            results: Vec::new(),
            check: None,
        })
    }

    /// Closes the device fd (Python's `devpoll.close()`). Idempotent; never fails.
    /// Changes not yet written are dropped.
    pub fn close(&mut self) {
        self.fd = None;
        self.pending.clear();
        self.registered.clear();
    }

    /// Whether [`close`](DevPoll::close) was called (Python's `closed` attribute).
    #[inline]
    pub fn closed(&self) -> bool {
        self.fd.is_none()
    }

    /// The device fd, borrowed (no `AsFd` impl: [`close`](DevPoll::close) releases the
    /// fd in place, and a closed object has none to lend).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed devpoll object" after `close`.
    pub fn try_as_fd(&self) -> io::Result<BorrowedFd<'_>> {
        self.fd
            .as_ref()
            .map(AsFd::as_fd)
            .ok_or_else(|| closed("devpoll"))
    }

    /// The device fd (Python's `fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed devpoll object" after `close`.
    #[inline]
    pub fn fileno(&self) -> io::Result<RawFd> {
        match &self.fd {
            Some(fd) => Ok(fd.as_raw_fd()),
            None => Err(closed("devpoll")),
        }
    }

    /// Registers `fd` for the events in `mask` (Python's `devpoll.register(fd,
    /// eventmask)`; [`PollFlags::default()`] is Python's default `POLLIN | POLLPRI |
    /// POLLOUT`). The record is buffered until the next wait.
    ///
    /// Registering an fd again adds `mask` to the events it has (see the
    /// [type docs](DevPoll#python-semantics)).
    ///
    /// # Errors
    ///
    /// * `InvalidInput` after `close`, or for a negative fd (Python's `ValueError`).
    /// * The errno of `write(2)` if the buffer was full and had to be written now.
    pub fn register<W: Waitable + ?Sized>(&mut self, fd: &W, mask: PollFlags) -> io::Result<()> {
        self.fileno()?;
        let fd = fd.fileno()?;
        self.queue(fd, mask.bits())?;
        self.registered.insert(fd);
        Ok(())
    }

    /// Replaces the mask of `fd` (Python's `devpoll.modify(fd, eventmask)`): a
    /// `POLLREMOVE` record, then one with `mask`, both buffered until the next wait.
    ///
    /// # Errors
    ///
    /// As [`register`](DevPoll::register).
    pub fn modify<W: Waitable + ?Sized>(&mut self, fd: &W, mask: PollFlags) -> io::Result<()> {
        self.fileno()?;
        let fd = fd.fileno()?;
        self.queue(fd, sys::POLLREMOVE)?;
        self.queue(fd, mask.bits())?;
        self.registered.insert(fd);
        Ok(())
    }

    /// Removes `fd` (Python's `devpoll.unregister(fd)`): a `POLLREMOVE` record, buffered
    /// until the next wait. An fd that is not registered is ignored, as by the kernel.
    ///
    /// # Errors
    ///
    /// As [`register`](DevPoll::register).
    pub fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<()> {
        self.fileno()?;
        let fd = fd.fileno()?;
        self.queue(fd, sys::POLLREMOVE)?;
        self.registered.remove(&fd);
        Ok(())
    }

    /// The events `fd` is registered with in the kernel, or `None` if it is not
    /// registered: the `DP_ISPOLLED` ioctl, after writing the buffered changes. Not in
    /// Python's API.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close` or for a negative fd; the errno of writing the
    /// buffered changes or of the ioctl.
    #[doc(alias = "DP_ISPOLLED")]
    pub fn is_polled<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<Option<PollFlags>> {
        let dev = self.fileno()?;
        let fd = fd.fileno()?;
        self.flush()?;
        Ok(sys::dp_ispolled(dev, fd)?.map(PollFlags::from_bits_retain))
    }

    /// Writes the buffered changes and waits for events; returns the `(fd, revents)`
    /// pairs of the ready fds in the kernel's order, empty when the timeout passed
    /// (Python's `devpoll.poll(timeout)`).
    ///
    /// # Errors
    ///
    /// As [`poll_into`](DevPoll::poll_into).
    pub fn poll(&mut self, timeout: Option<Duration>) -> io::Result<Vec<(RawFd, PollFlags)>> {
        let mut out = Vec::new();
        self.poll_into(&mut out, timeout)?;
        Ok(out)
    }

    /// As [`poll`](DevPoll::poll), into `out` (cleared first); returns how many pairs.
    ///
    /// `timeout`: `None` blocks, zero polls, anything else is rounded **up** to whole
    /// milliseconds. An interrupted wait (EINTR) is resumed with the time that remains
    /// (PEP 475); it never returns `Interrupted`, unless the interrupt check
    /// ([`set_interrupt_check`](DevPoll::set_interrupt_check)) returns it.
    ///
    /// # Errors
    ///
    /// * `InvalidInput` "I/O operation on closed devpoll object" after `close`.
    /// * The errno of `write(2)` for the buffered changes (Python's `OSError`), or
    ///   `Other` if the device took only part of them; the changes are dropped either
    ///   way, as in CPython.
    /// * The errno of the `DP_POLL` ioctl.
    #[doc(alias = "DP_POLL")]
    pub fn poll_into(
        &mut self,
        out: &mut Vec<(RawFd, PollFlags)>,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        out.clear();
        let n = self.wait(timeout)?;
        out.extend(
            self.results[..n]
                .iter()
                .map(|p| (p.fd, PollFlags::from_bits_retain(p.revents))),
        );
        Ok(n)
    }

    /// Python's rules for `devpoll.poll(ms)` with a float: `-1` (or a value in (-1, 0),
    /// which rounds to it) blocks (`None`); other values are rounded up to whole
    /// milliseconds.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for NaN (Python's `ValueError`), and "timeout is too large" for a
    /// value below -1 or above `INT_MAX` milliseconds (Python's `OverflowError`).
    pub fn timeout_from_millis_f64(ms: f64) -> io::Result<Option<Duration>> {
        crate::timeouts::devpoll_millis(ms)
    }

    /// One wait after flushing, EINTR retried; the count of leading ready entries in
    /// `self.results` (0 if the time ran out).
    #[inline(always)]
    pub(crate) fn wait(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        let dev = self.fileno()?;
        self.flush()?;
        let want = self.registered.len().max(1);
        if self.results.len() < want {
            self.results.resize(
                want,
                pollfd {
                    fd: -1,
                    events: 0,
                    revents: 0,
                },
            );
        }
        let buf = &mut self.results[..want];
        retry::wait_checked(timeout, self.check, |left| {
            sys::dp_poll(dev, buf, timeout::to_millis_ceil(left))
        })
    }

    /// The entries the last [`wait`](DevPoll::wait) filled.
    pub(crate) fn results(&self) -> &[pollfd] {
        &self.results
    }

    /// Buffers one record, writing the buffer first if it is full.
    fn queue(&mut self, fd: RawFd, events: libc::c_short) -> io::Result<()> {
        if self.pending.len() >= MAX_PENDING {
            self.flush()?;
        }
        self.pending.push(pollfd {
            fd,
            events,
            revents: 0,
        });
        Ok(())
    }

    /// Writes the buffered records in one `write(2)`; they are dropped whatever happens.
    #[inline(always)]
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let dev = self.fileno()?;
        let result = sys::write_records(dev, &self.pending);
        let want = std::mem::size_of_val(self.pending.as_slice());
        self.pending.clear();
        match result? {
            n if n == want => Ok(()),
            n => Err(io::Error::other(format!(
                "/dev/poll took {n} of {want} bytes of pollfd records"
            ))),
        }
    }
}

impl AsRawFd for DevPoll {
    /// The device fd, or `-1` after [`close`](DevPoll::close) (a number no syscall
    /// accepts).
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_ref().map_or(-1, AsRawFd::as_raw_fd)
    }
}

impl IntoRawFd for DevPoll {
    /// Gives up ownership of the device fd; `-1` if it was closed. Buffered changes are
    /// dropped.
    fn into_raw_fd(mut self) -> RawFd {
        self.fd.take().map_or(-1, IntoRawFd::into_raw_fd)
    }
}

impl fmt::Debug for DevPoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("DevPoll");
        match &self.fd {
            Some(fd) => d.field("fd", &fd.as_raw_fd()),
            None => d.field("closed", &true),
        };
        d.field("pending", &self.pending.len())
            .field("registered", &self.registered.len())
            .finish()
    }
}
