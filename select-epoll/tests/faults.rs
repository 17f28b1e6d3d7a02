//! Fault injection at every syscall site of select-epoll (`.ci/faults`; needs
//! `--cfg select_faults`, which compiles the seam of `sys.rs`).
//!
//! Each row of the tables below is one case: an operation, the syscall site it reaches,
//! and an errno that call can really return. The fault is injected there (the kernel is
//! not called), and the case checks that the error reaches the caller with its errno, or
//! that EINTR is retried as PEP 475 says; that the selector's registrations and the
//! kernel's agree afterwards (the kernel's entries read from `/proc/self/fdinfo`, with
//! their masks and data words; readiness checked with `poll(2)` called directly on each
//! fd); and that the next register/modify/unregister/select behave. Every case prints
//! one `FAULT-CASE select-epoll <op> <syscall> <errno> <outcome>` line, which
//! `.ci/faults` counts against the `FAULT-EXPECT` line (the tables' size).
#![cfg(all(select_faults, any(target_os = "linux", target_os = "android")))]

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, ErrorKind, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use common::{pipe, write_byte};
use libc::{
    EBADF, EBUSY, EEXIST, EINTR, EINVAL, ELOOP, EMFILE, ENFILE, ENOENT, ENOMEM, ENOSPC, ENOSYS,
    EPERM,
};
use select_core::__private::WakeFd;
use select_core::fault::{self, errno_name};
use select_epoll::{Epoll, EpollFlags, EpollSelector, Events, Interest, Selector};

/// One case: operation (with its variant in parentheses), syscall site, errno.
type Row = (&'static str, &'static str, i32);

const NOW: Option<Duration> = Some(Duration::ZERO);

// ---------------------------------------------------------------------------------------
// The tables.

/// `epoll_create1` (and the `eventfd` probe of `from_fd`): EMFILE, ENFILE, ENOMEM.
const CREATE: &[Row] = &[
    ("Epoll.new", "epoll_create1", EMFILE),
    ("Epoll.new", "epoll_create1", ENFILE),
    ("Epoll.new", "epoll_create1", ENOMEM),
    ("EpollSelector.new", "epoll_create1", EMFILE),
    ("EpollSelector.new", "epoll_create1", ENFILE),
    ("EpollSelector.new", "epoll_create1", ENOMEM),
    ("Epoll.from_fd", "eventfd", EMFILE),
    ("Epoll.from_fd", "eventfd", ENFILE),
    ("Epoll.from_fd", "eventfd", ENOMEM),
];

/// `epoll_ctl` errnos by operation (epoll_ctl(2)): ADD can say all of them, MOD and
/// DEL only EBADF, ENOENT and EINVAL (MOD also EINVAL for EPOLLEXCLUSIVE).
const ADD_ERRNOS: [i32; 7] = [EBADF, EEXIST, EINVAL, ENOMEM, ENOSPC, EPERM, ELOOP];
const MOD_DEL_ERRNOS: [i32; 3] = [EBADF, ENOENT, EINVAL];

const EPOLL_CTL: &[Row] = &[
    ("Epoll.register", "epoll_ctl(ADD)", ADD_ERRNOS[0]),
    ("Epoll.register", "epoll_ctl(ADD)", ADD_ERRNOS[1]),
    ("Epoll.register", "epoll_ctl(ADD)", ADD_ERRNOS[2]),
    ("Epoll.register", "epoll_ctl(ADD)", ADD_ERRNOS[3]),
    ("Epoll.register", "epoll_ctl(ADD)", ADD_ERRNOS[4]),
    ("Epoll.register", "epoll_ctl(ADD)", ADD_ERRNOS[5]),
    ("Epoll.register", "epoll_ctl(ADD)", ADD_ERRNOS[6]),
    ("Epoll.modify", "epoll_ctl(MOD)", MOD_DEL_ERRNOS[0]),
    ("Epoll.modify", "epoll_ctl(MOD)", MOD_DEL_ERRNOS[1]),
    ("Epoll.modify", "epoll_ctl(MOD)", MOD_DEL_ERRNOS[2]),
    ("Epoll.unregister", "epoll_ctl(DEL)", MOD_DEL_ERRNOS[0]),
    ("Epoll.unregister", "epoll_ctl(DEL)", MOD_DEL_ERRNOS[1]),
    ("Epoll.unregister", "epoll_ctl(DEL)", MOD_DEL_ERRNOS[2]),
];

/// The waits of `Epoll.poll`, by timeout: zero and `None` call `epoll_wait`, a finite
/// one `epoll_pwait2` (ENOSYS and EPERM there: the `epoll_wait` fallback), or
/// `epoll_wait` in milliseconds once the fallback is on; `check`: with an interrupt
/// check that ends the wait.
const EPOLL_WAIT: &[Row] = &[
    ("Epoll.poll(0)", "epoll_wait", EINTR),
    ("Epoll.poll(0)", "epoll_wait", EBADF),
    ("Epoll.poll(0)", "epoll_wait", EINVAL),
    ("Epoll.poll(None)", "epoll_wait", EINTR),
    ("Epoll.poll(None)", "epoll_wait", EBADF),
    ("Epoll.poll(None)", "epoll_wait", EINVAL),
    ("Epoll.poll(5s)", "epoll_pwait2", EINTR),
    ("Epoll.poll(5s)", "epoll_pwait2", EBADF),
    ("Epoll.poll(5s)", "epoll_pwait2", EINVAL),
    ("Epoll.poll(5s)", "epoll_pwait2", ENOSYS),
    ("Epoll.poll(5s)", "epoll_pwait2", EPERM),
    ("Epoll.poll(5s,fallback)", "epoll_wait", EINTR),
    ("Epoll.poll(5s,fallback)", "epoll_wait", EBADF),
    ("Epoll.poll(5s,fallback)", "epoll_wait", EINVAL),
    ("Epoll.poll(None,check)", "epoll_wait", EINTR),
];

const SEL_REGISTER: &[Row] = &[
    ("EpollSelector.register", "epoll_ctl(ADD)", ADD_ERRNOS[0]),
    ("EpollSelector.register", "epoll_ctl(ADD)", ADD_ERRNOS[1]),
    ("EpollSelector.register", "epoll_ctl(ADD)", ADD_ERRNOS[2]),
    ("EpollSelector.register", "epoll_ctl(ADD)", ADD_ERRNOS[3]),
    ("EpollSelector.register", "epoll_ctl(ADD)", ADD_ERRNOS[4]),
    ("EpollSelector.register", "epoll_ctl(ADD)", ADD_ERRNOS[5]),
    ("EpollSelector.register", "epoll_ctl(ADD)", ADD_ERRNOS[6]),
    // The same file back at its number while the kernel keeps its stale entry: the
    // kernel's EEXIST, then the MOD that takes the entry over fails.
    (
        "EpollSelector.register(stale)",
        "epoll_ctl(MOD)",
        MOD_DEL_ERRNOS[0],
    ),
    (
        "EpollSelector.register(stale)",
        "epoll_ctl(MOD)",
        MOD_DEL_ERRNOS[1],
    ),
    (
        "EpollSelector.register(stale)",
        "epoll_ctl(MOD)",
        MOD_DEL_ERRNOS[2],
    ),
    ("EpollSelector.modify", "epoll_ctl(MOD)", MOD_DEL_ERRNOS[0]),
    ("EpollSelector.modify", "epoll_ctl(MOD)", MOD_DEL_ERRNOS[1]),
    ("EpollSelector.modify", "epoll_ctl(MOD)", MOD_DEL_ERRNOS[2]),
    (
        "EpollSelector.unregister",
        "epoll_ctl(DEL)",
        MOD_DEL_ERRNOS[0],
    ),
    (
        "EpollSelector.unregister",
        "epoll_ctl(DEL)",
        MOD_DEL_ERRNOS[1],
    ),
    (
        "EpollSelector.unregister",
        "epoll_ctl(DEL)",
        MOD_DEL_ERRNOS[2],
    ),
];

/// As [`EPOLL_WAIT`], through the selector; `stale`: while the kernel keeps a stale
/// entry (the skeleton's own wait loop).
const SEL_WAIT: &[Row] = &[
    ("EpollSelector.select(0)", "epoll_wait", EINTR),
    ("EpollSelector.select(0)", "epoll_wait", EBADF),
    ("EpollSelector.select(0)", "epoll_wait", EINVAL),
    ("EpollSelector.select(None)", "epoll_wait", EINTR),
    ("EpollSelector.select(None)", "epoll_wait", EBADF),
    ("EpollSelector.select(None)", "epoll_wait", EINVAL),
    ("EpollSelector.select(5s)", "epoll_pwait2", EINTR),
    ("EpollSelector.select(5s)", "epoll_pwait2", EBADF),
    ("EpollSelector.select(5s)", "epoll_pwait2", EINVAL),
    ("EpollSelector.select(5s)", "epoll_pwait2", ENOSYS),
    ("EpollSelector.select(5s)", "epoll_pwait2", EPERM),
    ("EpollSelector.select(5s,fallback)", "epoll_wait", EINTR),
    ("EpollSelector.select(5s,fallback)", "epoll_wait", EBADF),
    ("EpollSelector.select(5s,fallback)", "epoll_wait", EINVAL),
    ("EpollSelector.select(None,check)", "epoll_wait", EINTR),
    ("EpollSelector.select(None,stale)", "epoll_wait", EINTR),
    ("EpollSelector.select(None,stale)", "epoll_wait", EBADF),
];

/// The rebuild of the epoll instance by the first wait that meets a stale entry: a new
/// instance, every live fd added to it (the second ADD fails: a half-built instance),
/// then `dup3` onto the old number. Best effort: a failure is swallowed, the stale
/// events stay filtered and the next such wait tries again.
const SEL_EVICT: &[Row] = &[
    ("EpollSelector.select(evict)", "epoll_create1", EMFILE),
    ("EpollSelector.select(evict)", "epoll_create1", ENFILE),
    ("EpollSelector.select(evict)", "epoll_create1", ENOMEM),
    ("EpollSelector.select(evict)", "epoll_ctl(ADD)", ENOMEM),
    ("EpollSelector.select(evict)", "epoll_ctl(ADD)", ENOSPC),
    ("EpollSelector.select(evict)", "dup3", EBUSY),
    ("EpollSelector.select(evict)", "dup3", EINTR),
];

/// The wake-fd hook: adding the new wake fd, deleting the one it replaces (swallowed:
/// the old one's entry is then stale) or the one cleared.
const SEL_WAKE: &[Row] = &[
    ("EpollSelector.set_wake_fd", "epoll_ctl(ADD)", EBADF),
    ("EpollSelector.set_wake_fd", "epoll_ctl(ADD)", EINVAL),
    ("EpollSelector.set_wake_fd", "epoll_ctl(ADD)", ENOMEM),
    ("EpollSelector.set_wake_fd", "epoll_ctl(ADD)", ENOSPC),
    ("EpollSelector.set_wake_fd", "epoll_ctl(ADD)", EPERM),
    (
        "EpollSelector.set_wake_fd(replace)",
        "epoll_ctl(DEL)",
        MOD_DEL_ERRNOS[0],
    ),
    (
        "EpollSelector.set_wake_fd(replace)",
        "epoll_ctl(DEL)",
        MOD_DEL_ERRNOS[1],
    ),
    (
        "EpollSelector.set_wake_fd(replace)",
        "epoll_ctl(DEL)",
        MOD_DEL_ERRNOS[2],
    ),
    ("EpollSelector.set_wake_fd(None)", "epoll_ctl(DEL)", EBADF),
    ("EpollSelector.set_wake_fd(None)", "epoll_ctl(DEL)", ENOENT),
];

const TABLES: &[&[Row]] = &[
    CREATE,
    EPOLL_CTL,
    EPOLL_WAIT,
    SEL_REGISTER,
    SEL_WAIT,
    SEL_EVICT,
    SEL_WAKE,
];

#[test]
fn tables_define_the_expected_count() {
    let n: usize = TABLES.iter().map(|t| t.len()).sum();
    let mut seen = std::collections::BTreeSet::new();
    for t in TABLES {
        for &(op, site, errno) in *t {
            assert!(seen.insert((op, site, errno)), "duplicate row {op} {site}");
        }
    }
    println!("FAULT-EXPECT select-epoll {n}");
}

// ---------------------------------------------------------------------------------------
// Helpers.

/// Prints the case line `.ci/faults` counts.
fn case(row: Row, outcome: &str) {
    let (op, site, errno) = row;
    println!(
        "FAULT-CASE select-epoll {op} {site} {} {outcome}",
        errno_name(errno)
    );
}

/// Starts a case: a clean plan with `errno` planned at `site` after `skip` calls.
fn inject(site: &'static str, skip: u32, errno: i32) {
    fault::reset();
    fault::plan(site, skip, fault::Fault::Errno(errno));
}

/// The planned fault fired.
fn assert_fired(row: Row) {
    assert!(
        fault::unfired().is_empty(),
        "{row:?}: the fault never fired: {:?}",
        fault::unfired()
    );
}

/// `r` failed with exactly `errno` (kind and raw errno).
fn assert_errno<T: std::fmt::Debug>(r: io::Result<T>, errno: i32, row: Row) {
    let e = r.expect_err(&format!("{row:?}: expected an error"));
    assert_eq!(e.raw_os_error(), Some(errno), "{row:?}: {e}");
    assert_eq!(
        e.kind(),
        io::Error::from_raw_os_error(errno).kind(),
        "{row:?}"
    );
}

/// One waits' timeout and variant, from the operation's name.
struct Mode {
    timeout: Option<Duration>,
    fallback: bool,
    check: bool,
    stale: bool,
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
    let rest: Vec<&str> = parts.collect();
    Mode {
        timeout,
        fallback: rest.contains(&"fallback"),
        check: rest.contains(&"check"),
        stale: rest.contains(&"stale"),
    }
}

/// Serialises the cases that depend on which syscall a timed wait uses (the fallback
/// switch is process-wide).
static WAITS: Mutex<()> = Mutex::new(());

fn waits() -> MutexGuard<'static, ()> {
    WAITS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The interrupt check of the `check` rows: it ends the wait.
fn stop() -> io::Result<()> {
    Err(io::Error::new(
        ErrorKind::Interrupted,
        "stopped by the check",
    ))
}

const IN: u32 = libc::EPOLLIN as u32;
const OUT: u32 = libc::EPOLLOUT as u32;
const PRI: u32 = libc::EPOLLPRI as u32;
const RDHUP: u32 = libc::EPOLLRDHUP as u32;
/// Added by the kernel to every entry.
const ERR_HUP: u32 = (libc::EPOLLERR | libc::EPOLLHUP) as u32;
/// The data word's fd, interest and wake-tag bits (the generation above is not
/// compared).
const WORD: u64 = (1 << 41) - 1;
const WAKE_TAG: u64 = 1 << 40;

/// The kernel's entries of the epoll instance `epfd`: fd -> (events, data), read from
/// `/proc/self/fdinfo` (one `tfd:` line per entry).
fn kernel(epfd: RawFd) -> BTreeMap<RawFd, (u32, u64)> {
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{epfd}")).unwrap();
    let mut out = BTreeMap::new();
    for line in info.lines().filter(|l| l.starts_with("tfd:")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let field = |name: &str| {
            let i = words.iter().position(|w| *w == name).unwrap();
            words[i + 1]
        };
        let fd = field("tfd:").parse().unwrap();
        let events = u32::from_str_radix(field("events:"), 16).unwrap();
        let data = u64::from_str_radix(field("data:"), 16).unwrap();
        out.insert(fd, (events, data));
    }
    out
}

/// The epoll mask the selector asks for `interest`.
fn mask(interest: Interest) -> u32 {
    let mut m = 0;
    if interest.is_readable() {
        m |= IN | RDHUP;
    }
    if interest.is_writable() {
        m |= OUT;
    }
    if interest.is_priority() {
        m |= PRI;
    }
    m
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

type Sel = EpollSelector<u32>;

/// The selector's view is consistent, and the kernel holds exactly its registrations
/// (mask and data word), the wake fd, and the `stale` entries a failed delete left.
#[track_caller]
fn assert_agree(sel: &Sel, wake: Option<RawFd>, stale: &[RawFd], row: Row) {
    let keys: Vec<_> = sel.keys().map(|k| (k.fd, k.interest, k.data)).collect();
    assert_eq!(sel.len(), keys.len(), "{row:?}");
    for &(fd, interest, data) in &keys {
        let k = sel.get_key(&fd).unwrap();
        assert_eq!((k.interest, k.data), (interest, data), "{row:?}");
    }
    let mut want: BTreeMap<RawFd, (u32, u64)> = keys
        .iter()
        .map(|&(fd, i, _)| {
            let word = u64::from(fd as u32) | (u64::from(i.bits()) << 32);
            (fd, (mask(i), word))
        })
        .collect();
    if let Some(w) = wake {
        want.insert(w, (IN, u64::from(w as u32) | WAKE_TAG));
    }
    let mut got = kernel(sel.fileno().unwrap());
    for fd in stale {
        assert!(got.remove(fd).is_some(), "{row:?}: stale entry {fd} gone");
    }
    let got: BTreeMap<_, _> = got
        .into_iter()
        .map(|(fd, (ev, data))| (fd, (ev & !ERR_HUP, data & WORD)))
        .collect();
    assert_eq!(
        got, want,
        "{row:?}: kernel (left) and selector (right) disagree"
    );
}

/// A zero-timeout wait reports exactly the registered fds `poll(2)` finds ready, for
/// their registered interests, and `woken` exactly when the wake fd is readable.
#[track_caller]
fn assert_reports(sel: &mut Sel, wake: Option<RawFd>, row: Row) {
    let mut events = Events::with_capacity(64);
    sel.select(&mut events, NOW).unwrap();
    let got: BTreeMap<RawFd, Interest> = events.iter().map(|e| (e.fd(), e.ready())).collect();
    let want: BTreeMap<RawFd, Interest> = sel
        .keys()
        .map(|k| (k.fd, raw_ready(k.fd).intersection(k.interest)))
        .filter(|(_, i)| !i.is_empty())
        .collect();
    assert_eq!(got, want, "{row:?}: reported (left), poll(2) (right)");
    let woken = wake.is_some_and(|w| raw_ready(w).is_readable());
    assert_eq!(events.woken(), woken, "{row:?}: woken");
}

/// The next register, modify, unregister and select behave, and the kernel agrees
/// after each.
#[track_caller]
fn assert_next_ops_behave(sel: &mut Sel, wake: Option<RawFd>, row: Row) {
    fault::reset();
    let (r, w) = pipe();
    sel.register(&r, Interest::READ, 100).unwrap();
    assert_agree(sel, wake, &[], row);
    assert_reports(sel, wake, row);
    write_byte(&w);
    assert_reports(sel, wake, row);
    sel.modify(&r, Interest::READ | Interest::PRIORITY, 101)
        .unwrap();
    assert_agree(sel, wake, &[], row);
    assert_reports(sel, wake, row);
    assert_eq!(sel.unregister(&r).unwrap().data, 101);
    assert_agree(sel, wake, &[], row);
    assert_reports(sel, wake, row);
}

/// The fds of a selector case: a ready reader, a writer (always ready) and an idle
/// reader.
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

    /// A selector holding the three.
    fn selector(&self) -> Sel {
        let mut sel = Sel::new().unwrap();
        sel.register(&self.ready, Interest::READ, 1).unwrap();
        sel.register(&self.writer, Interest::WRITE, 2).unwrap();
        sel.register(&self.idle, Interest::READ, 3).unwrap();
        sel
    }
}

/// A readable eventfd.
fn eventfd() -> File {
    File::from(select_core::testing::eventfd().unwrap())
}

fn make_readable(f: &mut File) {
    f.write_all(&1u64.to_ne_bytes()).unwrap();
}

/// `Epoll` with a test-side model of what it registered: fd -> mask.
type Model = BTreeMap<RawFd, EpollFlags>;

/// The kernel holds exactly `model` (mask and data word, the fd), and a zero-timeout
/// poll reports exactly the fds `poll(2)` finds ready for their masks.
#[track_caller]
fn assert_epoll(ep: &Epoll, model: &Model, row: Row) {
    let got: BTreeMap<RawFd, (u32, u64)> = kernel(ep.fileno().unwrap())
        .into_iter()
        .map(|(fd, (ev, data))| (fd, (ev & !ERR_HUP, data)))
        .collect();
    let want: BTreeMap<RawFd, (u32, u64)> = model
        .iter()
        .map(|(&fd, m)| (fd, (m.bits(), u64::from(fd as u32))))
        .collect();
    assert_eq!(
        got, want,
        "{row:?}: kernel (left) and model (right) disagree"
    );
    let reported: BTreeMap<RawFd, u32> = ep
        .poll(NOW, -1)
        .unwrap()
        .into_iter()
        .map(|(fd, ev)| (fd, ev.bits() & (IN | OUT | PRI)))
        .collect();
    let expected: BTreeMap<RawFd, u32> = model
        .iter()
        .map(|(&fd, m)| {
            let r = raw_ready(fd);
            let mut bits = 0;
            if r.is_readable() {
                bits |= IN;
            }
            if r.is_writable() {
                bits |= OUT;
            }
            if r.is_priority() {
                bits |= PRI;
            }
            (fd, bits & m.bits())
        })
        .filter(|&(_, b)| b != 0)
        .collect();
    assert_eq!(reported, expected, "{row:?}: poll (left), poll(2) (right)");
}

/// The next register, modify, unregister and poll of an `Epoll` behave.
#[track_caller]
fn assert_epoll_next_ops_behave(ep: &Epoll, model: &mut Model, row: Row) {
    fault::reset();
    let (r, w) = pipe();
    let fd = r.as_raw_fd();
    ep.register(&r, EpollFlags::EPOLLIN).unwrap();
    model.insert(fd, EpollFlags::EPOLLIN);
    assert_epoll(ep, model, row);
    write_byte(&w);
    assert_epoll(ep, model, row);
    ep.modify(&r, EpollFlags::EPOLLIN | EpollFlags::EPOLLPRI)
        .unwrap();
    model.insert(fd, EpollFlags::EPOLLIN | EpollFlags::EPOLLPRI);
    assert_epoll(ep, model, row);
    ep.unregister(&r).unwrap();
    model.remove(&fd);
    assert_epoll(ep, model, row);
}

/// An `Epoll` holding a ready reader (IN) and a writer (OUT), with its model.
fn epoll_fixture(f: &Fixture) -> (Epoll, Model) {
    let ep = Epoll::new().unwrap();
    ep.register(&f.ready, EpollFlags::EPOLLIN).unwrap();
    ep.register(&f.writer, EpollFlags::EPOLLOUT).unwrap();
    let model = Model::from([
        (f.ready.as_raw_fd(), EpollFlags::EPOLLIN),
        (f.writer.as_raw_fd(), EpollFlags::EPOLLOUT),
    ]);
    (ep, model)
}

// ---------------------------------------------------------------------------------------
// The cases.

#[test]
fn creation() {
    for &row in CREATE {
        let (op, site, errno) = row;
        // An epoll fd made before the fault, for `from_fd`.
        let probe_target = Epoll::new().unwrap().into_fd().ok();
        inject(site, 0, errno);
        match op {
            "Epoll.new" => assert_errno(Epoll::new(), errno, row),
            "EpollSelector.new" => assert_errno(Sel::new(), errno, row),
            "Epoll.from_fd" => assert_errno(Epoll::from_fd(probe_target.unwrap()), errno, row),
            _ => unreachable!("{op}"),
        }
        assert_fired(row);
        // The next creation works, and so does what comes after it.
        fault::reset();
        let f = Fixture::new();
        match op {
            "EpollSelector.new" => {
                let mut sel = f.selector();
                assert_agree(&sel, None, &[], row);
                assert_next_ops_behave(&mut sel, None, row);
            }
            "Epoll.from_fd" => {
                let fd = Epoll::new().unwrap().into_fd().ok();
                let ep = Epoll::from_fd(fd.unwrap()).unwrap();
                let mut model = Model::new();
                assert_epoll_next_ops_behave(&ep, &mut model, row);
            }
            _ => {
                let (ep, mut model) = epoll_fixture(&f);
                assert_epoll(&ep, &model, row);
                assert_epoll_next_ops_behave(&ep, &mut model, row);
            }
        }
        case(row, "error");
    }
}

#[test]
fn epoll_ctl_of_the_epoll_object() {
    for &row in EPOLL_CTL {
        let (op, site, errno) = row;
        let f = Fixture::new();
        let (ep, mut model) = epoll_fixture(&f);
        inject(site, 0, errno);
        match op {
            // A failed register leaves nothing in the kernel.
            "Epoll.register" => assert_errno(ep.register(&f.idle, EpollFlags::EPOLLIN), errno, row),
            // A failed modify keeps the old mask.
            "Epoll.modify" => assert_errno(ep.modify(&f.ready, EpollFlags::EPOLLPRI), errno, row),
            // A failed unregister keeps the entry (the caller was told).
            "Epoll.unregister" => assert_errno(ep.unregister(&f.ready), errno, row),
            _ => unreachable!("{op}"),
        }
        assert_fired(row);
        fault::reset();
        assert_epoll(&ep, &model, row);
        // The same call again works.
        match op {
            "Epoll.register" => {
                ep.register(&f.idle, EpollFlags::EPOLLIN).unwrap();
                model.insert(f.idle.as_raw_fd(), EpollFlags::EPOLLIN);
            }
            "Epoll.modify" => {
                ep.modify(&f.ready, EpollFlags::EPOLLPRI).unwrap();
                model.insert(f.ready.as_raw_fd(), EpollFlags::EPOLLPRI);
            }
            _ => {
                ep.unregister(&f.ready).unwrap();
                model.remove(&f.ready.as_raw_fd());
            }
        }
        assert_epoll(&ep, &model, row);
        assert_epoll_next_ops_behave(&ep, &mut model, row);
        case(row, "error");
    }
}

/// How an injected wait fault must come out, by errno and mode; the outcome's name.
fn wait_outcome(errno: i32, m: &Mode) -> &'static str {
    match errno {
        EINTR if m.check => "check",
        // PEP 475: with no time left an interrupted wait reports nothing ready.
        EINTR if m.timeout == NOW => "expired",
        EINTR => "retried",
        ENOSYS | EPERM => "fallback",
        _ => "error",
    }
}

/// Sets the fallback switch for a case and checks which timed syscall is in use.
fn set_fallback(on: bool) {
    select_epoll::__private::__force_epoll_wait_fallback(on);
}

#[test]
fn waits_of_the_epoll_object() {
    let _guard = waits();
    for &row in EPOLL_WAIT {
        let (_, site, errno) = row;
        let m = mode(row.0);
        let f = Fixture::new();
        let (mut ep, model) = epoll_fixture(&f);
        set_fallback(m.fallback);
        if m.check {
            ep.set_interrupt_check(Some(stop));
        }
        inject(site, 0, errno);
        let r = ep.poll(m.timeout, -1);
        assert_fired(row);
        let outcome = wait_outcome(errno, &m);
        match outcome {
            "check" => {
                let e = r.unwrap_err();
                assert_eq!(e.kind(), ErrorKind::Interrupted, "{row:?}");
                assert_eq!(e.to_string(), "stopped by the check", "{row:?}");
            }
            "expired" => {
                assert_eq!(r.unwrap(), [], "{row:?}");
                assert_eq!(fault::calls(site), 1, "{row:?}: no retry without time left");
            }
            "retried" => {
                assert_eq!(r.unwrap().len(), 2, "{row:?}: both fds after the retry");
                assert!(fault::calls(site) >= 2, "{row:?}: retried");
            }
            "fallback" => {
                assert_eq!(r.unwrap().len(), 2, "{row:?}: the fallback waited");
                assert!(fault::calls("epoll_wait") >= 1, "{row:?}: epoll_wait");
                assert!(!select_epoll::__private::__uses_epoll_pwait2(), "{row:?}");
            }
            _ => assert_errno(r, errno, row),
        }
        ep.set_interrupt_check(None);
        set_fallback(false);
        fault::reset();
        let mut model = model;
        assert_epoll(&ep, &model, row);
        assert_epoll_next_ops_behave(&ep, &mut model, row);
        case(row, outcome);
    }
}

/// Unregisters `fd` with its kernel delete failing (injected EBADF): the selector
/// forgets it, the kernel keeps its entry (stale).
fn unregister_leaving_stale(sel: &mut Sel, fd: RawFd) {
    fault::reset();
    fault::fail_next("epoll_ctl(DEL)", EBADF);
    sel.unregister(&fd).unwrap();
    assert!(fault::unfired().is_empty());
    fault::reset();
}

#[test]
fn registration_changes_of_the_selector() {
    for &row in SEL_REGISTER {
        let (op, site, errno) = row;
        let f = Fixture::new();
        let mut sel = f.selector();
        let fd = f.ready.as_raw_fd();
        match op {
            "EpollSelector.register" => {
                // A new fd: nothing of it stays, in the selector or the kernel.
                let (r, _w) = pipe();
                inject(site, 0, errno);
                let e = sel.register(&r, Interest::READ, 9).map(|k| k.fd);
                assert_fired(row);
                if errno == EEXIST {
                    // Taken as a stale entry to take over: the MOD finds none (ENOENT),
                    // and the register fails with the kernel's EEXIST.
                    assert_eq!(fault::calls("epoll_ctl(MOD)"), 1, "{row:?}");
                }
                assert_errno(e, errno, row);
                fault::reset();
                assert_eq!(
                    sel.get_key(&r).unwrap_err().kind(),
                    ErrorKind::NotFound,
                    "{row:?}"
                );
                assert_eq!(sel.len(), 3, "{row:?}");
                assert_agree(&sel, None, &[], row);
                assert_reports(&mut sel, None, row);
                sel.register(&r, Interest::READ, 9).unwrap();
                assert_agree(&sel, None, &[], row);
                sel.unregister(&r).unwrap();
                case(row, "error");
            }
            "EpollSelector.register(stale)" => {
                unregister_leaving_stale(&mut sel, fd);
                assert_agree(&sel, None, &[fd], row);
                // The same file back at its number: EEXIST from the kernel, then the MOD
                // that would take the stale entry over fails. The caller gets the
                // kernel's EEXIST; nothing is registered and the entry stays stale.
                inject(site, 0, errno);
                let e = sel.register(&f.ready, Interest::READ, 10).map(|k| k.fd);
                assert_fired(row);
                assert_errno(e, EEXIST, row);
                fault::reset();
                assert_eq!(
                    sel.get_key(&fd).unwrap_err().kind(),
                    ErrorKind::NotFound,
                    "{row:?}"
                );
                assert_agree(&sel, None, &[fd], row);
                // The stale entry's events are not reported (and the wait that meets
                // one rebuilds the instance without it).
                assert_reports(&mut sel, None, row);
                assert_agree(&sel, None, &[], row);
                sel.register(&f.ready, Interest::READ, 10).unwrap();
                assert_agree(&sel, None, &[], row);
                assert_reports(&mut sel, None, row);
                case(row, "error");
            }
            "EpollSelector.modify" => {
                // The old interest and data stay, in the selector and the kernel.
                inject(site, 0, errno);
                let e = sel.modify(&f.ready, Interest::WRITE, 11).map(|k| k.fd);
                assert_fired(row);
                assert_errno(e, errno, row);
                fault::reset();
                let k = sel.get_key(&f.ready).unwrap();
                assert_eq!((k.interest, k.data), (Interest::READ, 1), "{row:?}");
                assert_agree(&sel, None, &[], row);
                assert_reports(&mut sel, None, row);
                sel.modify(&f.ready, Interest::WRITE, 11).unwrap();
                assert_agree(&sel, None, &[], row);
                assert_reports(&mut sel, None, row);
                case(row, "error");
            }
            "EpollSelector.unregister" => {
                // Swallowed, as CPython does: the key is returned and forgotten; the
                // kernel keeps the entry, whose events a wait never reports.
                inject(site, 0, errno);
                let k = sel.unregister(&f.ready).unwrap();
                assert_fired(row);
                assert_eq!((k.fd, k.data), (fd, 1), "{row:?}");
                fault::reset();
                assert_eq!(
                    sel.get_key(&fd).unwrap_err().kind(),
                    ErrorKind::NotFound,
                    "{row:?}"
                );
                assert_agree(&sel, None, &[fd], row);
                assert_reports(&mut sel, None, row);
                // That wait met the stale entry and rebuilt the instance without it.
                assert_agree(&sel, None, &[], row);
                // The fd registers again.
                sel.register(&f.ready, Interest::READ, 12).unwrap();
                assert_agree(&sel, None, &[], row);
                assert_reports(&mut sel, None, row);
                case(row, "swallowed");
            }
            _ => unreachable!("{op}"),
        }
        assert_next_ops_behave(&mut sel, None, row);
    }
}

#[test]
fn waits_of_the_selector() {
    let _guard = waits();
    for &row in SEL_WAIT {
        let (_, site, errno) = row;
        let m = mode(row.0);
        let f = Fixture::new();
        let mut sel = f.selector();
        // A stale entry for an fd that is ready (a dup keeps its pipe open).
        let (stale_r, stale_w) = pipe();
        let stale_fd = stale_r.as_raw_fd();
        if m.stale {
            sel.register(&stale_r, Interest::READ, 7).unwrap();
            write_byte(&stale_w);
            unregister_leaving_stale(&mut sel, stale_fd);
            assert_agree(&sel, None, &[stale_fd], row);
        }
        set_fallback(m.fallback);
        if m.check {
            sel.set_interrupt_check(Some(stop));
        }
        let mut events = Events::with_capacity(16);
        inject(site, 0, errno);
        let r = sel.select(&mut events, m.timeout);
        assert_fired(row);
        let outcome = wait_outcome(errno, &m);
        match outcome {
            "check" => {
                let e = r.unwrap_err();
                assert_eq!(e.kind(), ErrorKind::Interrupted, "{row:?}");
                assert_eq!(e.to_string(), "stopped by the check", "{row:?}");
            }
            "expired" => {
                assert_eq!(r.unwrap(), 0, "{row:?}");
                assert!(events.is_empty(), "{row:?}");
                assert_eq!(fault::calls(site), 1, "{row:?}: no retry without time left");
            }
            "retried" | "fallback" => {
                // The ready reader and the writer; never the stale entry.
                assert_eq!(r.unwrap(), 2, "{row:?}");
                let fds: Vec<RawFd> = events.iter().map(|e| e.fd()).collect();
                assert!(fds.contains(&f.ready.as_raw_fd()), "{row:?}");
                assert!(!fds.contains(&stale_fd), "{row:?}");
                if outcome == "retried" {
                    assert!(fault::calls(site) >= 2, "{row:?}: retried");
                } else {
                    assert!(fault::calls("epoll_wait") >= 1, "{row:?}: epoll_wait");
                    assert!(!select_epoll::__private::__uses_epoll_pwait2(), "{row:?}");
                }
            }
            _ => {
                assert_errno(r, errno, row);
                assert!(events.is_empty(), "{row:?}");
            }
        }
        sel.set_interrupt_check(None);
        set_fallback(false);
        fault::reset();
        if m.stale && outcome != "retried" {
            // The failed wait changed nothing: the entry is still stale.
            assert_agree(&sel, None, &[stale_fd], row);
        }
        // A wait reports what poll(2) finds ready (and rebuilds away a stale entry).
        assert_reports(&mut sel, None, row);
        assert_agree(&sel, None, &[], row);
        assert_next_ops_behave(&mut sel, None, row);
        drop((stale_r, stale_w));
        case(row, outcome);
    }
}

#[test]
fn rebuild_after_a_stale_entry() {
    for &row in SEL_EVICT {
        let (_, site, errno) = row;
        let f = Fixture::new();
        let mut sel = f.selector();
        let fd = f.ready.as_raw_fd();
        unregister_leaving_stale(&mut sel, fd);
        assert_agree(&sel, None, &[fd], row);
        // The second ADD into the new instance fails (the first went in).
        let skip = u32::from(site == "epoll_ctl(ADD)");
        inject(site, skip, errno);
        let mut events = Events::with_capacity(16);
        // The wait meets the stale entry, drops its event and tries to rebuild.
        assert_eq!(sel.select(&mut events, NOW).unwrap(), 1, "{row:?}");
        assert_eq!(events.as_slice()[0].fd(), f.writer.as_raw_fd(), "{row:?}");
        assert_fired(row);
        fault::reset();
        // Swallowed: the old instance is kept as it was, stale entry included, and its
        // events stay filtered; the selector's fd number is unchanged.
        assert_agree(&sel, None, &[fd], row);
        // The next such wait rebuilds.
        assert_reports(&mut sel, None, row);
        assert_agree(&sel, None, &[], row);
        assert_next_ops_behave(&mut sel, None, row);
        case(row, "swallowed");
    }
}

#[test]
fn wake_fd_changes() {
    for &row in SEL_WAKE {
        let (op, site, errno) = row;
        let f = Fixture::new();
        let mut sel = f.selector();
        let mut old = eventfd();
        let mut new = eventfd();
        let (old_fd, new_fd) = (old.as_raw_fd(), new.as_raw_fd());
        sel.set_wake_fd(Some(old_fd)).unwrap();
        assert_agree(&sel, Some(old_fd), &[], row);
        inject(site, 0, errno);
        match op {
            "EpollSelector.set_wake_fd" => {
                // Refused: the old wake fd stays watched, the new one is not.
                assert_errno(sel.set_wake_fd(Some(new_fd)), errno, row);
                assert_fired(row);
                fault::reset();
                assert_agree(&sel, Some(old_fd), &[], row);
                make_readable(&mut new);
                assert_reports(&mut sel, Some(old_fd), row);
                make_readable(&mut old);
                assert_reports(&mut sel, Some(old_fd), row);
                sel.set_wake_fd(Some(new_fd)).unwrap();
                assert_agree(&sel, Some(new_fd), &[], row);
                assert_reports(&mut sel, Some(new_fd), row);
                assert_next_ops_behave(&mut sel, Some(new_fd), row);
                case(row, "error");
            }
            "EpollSelector.set_wake_fd(replace)" | "EpollSelector.set_wake_fd(None)" => {
                // The old one's delete fails, swallowed: the change is made, and the
                // old entry's wakes are never reported.
                let replace = op.ends_with("(replace)");
                let wake = replace.then_some(new_fd);
                sel.set_wake_fd(wake).unwrap();
                assert_fired(row);
                fault::reset();
                assert_agree(&sel, wake, &[old_fd], row);
                make_readable(&mut old);
                assert_reports(&mut sel, wake, row);
                // That wait met the stale entry and rebuilt the instance without it.
                assert_agree(&sel, wake, &[], row);
                make_readable(&mut new);
                assert_reports(&mut sel, wake, row);
                assert_next_ops_behave(&mut sel, wake, row);
                case(row, "swallowed");
            }
            _ => unreachable!("{op}"),
        }
    }
}
