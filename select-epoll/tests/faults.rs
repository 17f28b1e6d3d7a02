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
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use common::{pipe, write_byte};
use libc::{
    EBADF, EBUSY, EEXIST, EINTR, EINVAL, ELOOP, EMFILE, ENFILE, ENOENT, ENOMEM, ENOSPC, ENOSYS,
    EPERM,
};
use select_core::__private::WakeFd;
use select_core::fault::{self, Fault};
use select_core::testing::faults::{
    assert_errno, assert_errno_is, assert_fired, assert_not_registered, assert_reports,
    assert_stopped, errno_of, errno_rows, faulted_select, inject, mode, raw_ready, stop, Fixture,
    Mode, Row,
};
use select_epoll::{Epoll, EpollFlags, EpollSelector, Events, Interest, Selector};

const NOW: Option<Duration> = Some(Duration::ZERO);

// ---------------------------------------------------------------------------------------
// The tables.

/// `epoll_create1` (and the `eventfd` probe of `from_fd`): EMFILE, ENFILE, ENOMEM.
fn create_rows() -> Vec<Row> {
    let errnos = [EMFILE, ENFILE, ENOMEM];
    let mut t = errno_rows(
        &["Epoll.new", "EpollSelector.new"],
        "epoll_create1",
        &errnos,
    );
    t.extend(errno_rows(&["Epoll.from_fd"], "eventfd", &errnos));
    t
}

/// `epoll_ctl` errnos by operation (epoll_ctl(2)): ADD can say all of them, MOD and
/// DEL only EBADF, ENOENT and EINVAL (MOD also EINVAL for EPOLLEXCLUSIVE).
const ADD_ERRNOS: [i32; 7] = [EBADF, EEXIST, EINVAL, ENOMEM, ENOSPC, EPERM, ELOOP];
const MOD_DEL_ERRNOS: [i32; 3] = [EBADF, ENOENT, EINVAL];

const ADD: &str = "epoll_ctl(ADD)";
const MOD: &str = "epoll_ctl(MOD)";
const DEL: &str = "epoll_ctl(DEL)";

fn epoll_ctl_rows() -> Vec<Row> {
    let mut t = errno_rows(&["Epoll.register"], ADD, &ADD_ERRNOS);
    t.extend(errno_rows(&["Epoll.modify"], MOD, &MOD_DEL_ERRNOS));
    t.extend(errno_rows(&["Epoll.unregister"], DEL, &MOD_DEL_ERRNOS));
    t
}

/// The waits of an object whose wait is named `wait` (`"Epoll.poll"`,
/// `"EpollSelector.select"`), by timeout: zero and `None` call `epoll_wait`, a finite one
/// `epoll_pwait2` (ENOSYS and EPERM there: the `epoll_wait` fallback), or `epoll_wait`
/// in milliseconds once the fallback is on; `check`: with an interrupt check that ends
/// the wait.
fn wait_rows(wait: &str) -> Vec<Row> {
    let op = |args: &str| -> &'static str { format!("{wait}({args})").leak() };
    let errors = [EINTR, EBADF, EINVAL];
    let mut t = errno_rows(&[op("0"), op("None")], "epoll_wait", &errors);
    let pwait2 = [EINTR, EBADF, EINVAL, ENOSYS, EPERM];
    t.extend(errno_rows(&[op("5s")], "epoll_pwait2", &pwait2));
    t.extend(errno_rows(&[op("5s,fallback")], "epoll_wait", &errors));
    t.extend(errno_rows(&[op("None,check")], "epoll_wait", &[EINTR]));
    t
}

fn sel_register_rows() -> Vec<Row> {
    let mut t = errno_rows(&["EpollSelector.register"], ADD, &ADD_ERRNOS);
    // The same file back at its number while the kernel keeps its stale entry: the
    // kernel's EEXIST, then the MOD that takes the entry over fails.
    let stale = ["EpollSelector.register(stale)"];
    t.extend(errno_rows(&stale, MOD, &MOD_DEL_ERRNOS));
    t.extend(errno_rows(&["EpollSelector.modify"], MOD, &MOD_DEL_ERRNOS));
    t.extend(errno_rows(
        &["EpollSelector.unregister"],
        DEL,
        &MOD_DEL_ERRNOS,
    ));
    t
}

/// As [`wait_rows`], through the selector; `stale`: while the kernel keeps a stale
/// entry (the skeleton's own wait loop).
fn sel_wait_rows() -> Vec<Row> {
    let mut t = wait_rows("EpollSelector.select");
    let stale = ["EpollSelector.select(None,stale)"];
    t.extend(errno_rows(&stale, "epoll_wait", &[EINTR, EBADF]));
    t
}

/// The rebuild of the epoll instance by the first wait that meets a stale entry: a new
/// instance, every live fd added to it (the second ADD fails: a half-built instance),
/// then `dup3` onto the old number. Best effort: a failure is swallowed, the stale
/// events stay filtered and the next such wait tries again.
fn sel_evict_rows() -> Vec<Row> {
    let op = ["EpollSelector.select(evict)"];
    let mut t = errno_rows(&op, "epoll_create1", &[EMFILE, ENFILE, ENOMEM]);
    t.extend(errno_rows(&op, ADD, &[ENOMEM, ENOSPC]));
    t.extend(errno_rows(&op, "dup3", &[EBUSY, EINTR]));
    t
}

/// The wake-fd hook: adding the new wake fd, deleting the one it replaces (swallowed:
/// the old one's entry is then stale) or the one cleared.
fn sel_wake_rows() -> Vec<Row> {
    let add = [EBADF, EINVAL, ENOMEM, ENOSPC, EPERM];
    let mut t = errno_rows(&["EpollSelector.set_wake_fd"], ADD, &add);
    let replace = ["EpollSelector.set_wake_fd(replace)"];
    t.extend(errno_rows(&replace, DEL, &MOD_DEL_ERRNOS));
    t.extend(errno_rows(
        &["EpollSelector.set_wake_fd(None)"],
        DEL,
        &[EBADF, ENOENT],
    ));
    t
}

#[test]
fn tables_define_the_expected_count() {
    let tables = [
        create_rows(),
        epoll_ctl_rows(),
        wait_rows("Epoll.poll"),
        sel_register_rows(),
        sel_wait_rows(),
        sel_evict_rows(),
        sel_wake_rows(),
    ];
    let tables: Vec<&[Row]> = tables.iter().map(Vec::as_slice).collect();
    select_core::testing::faults::expect("select-epoll", &tables);
}

// ---------------------------------------------------------------------------------------
// Helpers.

/// Prints the case line `.ci/faults` counts.
fn case(row: Row, outcome: &str) {
    select_core::testing::faults::case("select-epoll", row, outcome);
}

/// Serialises the cases that depend on which syscall a timed wait uses (the fallback
/// switch is process-wide).
static WAITS: Mutex<()> = Mutex::new(());

fn waits() -> MutexGuard<'static, ()> {
    WAITS.lock().unwrap_or_else(|e| e.into_inner())
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

/// The next register, modify, unregister and select behave, and the kernel agrees
/// after each.
#[track_caller]
fn assert_next_ops_behave(sel: &mut Sel, wake: Option<RawFd>, row: Row) {
    select_core::testing::faults::assert_next_ops_behave(sel, wake, row, |s| {
        assert_agree(s, wake, &[], row);
    });
}

/// The kernel agrees with the selector (with no wake fd, and the `stale` entries), and a
/// wait reports what `poll(2)` finds ready.
#[track_caller]
fn assert_agree_and_reports(sel: &mut Sel, stale: &[RawFd], row: Row) {
    assert_agree(sel, None, stale, row);
    assert_reports(sel, None, row);
}

/// A fixture and a selector holding its three fds.
fn fixture_and_selector() -> (Fixture, Sel) {
    let f = Fixture::new();
    let mut sel = Sel::new().unwrap();
    sel.register(&f.ready, Interest::READ, 1).unwrap();
    sel.register(&f.writer, Interest::WRITE, 2).unwrap();
    sel.register(&f.idle, Interest::READ, 3).unwrap();
    (f, sel)
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
    for row in create_rows() {
        let op = row.0;
        // An epoll fd made before the fault, for `from_fd`.
        let probe_target = Epoll::new().unwrap().into_fd().ok();
        inject(row, 0);
        match op {
            "Epoll.new" => assert_errno(Epoll::new(), row),
            "EpollSelector.new" => assert_errno(Sel::new(), row),
            "Epoll.from_fd" => assert_errno(Epoll::from_fd(probe_target.unwrap()), row),
            _ => unreachable!("{op}"),
        }
        assert_fired(row);
        // The next creation works, and so does what comes after it.
        fault::reset();
        let f = Fixture::new();
        match op {
            "EpollSelector.new" => {
                let (_f, mut sel) = fixture_and_selector();
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
    for row in epoll_ctl_rows() {
        let op = row.0;
        let f = Fixture::new();
        let (ep, mut model) = epoll_fixture(&f);
        inject(row, 0);
        match op {
            // A failed register leaves nothing in the kernel.
            "Epoll.register" => assert_errno(ep.register(&f.idle, EpollFlags::EPOLLIN), row),
            // A failed modify keeps the old mask.
            "Epoll.modify" => assert_errno(ep.modify(&f.ready, EpollFlags::EPOLLPRI), row),
            // A failed unregister keeps the entry (the caller was told).
            "Epoll.unregister" => assert_errno(ep.unregister(&f.ready), row),
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

/// How an injected wait fault must come out, by fault and mode; the outcome's name:
/// ENOSYS and EPERM from `epoll_pwait2` switch to the `epoll_wait` fallback.
fn wait_outcome(row: Row, m: &Mode) -> &'static str {
    match row.2 {
        Fault::Errno(ENOSYS | EPERM) => "fallback",
        f => select_core::testing::faults::wait_outcome(f, m),
    }
}

/// Sets the fallback switch for a case and checks which timed syscall is in use.
fn set_fallback(on: bool) {
    select_epoll::__private::__force_epoll_wait_fallback(on);
}

#[test]
fn waits_of_the_epoll_object() {
    let _guard = waits();
    for row in wait_rows("Epoll.poll") {
        let site = row.1;
        let m = mode(row.0);
        let f = Fixture::new();
        let (mut ep, model) = epoll_fixture(&f);
        set_fallback(m.fallback);
        if m.check {
            ep.set_interrupt_check(Some(stop));
        }
        inject(row, 0);
        let r = ep.poll(m.timeout, -1);
        assert_fired(row);
        let outcome = wait_outcome(row, &m);
        match outcome {
            "check" => assert_stopped(r, row),
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
            _ => assert_errno(r, row),
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
    for row in sel_register_rows() {
        let (op, errno) = (row.0, errno_of(row));
        let (f, mut sel) = fixture_and_selector();
        let fd = f.ready.as_raw_fd();
        match op {
            "EpollSelector.register" => {
                // A new fd: nothing of it stays, in the selector or the kernel.
                let (r, _w) = pipe();
                inject(row, 0);
                let e = sel.register(&r, Interest::READ, 9).map(|k| k.fd);
                assert_fired(row);
                if errno == EEXIST {
                    // Taken as a stale entry to take over: the MOD finds none (ENOENT),
                    // and the register fails with the kernel's EEXIST.
                    assert_eq!(fault::calls("epoll_ctl(MOD)"), 1, "{row:?}");
                }
                assert_errno(e, row);
                fault::reset();
                assert_not_registered(&sel, &r, row);
                assert_eq!(sel.len(), 3, "{row:?}");
                assert_agree_and_reports(&mut sel, &[], row);
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
                inject(row, 0);
                let e = sel.register(&f.ready, Interest::READ, 10).map(|k| k.fd);
                assert_fired(row);
                assert_errno_is(e, EEXIST, row);
                fault::reset();
                assert_not_registered(&sel, &fd, row);
                assert_agree(&sel, None, &[fd], row);
                // The stale entry's events are not reported (and the wait that meets
                // one rebuilds the instance without it).
                assert_reports(&mut sel, None, row);
                assert_agree(&sel, None, &[], row);
                sel.register(&f.ready, Interest::READ, 10).unwrap();
                assert_agree_and_reports(&mut sel, &[], row);
                case(row, "error");
            }
            "EpollSelector.modify" => {
                // The old interest and data stay, in the selector and the kernel.
                inject(row, 0);
                let e = sel.modify(&f.ready, Interest::WRITE, 11).map(|k| k.fd);
                assert_fired(row);
                assert_errno(e, row);
                fault::reset();
                let k = sel.get_key(&f.ready).unwrap();
                assert_eq!((k.interest, k.data), (Interest::READ, 1), "{row:?}");
                assert_agree_and_reports(&mut sel, &[], row);
                sel.modify(&f.ready, Interest::WRITE, 11).unwrap();
                assert_agree_and_reports(&mut sel, &[], row);
                case(row, "error");
            }
            "EpollSelector.unregister" => {
                // Swallowed, as CPython does: the key is returned and forgotten; the
                // kernel keeps the entry, whose events a wait never reports.
                inject(row, 0);
                let k = sel.unregister(&f.ready).unwrap();
                assert_fired(row);
                assert_eq!((k.fd, k.data), (fd, 1), "{row:?}");
                fault::reset();
                assert_not_registered(&sel, &fd, row);
                assert_agree_and_reports(&mut sel, &[fd], row);
                // That wait met the stale entry and rebuilt the instance without it.
                assert_agree(&sel, None, &[], row);
                // The fd registers again.
                sel.register(&f.ready, Interest::READ, 12).unwrap();
                assert_agree_and_reports(&mut sel, &[], row);
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
    for row in sel_wait_rows() {
        let site = row.1;
        let m = mode(row.0);
        let (f, mut sel) = fixture_and_selector();
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
        let (r, events) = faulted_select(&mut sel, row, &m, |s, c| s.set_interrupt_check(c));
        let outcome = wait_outcome(row, &m);
        match outcome {
            "check" => assert_stopped(r, row),
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
                assert_errno(r, row);
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
    for row in sel_evict_rows() {
        let site = row.1;
        let (f, mut sel) = fixture_and_selector();
        let fd = f.ready.as_raw_fd();
        unregister_leaving_stale(&mut sel, fd);
        assert_agree(&sel, None, &[fd], row);
        // The second ADD into the new instance fails (the first went in).
        let skip = u32::from(site == "epoll_ctl(ADD)");
        inject(row, skip);
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
    for row in sel_wake_rows() {
        let op = row.0;
        let (_f, mut sel) = fixture_and_selector();
        let mut old = eventfd();
        let mut new = eventfd();
        let (old_fd, new_fd) = (old.as_raw_fd(), new.as_raw_fd());
        sel.set_wake_fd(Some(old_fd)).unwrap();
        assert_agree(&sel, Some(old_fd), &[], row);
        inject(row, 0);
        match op {
            "EpollSelector.set_wake_fd" => {
                // Refused: the old wake fd stays watched, the new one is not.
                assert_errno(sel.set_wake_fd(Some(new_fd)), row);
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
