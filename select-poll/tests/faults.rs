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
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use libc::{EBADF, EINTR, EINVAL, ENOMEM};
use select_core::__private::WakeFd;
use select_core::fault::{self, Fault};
use select_core::testing::faults::{
    assert_errno, assert_fired, assert_not_registered, assert_reports, assert_stopped, errno_rows,
    faulted_select, inject, mode, stop, wait_outcome, Fixture, Row,
};
use select_core::testing::{pipe, write_byte};
use select_poll::{Interest, Poll, PollFlags, PollSelector, Selector};

const NOW: Option<Duration> = Some(Duration::ZERO);

// ---------------------------------------------------------------------------------------
// The tables.

/// The waits of `Poll`, by timeout (`check`: with an interrupt check that ends the
/// wait). poll(2) says EINTR, ENOMEM, EINVAL (more fds than RLIMIT_NOFILE) and EFAULT
/// (never, with our own array).
fn poll_wait_rows() -> Vec<Row> {
    let mut t = errno_rows(
        &["Poll.poll(0)", "Poll.poll(None)", "Poll.poll(5s)"],
        "poll",
        &[EINTR, ENOMEM, EINVAL],
    );
    t.push(("Poll.poll(None,check)", "poll", Fault::Errno(EINTR)));
    t
}

/// `PollSelector`: the open check of `register` and of the wake-fd hook (F_GETFD can
/// only say EBADF), and the waits.
fn sel_rows() -> Vec<Row> {
    let ops = ["PollSelector.register", "PollSelector.set_wake_fd"];
    let mut t = errno_rows(&ops, "fcntl(F_GETFD)", &[EBADF]);
    t.extend(errno_rows(
        &[
            "PollSelector.select(0)",
            "PollSelector.select(None)",
            "PollSelector.select(5s)",
        ],
        "poll",
        &[EINTR, ENOMEM, EINVAL],
    ));
    t.push((
        "PollSelector.select(None,check)",
        "poll",
        Fault::Errno(EINTR),
    ));
    t
}

#[test]
fn tables_define_the_expected_count() {
    #[cfg(not(any(target_os = "illumos", target_os = "solaris")))]
    let tables = [poll_wait_rows(), sel_rows()];
    #[cfg(any(target_os = "illumos", target_os = "solaris"))]
    let tables = [
        poll_wait_rows(),
        sel_rows(),
        devpoll::create_rows(),
        devpoll::devpoll_rows(),
        devpoll::selector_rows(),
    ];
    let tables: Vec<&[Row]> = tables.iter().map(Vec::as_slice).collect();
    select_core::testing::faults::expect("select-poll", &tables);
}

// ---------------------------------------------------------------------------------------
// Helpers.

/// Prints the case line `.ci/faults` counts.
fn case(row: Row, outcome: &str) {
    select_core::testing::faults::case("select-poll", row, outcome);
}

/// The next register, modify, unregister and select of a selector behave.
#[track_caller]
fn assert_next_ops_behave<S: Selector<Data = u32>>(sel: &mut S, wake: Option<RawFd>, row: Row) {
    select_core::testing::faults::assert_next_ops_behave(sel, wake, row, |_| ());
}

/// A fixture, and `sel` holding its ready reader and writer (and a hole where the idle
/// reader was: registered, then unregistered).
fn fixture_and_selector<S: Selector<Data = u32>>(mut sel: S) -> (Fixture, S) {
    let f = Fixture::new();
    sel.register(&f.ready, Interest::READ, 1).unwrap();
    sel.register(&f.idle, Interest::READ, 3).unwrap();
    sel.register(&f.writer, Interest::WRITE, 2).unwrap();
    sel.unregister(&f.idle).unwrap();
    (f, sel)
}

/// A refused change of the wake fd (the row's fault planned for it): the old wake fd
/// stays watched, the new one is not, and the change works once the fault is gone.
#[track_caller]
fn refused_wake_fd_change<S: Selector<Data = u32> + WakeFd>(sel: &mut S, row: Row) {
    let (old, old_w) = pipe();
    let (new, new_w) = pipe();
    sel.set_wake_fd(Some(old.as_raw_fd())).unwrap();
    inject(row, 0);
    assert_errno(sel.set_wake_fd(Some(new.as_raw_fd())), row);
    assert_fired(row);
    fault::reset();
    let wake = Some(old.as_raw_fd());
    write_byte(&new_w);
    assert_reports(sel, wake, row);
    write_byte(&old_w);
    assert_reports(sel, wake, row);
    sel.set_wake_fd(Some(new.as_raw_fd())).unwrap();
    let wake = Some(new.as_raw_fd());
    assert_reports(sel, wake, row);
    assert_next_ops_behave(sel, wake, row);
}

// ---------------------------------------------------------------------------------------
// Poll.

/// What `poll(2)` called directly on each fd of `model`, with its mask, returns: the
/// non-empty `revents`.
fn raw_revents(model: &BTreeMap<RawFd, PollFlags>) -> BTreeMap<RawFd, PollFlags> {
    model
        .iter()
        .map(|(&fd, m)| {
            let rev = fault::raw_poll(fd, m.bits()).unwrap();
            (fd, PollFlags::from_bits_retain(rev))
        })
        .filter(|(_, rev)| !rev.is_empty())
        .collect()
}

/// `Poll`'s registrations are `model`, and a zero-timeout poll reports, for each, the
/// very `revents` that `poll(2)` called directly on that fd with its mask returns.
#[track_caller]
fn assert_poll(p: &mut Poll, model: &BTreeMap<RawFd, PollFlags>, row: Row) {
    let regs: BTreeMap<RawFd, PollFlags> = p.iter().collect();
    assert_eq!(&regs, model, "{row:?}: registrations");
    assert_eq!(p.len(), model.len(), "{row:?}");
    let got: BTreeMap<RawFd, PollFlags> = p.poll(NOW).unwrap().into_iter().collect();
    assert_eq!(
        got,
        raw_revents(model),
        "{row:?}: poll (left), poll(2) (right)"
    );
}

#[test]
fn waits_of_the_poll_object() {
    for row in poll_wait_rows() {
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
    for row in sel_rows() {
        let (op, _, _) = row;
        let (f, mut sel) = fixture_and_selector(PollSelector::new().unwrap());
        match op {
            "PollSelector.register" => {
                // Refused by the open check: nothing registered.
                inject(row, 0);
                let r = sel.register(&f.idle, Interest::READ, 9).map(|k| k.fd);
                assert_fired(row);
                assert_errno(r, row);
                fault::reset();
                assert_not_registered(&sel, &f.idle, row);
                assert_eq!(sel.len(), 2, "{row:?}");
                assert_reports(&mut sel, None, row);
                sel.register(&f.idle, Interest::READ, 9).unwrap();
                assert_reports(&mut sel, None, row);
                assert_next_ops_behave(&mut sel, None, row);
                case(row, "error");
            }
            "PollSelector.set_wake_fd" => {
                refused_wake_fd_change(&mut sel, row);
                case(row, "error");
            }
            _ => {
                let m = mode(op);
                let (r, events) =
                    faulted_select(&mut sel, row, &m, |s, c| s.set_interrupt_check(c));
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
    use select_core::testing::faults::rows;
    use std::io::ErrorKind;

    const fn e(errno: i32) -> Fault {
        Fault::Errno(errno)
    }
    use select_poll::{DevPoll, DevpollSelector};

    const WRITE: &str = "write(/dev/poll)";
    const DP_POLL: &str = "ioctl(DP_POLL)";
    const GETFD: &str = "fcntl(F_GETFD)";

    /// `open("/dev/poll")`.
    pub(super) fn create_rows() -> Vec<Row> {
        errno_rows(
            &["DevPoll.new", "DevpollSelector.new"],
            "open(/dev/poll)",
            &[EMFILE, ENFILE, ENOENT, EACCES],
        )
    }

    /// `DevPoll`: the buffered records written by the next wait (illumos's `dpwrite`
    /// says EACCES in another process, EINVAL for more records than RLIMIT_NOFILE,
    /// EINTR while another writer holds the device; a short write is resumed), the
    /// `DP_POLL` wait, and the `DP_ISPOLLED` query.
    pub(super) fn devpoll_rows() -> Vec<Row> {
        let mut t = Vec::new();
        let writes = [e(EACCES), e(EINVAL), e(EINTR), Fault::Short(8)];
        t.extend(rows(&["DevPoll.poll(0)"], WRITE, &writes));
        t.extend(errno_rows(&["DevPoll.poll(0)"], DP_POLL, &[EINTR, EACCES]));
        t.extend(errno_rows(
            &["DevPoll.poll(None)"],
            DP_POLL,
            &[EINTR, EACCES, EINVAL],
        ));
        t.push(("DevPoll.poll(None,check)", DP_POLL, e(EINTR)));
        t.extend(errno_rows(
            &["DevPoll.is_polled"],
            "ioctl(DP_ISPOLLED)",
            &[EACCES, EINTR],
        ));
        t
    }

    /// `DevpollSelector`: each change is written at once (`POLLREMOVE` and the mask),
    /// after the open check; the waits.
    pub(super) fn selector_rows() -> Vec<Row> {
        let mut t = Vec::new();
        let errors = [e(EACCES), e(EINVAL), e(EINTR)];
        let short = [Fault::Short(0), Fault::Short(4), Fault::Short(8)];
        t.push(("DevpollSelector.register", GETFD, e(EBADF)));
        t.extend(rows(&["DevpollSelector.register"], WRITE, &errors));
        t.extend(rows(&["DevpollSelector.register"], WRITE, &short));
        t.push(("DevpollSelector.modify", GETFD, e(EBADF)));
        t.extend(rows(&["DevpollSelector.modify"], WRITE, &errors));
        t.push(("DevpollSelector.modify", WRITE, Fault::Short(8)));
        t.extend(rows(&["DevpollSelector.unregister"], WRITE, &errors));
        t.extend(errno_rows(
            &["DevpollSelector.select(0)"],
            DP_POLL,
            &[EINTR, EACCES],
        ));
        let none = ["DevpollSelector.select(None)"];
        t.extend(errno_rows(&none, DP_POLL, &[EINTR, EACCES, EINVAL]));
        t.push(("DevpollSelector.select(None,check)", DP_POLL, e(EINTR)));
        t.push(("DevpollSelector.set_wake_fd", GETFD, e(EBADF)));
        t.push(("DevpollSelector.set_wake_fd", WRITE, e(EACCES)));
        t
    }

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
        let want = raw_revents(model);
        assert_eq!(got, want, "{row:?}: DP_POLL (left), poll(2) (right)");
    }

    #[test]
    fn creation() {
        for row in create_rows() {
            inject(row, 0);
            match row.0 {
                "DevPoll.new" => assert_errno(DevPoll::new(), row),
                _ => assert_errno(DevpollSelector::<u32>::new(), row),
            }
            assert_fired(row);
            fault::reset();
            let (_f, mut sel) = fixture_and_selector(DevpollSelector::new().unwrap());
            assert_reports(&mut sel, None, row);
            assert_next_ops_behave(&mut sel, None, row);
            case(row, "error");
        }
    }

    #[test]
    fn devpoll_object() {
        for row in devpoll_rows() {
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
        for row in selector_rows() {
            let (op, _, fault) = row;
            let (f, mut sel) = fixture_and_selector(DevpollSelector::new().unwrap());
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
                    refused_wake_fd_change(&mut sel, row);
                    sel.set_wake_fd(None).unwrap();
                    "error"
                }
                _ => {
                    let m = mode(op);
                    let (r, _) = faulted_select(&mut sel, row, &m, |s, c| s.set_interrupt_check(c));
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
