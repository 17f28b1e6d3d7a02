//! Fault injection at every syscall site of select-poll (`.ci/faults`; needs
//! `--cfg select_faults`, which compiles the seam of `sys.rs`).
//!
//! Each row of the tables below is one case: an operation, the syscall site it reaches,
//! and an errno that call can really return (or, for `write(2)` to `/dev/poll`, a short
//! write). The fault is injected there and the case checks that the error reaches the
//! caller with its errno, or that EINTR is retried as PEP 475 says; that the selector's
//! registrations and what a wait reports agree with `poll(2)` called directly on each
//! fd (the `pollfd` set is ours: there is no kernel table to read, except `/dev/poll`'s,
//! asked with `DP_ISPOLLED`); and that the next register/modify/unregister/select
//! behave. Every case prints one `FAULT-CASE select-poll <op> <syscall> <errno>
//! <outcome>` line, which `.ci/faults` counts against the `FAULT-EXPECT` line.
//!
//! `poll(2)` itself is the only syscall of `Poll` and of a `PollSelector` wait;
//! `PollSelector` adds the `fcntl(F_GETFD)` open check of `register` (select-core's
//! `check_open`). The `/dev/poll` cases (illumos and Solaris) are type-checked in CI and
//! run only there.
#![cfg(all(select_faults, unix))]

use std::collections::BTreeMap;
use std::io::{self, ErrorKind};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use libc::{EBADF, EINTR, EINVAL, ENOMEM};
use select_core::__private::WakeFd;
use select_core::fault::{self, errno_name, Fault};
use select_core::testing::{pipe, write_byte};
use select_poll::{Events, Interest, Poll, PollFlags, PollSelector, Selector};

/// One case: operation (with its variant in parentheses), syscall site, fault.
type Row = (&'static str, &'static str, Fault);

const fn e(errno: i32) -> Fault {
    Fault::Errno(errno)
}

const NOW: Option<Duration> = Some(Duration::ZERO);

// ---------------------------------------------------------------------------------------
// The tables.

/// The waits of `Poll`, by timeout (`check`: with an interrupt check that ends the
/// wait). poll(2) says EINTR, ENOMEM, EINVAL (more fds than RLIMIT_NOFILE) and EFAULT
/// (never, with our own array).
const POLL_WAIT: &[Row] = &[
    ("Poll.poll(0)", "poll", e(EINTR)),
    ("Poll.poll(0)", "poll", e(ENOMEM)),
    ("Poll.poll(0)", "poll", e(EINVAL)),
    ("Poll.poll(None)", "poll", e(EINTR)),
    ("Poll.poll(None)", "poll", e(ENOMEM)),
    ("Poll.poll(None)", "poll", e(EINVAL)),
    ("Poll.poll(5s)", "poll", e(EINTR)),
    ("Poll.poll(5s)", "poll", e(ENOMEM)),
    ("Poll.poll(5s)", "poll", e(EINVAL)),
    ("Poll.poll(None,check)", "poll", e(EINTR)),
];

/// `PollSelector`: the open check of `register` and of the wake-fd hook (F_GETFD can
/// only say EBADF), and the waits.
const SEL: &[Row] = &[
    ("PollSelector.register", "fcntl(F_GETFD)", e(EBADF)),
    ("PollSelector.set_wake_fd", "fcntl(F_GETFD)", e(EBADF)),
    ("PollSelector.select(0)", "poll", e(EINTR)),
    ("PollSelector.select(0)", "poll", e(ENOMEM)),
    ("PollSelector.select(0)", "poll", e(EINVAL)),
    ("PollSelector.select(None)", "poll", e(EINTR)),
    ("PollSelector.select(None)", "poll", e(ENOMEM)),
    ("PollSelector.select(None)", "poll", e(EINVAL)),
    ("PollSelector.select(5s)", "poll", e(EINTR)),
    ("PollSelector.select(5s)", "poll", e(ENOMEM)),
    ("PollSelector.select(5s)", "poll", e(EINVAL)),
    ("PollSelector.select(None,check)", "poll", e(EINTR)),
];

#[cfg(not(any(target_os = "illumos", target_os = "solaris")))]
const TABLES: &[&[Row]] = &[POLL_WAIT, SEL];
#[cfg(any(target_os = "illumos", target_os = "solaris"))]
const TABLES: &[&[Row]] = &[
    POLL_WAIT,
    SEL,
    devpoll::CREATE,
    devpoll::DEVPOLL,
    devpoll::SELECTOR,
];

#[test]
fn tables_define_the_expected_count() {
    let n: usize = TABLES.iter().map(|t| t.len()).sum();
    let mut seen = Vec::new();
    for t in TABLES {
        for &(op, site, f) in *t {
            assert!(!seen.contains(&(op, site, f)), "duplicate row {op} {site}");
            seen.push((op, site, f));
        }
    }
    println!("FAULT-EXPECT select-poll {n}");
}

// ---------------------------------------------------------------------------------------
// Helpers.

fn fault_name(f: Fault) -> String {
    match f {
        Fault::Errno(e) => errno_name(e).to_owned(),
        Fault::Short(n) => format!("short({n})"),
    }
}

/// Prints the case line `.ci/faults` counts.
fn case(row: Row, outcome: &str) {
    let (op, site, f) = row;
    println!(
        "FAULT-CASE select-poll {op} {site} {} {outcome}",
        fault_name(f)
    );
}

/// Starts a case: a clean plan with the row's fault at its site, after `skip` calls.
fn inject(row: Row, skip: u32) {
    fault::reset();
    fault::plan(row.1, skip, row.2);
}

#[track_caller]
fn assert_fired(row: Row) {
    assert!(
        fault::unfired().is_empty(),
        "{row:?}: the fault never fired: {:?}",
        fault::unfired()
    );
}

/// `r` failed with exactly the row's errno (kind and raw errno).
#[track_caller]
fn assert_errno<T: std::fmt::Debug>(r: io::Result<T>, row: Row) {
    let Fault::Errno(errno) = row.2 else {
        panic!("{row:?}: no errno");
    };
    let e = r.expect_err(&format!("{row:?}: expected an error"));
    assert_eq!(e.raw_os_error(), Some(errno), "{row:?}: {e}");
    assert_eq!(
        e.kind(),
        io::Error::from_raw_os_error(errno).kind(),
        "{row:?}"
    );
}

struct Mode {
    timeout: Option<Duration>,
    check: bool,
}

fn mode(op: &str) -> Mode {
    let args = op
        .split_once('(')
        .map_or("", |(_, a)| a.trim_end_matches(')'));
    let mut parts = args.split(',');
    let timeout = match parts.next() {
        Some("0") => NOW,
        Some("None") => None,
        Some("5s") => Some(Duration::from_secs(5)),
        other => panic!("{op}: no timeout in {other:?}"),
    };
    Mode {
        timeout,
        check: parts.any(|p| p == "check"),
    }
}

/// How an injected wait fault must come out; the outcome's name.
fn wait_outcome(f: Fault, m: &Mode) -> &'static str {
    match f {
        Fault::Errno(EINTR) if m.check => "check",
        // PEP 475: with no time left an interrupted wait reports nothing ready.
        Fault::Errno(EINTR) if m.timeout == NOW => "expired",
        Fault::Errno(EINTR) => "retried",
        _ => "error",
    }
}

/// The interrupt check of the `check` rows: it ends the wait.
fn stop() -> io::Result<()> {
    Err(io::Error::new(
        ErrorKind::Interrupted,
        "stopped by the check",
    ))
}

#[track_caller]
fn assert_stopped<T: std::fmt::Debug>(r: io::Result<T>, row: Row) {
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interrupted, "{row:?}");
    assert_eq!(e.to_string(), "stopped by the check", "{row:?}");
}

/// Readiness from `poll(2)` called directly on `fd`, as interests.
fn raw_ready(fd: RawFd) -> Interest {
    let rev = fault::raw_poll(fd, libc::POLLIN | libc::POLLOUT | libc::POLLPRI).unwrap();
    let mut i = Interest::EMPTY;
    if rev & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
        i |= Interest::READ;
    }
    if rev & (libc::POLLOUT | libc::POLLHUP | libc::POLLERR) != 0 {
        i |= Interest::WRITE;
    }
    if rev & libc::POLLPRI != 0 {
        i |= Interest::PRIORITY;
    }
    i
}

/// The selector's view is consistent with itself, and a zero-timeout wait reports
/// exactly the registered fds `poll(2)` finds ready, for their registered interests,
/// with `woken` exactly when the wake fd is readable.
#[track_caller]
fn assert_reports<S: Selector<Data = u32>>(sel: &mut S, wake: Option<RawFd>, row: Row) {
    let keys: Vec<_> = sel.keys().map(|k| (k.fd, k.interest, k.data)).collect();
    assert_eq!(sel.len(), keys.len(), "{row:?}");
    for &(fd, interest, data) in &keys {
        let k = sel.get_key(&fd).unwrap();
        assert_eq!((k.interest, k.data), (interest, data), "{row:?}");
    }
    let mut events = Events::with_capacity(64);
    sel.select(&mut events, NOW).unwrap();
    let got: BTreeMap<RawFd, Interest> = events.iter().map(|e| (e.fd(), e.ready())).collect();
    let want: BTreeMap<RawFd, Interest> = keys
        .iter()
        .map(|&(fd, interest, _)| (fd, raw_ready(fd).intersection(interest)))
        .filter(|(_, i)| !i.is_empty())
        .collect();
    assert_eq!(got, want, "{row:?}: reported (left), poll(2) (right)");
    let woken = wake.is_some_and(|w| raw_ready(w).is_readable());
    assert_eq!(events.woken(), woken, "{row:?}: woken");
}

/// The next register, modify, unregister and select of a selector behave.
#[track_caller]
fn assert_next_ops_behave<S: Selector<Data = u32>>(sel: &mut S, wake: Option<RawFd>, row: Row) {
    fault::reset();
    let (r, w) = pipe();
    sel.register(&r, Interest::READ, 100).unwrap();
    assert_reports(sel, wake, row);
    write_byte(&w);
    assert_reports(sel, wake, row);
    sel.modify(&r, Interest::READ | Interest::PRIORITY, 101)
        .unwrap();
    assert_reports(sel, wake, row);
    assert_eq!(sel.unregister(&r).unwrap().data, 101);
    assert_reports(sel, wake, row);
    assert!(sel.get_key(&r).is_err(), "{row:?}");
}

/// The fds of a case: a ready reader, a writer (always ready) and an idle reader.
struct Fixture {
    ready: std::io::PipeReader,
    _ready_w: std::io::PipeWriter,
    writer: std::io::PipeWriter,
    idle: std::io::PipeReader,
}

impl Fixture {
    fn new() -> Fixture {
        let (ready, ready_w) = pipe();
        write_byte(&ready_w);
        let (idle, writer) = pipe();
        Fixture {
            ready,
            _ready_w: ready_w,
            writer,
            idle,
        }
    }

    /// A selector holding the ready reader and the writer (and a hole where the idle
    /// reader was: registered, then unregistered).
    fn selector<S: Selector<Data = u32>>(&self, mut sel: S) -> S {
        sel.register(&self.ready, Interest::READ, 1).unwrap();
        sel.register(&self.idle, Interest::READ, 3).unwrap();
        sel.register(&self.writer, Interest::WRITE, 2).unwrap();
        sel.unregister(&self.idle).unwrap();
        sel
    }
}

// ---------------------------------------------------------------------------------------
// Poll.

/// `Poll`'s registrations are `model`, and a zero-timeout poll reports, for each, the
/// very `revents` that `poll(2)` called directly on that fd with its mask returns.
#[track_caller]
fn assert_poll(p: &mut Poll, model: &BTreeMap<RawFd, PollFlags>, row: Row) {
    let regs: BTreeMap<RawFd, PollFlags> = p.iter().collect();
    assert_eq!(&regs, model, "{row:?}: registrations");
    assert_eq!(p.len(), model.len(), "{row:?}");
    let got: BTreeMap<RawFd, PollFlags> = p.poll(NOW).unwrap().into_iter().collect();
    let want: BTreeMap<RawFd, PollFlags> = model
        .iter()
        .map(|(&fd, m)| {
            let rev = fault::raw_poll(fd, m.bits()).unwrap();
            (fd, PollFlags::from_bits_retain(rev))
        })
        .filter(|(_, rev)| !rev.is_empty())
        .collect();
    assert_eq!(got, want, "{row:?}: poll (left), poll(2) (right)");
}

#[test]
fn waits_of_the_poll_object() {
    for &row in POLL_WAIT {
        let m = mode(row.0);
        let f = Fixture::new();
        let mut p = Poll::new();
        p.register(&f.ready, PollFlags::POLLIN).unwrap();
        p.register(&f.idle, PollFlags::POLLIN).unwrap();
        p.register(&f.writer, PollFlags::POLLOUT).unwrap();
        // A hole in the array, closed up by the wait that fails.
        p.unregister(&f.idle).unwrap();
        let mut model = BTreeMap::from([
            (f.ready.as_raw_fd(), PollFlags::POLLIN),
            (f.writer.as_raw_fd(), PollFlags::POLLOUT),
        ]);
        if m.check {
            p.set_interrupt_check(Some(stop));
        }
        inject(row, 0);
        let r = p.poll(m.timeout);
        assert_fired(row);
        let outcome = wait_outcome(row.2, &m);
        match outcome {
            "check" => assert_stopped(r, row),
            "expired" => {
                assert_eq!(r.unwrap(), [], "{row:?}");
                assert_eq!(
                    fault::calls(row.1),
                    1,
                    "{row:?}: no retry without time left"
                );
            }
            "retried" => {
                assert_eq!(r.unwrap().len(), 2, "{row:?}: both fds after the retry");
                assert_eq!(fault::calls(row.1), 2, "{row:?}: retried once");
            }
            _ => assert_errno(r, row),
        }
        p.set_interrupt_check(None);
        fault::reset();
        assert_poll(&mut p, &model, row);
        // The next register, modify, unregister and poll behave.
        let (r2, w2) = pipe();
        let fd = r2.as_raw_fd();
        p.register(&r2, PollFlags::POLLIN).unwrap();
        model.insert(fd, PollFlags::POLLIN);
        assert_poll(&mut p, &model, row);
        write_byte(&w2);
        p.modify(&r2, PollFlags::POLLIN | PollFlags::POLLPRI)
            .unwrap();
        model.insert(fd, PollFlags::POLLIN | PollFlags::POLLPRI);
        assert_poll(&mut p, &model, row);
        p.unregister(&r2).unwrap();
        model.remove(&fd);
        assert_poll(&mut p, &model, row);
        case(row, outcome);
    }
}

// ---------------------------------------------------------------------------------------
// PollSelector.

#[test]
fn poll_selector() {
    for &row in SEL {
        let (op, _, _) = row;
        let f = Fixture::new();
        let mut sel = f.selector(PollSelector::new().unwrap());
        match op {
            "PollSelector.register" => {
                // Refused by the open check: nothing registered.
                inject(row, 0);
                let r = sel.register(&f.idle, Interest::READ, 9).map(|k| k.fd);
                assert_fired(row);
                assert_errno(r, row);
                fault::reset();
                assert_eq!(
                    sel.get_key(&f.idle).unwrap_err().kind(),
                    ErrorKind::NotFound,
                    "{row:?}"
                );
                assert_eq!(sel.len(), 2, "{row:?}");
                assert_reports(&mut sel, None, row);
                sel.register(&f.idle, Interest::READ, 9).unwrap();
                assert_reports(&mut sel, None, row);
                assert_next_ops_behave(&mut sel, None, row);
                case(row, "error");
            }
            "PollSelector.set_wake_fd" => {
                // Refused: the old wake fd stays watched, the new one is not.
                let (old, old_w) = pipe();
                let (new, new_w) = pipe();
                sel.set_wake_fd(Some(old.as_raw_fd())).unwrap();
                inject(row, 0);
                assert_errno(sel.set_wake_fd(Some(new.as_raw_fd())), row);
                assert_fired(row);
                fault::reset();
                let wake = Some(old.as_raw_fd());
                write_byte(&new_w);
                assert_reports(&mut sel, wake, row);
                write_byte(&old_w);
                assert_reports(&mut sel, wake, row);
                sel.set_wake_fd(Some(new.as_raw_fd())).unwrap();
                let wake = Some(new.as_raw_fd());
                assert_reports(&mut sel, wake, row);
                assert_next_ops_behave(&mut sel, wake, row);
                case(row, "error");
            }
            _ => {
                let m = mode(op);
                if m.check {
                    sel.set_interrupt_check(Some(stop));
                }
                let mut events = Events::with_capacity(16);
                inject(row, 0);
                let r = sel.select(&mut events, m.timeout);
                assert_fired(row);
                let outcome = wait_outcome(row.2, &m);
                match outcome {
                    "check" => assert_stopped(r, row),
                    "expired" => {
                        assert_eq!(r.unwrap(), 0, "{row:?}");
                        assert_eq!(fault::calls(row.1), 1, "{row:?}");
                    }
                    "retried" => {
                        assert_eq!(r.unwrap(), 2, "{row:?}");
                        assert_eq!(fault::calls(row.1), 2, "{row:?}: retried once");
                    }
                    _ => assert_errno(r, row),
                }
                if outcome != "retried" {
                    assert!(events.is_empty(), "{row:?}");
                }
                sel.set_interrupt_check(None);
                fault::reset();
                assert_reports(&mut sel, None, row);
                assert_next_ops_behave(&mut sel, None, row);
                case(row, outcome);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// /dev/poll (illumos and Solaris): DevPoll and DevpollSelector.

#[cfg(any(target_os = "illumos", target_os = "solaris"))]
mod devpoll {
    use super::*;
    use libc::{EACCES, EMFILE, ENFILE, ENOENT};
    use select_poll::{DevPoll, DevpollSelector};

    /// `open("/dev/poll")`.
    pub(super) const CREATE: &[Row] = &[
        ("DevPoll.new", "open(/dev/poll)", e(EMFILE)),
        ("DevPoll.new", "open(/dev/poll)", e(ENFILE)),
        ("DevPoll.new", "open(/dev/poll)", e(ENOENT)),
        ("DevPoll.new", "open(/dev/poll)", e(EACCES)),
        ("DevpollSelector.new", "open(/dev/poll)", e(EMFILE)),
        ("DevpollSelector.new", "open(/dev/poll)", e(ENFILE)),
        ("DevpollSelector.new", "open(/dev/poll)", e(ENOENT)),
        ("DevpollSelector.new", "open(/dev/poll)", e(EACCES)),
    ];

    /// `DevPoll`: the buffered records written by the next wait (illumos's `dpwrite`
    /// says EACCES in another process, EINVAL for more records than RLIMIT_NOFILE,
    /// EINTR while another writer holds the device; a short write is resumed), the
    /// `DP_POLL` wait, and the `DP_ISPOLLED` query.
    pub(super) const DEVPOLL: &[Row] = &[
        ("DevPoll.poll(0)", "write(/dev/poll)", e(EACCES)),
        ("DevPoll.poll(0)", "write(/dev/poll)", e(EINVAL)),
        ("DevPoll.poll(0)", "write(/dev/poll)", e(EINTR)),
        ("DevPoll.poll(0)", "write(/dev/poll)", Fault::Short(8)),
        ("DevPoll.poll(0)", "ioctl(DP_POLL)", e(EINTR)),
        ("DevPoll.poll(0)", "ioctl(DP_POLL)", e(EACCES)),
        ("DevPoll.poll(None)", "ioctl(DP_POLL)", e(EINTR)),
        ("DevPoll.poll(None)", "ioctl(DP_POLL)", e(EACCES)),
        ("DevPoll.poll(None)", "ioctl(DP_POLL)", e(EINVAL)),
        ("DevPoll.poll(None,check)", "ioctl(DP_POLL)", e(EINTR)),
        ("DevPoll.is_polled", "ioctl(DP_ISPOLLED)", e(EACCES)),
        ("DevPoll.is_polled", "ioctl(DP_ISPOLLED)", e(EINTR)),
    ];

    /// `DevpollSelector`: each change is written at once (`POLLREMOVE` and the mask),
    /// after the open check; the waits.
    pub(super) const SELECTOR: &[Row] = &[
        ("DevpollSelector.register", "fcntl(F_GETFD)", e(EBADF)),
        ("DevpollSelector.register", "write(/dev/poll)", e(EACCES)),
        ("DevpollSelector.register", "write(/dev/poll)", e(EINVAL)),
        ("DevpollSelector.register", "write(/dev/poll)", e(EINTR)),
        (
            "DevpollSelector.register",
            "write(/dev/poll)",
            Fault::Short(0),
        ),
        (
            "DevpollSelector.register",
            "write(/dev/poll)",
            Fault::Short(4),
        ),
        (
            "DevpollSelector.register",
            "write(/dev/poll)",
            Fault::Short(8),
        ),
        ("DevpollSelector.modify", "fcntl(F_GETFD)", e(EBADF)),
        ("DevpollSelector.modify", "write(/dev/poll)", e(EACCES)),
        ("DevpollSelector.modify", "write(/dev/poll)", e(EINVAL)),
        ("DevpollSelector.modify", "write(/dev/poll)", e(EINTR)),
        (
            "DevpollSelector.modify",
            "write(/dev/poll)",
            Fault::Short(8),
        ),
        ("DevpollSelector.unregister", "write(/dev/poll)", e(EACCES)),
        ("DevpollSelector.unregister", "write(/dev/poll)", e(EINVAL)),
        ("DevpollSelector.unregister", "write(/dev/poll)", e(EINTR)),
        ("DevpollSelector.select(0)", "ioctl(DP_POLL)", e(EINTR)),
        ("DevpollSelector.select(0)", "ioctl(DP_POLL)", e(EACCES)),
        ("DevpollSelector.select(None)", "ioctl(DP_POLL)", e(EINTR)),
        ("DevpollSelector.select(None)", "ioctl(DP_POLL)", e(EACCES)),
        ("DevpollSelector.select(None)", "ioctl(DP_POLL)", e(EINVAL)),
        (
            "DevpollSelector.select(None,check)",
            "ioctl(DP_POLL)",
            e(EINTR),
        ),
        ("DevpollSelector.set_wake_fd", "fcntl(F_GETFD)", e(EBADF)),
        ("DevpollSelector.set_wake_fd", "write(/dev/poll)", e(EACCES)),
    ];

    /// The kernel's set (asked with `DP_ISPOLLED` for every fd of `universe`) is
    /// `model`, and a zero-timeout poll reports for each the `revents` `poll(2)` gives.
    #[track_caller]
    fn assert_devpoll(
        dp: &mut DevPoll,
        model: &BTreeMap<RawFd, PollFlags>,
        universe: &[RawFd],
        row: Row,
    ) {
        for &fd in universe {
            let got = dp.is_polled(&fd).unwrap();
            assert_eq!(
                got,
                model.get(&fd).copied(),
                "{row:?}: fd {fd} in the kernel"
            );
        }
        let got: BTreeMap<RawFd, PollFlags> = dp.poll(NOW).unwrap().into_iter().collect();
        let want: BTreeMap<RawFd, PollFlags> = model
            .iter()
            .map(|(&fd, m)| {
                let rev = fault::raw_poll(fd, m.bits()).unwrap();
                (fd, PollFlags::from_bits_retain(rev))
            })
            .filter(|(_, rev)| !rev.is_empty())
            .collect();
        assert_eq!(got, want, "{row:?}: DP_POLL (left), poll(2) (right)");
    }

    #[test]
    fn creation() {
        for &row in CREATE {
            inject(row, 0);
            match row.0 {
                "DevPoll.new" => assert_errno(DevPoll::new(), row),
                _ => assert_errno(DevpollSelector::<u32>::new(), row),
            }
            assert_fired(row);
            fault::reset();
            let f = Fixture::new();
            let mut sel = f.selector(DevpollSelector::new().unwrap());
            assert_reports(&mut sel, None, row);
            assert_next_ops_behave(&mut sel, None, row);
            case(row, "error");
        }
    }

    #[test]
    fn devpoll_object() {
        for &row in DEVPOLL {
            let (op, site, fault) = row;
            let f = Fixture::new();
            let (other, _other_w) = pipe();
            let universe = [
                f.ready.as_raw_fd(),
                f.writer.as_raw_fd(),
                f.idle.as_raw_fd(),
                other.as_raw_fd(),
            ];
            let mut dp = DevPoll::new().unwrap();
            dp.register(&f.ready, PollFlags::POLLIN).unwrap();
            dp.register(&f.writer, PollFlags::POLLOUT).unwrap();
            let mut model = BTreeMap::from([
                (f.ready.as_raw_fd(), PollFlags::POLLIN),
                (f.writer.as_raw_fd(), PollFlags::POLLOUT),
            ]);
            assert_devpoll(&mut dp, &model, &universe, row);
            let m = (op != "DevPoll.is_polled").then(|| mode(op));
            let outcome;
            if site == "write(/dev/poll)" {
                // Two buffered records, written by the wait.
                dp.register(&f.idle, PollFlags::POLLIN).unwrap();
                dp.register(&other, PollFlags::POLLIN).unwrap();
                inject(row, 0);
                let r = dp.poll(NOW);
                assert_fired(row);
                match fault {
                    Fault::Errno(EINTR) | Fault::Short(_) => {
                        // Retried (PEP 475) / resumed after the records taken.
                        r.unwrap();
                        assert!(fault::calls(site) >= 2, "{row:?}");
                        model.insert(f.idle.as_raw_fd(), PollFlags::POLLIN);
                        model.insert(other.as_raw_fd(), PollFlags::POLLIN);
                        outcome = if fault == Fault::Short(8) {
                            "resumed"
                        } else {
                            "retried"
                        };
                    }
                    // The changes are dropped, as CPython drops them.
                    _ => {
                        assert_errno(r, row);
                        outcome = "error";
                    }
                }
            } else if site == "ioctl(DP_ISPOLLED)" {
                inject(row, 0);
                assert_errno(dp.is_polled(&f.ready), row);
                assert_fired(row);
                outcome = "error";
            } else {
                let m = m.unwrap();
                if m.check {
                    dp.set_interrupt_check(Some(stop));
                }
                inject(row, 0);
                let r = dp.poll(m.timeout);
                assert_fired(row);
                outcome = wait_outcome(fault, &m);
                match outcome {
                    "check" => assert_stopped(r, row),
                    "expired" => assert_eq!(r.unwrap(), [], "{row:?}"),
                    "retried" => assert_eq!(r.unwrap().len(), 2, "{row:?}"),
                    _ => assert_errno(r, row),
                }
                dp.set_interrupt_check(None);
            }
            fault::reset();
            assert_devpoll(&mut dp, &model, &universe, row);
            // The next changes behave.
            dp.modify(&f.ready, PollFlags::POLLPRI).unwrap();
            model.insert(f.ready.as_raw_fd(), PollFlags::POLLPRI);
            assert_devpoll(&mut dp, &model, &universe, row);
            dp.unregister(&f.writer).unwrap();
            model.remove(&f.writer.as_raw_fd());
            assert_devpoll(&mut dp, &model, &universe, row);
            case(row, outcome);
        }
    }

    #[test]
    fn devpoll_selector() {
        for &row in SELECTOR {
            let (op, _, fault) = row;
            let f = Fixture::new();
            let mut sel = f.selector(DevpollSelector::new().unwrap());
            let outcome = match op {
                "DevpollSelector.register" => {
                    inject(row, 0);
                    let r = sel.register(&f.idle, Interest::READ, 9).map(|k| k.fd);
                    assert_fired(row);
                    let done = match fault {
                        Fault::Errno(EINTR) | Fault::Short(8) => {
                            r.unwrap();
                            true
                        }
                        // No whole record taken: a short write, nothing registered.
                        Fault::Short(_) => {
                            assert_eq!(r.unwrap_err().kind(), ErrorKind::Other, "{row:?}");
                            false
                        }
                        _ => {
                            assert_errno(r, row);
                            false
                        }
                    };
                    fault::reset();
                    assert_eq!(sel.get_key(&f.idle).is_ok(), done, "{row:?}");
                    assert_reports(&mut sel, None, row);
                    if !done {
                        sel.register(&f.idle, Interest::READ, 9).unwrap();
                        assert_reports(&mut sel, None, row);
                    }
                    match fault {
                        Fault::Errno(EINTR) => "retried",
                        Fault::Short(8) => "resumed",
                        _ => "error",
                    }
                }
                "DevpollSelector.modify" => {
                    // A failed modify keeps the old interest; the kernel too (a short
                    // write after the POLLREMOVE record is resumed).
                    inject(row, 0);
                    let r = sel.modify(&f.ready, Interest::PRIORITY, 11).map(|k| k.fd);
                    assert_fired(row);
                    let done = matches!(fault, Fault::Errno(EINTR) | Fault::Short(_));
                    if done {
                        r.unwrap();
                    } else {
                        assert_errno(r, row);
                    }
                    fault::reset();
                    let k = sel.get_key(&f.ready).unwrap();
                    let want = if done {
                        (Interest::PRIORITY, 11)
                    } else {
                        (Interest::READ, 1)
                    };
                    assert_eq!((k.interest, k.data), want, "{row:?}");
                    assert_reports(&mut sel, None, row);
                    match fault {
                        Fault::Errno(EINTR) => "retried",
                        Fault::Short(_) => "resumed",
                        _ => "error",
                    }
                }
                "DevpollSelector.unregister" => {
                    inject(row, 0);
                    let k = sel.unregister(&f.ready).unwrap();
                    assert_fired(row);
                    assert_eq!(k.data, 1, "{row:?}");
                    fault::reset();
                    assert!(sel.get_key(&f.ready).is_err(), "{row:?}");
                    // Never reported, whatever the kernel kept.
                    assert_reports(&mut sel, None, row);
                    // Registered again for another interest: only that one reports
                    // (the kernel's mask is replaced, never merged with a kept one).
                    sel.register(&f.ready, Interest::PRIORITY, 12).unwrap();
                    assert_reports(&mut sel, None, row);
                    if fault == Fault::Errno(EINTR) {
                        "retried"
                    } else {
                        "swallowed"
                    }
                }
                "DevpollSelector.set_wake_fd" => {
                    let (old, old_w) = pipe();
                    let (new, new_w) = pipe();
                    sel.set_wake_fd(Some(old.as_raw_fd())).unwrap();
                    inject(row, 0);
                    assert_errno(sel.set_wake_fd(Some(new.as_raw_fd())), row);
                    assert_fired(row);
                    fault::reset();
                    let wake = Some(old.as_raw_fd());
                    write_byte(&new_w);
                    assert_reports(&mut sel, wake, row);
                    write_byte(&old_w);
                    assert_reports(&mut sel, wake, row);
                    sel.set_wake_fd(Some(new.as_raw_fd())).unwrap();
                    let wake = Some(new.as_raw_fd());
                    assert_reports(&mut sel, wake, row);
                    assert_next_ops_behave(&mut sel, wake, row);
                    sel.set_wake_fd(None).unwrap();
                    "error"
                }
                _ => {
                    let m = mode(op);
                    if m.check {
                        sel.set_interrupt_check(Some(stop));
                    }
                    let mut events = Events::with_capacity(16);
                    inject(row, 0);
                    let r = sel.select(&mut events, m.timeout);
                    assert_fired(row);
                    let outcome = wait_outcome(fault, &m);
                    match outcome {
                        "check" => assert_stopped(r, row),
                        "expired" => assert_eq!(r.unwrap(), 0, "{row:?}"),
                        "retried" => assert_eq!(r.unwrap(), 2, "{row:?}"),
                        _ => assert_errno(r, row),
                    }
                    sel.set_interrupt_check(None);
                    fault::reset();
                    assert_reports(&mut sel, None, row);
                    outcome
                }
            };
            assert_next_ops_behave(&mut sel, None, row);
            case(row, outcome);
        }
    }
}
