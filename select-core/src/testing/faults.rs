//! The case machinery of the fault-injection suites (`tests/faults.rs` of select-epoll
//! and select-poll, `.ci/faults`). **Compiled only with `--cfg select_faults`**, like the
//! seam itself ([`crate::fault`]).
//!
//! A case is a [`Row`]: an operation (with its variant in parentheses, `"Poll.poll(0)"`,
//! `"EpollSelector.select(None,check)"`), the syscall site it reaches and the fault
//! planned there. The helpers here plan it ([`inject`]), check that it fired and what
//! came back ([`assert_fired`], [`assert_errno`], [`assert_stopped`]), compare what a
//! selector reports with `poll(2)` asked directly ([`assert_reports`]), check the next
//! operations ([`assert_next_ops_behave`]) and print the lines `.ci/faults` counts
//! ([`expect`], [`case`]).

use std::collections::BTreeMap;
use std::io::{self, ErrorKind, PipeReader, PipeWriter};
use std::time::Duration;

use super::{pipe, write_byte};
use crate::fault::{self, errno_name, Fault};
use crate::{Events, Interest, RawFd, Selector};

/// One case: operation (with its variant in parentheses), syscall site, fault.
pub type Row = (&'static str, &'static str, Fault);

/// A zero timeout.
const NOW: Option<Duration> = Some(Duration::ZERO);

/// The rows of every operation of `ops` with every fault of `faults` at `site`, operation
/// by operation (a table is mostly such products).
#[must_use]
pub fn rows(ops: &[&'static str], site: &'static str, faults: &[Fault]) -> Vec<Row> {
    ops.iter()
        .flat_map(|&op| faults.iter().map(move |&f| (op, site, f)))
        .collect()
}

/// [`rows`] for faults that are all errnos.
#[must_use]
pub fn errno_rows(ops: &[&'static str], site: &'static str, errnos: &[i32]) -> Vec<Row> {
    let faults: Vec<Fault> = errnos.iter().map(|&e| Fault::Errno(e)).collect();
    rows(ops, site, &faults)
}

/// Checks that no row stands twice in `tables`, and prints the
/// `FAULT-EXPECT <krate> <rows>` line that `.ci/faults` counts the cases against.
///
/// # Panics
///
/// On a row that stands twice.
pub fn expect(krate: &str, tables: &[&[Row]]) {
    let mut seen: Vec<Row> = Vec::new();
    for &row in tables.iter().copied().flatten() {
        assert!(!seen.contains(&row), "duplicate row {row:?}");
        seen.push(row);
    }
    println!("FAULT-EXPECT {krate} {}", seen.len());
}

/// A fault's name in the case lines: the errno's symbol, or `short(N)`.
#[must_use]
pub fn fault_name(f: Fault) -> String {
    match f {
        Fault::Errno(e) => errno_name(e).to_owned(),
        Fault::Short(n) => format!("short({n})"),
    }
}

/// Prints the `FAULT-CASE <krate> <op> <site> <fault> <outcome>` line `.ci/faults`
/// counts.
pub fn case(krate: &str, row: Row, outcome: &str) {
    let (op, site, f) = row;
    println!("FAULT-CASE {krate} {op} {site} {} {outcome}", fault_name(f));
}

/// The errno of the row's fault.
///
/// # Panics
///
/// If the row's fault is a short write.
#[must_use]
pub fn errno_of(row: Row) -> i32 {
    match row.2 {
        Fault::Errno(e) => e,
        Fault::Short(_) => panic!("{row:?}: no errno"),
    }
}

/// Starts a case: a clean plan with the row's fault at its site, after `skip` calls.
pub fn inject(row: Row, skip: u32) {
    fault::reset();
    fault::plan(row.1, skip, row.2);
}

/// The planned fault fired.
///
/// # Panics
///
/// If it did not.
#[track_caller]
pub fn assert_fired(row: Row) {
    assert!(
        fault::unfired().is_empty(),
        "{row:?}: the fault never fired: {:?}",
        fault::unfired()
    );
}

/// `r` failed with exactly `errno` (kind and raw errno).
///
/// # Panics
///
/// If it did not.
#[track_caller]
pub fn assert_errno_is<T: std::fmt::Debug>(r: io::Result<T>, errno: i32, row: Row) {
    let e = r.expect_err(&format!("{row:?}: expected an error"));
    assert_eq!(e.raw_os_error(), Some(errno), "{row:?}: {e}");
    assert_eq!(
        e.kind(),
        io::Error::from_raw_os_error(errno).kind(),
        "{row:?}"
    );
}

/// `r` failed with exactly the row's errno (kind and raw errno).
///
/// # Panics
///
/// If it did not, or the row's fault is no errno.
#[track_caller]
pub fn assert_errno<T: std::fmt::Debug>(r: io::Result<T>, row: Row) {
    assert_errno_is(r, errno_of(row), row);
}

/// A wait's timeout and variant, from the operation's name ([`mode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// `0`: zero, `None`: none, `5s`: five seconds.
    pub timeout: Option<Duration>,
    /// `fallback`: on the fallback syscall.
    pub fallback: bool,
    /// `check`: with an interrupt check that ends the wait ([`stop`]).
    pub check: bool,
    /// `stale`: while the kernel keeps a stale entry.
    pub stale: bool,
}

/// The [`Mode`] of a wait operation named like `"Poll.poll(5s,check)"`.
///
/// # Panics
///
/// If the name has no timeout in parentheses.
#[must_use]
pub fn mode(op: &str) -> Mode {
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

/// How an injected wait fault must come out, by fault and mode; the outcome's name:
/// `check` (an EINTR the interrupt check turns into its error), `expired` (an EINTR with
/// no time left: nothing ready, PEP 475), `retried` (any other EINTR) or `error`.
#[must_use]
pub fn wait_outcome(f: Fault, m: &Mode) -> &'static str {
    match f {
        Fault::Errno(libc::EINTR) if m.check => "check",
        Fault::Errno(libc::EINTR) if m.timeout == NOW => "expired",
        Fault::Errno(libc::EINTR) => "retried",
        _ => "error",
    }
}

/// The interrupt check of the `check` rows: it ends the wait.
///
/// # Errors
///
/// Always: `Interrupted`, "stopped by the check".
pub fn stop() -> io::Result<()> {
    Err(io::Error::new(
        ErrorKind::Interrupted,
        "stopped by the check",
    ))
}

/// `r` is the error of [`stop`].
///
/// # Panics
///
/// If it is not.
#[track_caller]
pub fn assert_stopped<T: std::fmt::Debug>(r: io::Result<T>, row: Row) {
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Interrupted, "{row:?}");
    assert_eq!(e.to_string(), "stopped by the check", "{row:?}");
}

/// The row's wait on `sel`, with the row's fault injected and, on a `check` row, [`stop`]
/// set as the interrupt check (through `set_check`): what the wait returned and the
/// events it filled. The fault fired.
///
/// # Panics
///
/// If the fault did not fire.
#[track_caller]
pub fn faulted_select<S: Selector>(
    sel: &mut S,
    row: Row,
    m: &Mode,
    set_check: impl FnOnce(&mut S, Option<crate::InterruptCheck>),
) -> (io::Result<usize>, Events) {
    if m.check {
        set_check(sel, Some(stop));
    }
    let mut events = Events::with_capacity(16);
    inject(row, 0);
    let r = sel.select(&mut events, m.timeout);
    assert_fired(row);
    (r, events)
}

/// Readiness from `poll(2)` called directly on `fd`, as interests (a hang-up or an error
/// counts as both read and write readiness).
///
/// # Panics
///
/// If `poll(2)` fails.
#[must_use]
pub fn raw_ready(fd: RawFd) -> Interest {
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
///
/// # Panics
///
/// If any of that does not hold.
#[track_caller]
pub fn assert_reports<S: Selector<Data = u32>>(sel: &mut S, wake: Option<RawFd>, row: Row) {
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

/// The next register, modify, unregister and select of a selector behave, with no fault
/// planned: after each step `agree` checks what the suite can check beyond
/// [`assert_reports`] (the kernel's own table, where it can be read), then
/// [`assert_reports`] runs.
///
/// # Panics
///
/// If a step fails or a check does not hold.
#[track_caller]
pub fn assert_next_ops_behave<S: Selector<Data = u32>>(
    sel: &mut S,
    wake: Option<RawFd>,
    row: Row,
    agree: impl Fn(&S),
) {
    fault::reset();
    let (r, w) = pipe();
    sel.register(&r, Interest::READ, 100).unwrap();
    agree(sel);
    assert_reports(sel, wake, row);
    write_byte(&w);
    assert_reports(sel, wake, row);
    sel.modify(&r, Interest::READ | Interest::PRIORITY, 101)
        .unwrap();
    agree(sel);
    assert_reports(sel, wake, row);
    assert_eq!(sel.unregister(&r).unwrap().data, 101);
    agree(sel);
    assert_reports(sel, wake, row);
    assert!(sel.get_key(&r).is_err(), "{row:?}");
}

/// `fd` is not registered in `sel`: its key lookup says `NotFound`.
///
/// # Panics
///
/// If it is registered, or the lookup fails otherwise.
#[track_caller]
pub fn assert_not_registered<S: Selector, W: crate::Waitable + ?Sized>(sel: &S, fd: &W, row: Row) {
    let e = sel.get_key(fd).map(|k| k.fd).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{row:?}");
}

/// The fds of a case: a ready reader, a writer (always ready) and an idle reader.
#[derive(Debug)]
pub struct Fixture {
    /// A pipe's reader with a byte to read.
    pub ready: PipeReader,
    /// The writer of `ready`'s pipe, kept open.
    pub ready_w: PipeWriter,
    /// A pipe's writer: always writable.
    pub writer: PipeWriter,
    /// The reader of `writer`'s pipe: never readable.
    pub idle: PipeReader,
}

impl Fixture {
    /// The three, with the byte written.
    ///
    /// # Panics
    ///
    /// If `pipe(2)` or the write fails.
    #[must_use]
    pub fn new() -> Fixture {
        let (ready, ready_w) = pipe();
        write_byte(&ready_w);
        let (idle, writer) = pipe();
        Fixture {
            ready,
            ready_w,
            writer,
            idle,
        }
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::new()
    }
}
