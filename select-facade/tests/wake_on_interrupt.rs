//! `wake_on_interrupt`: every registration gets every SIGINT, and a dropped selector
//! neither keeps its fds open nor takes the signals meant for the live one.
//!
//! Each test runs in a forked child whose only thread blocks SIGINT and SIGTERM before
//! any other thread starts, as the docs ask, so a process-directed SIGINT (sent by the
//! `kill` utility) can reach nothing but the watcher's `sigwait`. (Sent to the test
//! process itself, it could land in one of libtest's threads, which do not block it, and
//! end the run; a thread-directed one, as `Signaller` sends, would stay pending in the
//! blocking thread.) The tests take turns, in a binary of their own, since they fork.
#![cfg(unix)]

use std::io::{self, Read, Write};
use std::os::fd::RawFd;
use std::panic::AssertUnwindSafe;
use std::process::Command;
use std::sync::{Barrier, Mutex};
use std::time::Duration;

use select_core::testing::{self, Watchdog};
use select_facade::{wake_on_interrupt, DefaultSelector, Events, Interest, Selector};

/// One fork at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// How long a wait may go on before its watchdog ends it (and the test fails).
const PATIENCE: Duration = Duration::from_secs(5);

/// Runs `body` in a forked child; a panic there fails the calling test with its message.
fn in_child(body: impl FnOnce()) {
    // qemu-user 7.2 can abort in the child (`qemu_plugin_vcpu_init_hook: assertion
    // failed`) when a forked child of a threaded process starts a thread, as these
    // children do: an emulator fault, not ours, so these tests run natively only.
    if testing::skip_under_emulation("qemu-user aborts when a forked child starts threads") {
        return;
    }
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (mut report, w) = testing::pipe();
    let code = testing::fork_and_wait(move || reporting_panics(body, &w))
        .expect("fork and wait for the child");
    // The parent's copy of `w` went with the closure: reading ends at the child's exit.
    let mut msg = String::new();
    report.read_to_string(&mut msg).unwrap();
    assert_eq!(code, 0, "child: {msg}");
}

/// Runs `body`: 0 if it returns, else 1 after writing its panic message to `w`.
fn reporting_panics(body: impl FnOnce(), mut w: &io::PipeWriter) -> i32 {
    match std::panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(()) => 0,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("panicked");
            let _ = w.write_all(msg.as_bytes());
            1
        }
    }
}

/// Sends SIGINT to this process (not to a thread), as Ctrl-C does.
fn sigint_this_process() {
    let status = Command::new("kill")
        .args(["-s", "INT", &std::process::id().to_string()])
        .status()
        .expect("run kill(1)");
    assert!(status.success(), "kill(1): {status}");
}

/// The open fds of this process below 4096.
fn open_fds() -> Vec<RawFd> {
    (0..4096).filter(|&fd| testing::is_open(fd)).collect()
}

/// A selector watching a pipe that only a watchdog writes to.
struct Watched {
    sel: DefaultSelector<()>,
    _r: io::PipeReader,
    w: io::PipeWriter,
    events: Events,
}

impl Watched {
    fn new() -> Watched {
        let (r, w) = testing::pipe();
        let mut sel = DefaultSelector::new().unwrap();
        sel.register(&r, Interest::READ, ()).unwrap();
        Watched {
            sel,
            _r: r,
            w,
            events: Events::with_capacity(4),
        }
    }

    /// One wait without timeout, ended by a wake or else by the watchdog after
    /// [`PATIENCE`]: whether a wake ended it. (The watchdog thread is started here, once
    /// the signals are blocked, so it inherits the mask.)
    fn wait_woken(&mut self) -> bool {
        let dog = Watchdog::arm(self.w.try_clone().unwrap(), PATIENCE);
        self.sel.select(&mut self.events, None).unwrap();
        let bitten = dog.disarm();
        self.events.woken() && !bitten
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate fork(2) or signals")]
fn one_sigint_wakes_every_registered_selector() {
    in_child(|| {
        let mut a = Watched::new();
        let mut b = Watched::new();
        let a_int = wake_on_interrupt(&a.sel.waker().unwrap()).unwrap();
        let b_int = wake_on_interrupt(&b.sel.waker().unwrap()).unwrap();
        assert!(!a_int.fired() && !b_int.fired(), "fired before any signal");
        // Both waits start as the signal goes out (spawning kill(1) takes a while): they
        // are blocked when it arrives, or are to see the wake it left.
        let go = Barrier::new(3);
        let (a_woken, b_woken) = std::thread::scope(|s| {
            let (go, b) = (&go, &mut b);
            let sender = s.spawn(move || {
                go.wait();
                sigint_this_process();
            });
            let b = s.spawn(move || {
                go.wait();
                b.wait_woken()
            });
            go.wait();
            let a_woken = a.wait_woken();
            sender.join().unwrap();
            (a_woken, b.join().unwrap())
        });
        assert!(
            a_woken && b_woken,
            "one SIGINT woke the first selector: {a_woken}, the second: {b_woken}"
        );
        assert!(
            a_int.fired() && b_int.fired(),
            "fired: {}, {}",
            a_int.fired(),
            b_int.fired()
        );
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate fork(2) or signals")]
fn a_dropped_selector_leaves_its_fds_and_the_signals_to_its_replacement() {
    in_child(|| {
        let mut failures = Vec::new();

        // The fds the first selector and its waker open (the wake eventfd or pipe, or
        // on kqueue the queue its EVFILT_USER waker holds).
        let before = open_fds();
        let mut sel = DefaultSelector::<()>::new().unwrap();
        let waker = sel.waker().unwrap();
        let opened: Vec<RawFd> = open_fds()
            .into_iter()
            .filter(|fd| !before.contains(fd))
            .collect();
        assert!(!opened.is_empty(), "the selector opened no fd");
        let interrupted = wake_on_interrupt(&waker).unwrap();
        // libkqueue (kqueue emulated on Linux) closes a kqueue's own fds later, from its
        // cleanup thread: only the kernels' kqueue is checked for them.
        let lazy_close = sel.backend() == select_facade::Backend::Kqueue
            && cfg!(any(target_os = "linux", target_os = "android"));
        drop((interrupted, waker, sel));
        // Checked before anything else opens an fd (the replacement would reuse them).
        let still_open: Vec<RawFd> = opened
            .iter()
            .copied()
            .filter(|&fd| testing::is_open(fd))
            .collect();
        if !still_open.is_empty() && !lazy_close {
            failures.push(format!(
                "fds {still_open:?} of the dropped selector (of {opened:?}) are still open"
            ));
        }

        let mut live = Watched::new();
        let interrupted = wake_on_interrupt(&live.sel.waker().unwrap()).unwrap();
        for i in 1..=10 {
            sigint_this_process();
            if !live.wait_woken() {
                failures.push(format!(
                    "SIGINT {i} of 10 did not wake the live selector within {PATIENCE:?}"
                ));
                break;
            }
        }
        if !interrupted.fired() {
            failures.push("the live registration's flag is not set".to_owned());
        }
        assert!(failures.is_empty(), "{failures:#?}");
    });
}
