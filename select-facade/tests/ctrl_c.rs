//! `stop_on_interrupt`: a real SIGINT/SIGTERM, caught by the facade's handler, ends a
//! blocking wait through the interrupt check (Python's `KeyboardInterrupt` out of
//! `select()`).
#![cfg(unix)]

use std::io;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use select_core::testing::{pipe, Signaller, Watchdog};
use select_facade::{
    clear_interrupt, interrupt_signal, stop_on_interrupt, DefaultSelector, Events, Interest,
    InterruptCheck, Select, Selector,
};

/// The caught signal is process-wide: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// The lock of [`SERIAL`], with the facade's handler installed and no interrupt
/// pending; the check that stops a wait on one.
fn serial_with_handler() -> (MutexGuard<'static, ()>, InterruptCheck) {
    let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let check = stop_on_interrupt().unwrap();
    clear_interrupt();
    (serial, check)
}

/// The wait ended soon after the signal (`late` after it).
#[track_caller]
fn assert_prompt(late: Duration) {
    assert!(
        late < Duration::from_millis(100),
        "ended {late:?} after the signal"
    );
}

/// Runs `wait` (which blocks without timeout on a pipe nobody writes) while `sig` is
/// sent to this thread every 50 ms; returns its result and how long after the signal
/// that ended it it returned.
fn interrupted_by(
    sig: i32,
    wait: impl FnOnce(&io::PipeReader) -> io::Result<usize>,
) -> (io::Result<usize>, Duration) {
    let (r, w) = pipe();
    let dog = Watchdog::arm(w, Duration::from_secs(10));
    let sender = Signaller::start(sig, Duration::from_millis(50));
    let result = wait(&r);
    let end = Instant::now();
    let signal = sender.last_sent_before(end).expect("a signal was sent");
    sender.stop();
    assert!(!dog.disarm(), "only the watchdog ended the wait");
    (result, end - signal)
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn sigint_ends_a_default_selector_wait() {
    let (_serial, check) = serial_with_handler();
    let (result, late) = interrupted_by(libc::SIGINT, |r| {
        let mut sel = DefaultSelector::new()?;
        sel.set_interrupt_check(Some(check));
        sel.register(r, Interest::READ, ())?;
        sel.select(&mut Events::new(), None)
    });
    let e = result.unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::Interrupted);
    assert_eq!(e.to_string(), "interrupted by SIGINT");
    assert_eq!(interrupt_signal(), Some(libc::SIGINT));
    assert_prompt(late);
    clear_interrupt();
    assert_eq!(interrupt_signal(), None);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn sigterm_ends_a_select_call() {
    let (_serial, check) = serial_with_handler();
    let (result, late) = interrupted_by(libc::SIGTERM, |r| {
        let (readable, _, _) = Select::with_interrupt_check(check).select(&[r], &[], &[], None)?;
        Ok(readable.len())
    });
    let e = result.unwrap_err();
    assert_eq!(e.to_string(), "interrupted by SIGTERM");
    assert_prompt(late);
    clear_interrupt();
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn without_the_check_the_handler_changes_nothing() {
    let _serial = serial_with_handler();
    let (r, _w) = pipe();
    let mut sel = DefaultSelector::<()>::new().unwrap();
    sel.register(&r, Interest::READ, ()).unwrap();
    let sender = Signaller::start(libc::SIGINT, Duration::from_millis(30));
    let start = Instant::now();
    let n = sel
        .select(&mut Events::new(), Some(Duration::from_millis(250)))
        .unwrap();
    let elapsed = start.elapsed();
    let sent = sender.sent();
    sender.stop();
    assert_eq!(n, 0);
    assert!(sent >= 2, "{sent} signals");
    assert!(
        elapsed >= Duration::from_millis(250),
        "returned early: {elapsed:?}"
    );
    assert_eq!(interrupt_signal(), Some(libc::SIGINT));
    clear_interrupt();
}
