//! The `Selector` contract of DESIGN.md as one suite, written once and run for every
//! backend (feature `testing`).
//!
//! Each rule is a `pub fn` generic over the selector, taking a closure that makes a fresh,
//! empty selector; [`selector_contract!`](crate::selector_contract) expands one `#[test]`
//! per rule for a backend. Where backends differ, a rule reads the [`Capabilities`]
//! table (also read by the lockstep model of select-facade), never `match`es on the
//! backend itself.
//!
//! * **A new rule**: write a `pub fn rule<S: Selector<Data = u32>>(make: impl Fn() -> S)`
//!   here and add its name to the list in `selector_contract!`.
//! * **A new backend**: a `tests/contract.rs` in its crate holding
//!   `select_core::selector_contract!(|| MySelector::<u32>::new().unwrap());`, and a row
//!   in [`Capabilities::of`].
//!
//! The rules use real pipes, socket pairs and loopback TCP, and (on Unix) fd numbers
//! handed out by `fd_number` (unique within the process) where a number must be closed or
//! reused deterministically. The same rules run on Windows, where a "pipe" is a loopback
//! TCP pair (Winsock's `select` takes sockets only); the few that need fd numbers, `dup2`
//! or signals are Unix-only, marked `#[cfg(unix)]` in the macro's list.

use std::io::{self, Read, Write};
#[cfg(unix)]
use std::os::fd::{AsRawFd, OwnedFd};
#[cfg(unix)]
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use self::os::{lone_reader, pair, stream_pair};
use super::{drain, send_oob, tcp_pair, write_byte};
#[cfg(unix)]
use super::{dup_at, is_open, pipe, under_signal_storm};
use crate::{Backend, Events, Interest, RawFd, Selector, Waitable};

/// The few things the rules need that differ by platform: what a "ready pair" is (a pipe
/// on Unix; Winsock's `select` takes sockets only, so a loopback TCP pair on Windows),
/// an always-writable stream pair, and the one invalid handle value.
#[cfg(unix)]
mod os {
    use std::io::{PipeReader, PipeWriter};
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
    use std::os::unix::net::UnixStream;

    /// `(reader, writer)`: the reader is readable once the writer wrote; the writer is
    /// writable while the pair holds little.
    pub(super) fn pair() -> (PipeReader, PipeWriter) {
        super::pipe()
    }

    /// A reader that is the only fd of its file, on a number no other thread of the
    /// process gets (closing it closes the file), and its writer.
    pub(super) fn lone_reader() -> (OwnedFd, PipeWriter) {
        super::reader_alone()
    }

    /// Two connected stream sockets: each writable at once, readable once the other wrote.
    pub(super) fn stream_pair() -> (UnixStream, UnixStream) {
        super::super::socketpair()
    }

    /// The reader's fd as an owned fd, and a borrowed view of that.
    pub(super) fn owned(r: PipeReader) -> OwnedFd {
        r.into()
    }

    pub(super) fn borrowed(fd: &OwnedFd) -> BorrowedFd<'_> {
        fd.as_fd()
    }

    /// The error of a kernel call on a closed fd.
    pub(super) const CLOSED_ERRNO: i32 = libc::EBADF;

    /// A value that names no fd (refused with `InvalidInput`), and the text its error has.
    pub(super) const INVALID: crate::RawFd = -1;
    pub(super) const INVALID_TEXT: &str = "-1";
}

/// See the Unix module: on Windows every pair is a loopback TCP connection.
#[cfg(windows)]
mod os {
    use std::net::TcpStream;
    use std::os::windows::io::{AsSocket, BorrowedSocket, OwnedSocket};

    pub(super) fn pair() -> (TcpStream, TcpStream) {
        let (client, server) = super::tcp_pair();
        (server, client)
    }

    /// Handle values are not handed out lowest-first on Windows, so any socket will do.
    pub(super) fn lone_reader() -> (TcpStream, TcpStream) {
        pair()
    }

    pub(super) fn stream_pair() -> (TcpStream, TcpStream) {
        super::tcp_pair()
    }

    pub(super) fn owned(r: TcpStream) -> OwnedSocket {
        r.into()
    }

    pub(super) fn borrowed(s: &OwnedSocket) -> BorrowedSocket<'_> {
        s.as_socket()
    }

    /// `WSAENOTSOCK`: Winsock's answer for a closed socket.
    pub(super) const CLOSED_ERRNO: i32 = 10038;

    pub(super) const INVALID: crate::RawFd = !0;
    pub(super) const INVALID_TEXT: &str = "INVALID_SOCKET";
}

/// The fd (socket on Windows) that `w` names.
fn fd_of(w: &(impl Waitable + ?Sized)) -> RawFd {
    w.fileno().expect("a valid fd")
}

/// What one backend can report and what a registration belongs to: the only place where
/// backends differ in the contract suite and in the lockstep model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Hang-ups and errors are flagged on events (`Event::is_hangup`/`is_error`);
    /// select(2) cannot tell them from readiness.
    pub flags_hangup: bool,
    /// `Interest::PRIORITY` is accepted and reports TCP urgent data; kqueue has no
    /// portable filter for it and refuses it with `InvalidInput`.
    pub priority: bool,
    /// What a registration is attached to.
    pub owner: Owner,
    /// What a wait does about a registered fd that was closed without `unregister`.
    pub closed_fd: ClosedFd,
    /// `modify` changes kernel filters one interest at a time (kqueue: one filter per
    /// READ/WRITE), instead of replacing the whole registration.
    pub per_interest_filters: bool,
    /// A `modify` that changes the interest asks the kernel (or checks the fd is open),
    /// so it fails with EBADF on a closed fd and keeps the old key. Where it makes no
    /// syscall, it succeeds and the closed fd shows at the next wait (`closed_fd`).
    pub modify_checks_fd: bool,
}

/// What a registration belongs to in the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Nothing: the fd number is passed on every wait (select, poll), so a file that
    /// later takes the number is watched.
    Number,
    /// The open file description (epoll): the registration lives until the file's last
    /// fd is closed, so it survives a close of the registered fd while a `dup` of the
    /// file stays open (the "dup trap"), and is never moved to a new file on the number.
    OpenFile,
    /// The fd (kqueue): dropped when that fd is closed, dups or not.
    Descriptor,
}

/// What a wait does about a registered fd that was closed without `unregister`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedFd {
    /// The whole wait fails with EBADF (select).
    FailsWithEbadf,
    /// The fd is reported with its registered interests and the error flag (poll's
    /// `POLLNVAL`).
    ReportedAsError,
    /// Nothing is reported (epoll, kqueue: the kernel dropped the registration).
    Silent,
    /// The fd is reported once as hung up (with its registered READ/WRITE interests),
    /// then never again (AFD: the pending poll completes with `AFD_POLL_LOCAL_CLOSE`, and
    /// the registration is dropped).
    HangupOnce,
}

impl Capabilities {
    /// The row of `backend`.
    #[must_use]
    pub const fn of(backend: Backend) -> Capabilities {
        match backend {
            Backend::Select => Capabilities {
                flags_hangup: false,
                priority: true,
                owner: Owner::Number,
                closed_fd: ClosedFd::FailsWithEbadf,
                per_interest_filters: false,
                // Unix: no syscall on modify, a closed fd shows at the next wait. Windows
                // checks that the handle is still a socket (WSAENOTSOCK otherwise).
                modify_checks_fd: cfg!(windows),
            },
            // /dev/poll as poll(7d) describes it (never run here): the cached entry is for the
            // number, and a closed fd left in the set is reported with POLLNVAL.
            Backend::Poll | Backend::Devpoll => Capabilities {
                flags_hangup: true,
                priority: true,
                owner: Owner::Number,
                closed_fd: ClosedFd::ReportedAsError,
                per_interest_filters: false,
                // No syscall on modify: a closed fd shows at the next wait.
                modify_checks_fd: false,
            },
            Backend::Epoll => Capabilities {
                flags_hangup: true,
                priority: true,
                owner: Owner::OpenFile,
                closed_fd: ClosedFd::Silent,
                per_interest_filters: false,
                modify_checks_fd: true,
            },
            Backend::Kqueue => Capabilities {
                flags_hangup: true,
                priority: false,
                owner: Owner::Descriptor,
                closed_fd: ClosedFd::Silent,
                per_interest_filters: true,
                modify_checks_fd: true,
            },
            // A poll request per socket handle, completed by the socket's close.
            Backend::Afd => Capabilities {
                flags_hangup: true,
                priority: true,
                owner: Owner::Descriptor,
                closed_fd: ClosedFd::HangupOnce,
                per_interest_filters: false,
                modify_checks_fd: true,
            },
        }
    }
}

/// A fd number that no other caller in this process gets (3000, 3001, ...), for rules
/// that close a number and place another file on it: no other thread of the test binary
/// can take it in between (the kernel hands out the lowest free numbers, far below).
/// Under user-mode emulation ([`under_emulation`](super::under_emulation)), where
/// `select(2)` on fds at or above 1024 aborts qemu, the numbers are 600, 601, ... instead.
///
/// # Panics
///
/// After 1000 numbers (they stay below 4096, the limit of CI's skip-policy stage), or
/// 400 under emulation.
#[cfg(unix)]
#[must_use]
pub fn fd_number() -> RawFd {
    static NEXT: AtomicI32 = AtomicI32::new(0);
    let (base, count) = if super::under_emulation() {
        (600, 400)
    } else {
        (3000, 1000)
    };
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    assert!(n < count, "the contract suite ran out of fd numbers");
    base + n
}

/// The read end of a new pipe, moved onto a fresh [`fd_number`] (its only fd: closing it
/// closes the file), and the write end.
#[cfg(unix)]
fn reader_alone() -> (OwnedFd, io::PipeWriter) {
    let (r, w) = pipe();
    (moved_to(OwnedFd::from(r), fd_number()), w)
}

/// `fd` moved onto number `n` (the old number is closed).
#[cfg(unix)]
fn moved_to(fd: OwnedFd, n: RawFd) -> OwnedFd {
    dup_at(fd.as_raw_fd(), n).unwrap_or_else(|e| panic!("dup_at({n}): {e}"))
}

const ZERO: Option<Duration> = Some(Duration::ZERO);
const LONG: Option<Duration> = Some(Duration::from_secs(5));

fn caps<S: Selector>(sel: &S) -> Capabilities {
    Capabilities::of(sel.backend())
}

fn kind<T>(r: io::Result<T>) -> io::ErrorKind {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.kind(),
    }
}

fn ready_of(events: &Events, fd: RawFd) -> Option<Interest> {
    events.iter().find(|e| e.fd() == fd).map(|e| e.ready())
}

/// Registering an fd twice (through any object naming it) is `AlreadyExists`, naming
/// the fd, and keeps the first key.
pub fn duplicate_register_is_already_exists<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, _w) = pair();
    let key = sel.register(&r, Interest::READ, 1).unwrap();
    assert_eq!(
        (key.fd, key.interest, key.data),
        (fd_of(&r), Interest::READ, 1)
    );
    let raw = fd_of(&r);
    let e = sel.register(&raw, Interest::WRITE, 2).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
    assert!(e.to_string().contains(&raw.to_string()), "{e}");
    assert_eq!(sel.get_key(&r).unwrap().data, 1);
    assert_eq!(sel.len(), 1);
}

/// `modify`, `unregister` and `get_key` of an fd never registered (or unregistered
/// already) are `NotFound`; for `modify` even with an empty interest, as CPython looks
/// the fd up before the events (`KeyError`, not `ValueError`).
pub fn unknown_fd_is_not_found<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, _w) = pair();
    assert_eq!(
        kind(sel.modify(&r, Interest::READ, 0)),
        io::ErrorKind::NotFound
    );
    assert_eq!(
        kind(sel.modify(&r, Interest::EMPTY, 0)),
        io::ErrorKind::NotFound
    );
    assert_eq!(kind(sel.unregister(&r)), io::ErrorKind::NotFound);
    assert_eq!(kind(sel.get_key(&r)), io::ErrorKind::NotFound);
    sel.register(&r, Interest::READ, 0).unwrap();
    sel.unregister(&r).unwrap();
    assert_eq!(kind(sel.unregister(&r)), io::ErrorKind::NotFound);
}

/// An empty interest is `InvalidInput` for `register` (nothing recorded) and `modify`
/// (old key kept).
pub fn empty_interest_is_refused<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, _w) = pair();
    assert_eq!(
        kind(sel.register(&r, Interest::EMPTY, 0)),
        io::ErrorKind::InvalidInput
    );
    assert!(sel.is_empty());
    sel.register(&r, Interest::READ, 7).unwrap();
    assert_eq!(
        kind(sel.modify(&r, Interest::EMPTY, 8)),
        io::ErrorKind::InvalidInput
    );
    let key = sel.get_key(&r).unwrap();
    assert_eq!((key.interest, key.data), (Interest::READ, 7));
}

/// A negative fd (`INVALID_SOCKET` on Windows) is `InvalidInput` naming it, for every
/// call that takes an fd.
pub fn negative_fd_is_invalid_input<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let bad = os::INVALID;
    for e in [
        sel.register(&bad, Interest::READ, 0).map(drop).unwrap_err(),
        sel.modify(&bad, Interest::READ, 0).map(drop).unwrap_err(),
        sel.unregister(&bad).map(drop).unwrap_err(),
        sel.get_key(&bad).map(drop).unwrap_err(),
    ] {
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains(os::INVALID_TEXT), "{e}");
    }
}

/// Registering an fd that is not open is EBADF on every backend, and records nothing.
#[cfg(unix)]
pub fn closed_fd_register_is_ebadf<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let n = fd_of(&reader_alone().0); // closed again at once
    assert!(!is_open(n));
    let e = sel.register(&n, Interest::READ, 0).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF), "{e}");
    assert!(sel.is_empty());
    assert_eq!(kind(sel.get_key(&n)), io::ErrorKind::NotFound);
}

/// `modify` changes interest and data; what is reported follows the new interest.
pub fn modify_changes_interest_and_data<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (a, _b) = stream_pair();
    sel.register(&a, Interest::READ, 1).unwrap();
    let mut events = Events::with_capacity(8);
    // A socket pair is writable at once, but only READ is registered.
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    let key = sel.modify(&a, Interest::WRITE, 2).unwrap();
    assert_eq!((key.interest, key.data), (Interest::WRITE, 2));
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    assert_eq!(ready_of(&events, fd_of(&a)), Some(Interest::WRITE));
    // Same interest, new data: only the data changes.
    assert_eq!(sel.modify(&a, Interest::WRITE, 3).unwrap().data, 3);
    sel.modify(&a, Interest::READ, 4).unwrap();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
}

/// A `modify` that fails keeps the old key: an empty interest always; a new interest
/// for a closed fd where the backend checks the fd (`modify_checks_fd`; elsewhere it
/// succeeds). Changing only the data needs no kernel call and succeeds.
pub fn failed_modify_keeps_the_old_registration<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (high, _w) = lone_reader();
    let n = fd_of(&high);
    sel.register(&n, Interest::READ, 1).unwrap();
    let e = sel.modify(&n, Interest::EMPTY, 2).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
    let key = sel.get_key(&n).unwrap();
    assert_eq!((key.interest, key.data), (Interest::READ, 1));
    drop(high);
    assert_eq!(sel.modify(&n, Interest::READ, 3).unwrap().data, 3);
    let res = sel
        .modify(&n, Interest::WRITE, 4)
        .map(|k| (k.interest, k.data));
    if caps(&sel).modify_checks_fd {
        assert_eq!(res.unwrap_err().raw_os_error(), Some(os::CLOSED_ERRNO));
        let key = sel.get_key(&n).unwrap();
        assert_eq!((key.interest, key.data), (Interest::READ, 3));
    } else {
        assert_eq!(res.unwrap(), (Interest::WRITE, 4));
    }
    assert!(sel.unregister(&n).is_ok());
}

/// Only registered interests are reported, one event per fd, and `ready_keys` pairs
/// each with its key.
pub fn only_registered_interests_are_reported<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (a, mut b) = stream_pair();
    b.write_all(b"x").unwrap();
    let mut events = Events::with_capacity(8);
    // Readable and writable, registered for READ only.
    sel.register(&a, Interest::READ, 5).unwrap();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    assert_eq!(ready_of(&events, fd_of(&a)), Some(Interest::READ));
    let ev = events.as_slice()[0];
    assert!(
        !ev.is_hangup() && !ev.is_error() && !ev.is_priority(),
        "{ev:?}"
    );
    sel.modify(&a, Interest::READ | Interest::WRITE, 6).unwrap();
    assert_eq!(
        sel.select(&mut events, ZERO).unwrap(),
        1,
        "one event per fd"
    );
    let ready: Vec<(u32, Interest)> = sel.ready_keys(&events).map(|(k, i)| (k.data, i)).collect();
    assert_eq!(ready, vec![(6, Interest::READ | Interest::WRITE)]);
}

/// A reader whose writer is gone is READ-ready, flagged as a hang-up where the backend
/// can tell.
pub fn hangup_shows_as_readiness<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, w) = pair();
    sel.register(&r, Interest::READ, 0).unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    drop(w);
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!((ev.fd(), ev.ready()), (fd_of(&r), Interest::READ));
    assert_eq!(ev.is_hangup(), caps(&sel).flags_hangup, "{ev:?}");
}

/// `unregister` works after the fd was closed, and after its number was taken by
/// another file; the number then registers afresh for the new file.
#[cfg(unix)]
pub fn unregister_works_after_close_and_reuse<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (high, _w) = lone_reader();
    let n = fd_of(&high);
    sel.register(&n, Interest::READ, 5).unwrap();
    drop(high);
    let key = sel.unregister(&n).unwrap();
    assert_eq!((key.fd, key.data), (n, 5));

    // Registered, then closed (its last fd) and the number taken by another file.
    let (r1, _w1) = pair();
    let first = moved_to(OwnedFd::from(r1), n);
    sel.register(&first, Interest::READ, 6).unwrap();
    drop(first);
    let (r2, w2) = pair();
    let reused = moved_to(OwnedFd::from(r2), n);
    write_byte(&w2);
    assert_eq!(sel.unregister(&reused).unwrap().data, 6);
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    sel.register(&reused, Interest::READ, 7).unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    assert_eq!(sel.ready_keys(&events).next().unwrap().0.data, 7);
    assert_eq!(sel.unregister(&reused).unwrap().data, 7);
    assert!(sel.is_empty());
}

/// An unregistered fd is never reported, however ready.
pub fn unregistered_fd_is_never_reported<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, w) = pair();
    write_byte(&w);
    sel.register(&r, Interest::READ, 0).unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    sel.unregister(&r).unwrap();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
}

/// `close` is idempotent; afterwards every call fails with `InvalidInput` saying
/// "closed", and no key is left.
pub fn closed_selector_refuses_everything<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, _w) = pair();
    sel.register(&r, Interest::READ, 0).unwrap();
    sel.close();
    sel.close();
    assert!(sel.is_closed());
    let mut events = Events::with_capacity(8);
    let errors = [
        sel.register(&r, Interest::READ, 0).map(drop).unwrap_err(),
        sel.modify(&r, Interest::READ, 0).map(drop).unwrap_err(),
        sel.unregister(&r).map(drop).unwrap_err(),
        sel.get_key(&r).map(drop).unwrap_err(),
        sel.select(&mut events, ZERO).map(drop).unwrap_err(),
        sel.select(&mut events, None).map(drop).unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains("closed"), "{e}");
    }
    assert_eq!(sel.keys().count(), 0);
    assert_eq!(sel.len(), 0);
}

/// `keys` lists every registration; `ready_keys` only the ready ones.
pub fn keys_and_ready_keys<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r1, w1) = pair();
    let (r2, _w2) = pair();
    sel.register(&r1, Interest::READ, 1).unwrap();
    sel.register(&r2, Interest::READ, 2).unwrap();
    assert_eq!(sel.len(), 2);
    let mut keys: Vec<(RawFd, u32)> = sel.keys().map(|k| (k.fd, k.data)).collect();
    keys.sort_unstable();
    let mut want = vec![(fd_of(&r1), 1), (fd_of(&r2), 2)];
    want.sort_unstable();
    assert_eq!(keys, want);
    write_byte(&w1);
    let mut events = Events::with_capacity(8);
    sel.select(&mut events, ZERO).unwrap();
    let ready: Vec<(u32, Interest)> = sel.ready_keys(&events).map(|(k, i)| (k.data, i)).collect();
    assert_eq!(ready, vec![(1, Interest::READ)]);
}

/// TCP urgent data is PRIORITY readiness where the backend has it; elsewhere PRIORITY
/// is refused with `InvalidInput` and nothing is recorded.
pub fn priority_reports_tcp_urgent_data<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (client, server) = tcp_pair();
    let res = sel.register(&server, Interest::PRIORITY, 0).map(drop);
    if !caps(&sel).priority {
        assert_eq!(kind(res), io::ErrorKind::InvalidInput);
        assert!(sel.is_empty());
        return;
    }
    res.unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    send_oob(&client, b'!').unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!((ev.fd(), ev.ready()), (fd_of(&server), Interest::PRIORITY));
}

/// A zero timeout polls: it returns at once with nothing ready.
pub fn zero_timeout_returns_at_once<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, _w) = pair();
    sel.register(&r, Interest::READ, 0).unwrap();
    let mut events = Events::with_capacity(8);
    let start = Instant::now();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert!(start.elapsed() < Duration::from_secs(1));
}

/// A finite timeout is never shortened (sub-millisecond ones included: rounded up).
pub fn timeout_is_never_shortened<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, _w) = pair();
    sel.register(&r, Interest::READ, 0).unwrap();
    let mut events = Events::with_capacity(8);
    for t in [Duration::from_micros(200), Duration::from_millis(50)] {
        let start = Instant::now();
        assert_eq!(sel.select(&mut events, Some(t)).unwrap(), 0);
        let took = start.elapsed();
        assert!(took >= t, "{t:?} returned after {took:?}");
        assert!(took < t + Duration::from_secs(2), "{t:?} took {took:?}");
    }
}

/// A wait without timeout blocks until another thread makes an fd ready: the fd is not
/// ready before; the writer starts its clock only once the waiter is about to wait (a
/// barrier) and writes [`BLOCK_AT_LEAST`] later; the wait returns one event, no earlier
/// than that write, so it blocked at least that long.
pub fn blocking_select_returns_when_a_thread_writes<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, w) = pair();
    sel.register(&r, Interest::READ, 9).unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(
        sel.select(&mut events, ZERO).unwrap(),
        0,
        "not ready before"
    );
    let barrier = Arc::new(Barrier::new(2));
    let b2 = barrier.clone();
    let writer = std::thread::spawn(move || {
        b2.wait();
        // Not synchronisation: the delay the wait must be seen to block through.
        std::thread::sleep(BLOCK_AT_LEAST);
        let written = Instant::now();
        write_byte(&w);
        (written, w)
    });
    // Taken before the barrier: the write comes at least BLOCK_AT_LEAST after it.
    let start = Instant::now();
    barrier.wait();
    let n = sel.select(&mut events, None).unwrap();
    let returned = Instant::now();
    let (written, _w) = writer.join().unwrap();
    assert_eq!(n, 1);
    assert_eq!(ready_of(&events, fd_of(&r)), Some(Interest::READ));
    assert!(returned >= written, "the wait returned before the write");
    let blocked = returned - start;
    assert!(blocked >= BLOCK_AT_LEAST, "blocked only {blocked:?}");
}

/// How long [`blocking_select_returns_when_a_thread_writes`] makes the wait block.
pub const BLOCK_AT_LEAST: Duration = Duration::from_millis(50);

/// A storm of signals (EINTR) neither shortens a wait nor surfaces as an error.
#[cfg(unix)]
pub fn signal_storm_does_not_shorten_a_wait<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, _w) = pair();
    sel.register(&r, Interest::READ, 0).unwrap();
    let mut events = Events::with_capacity(8);
    let timeout = Duration::from_millis(150);
    let s = under_signal_storm(Duration::from_micros(200), || {
        sel.select(&mut events, Some(timeout)).unwrap()
    });
    assert_eq!(s.value, 0);
    s.assert_waited_out(timeout, Duration::from_secs(3), 5);
}

/// More ready fds than `Events` holds: successive waits rotate through all of them (no
/// fd starves), and an fd that stops being ready drops out of the rotation.
pub fn full_buffer_rotates_so_no_fd_starves<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let pipes: Vec<_> = (0..3).map(|_| pair()).collect();
    for (i, (r, w)) in pipes.iter().enumerate() {
        sel.register(r, Interest::READ, i as u32).unwrap();
        write_byte(w);
    }
    let mut events = Events::with_capacity(1);
    let mut order = Vec::new();
    for _ in 0..6 {
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
        order.push(sel.ready_keys(&events).next().unwrap().0.data);
    }
    let mut first3 = order[..3].to_vec();
    first3.sort_unstable();
    assert_eq!(first3, vec![0, 1, 2], "{order:?}");
    assert_eq!(order[3..], order[..3], "round robin: {order:?}");
    // Drained: out of the rotation; the other two still alternate.
    let gone = order[1] as usize;
    drain(&pipes[gone].0);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..4 {
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
        seen.insert(events.as_slice()[0].fd());
    }
    let want: std::collections::BTreeSet<RawFd> = (0..3)
        .filter(|&i| i != gone)
        .map(|i| fd_of(&pipes[i].0))
        .collect();
    assert_eq!(seen, want);
}

/// With a one-event buffer and two always-ready fds among idle ones, the two take
/// turns on every wait, however registrations change in between (idle fds unregistered
/// and registered again; the rotation rule is by fd number, not by position).
pub fn rotation_survives_registration_changes<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let mut idle: Vec<_> = (0..20).map(|_| pair()).collect();
    for (i, (r, _)) in idle.iter().enumerate() {
        sel.register(r, Interest::READ, 100 + i as u32).unwrap();
    }
    // Two pipe writers: always writable while their pipes are empty.
    let (_ra, wa) = pair();
    let (_rb, wb) = pair();
    sel.register(&wa, Interest::WRITE, 1).unwrap();
    sel.register(&wb, Interest::WRITE, 2).unwrap();
    let mut events = Events::with_capacity(1);
    let mut order = Vec::new();
    for step in 0..10 {
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1, "step {step}");
        order.push(sel.ready_keys(&events).next().unwrap().0.data);
        if step % 2 == 0 {
            let (r, _) = idle.remove(0);
            sel.unregister(&r).unwrap();
        } else {
            let p = pair();
            sel.register(&p.0, Interest::READ, 200 + step).unwrap();
            idle.push(p);
        }
    }
    assert!(
        order.contains(&1) && order.contains(&2),
        "starved: {order:?}"
    );
    assert!(
        order.windows(2).all(|w| w[0] != w[1]),
        "the two ready fds must alternate: {order:?}"
    );
}

/// A wait reports each ready fd once, with every registered interest that is ready,
/// whatever the buffer's capacity: an fd ready for READ and WRITE is one event, never
/// split across waits (kqueue has one kernel filter per interest).
pub fn one_event_per_fd_whatever_the_capacity<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let both = Interest::READ | Interest::WRITE;
    let mut sel = make();
    let pairs: Vec<_> = (0..3).map(|_| stream_pair()).collect();
    for (i, (a, b)) in pairs.iter().enumerate() {
        write_byte(b);
        sel.register(a, both, i as u32).unwrap();
    }
    for cap in [1, 2, 3, 8] {
        let mut events = Events::with_capacity(cap);
        let want = cap.min(3);
        for _ in 0..3 {
            assert_eq!(
                sel.select(&mut events, ZERO).unwrap(),
                want,
                "capacity {cap}"
            );
            let mut fds: Vec<RawFd> = events.iter().map(|e| e.fd()).collect();
            for e in &events {
                assert_eq!(e.ready(), both, "capacity {cap}: {e:?}");
            }
            fds.sort_unstable();
            fds.dedup();
            assert_eq!(fds.len(), want, "an fd reported twice: {events:?}");
        }
    }
}

/// Level-triggered: an fd is reported on every wait until it is drained.
pub fn level_triggered_until_drained<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (mut r, w) = pair();
    sel.register(&r, Interest::READ, 0).unwrap();
    (&w).write_all(b"abc").unwrap();
    let mut events = Events::with_capacity(8);
    for _ in 0..3 {
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    }
    let mut buf = [0u8; 8];
    assert_eq!(r.read(&mut buf).unwrap(), 3);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
}

/// Owned, borrowed and raw forms of one fd name the same registration.
pub fn owned_borrowed_and_raw_fds_register_alike<S: Selector<Data = u32>>(make: impl Fn() -> S) {
    let mut sel = make();
    let (r, _w) = pair();
    let owned = os::owned(r);
    sel.register(&os::borrowed(&owned), Interest::READ, 1)
        .unwrap();
    assert_eq!(sel.get_key(&owned).unwrap().fd, fd_of(&owned));
    assert_eq!(sel.get_key(&fd_of(&owned)).unwrap().data, 1);
    assert_eq!(sel.unregister(&owned).unwrap().data, 1);
}

/// Expands the whole contract suite as `#[test]` functions (one per rule, named after
/// it) for the selector that `$make` builds (`Data = u32`), in the current module.
///
/// ```text
/// // select-poll/tests/contract.rs
/// select_core::selector_contract!(|| select_poll::PollSelector::<u32>::new().unwrap());
/// ```
///
/// Rules needing what Miri does not emulate are `#[ignore]`d under Miri, each with its
/// reason; `selector_contract!(make, miri_ignore = "reason")` ignores them all there (a
/// backend Miri cannot run).
#[macro_export]
macro_rules! selector_contract {
    ($make:expr) => {
        $crate::selector_contract!(@list @rules $make);
    };
    // A backend Miri cannot run at all (select(2)): every rule ignored under Miri.
    ($make:expr, miri_ignore = $why:literal) => {
        $crate::selector_contract!(@list @all_ignored $make, $why);
    };
    // The rules; `= "reason"` marks one that needs what Miri does not emulate, and
    // `#[cfg(unix)]` one that needs fd numbers, dup2 or signals (the rest run on Windows
    // too, on loopback sockets).
    (@list $($then:tt)*) => {
        $crate::selector_contract!($($then)*;
            duplicate_register_is_already_exists,
            unknown_fd_is_not_found,
            empty_interest_is_refused,
            negative_fd_is_invalid_input,
            #[cfg(unix)] closed_fd_register_is_ebadf,
            modify_changes_interest_and_data,
            failed_modify_keeps_the_old_registration,
            only_registered_interests_are_reported,
            hangup_shows_as_readiness,
            #[cfg(unix)] unregister_works_after_close_and_reuse,
            unregistered_fd_is_never_reported,
            closed_selector_refuses_everything,
            keys_and_ready_keys,
            priority_reports_tcp_urgent_data = "Miri does not emulate TCP sockets",
            zero_timeout_returns_at_once,
            timeout_is_never_shortened,
            blocking_select_returns_when_a_thread_writes,
            #[cfg(unix)] signal_storm_does_not_shorten_a_wait =
                "Miri does not emulate signals (sigaction, pthread_kill)",
            full_buffer_rotates_so_no_fd_starves,
            rotation_survives_registration_changes,
            one_event_per_fd_whatever_the_capacity,
            level_triggered_until_drained,
            owned_borrowed_and_raw_fds_register_alike,
        );
    };
    (@rules $make:expr; $($(#[$only:meta])* $rule:ident $(= $why:literal)?),* $(,)?) => {
        $(
            #[test]
            $(#[$only])*
            $(#[cfg_attr(miri, ignore = $why)])?
            fn $rule() {
                $crate::testing::contract::$rule($make);
            }
        )*
    };
    (@all_ignored $make:expr, $all:literal; $($(#[$only:meta])* $rule:ident $(= $why:literal)?),* $(,)?) => {
        $(
            #[test]
            $(#[$only])*
            #[cfg_attr(miri, ignore = $all)]
            fn $rule() {
                $crate::testing::contract::$rule($make);
            }
        )*
    };
}
