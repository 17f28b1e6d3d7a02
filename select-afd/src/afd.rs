//! The `Afd` object: Python's `select.epoll` on AFD polling.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasherDefault;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use select_core::__private::check_open;
use select_core::__private::retry;
use select_core::__private::FdHasher;
use select_core::error::{already_registered, closed, invalid_input, not_registered};
use select_core::InterruptCheck;
use select_core::{RawFd, Waitable};

use crate::flags::AFD_LOCAL_CLOSE;
use crate::sys::{self, Device, Entries, OpId, Ops, Port};
use crate::AfdFlags;

/// Python's `FD_SETSIZE - 1` on Linux: what `maxevents=-1` stands for.
pub const DEFAULT_MAXEVENTS: usize = 1023;

/// The largest `maxevents` [`AfdEvents::new`] accepts (the dequeue buffer's entries must
/// be countable in an `i32`, as `epoll_wait`'s are).
pub const MAX_MAXEVENTS: usize = (i32::MAX as usize) / 32;

/// How many rounds of draining `close` waits for cancelled requests to come back (each
/// at most [`DRAIN_WAIT`]); what has not come back by then is leaked, not freed.
const DRAIN_ROUNDS: usize = 100;
const DRAIN_WAIT: Duration = Duration::from_millis(10);

type FdMap<V> = HashMap<RawFd, V, BuildHasherDefault<FdHasher>>;

/// One registered socket.
#[derive(Debug)]
struct Reg {
    /// The base handle AFD polls.
    base: RawFd,
    mask: AfdFlags,
    /// The poll request in flight for the current mask, if any.
    op: Option<OpId>,
    /// In `State::rearm`: a poll is to be submitted at the next wait.
    queued: bool,
}

/// Everything the mutex guards: the registrations, the level-triggered re-arms due, and
/// the requests in flight.
#[derive(Debug, Default)]
struct State {
    regs: FdMap<Reg>,
    rearm: Vec<RawFd>,
    /// Sockets that were ready when the wait's buffer was full: polled again first at
    /// the next wait, so they are reported then, with their state then.
    deferred: Vec<RawFd>,
    /// Sockets whose re-arm failed because they were closed: reported once as hang-up.
    gone: Vec<RawFd>,
    ops: Ops,
}

/// The buffers one wait fills: the dequeued packets and the `(socket, events)` pairs
/// they become, at most `cap` of them.
#[derive(Debug)]
pub(crate) struct Batch {
    /// Room for every request in flight, so one dequeue takes every packet queued: none
    /// is left in the port to be reported later with a state that has changed since.
    entries: Entries,
    ready: Vec<(RawFd, AfdFlags)>,
    woken: bool,
    cap: usize,
}

impl Batch {
    pub(crate) const fn new() -> Batch {
        Batch {
            entries: Entries::new(),
            ready: Vec::new(),
            woken: false,
            cap: 1,
        }
    }

    /// Sets the number of results one wait reports (at least 1), making room for them.
    pub(crate) fn set_capacity(&mut self, cap: usize) -> io::Result<()> {
        let cap = cap.max(1);
        self.entries.reserve(cap)?;
        self.ready
            .try_reserve(cap.saturating_sub(self.ready.len()))
            .map_err(|_| oom())?;
        self.cap = cap;
        Ok(())
    }

    /// The results of the last wait.
    pub(crate) fn ready(&self) -> &[(RawFd, AfdFlags)] {
        &self.ready
    }

    /// Whether the last wait dequeued a wake.
    pub(crate) fn woken(&self) -> bool {
        self.woken
    }

    fn clear(&mut self) {
        self.ready.clear();
        self.woken = false;
    }
}

/// AFD polling on an I/O completion port with the semantics of Python's `select.epoll`
/// object (what wepoll offers C programs).
///
/// One `\Device\Afd` handle attached to a completion port; each registered socket has
/// one `IOCTL_AFD_POLL` request in flight on its base handle (`SIO_BASE_HANDLE`), whose
/// completion a wait dequeues with `GetQueuedCompletionStatusEx`. Level-triggered: a
/// socket reported by a wait is polled again at the start of the next one, so it is
/// reported as long as it stays ready; with [`AfdFlags::EPOLLONESHOT`] it is disarmed
/// after one report until [`modify`](Afd::modify). A wait costs O(ready sockets).
///
/// Registration and waiting take `&self`, and `Afd` is `Send + Sync`: one thread may
/// register sockets while another waits, and the waiter sees them (each registration
/// submits its poll at once). [`close`](Afd::close) (or dropping) cancels every request,
/// collects the cancellations and closes both handles; after it every operation fails
/// with `InvalidInput` "I/O operation on closed afd object".
///
/// A registered socket closed without `unregister` is reported once with
/// [`EPOLLHUP`](AfdFlags::EPOLLHUP) and then forgotten, as epoll forgets a closed file.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::os::windows::io::AsRawSocket;
/// use std::time::Duration;
/// use select_afd::{Afd, AfdFlags};
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut client = TcpStream::connect(listener.local_addr()?)?;
/// let (server, _) = listener.accept()?;
/// let afd = Afd::new()?;
/// afd.register(&server, AfdFlags::EPOLLIN)?;
/// assert!(afd.poll(Some(Duration::ZERO), -1)?.is_empty());
/// client.write_all(b"x")?;
/// let ready = afd.poll(Some(Duration::from_secs(5)), -1)?;
/// assert_eq!(ready, vec![(server.as_raw_socket(), AfdFlags::EPOLLIN)]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Afd {
    port: Option<Arc<Port>>,
    device: Option<Device>,
    state: Mutex<State>,
    check: Option<InterruptCheck>,
}

select_core::interrupt_check_accessors! {
    /// Kept for the same API as the other mechanism objects: Windows waits are never
    /// interrupted by signals, so the check is never called. Takes `&mut self`.
    Afd
}

impl fmt::Debug for Afd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.lock();
        f.debug_struct("Afd")
            .field("port", &self.as_raw())
            .field("registered", &st.regs.len())
            .field("in_flight", &st.ops.len())
            .finish()
    }
}

impl Afd {
    /// A new completion port with the AFD device attached (Python's `select.epoll()`).
    ///
    /// Corresponds to `CreateIoCompletionPort`, `NtCreateFile` of `\Device\Afd\SelectRs`
    /// and `SetFileCompletionNotificationModes`.
    ///
    /// # Errors
    ///
    /// The system's error of any of those calls (e.g. `ERROR_PATH_NOT_FOUND` where
    /// there is no AFD device), Python's `OSError`.
    #[doc(alias = "CreateIoCompletionPort")]
    #[doc(alias = "NtCreateFile")]
    pub fn new() -> io::Result<Afd> {
        let port = Port::new()?;
        let device = Device::open(&port)?;
        Ok(Afd {
            port: Some(Arc::new(port)),
            device: Some(device),
            state: Mutex::new(State::default()),
            check: None,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn parts(&self) -> io::Result<(&Port, &Device)> {
        match (&self.port, &self.device) {
            (Some(port), Some(device)) => Ok((port, device)),
            _ => Err(closed("afd")),
        }
    }

    /// Cancels every request, waits (boundedly) until each has come back through the
    /// port, and closes the device and the port. Idempotent; never fails.
    pub fn close(&mut self) {
        if let (Some(port), Some(device)) = (&self.port, &self.device) {
            let st = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
            device.cancel_all(&st.ops);
            let mut entries = Entries::new();
            if entries.reserve(64).is_ok() {
                for _ in 0..DRAIN_ROUNDS {
                    if st.ops.len() == 0 {
                        break;
                    }
                    let Ok(n) = port.dequeue(&mut entries, Some(DRAIN_WAIT)) else {
                        break;
                    };
                    for p in entries.packets(n) {
                        st.ops.reap(p);
                    }
                }
            }
            // Requests still in flight (none, unless the driver never answered) stay
            // allocated: the kernel may yet write to them.
            *st = State::default();
        }
        self.device = None;
        self.port = None;
    }

    /// Whether [`close`](Afd::close) was called (Python's `closed` attribute).
    #[inline]
    #[must_use]
    pub fn closed(&self) -> bool {
        self.port.is_none()
    }

    /// The completion port handle as an integer (Python's `fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed afd object" after `close`.
    pub fn fileno(&self) -> io::Result<isize> {
        self.parts().map(|(port, _)| port.as_raw())
    }

    /// The completion port handle as an integer, `-1` after [`close`](Afd::close).
    #[must_use]
    pub fn as_raw(&self) -> isize {
        self.port.as_ref().map_or(-1, |p| p.as_raw())
    }

    /// A handle that wakes a wait on this object from any thread, through
    /// `PostQueuedCompletionStatus`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close`.
    pub fn waker(&self) -> io::Result<AfdWaker> {
        match &self.port {
            Some(port) => Ok(AfdWaker { port: port.clone() }),
            None => Err(closed("afd")),
        }
    }

    /// Registers socket `sock` for the events in `mask`: its base handle is looked up
    /// and a poll submitted at once.
    ///
    /// Corresponds to `WSAIoctl(SIO_BASE_HANDLE)` and `NtDeviceIoControlFile` with
    /// `IOCTL_AFD_POLL`. `EPOLLERR` and `EPOLLHUP` are always reported.
    ///
    /// # Errors
    ///
    /// * `InvalidInput` for `INVALID_SOCKET` or after `close` (Python's `ValueError`),
    ///   or for a bit of `mask` AFD cannot serve (naming it);
    /// * `AlreadyExists` (epoll's EEXIST, Python's `FileExistsError`) if registered;
    /// * Winsock's error for anything but an open socket (`WSAENOTSOCK`, 10038), or where
    ///   a layered provider refuses `SIO_BASE_HANDLE`; the driver's error if it refuses
    ///   the poll.
    #[doc(alias = "epoll_ctl")]
    pub fn register<W: Waitable + ?Sized>(&self, sock: &W, mask: AfdFlags) -> io::Result<()> {
        let fd = sock.fileno()?;
        let (_, device) = self.parts()?;
        check_mask(mask)?;
        let mut st = self.lock();
        if st.regs.contains_key(&fd) {
            return Err(already_registered(fd));
        }
        check_open(fd)?;
        let base = sys::base_socket(fd)?;
        st.regs.try_reserve(1).map_err(|_| oom())?;
        let op = device.submit(&mut st.ops, fd, base, mask.to_afd())?;
        st.regs.insert(
            fd,
            Reg {
                base,
                mask,
                op: Some(op),
                queued: false,
            },
        );
        Ok(())
    }

    /// Registers `sock` with Python's default mask, `EPOLLIN | EPOLLOUT | EPOLLPRI`.
    ///
    /// # Errors
    ///
    /// As [`register`](Afd::register).
    pub fn register_default<W: Waitable + ?Sized>(&self, sock: &W) -> io::Result<()> {
        self.register(sock, AfdFlags::REGISTER_DEFAULT)
    }

    /// Replaces the mask of a registered socket (and re-arms a one-shot registration):
    /// the new poll is submitted first, then the old one cancelled, so a refusal leaves
    /// the old registration in place.
    ///
    /// Corresponds to `NtDeviceIoControlFile` with `IOCTL_AFD_POLL`, then
    /// `NtCancelIoFileEx`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close`, for `INVALID_SOCKET` or an unsupported bit;
    /// `NotFound` (epoll's ENOENT, Python's `FileNotFoundError`) if `sock` is not
    /// registered; Winsock's `WSAENOTSOCK` (10038) if it was closed since.
    #[doc(alias = "epoll_ctl")]
    pub fn modify<W: Waitable + ?Sized>(&self, sock: &W, mask: AfdFlags) -> io::Result<()> {
        let fd = sock.fileno()?;
        let (_, device) = self.parts()?;
        check_mask(mask)?;
        let mut guard = self.lock();
        let st = &mut *guard;
        let Some(reg) = st.regs.get_mut(&fd) else {
            return Err(not_registered(fd));
        };
        check_open(fd)?;
        let base = sys::base_socket(fd)?;
        let op = device.submit(&mut st.ops, fd, base, mask.to_afd())?;
        if let Some(old) = reg.op.replace(op) {
            // Its packet is told apart by its address and dropped when it comes.
            let _ = device.cancel(&st.ops, old);
        }
        reg.base = base;
        reg.mask = mask;
        Ok(())
    }

    /// Removes the registration of `sock`, cancelling its poll (`NtCancelIoFileEx`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close` or for `INVALID_SOCKET`; `NotFound` (epoll's ENOENT,
    /// Python's `FileNotFoundError`) if `sock` is not registered, including a socket
    /// closed and already reported as hung up.
    #[doc(alias = "epoll_ctl")]
    pub fn unregister<W: Waitable + ?Sized>(&self, sock: &W) -> io::Result<()> {
        let fd = sock.fileno()?;
        let (_, device) = self.parts()?;
        let mut st = self.lock();
        let Some(reg) = st.regs.remove(&fd) else {
            return Err(not_registered(fd));
        };
        if let Some(op) = reg.op {
            let _ = device.cancel(&st.ops, op);
        }
        Ok(())
    }

    /// Waits until a registered socket is ready, `timeout` passes or an [`AfdWaker`]
    /// wakes it, and returns up to `maxevents` `(socket, events)` pairs (Python's
    /// `epoll.poll(timeout, maxevents)`).
    ///
    /// `None` blocks, zero polls; other timeouts are rounded **up** to milliseconds.
    /// `maxevents == -1` means [`DEFAULT_MAXEVENTS`]. A wake ends the wait, possibly with
    /// no events. When more sockets are ready than `maxevents`, the others are reported
    /// by later waits.
    ///
    /// This allocates the result; [`poll_into`](Afd::poll_into) reuses a buffer.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close`, or "maxevents must be greater than 0, got N" for `0`
    /// or values below `-1` (Python's `ValueError`), or above [`MAX_MAXEVENTS`];
    /// `OutOfMemory` if the buffer cannot be allocated; the system's error of
    /// `GetQueuedCompletionStatusEx`.
    #[doc(alias = "GetQueuedCompletionStatusEx")]
    pub fn poll(
        &self,
        timeout: Option<Duration>,
        maxevents: i32,
    ) -> io::Result<Vec<(RawFd, AfdFlags)>> {
        self.parts()?;
        let mut events = AfdEvents::new(maxevents)?;
        self.poll_into(timeout, &mut events)?;
        Ok(events.iter().collect())
    }

    /// [`poll`](Afd::poll) into a caller-owned buffer, whose capacity is `maxevents`.
    /// Returns how many events it now holds (`0`: the timeout passed, or a wake).
    /// Does not allocate.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after `close`; the system's error.
    pub fn poll_into(
        &self,
        timeout: Option<Duration>,
        events: &mut AfdEvents,
    ) -> io::Result<usize> {
        self.wait_batch(&mut events.batch, timeout)
    }

    /// One wait into `batch` (whose capacity is at least 1): level-triggered re-arms,
    /// one dequeue, the translation. A dequeue that brings only stale packets (cancelled
    /// requests, unregistered sockets) or that Windows ends before the deadline goes
    /// round again with the time left, so a wait never returns early with nothing.
    pub(crate) fn wait_batch(
        &self,
        batch: &mut Batch,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        let (port, device) = self.parts()?;
        batch.clear();
        // Room to dequeue every request in flight and a wake (grows once, when
        // registrations grow).
        let in_flight = self.lock().ops.len();
        batch.entries.reserve(in_flight.saturating_add(1))?;
        // Packets that came while nobody waited may tell of a state the caller has
        // changed since (it read the data, say): those sockets are polled again, and
        // reported below only if they are still ready. So level-triggered means what it
        // says: ready now, not ready once.
        loop {
            let n = port.dequeue(&mut batch.entries, Some(Duration::ZERO))?;
            self.lock().collect(port, batch, n, Collect::Refresh);
            if n < batch.entries.capacity() {
                break;
            }
        }
        retry::wait(timeout, |left| {
            let mut st = self.lock();
            st.rearm(device);
            // Sockets found closed, or a wake already seen: report without blocking.
            let left = if st.report_gone(batch) || batch.woken {
                Some(Duration::ZERO)
            } else {
                left
            };
            drop(st);
            let mut n = port.dequeue(&mut batch.entries, left)?;
            loop {
                self.lock().collect(port, batch, n, Collect::Report);
                if !batch.ready.is_empty() || batch.woken || n < batch.entries.capacity() {
                    break;
                }
                // A full buffer of stale packets: more may be queued behind them.
                n = port.dequeue(&mut batch.entries, Some(Duration::ZERO))?;
            }
            if batch.ready.is_empty() && !batch.woken && left != Some(Duration::ZERO) {
                // Nothing for the caller before the deadline: wait again, as after EINTR.
                return Err(io::ErrorKind::Interrupted.into());
            }
            Ok(batch.ready.len())
        })
    }
}

/// What [`State::collect`] does with a socket's readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Collect {
    /// Report it (up to the batch's capacity).
    Report,
    /// Poll the socket again instead: the packet may be stale.
    Refresh,
}

impl State {
    /// Submits the polls of the sockets reported by the last wait (level-triggered),
    /// deferred ones first. A socket whose poll the driver refuses has been closed: it
    /// is forgotten and queued to be reported once as hung up.
    fn rearm(&mut self, device: &Device) {
        let mut due = std::mem::take(&mut self.deferred);
        due.append(&mut self.rearm);
        for fd in due.drain(..) {
            let Some(reg) = self.regs.get_mut(&fd) else {
                continue;
            };
            if !reg.queued {
                continue;
            }
            reg.queued = false;
            if reg.op.is_some() {
                continue;
            }
            match device.submit(&mut self.ops, fd, reg.base, reg.mask.to_afd()) {
                Ok(op) => reg.op = Some(op),
                Err(_) => {
                    self.regs.remove(&fd);
                    self.gone.push(fd);
                }
            }
        }
        // Keeps the allocation for the next round.
        self.rearm = due;
    }

    /// Moves the sockets found closed into `batch` as hang-ups (as many as fit).
    /// Returns whether any is reported.
    fn report_gone(&mut self, batch: &mut Batch) -> bool {
        while batch.ready.len() < batch.cap {
            let Some(fd) = self.gone.pop() else { break };
            batch.ready.push((fd, AfdFlags::EPOLLHUP));
        }
        !batch.ready.is_empty()
    }

    /// Turns the first `n` packets of `batch` into its `(socket, events)` results: wakes
    /// set `woken`; completions of requests that are not their socket's current one
    /// (cancelled, replaced, unregistered) are dropped; each current one is reported
    /// with what its mask allows, and re-armed at the next wait unless it is one-shot or
    /// the socket was closed. Beyond the batch's capacity, or when refreshing, a ready
    /// socket is deferred instead: polled again first at the next submission, and a
    /// closed one kept to be reported as hung up.
    fn collect(&mut self, port: &Port, batch: &mut Batch, n: usize, mode: Collect) {
        let cap = batch.cap;
        for packet in batch.entries.packets(n) {
            if packet.is_wake() {
                port.wake_seen();
                batch.woken = true;
                continue;
            }
            let Some(c) = self.ops.reap(packet) else {
                continue;
            };
            let Some(reg) = self.regs.get_mut(&c.socket) else {
                continue;
            };
            if reg.op != Some(c.op) {
                continue;
            }
            reg.op = None;
            let (events, closed) = if c.status == sys::CANCELLED {
                // Cancelled by someone else than us: poll again.
                (AfdFlags::empty(), false)
            } else if c.status < 0 {
                // The request failed: the socket cannot be polled any more.
                (AfdFlags::EPOLLERR | AfdFlags::EPOLLHUP, true)
            } else if c.handles == 0 {
                (AfdFlags::empty(), false)
            } else {
                (
                    AfdFlags::from_afd(c.events),
                    c.events & AFD_LOCAL_CLOSE != 0,
                )
            };
            let reported = events & reg.mask.reportable();
            if !reported.is_empty() && (mode == Collect::Refresh || batch.ready.len() >= cap) {
                if closed {
                    self.regs.remove(&c.socket);
                    self.gone.push(c.socket);
                } else if !reg.queued {
                    reg.queued = true;
                    self.deferred.push(c.socket);
                }
                continue;
            }
            if closed {
                self.regs.remove(&c.socket);
            } else if (reported.is_empty() || !reg.mask.contains(AfdFlags::EPOLLONESHOT))
                && !reg.queued
            {
                reg.queued = true;
                self.rearm.push(c.socket);
            }
            if !reported.is_empty() {
                batch.ready.push((c.socket, reported));
            }
        }
    }
}

/// Refuses the bits AFD cannot serve.
fn check_mask(mask: AfdFlags) -> io::Result<()> {
    if AfdFlags::from_bits(mask.bits()).is_none() {
        let unknown = mask.bits() & !AfdFlags::all().bits();
        return Err(invalid_input(format!(
            "unsupported event bits {unknown:#x} in mask {:#x}: AFD serves {:?}",
            mask.bits(),
            AfdFlags::all()
        )));
    }
    Ok(())
}

#[cold]
fn oom() -> io::Error {
    io::Error::from(io::ErrorKind::OutOfMemory)
}

impl Drop for Afd {
    fn drop(&mut self) {
        self.close();
    }
}

/// Wakes a wait on an [`Afd`] (or an [`AfdSelector`](crate::AfdSelector)) from any
/// thread: [`wake`](AfdWaker::wake) posts a packet to the completion port
/// (`PostQueuedCompletionStatus`), no socket needed. Wakes coalesce: many wakes before
/// a wait are seen as one.
#[derive(Debug, Clone)]
pub struct AfdWaker {
    port: Arc<Port>,
}

impl AfdWaker {
    /// Ends the current or the next wait.
    ///
    /// # Errors
    ///
    /// The system's error of `PostQueuedCompletionStatus`.
    #[doc(alias = "PostQueuedCompletionStatus")]
    pub fn wake(&self) -> io::Result<()> {
        self.port.wake()
    }
}

/// A reusable result buffer for [`Afd::poll_into`], of capacity `maxevents`.
#[derive(Debug)]
pub struct AfdEvents {
    batch: Batch,
}

impl AfdEvents {
    /// A buffer for `maxevents` events (`-1`: [`DEFAULT_MAXEVENTS`]).
    ///
    /// # Errors
    ///
    /// `InvalidInput` "maxevents must be greater than 0, got N" for `0` or below `-1`
    /// (Python's `ValueError`), or above [`MAX_MAXEVENTS`]; `OutOfMemory`.
    pub fn new(maxevents: i32) -> io::Result<AfdEvents> {
        let cap = match maxevents {
            -1 => DEFAULT_MAXEVENTS,
            n if n <= 0 => {
                return Err(invalid_input(format!(
                    "maxevents must be greater than 0, got {n}"
                )))
            }
            n if n as usize > MAX_MAXEVENTS => {
                return Err(invalid_input(format!(
                    "maxevents {n} is more than {MAX_MAXEVENTS}"
                )))
            }
            n => n as usize,
        };
        let mut batch = Batch::new();
        batch.set_capacity(cap)?;
        Ok(AfdEvents { batch })
    }

    /// How many events the last wait left.
    #[must_use]
    pub fn len(&self) -> usize {
        self.batch.ready.len()
    }

    /// Whether the last wait left no event.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.batch.ready.is_empty()
    }

    /// `maxevents`.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.batch.cap
    }

    /// Whether the last wait was ended by an [`AfdWaker`].
    #[must_use]
    pub fn woken(&self) -> bool {
        self.batch.woken
    }

    /// The `(socket, events)` pairs of the last wait.
    pub fn iter(&self) -> impl Iterator<Item = (RawFd, AfdFlags)> + '_ {
        self.batch.ready.iter().copied()
    }
}
