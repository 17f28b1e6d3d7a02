//! The `Epoll` object: Python's `select.epoll`.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

use libc::epoll_event;
use select_core::error::{closed, invalid_input};
use select_core::Waitable;
use select_core::{__private::retry, InterruptCheck};

use crate::sys;
use crate::EpollFlags;

/// Python's `FD_SETSIZE - 1`: what `sizehint=-1` and `maxevents=-1` stand for.
pub const DEFAULT_MAXEVENTS: usize = libc::FD_SETSIZE - 1;

/// The largest `maxevents` the kernel accepts (`EP_MAX_EVENTS`: `INT_MAX` divided by the
/// size of `struct epoll_event`).
pub const MAX_MAXEVENTS: usize = sys::EP_MAX_EVENTS;

/// A Linux epoll instance with the semantics of Python's `select.epoll` object.
///
/// Created with close-on-exec set (`epoll_create1(EPOLL_CLOEXEC)`). Registration and
/// waiting take `&self`, and `Epoll` is `Send + Sync`: one thread may register fds
/// (for instance in an `Arc<Epoll>`) while another is blocked in [`poll`](Epoll::poll),
/// and the waiter sees the new registration, as the kernel allows.
///
/// [`close`](Epoll::close) (or dropping) releases the fd; after it every operation fails
/// with `InvalidInput` "I/O operation on closed epoll object" and the old fd number,
/// which may by then belong to another file, is never used again.
///
/// # The `dup` trap
///
/// A registration belongs to the *open file description*, not to the fd number: if the
/// registered fd was duplicated (`dup`, `fork`, `SCM_RIGHTS`...) and only the registered
/// number is closed, the registration stays alive and keeps reporting events under the
/// old number, and `unregister` of that number then fails with EBADF. Unregister before
/// closing.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::time::Duration;
/// use select_epoll::{Epoll, EpollFlags};
/// use std::os::fd::AsRawFd;
///
/// let ep = Epoll::new()?;
/// let (reader, mut writer) = std::io::pipe()?;
/// ep.register(&reader, EpollFlags::EPOLLIN)?;
/// assert!(ep.poll(Some(Duration::ZERO), -1)?.is_empty());
/// writer.write_all(b"x")?;
/// let ready = ep.poll(Some(Duration::from_secs(5)), -1)?;
/// assert_eq!(ready, vec![(reader.as_raw_fd(), EpollFlags::EPOLLIN)]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Epoll {
    fd: Option<OwnedFd>,
    check: Option<InterruptCheck>,
}

/// Python's `select.EPOLL_CLOEXEC`: the only flag [`Epoll::with_flags`] accepts besides
/// `0` (`epoll_create1(2)`'s `EPOLL_CLOEXEC`, equal to `O_CLOEXEC`).
pub const EPOLL_CLOEXEC: i32 = libc::EPOLL_CLOEXEC;

select_core::interrupt_check_accessors! {
    /// Takes `&mut self`: set it before sharing the object between threads.
    Epoll
}

impl Epoll {
    /// A new epoll instance, close-on-exec (Python's `select.epoll()`).
    ///
    /// Corresponds to `epoll_create1(2)` with `EPOLL_CLOEXEC`.
    ///
    /// # Errors
    ///
    /// The errno of `epoll_create1` (EMFILE, ENFILE, ENOMEM), Python's `OSError`.
    #[doc(alias = "epoll_create1")]
    pub fn new() -> io::Result<Epoll> {
        Ok(Epoll {
            fd: Some(sys::epoll_create_cloexec()?),
            check: None,
        })
    }

    /// Python's `select.epoll(sizehint, flags)`: `sizehint` as in
    /// [`with_sizehint`](Epoll::with_sizehint), and `flags` either `0` or
    /// [`EPOLL_CLOEXEC`]. As in CPython (where `flags` is deprecated), the instance is
    /// close-on-exec **either way**: `epoll_create1(EPOLL_CLOEXEC)`; an inheritable epoll
    /// fd needs an explicit `fcntl` by the caller.
    ///
    /// # Errors
    ///
    /// Checked in CPython's order: `InvalidInput` "negative sizehint N" (Python's
    /// `ValueError`); `InvalidInput` "invalid flags 0x...: expected 0 or EPOLL_CLOEXEC"
    /// for any other `flags` (Python's `OSError("invalid flags")`, which has no errno);
    /// otherwise as [`Epoll::new`].
    ///
    /// # Examples
    ///
    /// ```
    /// use select_epoll::{Epoll, EPOLL_CLOEXEC};
    ///
    /// let ep = Epoll::with_flags(-1, EPOLL_CLOEXEC)?;
    /// assert!(!ep.closed());
    /// let e = Epoll::with_flags(-1, 1).unwrap_err();
    /// assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "epoll_create1")]
    pub fn with_flags(sizehint: i32, flags: i32) -> io::Result<Epoll> {
        check_sizehint(sizehint)?;
        if flags != 0 && flags != EPOLL_CLOEXEC {
            return Err(invalid_input(format!(
                "invalid flags {flags:#x}: expected 0 or EPOLL_CLOEXEC ({EPOLL_CLOEXEC:#x})"
            )));
        }
        Epoll::new()
    }

    /// Python's `select.epoll(sizehint)`: `sizehint` is validated as Python does, then
    /// ignored (the kernel has not used it since Linux 2.6.8).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "negative sizehint N" for `0` and values below `-1` (Python's
    /// `ValueError("negative sizehint")`); otherwise as [`Epoll::new`].
    pub fn with_sizehint(sizehint: i32) -> io::Result<Epoll> {
        check_sizehint(sizehint)?;
        Epoll::new()
    }

    /// Takes ownership of an existing epoll fd (Python's `epoll.fromfd`). The
    /// close-on-exec flag is left as it is.
    ///
    /// The fd is checked to be an epoll instance, without side effects: a fresh eventfd
    /// is used as a probe, and deleting it from a real epoll instance fails with ENOENT
    /// while anything else fails with EINVAL. (Python accepts any fd here and fails at
    /// the first `poll`.)
    ///
    /// # Errors
    ///
    /// `InvalidInput` "fd N is not an epoll instance" for any other kind of fd (which is
    /// then closed, as the value is consumed); the errno of `eventfd(2)` (EMFILE...) if
    /// no probe could be made.
    pub fn from_fd(fd: OwnedFd) -> io::Result<Epoll> {
        let raw = fd.as_raw_fd();
        if sys::is_epoll(raw)? {
            Ok(Epoll {
                fd: Some(fd),
                check: None,
            })
        } else {
            Err(invalid_input(format!("fd {raw} is not an epoll instance")))
        }
    }

    /// Closes the epoll fd. Idempotent; never fails (an error of `close(2)` is ignored,
    /// as in Python).
    pub fn close(&mut self) {
        self.fd = None;
    }

    /// Whether [`close`](Epoll::close) was called (Python's `closed` attribute).
    #[inline]
    #[must_use]
    pub fn closed(&self) -> bool {
        self.fd.is_none()
    }

    /// The epoll fd (Python's `fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed epoll object" after `close`.
    #[inline]
    pub fn fileno(&self) -> io::Result<RawFd> {
        self.raw()
    }

    /// The epoll fd, borrowed (e.g. to `try_clone_to_owned` it, or to hand it to an async
    /// reactor). This is `Epoll`'s `AsFd`: there is no `AsFd` impl, because
    /// [`close`](Epoll::close) releases the fd in place (as Python's `close()` does) and
    /// a closed object has no fd to lend; an `as_fd` would have to panic. [`AsRawFd`]
    /// gives `-1` after `close`, as Python's `fileno()` would (ours returns the error).
    ///
    /// ```
    /// use select_epoll::Epoll;
    ///
    /// let mut ep = Epoll::new()?;
    /// let copy = ep.try_as_fd()?.try_clone_to_owned()?; // a dup of the epoll fd
    /// ep.close();
    /// assert!(ep.try_as_fd().is_err()); // closed: an error, no panic
    /// let ep = Epoll::from_fd(copy)?; // the dup still names the instance
    /// assert!(!ep.closed());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput`, "I/O operation on closed epoll object", after
    /// [`close`](Epoll::close).
    pub fn try_as_fd(&self) -> io::Result<BorrowedFd<'_>> {
        self.fd
            .as_ref()
            .map(AsFd::as_fd)
            .ok_or_else(|| closed("epoll"))
    }

    /// Gives up the epoll fd, still open, to the caller (the inverse of
    /// [`from_fd`](Epoll::from_fd)).
    ///
    /// ```
    /// use std::os::fd::AsRawFd;
    /// use select_epoll::Epoll;
    ///
    /// let ep = Epoll::new()?;
    /// let raw = ep.as_raw_fd();
    /// let fd = ep.into_fd()?;
    /// assert_eq!(fd.as_raw_fd(), raw);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `InvalidInput`, "I/O operation on closed epoll object", after
    /// [`close`](Epoll::close).
    pub fn into_fd(mut self) -> io::Result<OwnedFd> {
        self.fd.take().ok_or_else(|| closed("epoll"))
    }

    /// Makes this object's fd number refer to `fresh`'s epoll instance (the old instance
    /// is released unless a fork or dup shares it); `fresh` keeps its own fd, closed when
    /// it drops. The number, and so `fileno()`, stays the same.
    pub(crate) fn take_instance(&self, fresh: &Epoll) -> io::Result<()> {
        sys::dup_onto(fresh.try_as_fd()?, self.try_as_fd()?)
    }

    #[inline(always)]
    pub(crate) fn raw(&self) -> io::Result<RawFd> {
        match &self.fd {
            Some(fd) => Ok(fd.as_raw_fd()),
            None => Err(closed("epoll")),
        }
    }

    /// Registers `fd` for the events in `mask`; the event data is the fd, as in Python.
    ///
    /// Corresponds to `epoll_ctl(2)` with `EPOLL_CTL_ADD`. The mask goes to the kernel
    /// unchanged; `EPOLLERR` and `EPOLLHUP` are always reported whether asked for or not.
    ///
    /// # Errors
    ///
    /// * `InvalidInput` after `close`, or for a negative fd (Python's `ValueError`);
    /// * EEXIST (`AlreadyExists`, Python's `FileExistsError`) if already registered;
    /// * EBADF for a closed fd, EPERM (`PermissionError`) for a regular file or directory,
    ///   EINVAL for `EPOLLEXCLUSIVE` with flags it does not allow or `fd` being this
    ///   epoll itself (bits the kernel does not know are accepted and ignored, as
    ///   Linux does), ELOOP for a cycle of epoll instances, ENOSPC
    ///   beyond `max_user_watches` (all Python's `OSError`).
    #[doc(alias = "epoll_ctl")]
    pub fn register<W: Waitable + ?Sized>(&self, fd: &W, mask: EpollFlags) -> io::Result<()> {
        // The argument first, then the closed check, in CPython's order.
        let fd = fd.fileno()?;
        let epfd = self.raw()?;
        sys::epoll_ctl(epfd, libc::EPOLL_CTL_ADD, fd, mask.bits(), fd as u32 as u64)
    }

    /// Registers `fd` with Python's default mask, `EPOLLIN | EPOLLOUT | EPOLLPRI`
    /// ([`EpollFlags::REGISTER_DEFAULT`]).
    ///
    /// # Errors
    ///
    /// As [`register`](Epoll::register).
    pub fn register_default<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<()> {
        self.register(fd, EpollFlags::REGISTER_DEFAULT)
    }

    /// Replaces the mask of a registered fd (and re-arms an `EPOLLONESHOT` registration).
    ///
    /// Corresponds to `epoll_ctl(2)` with `EPOLL_CTL_MOD`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close` or for a negative fd; ENOENT (`NotFound`, Python's
    /// `FileNotFoundError`) if `fd` is not registered; EBADF for a closed fd; EINVAL for
    /// an `EPOLLEXCLUSIVE` registration (which cannot be modified).
    #[doc(alias = "epoll_ctl")]
    pub fn modify<W: Waitable + ?Sized>(&self, fd: &W, mask: EpollFlags) -> io::Result<()> {
        // The argument first, then the closed check, in CPython's order.
        let fd = fd.fileno()?;
        let epfd = self.raw()?;
        sys::epoll_ctl(epfd, libc::EPOLL_CTL_MOD, fd, mask.bits(), fd as u32 as u64)
    }

    /// Removes the registration of `fd`.
    ///
    /// Corresponds to `epoll_ctl(2)` with `EPOLL_CTL_DEL`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close` or for a negative fd; ENOENT (`NotFound`, Python's
    /// `FileNotFoundError`) if `fd` is not registered; EBADF if `fd` was closed since
    /// (Python 3.9+ reports it too; see the dup trap in the type docs).
    #[doc(alias = "epoll_ctl")]
    pub fn unregister<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<()> {
        // The argument first, then the closed check, in CPython's order.
        let fd = fd.fileno()?;
        let epfd = self.raw()?;
        sys::epoll_ctl(epfd, libc::EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// `epoll_ctl` with an explicit data word, for [`EpollSelector`](crate::EpollSelector).
    #[inline(always)]
    pub(crate) fn ctl(&self, op: libc::c_int, fd: RawFd, events: u32, data: u64) -> io::Result<()> {
        sys::epoll_ctl(self.raw()?, op, fd, events, data)
    }

    /// Waits until a registered fd is ready or `timeout` passes, and returns up to
    /// `maxevents` `(fd, events)` pairs (Python's `epoll.poll(timeout, maxevents)`).
    ///
    /// `None` blocks, zero polls; other timeouts are honoured to the nanosecond with
    /// `epoll_pwait2(2)` (Linux 5.11+), else rounded **up** to milliseconds for
    /// `epoll_wait(2)` (the fallback is chosen once per process, on ENOSYS or EPERM).
    /// CPython refuses a timeout whose milliseconds exceed `INT_MAX` (about 24.8 days)
    /// with `OverflowError`; here any `Duration` is accepted and a wait longer than
    /// [`MAX_WAIT_CHUNK`](crate::timeout::MAX_WAIT_CHUNK) (24 days) is made in several
    /// calls up to the deadline. A Python float timeout converts with CPython's exact
    /// rules (negative blocks, NaN and more than `INT_MAX` ms refused) through
    /// [`from_epoll_secs_f64(secs)`](crate::timeout::from_epoll_secs_f64). `maxevents == -1`
    /// means Python's default, `FD_SETSIZE - 1` ([`DEFAULT_MAXEVENTS`]). An interrupted
    /// wait is resumed with the remaining time (PEP 475). When more fds are ready than
    /// `maxevents`, the kernel reports the others on later waits, round-robin.
    ///
    /// This allocates the result; [`poll_into`](Epoll::poll_into) reuses a buffer.
    ///
    /// # Errors
    ///
    /// Checked in Python's order: `InvalidInput` "I/O operation on closed epoll object"
    /// after `close`; `InvalidInput` "maxevents must be greater than 0, got N" for `0`
    /// or values below `-1` (Python's `ValueError`); EINVAL (`InvalidInput`, as the kernel
    /// and CPython say) above [`MAX_MAXEVENTS`]; `OutOfMemory` if the buffer cannot be
    /// allocated (`MemoryError`);
    /// then the kernel's errno (EBADF/EINVAL if the fd is no longer an epoll instance).
    /// Never `Interrupted`, unless the interrupt check (`set_interrupt_check`) returns it.
    #[doc(alias = "epoll_wait")]
    #[doc(alias = "epoll_pwait2")]
    pub fn poll(
        &self,
        timeout: Option<Duration>,
        maxevents: i32,
    ) -> io::Result<Vec<(RawFd, EpollFlags)>> {
        self.raw()?;
        let mut events = EpollEvents::new(maxevents)?;
        self.poll_into(timeout, &mut events)?;
        Ok(events.iter().collect())
    }

    /// [`poll`](Epoll::poll) into a caller-owned buffer, whose capacity is `maxevents`.
    /// Returns how many events it now holds (`0`: the timeout passed). Does not allocate.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close`; the kernel's errno. Never `Interrupted`, unless the interrupt check (`set_interrupt_check`) returns it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use select_epoll::{Epoll, EpollEvents, EpollFlags};
    ///
    /// let ep = Epoll::new()?;
    /// let (_reader, writer) = std::io::pipe()?;
    /// ep.register(&writer, EpollFlags::EPOLLOUT)?;
    /// let mut events = EpollEvents::new(64)?;
    /// for _ in 0..3 {
    ///     assert_eq!(ep.poll_into(Some(Duration::ZERO), &mut events)?, 1);
    ///     let (_fd, flags) = events.iter().next().unwrap();
    ///     assert_eq!(flags, EpollFlags::EPOLLOUT);
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[inline(always)]
    pub fn poll_into(
        &self,
        timeout: Option<Duration>,
        events: &mut EpollEvents,
    ) -> io::Result<usize> {
        events.len = 0;
        let n = self.wait_raw(&mut events.buf, timeout)?;
        events.len = n;
        Ok(n)
    }

    /// One wait into a raw kernel buffer (`buf.len()` in 1..=MAX_MAXEVENTS), EINTR
    /// retried with the remaining time.
    #[inline(always)]
    pub(crate) fn wait_raw(
        &self,
        buf: &mut [epoll_event],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        let epfd = self.raw()?;
        retry::wait_checked(
            timeout,
            self.check,
            #[inline(always)]
            |left| sys::epoll_wait(epfd, buf, left),
        )
    }
}

/// Python's sizehint rule: `-1` or a positive number.
fn check_sizehint(sizehint: i32) -> io::Result<()> {
    if sizehint == 0 || sizehint < -1 {
        return Err(invalid_input(format!(
            "negative sizehint {sizehint}: expected -1 or a positive number"
        )));
    }
    Ok(())
}

impl AsRawFd for Epoll {
    /// The epoll fd, or `-1` after [`close`](Epoll::close) (a number no syscall accepts).
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_ref().map_or(-1, AsRawFd::as_raw_fd)
    }
}

impl IntoRawFd for Epoll {
    /// Gives up ownership of the epoll fd; `-1` if it was closed.
    fn into_raw_fd(mut self) -> RawFd {
        self.fd.take().map_or(-1, IntoRawFd::into_raw_fd)
    }
}

impl fmt::Debug for Epoll {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Epoll");
        match &self.fd {
            Some(fd) => d.field("fd", &fd.as_raw_fd()),
            None => d.field("closed", &true),
        };
        d.finish()
    }
}

/// A caller-owned, reusable buffer for [`Epoll::poll_into`]: its capacity is the
/// `maxevents` of every wait into it.
///
/// ```
/// use select_epoll::EpollEvents;
/// assert_eq!(EpollEvents::new(-1)?.capacity(), select_epoll::DEFAULT_MAXEVENTS);
/// assert_eq!(EpollEvents::new(0).unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct EpollEvents {
    buf: Vec<epoll_event>,
    len: usize,
}

impl EpollEvents {
    /// A buffer for `maxevents` events, validated as Python validates `poll`'s
    /// `maxevents`: `-1` means [`DEFAULT_MAXEVENTS`].
    ///
    /// # Errors
    ///
    /// `InvalidInput` "maxevents must be greater than 0, got N" for `0` and values below
    /// `-1` (Python's `ValueError`); errno EINVAL (`InvalidInput`) above
    /// [`MAX_MAXEVENTS`], as the kernel and CPython say; `OutOfMemory` when the
    /// buffer cannot be allocated (Python's `MemoryError`).
    pub fn new(maxevents: i32) -> io::Result<EpollEvents> {
        let cap = match maxevents {
            -1 => DEFAULT_MAXEVENTS,
            n if n <= 0 => {
                return Err(invalid_input(format!(
                    "maxevents must be greater than 0, got {n}"
                )))
            }
            n => n as usize,
        };
        EpollEvents::with_capacity(cap)
    }

    /// A buffer for `capacity` events (`0` is taken as `1`).
    ///
    /// # Errors
    ///
    /// errno EINVAL (`InvalidInput`) above [`MAX_MAXEVENTS`]; `OutOfMemory` when the
    /// buffer cannot be allocated.
    pub fn with_capacity(capacity: usize) -> io::Result<EpollEvents> {
        Ok(EpollEvents {
            buf: kernel_buffer(capacity.max(1))?,
            len: 0,
        })
    }

    /// The `maxevents` of a wait into this buffer.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// How many events the last wait reported.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the last wait reported nothing.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `i`-th reported `(fd, events)` pair.
    #[inline]
    pub fn get(&self, i: usize) -> Option<(RawFd, EpollFlags)> {
        self.buf[..self.len].get(i).map(decode)
    }

    /// The reported `(fd, events)` pairs, in the kernel's order.
    #[inline]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (RawFd, EpollFlags)> + '_ {
        self.buf[..self.len].iter().map(decode)
    }

    /// Forgets the reported events.
    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
    }
}

#[inline]
fn decode(ev: &epoll_event) -> (RawFd, EpollFlags) {
    // Copies out of a possibly packed struct: no references to its fields.
    let (events, data) = (ev.events, ev.u64);
    (data as u32 as RawFd, EpollFlags::from_bits_retain(events))
}

/// A zeroed kernel buffer of `cap` events, allocated fallibly.
pub(crate) fn kernel_buffer(cap: usize) -> io::Result<Vec<epoll_event>> {
    if cap > MAX_MAXEVENTS {
        // What `epoll_wait` itself says (CPython's `OSError(EINVAL)`), without asking.
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let mut buf = Vec::new();
    buf.try_reserve_exact(cap).map_err(|_| {
        io::Error::new(
            io::ErrorKind::OutOfMemory,
            format!("cannot allocate a buffer for {cap} epoll events"),
        )
    })?;
    buf.resize(cap, sys::ZERO_EVENT);
    Ok(buf)
}

impl fmt::Debug for EpollEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EpollEvents")
            .field("capacity", &self.capacity())
            .field("events", &DebugList(self))
            .finish()
    }
}

struct DebugList<'a>(&'a EpollEvents);

impl fmt::Debug for DebugList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a EpollEvents {
    type Item = (RawFd, EpollFlags);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, epoll_event>, fn(&epoll_event) -> (RawFd, EpollFlags)>;
    fn into_iter(self) -> Self::IntoIter {
        self.buf[..self.len]
            .iter()
            .map(decode as fn(&epoll_event) -> _)
    }
}

/// Forces timed waits to use `epoll_wait` with milliseconds rounded up instead of
/// `epoll_pwait2`, process-wide (or stops forcing it). For tests of the fallback path
/// only; not part of the API.
#[doc(hidden)]
pub fn __force_epoll_wait_fallback(force: bool) {
    sys::set_pwait2_disabled(force);
}

/// Whether timed waits use `epoll_pwait2` (true unless the kernel lacked it or the
/// fallback was forced). For tests only; not part of the API.
#[doc(hidden)]
#[must_use]
pub fn __uses_epoll_pwait2() -> bool {
    sys::pwait2_in_use()
}
