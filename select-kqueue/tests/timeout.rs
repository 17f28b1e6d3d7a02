//! Timeouts: zero polls, short waits never return early, and EINTR is retried with the
//! remaining time without applying the changelist twice.
#![cfg(has_kqueue)]

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::*;
use select_core::testing::{pipe, SignalStorm};
use select_kqueue::*;

fn timed(kq: &Kqueue, timeout: Duration) -> Duration {
    let start = Instant::now();
    let ev = kq.control(&[], 4, Some(timeout)).unwrap();
    assert!(ev.is_empty(), "{ev:?}");
    start.elapsed()
}

#[test]
fn zero_timeout_polls() {
    let (r, _w) = pipe();
    let kq = kqueue_watching(&r);
    assert!(timed(&kq, Duration::ZERO) < Duration::from_secs(1));
}

/// A new kqueue with nothing to report waits the whole `timeout`, and not much longer.
fn waits_out(timeout: Duration) {
    let kq = Kqueue::new().unwrap();
    assert_waited(timed(&kq, timeout), timeout);
}

#[test]
fn fifty_milliseconds() {
    waits_out(Duration::from_millis(50));
}

#[test]
fn two_hundred_microseconds() {
    waits_out(Duration::from_micros(200));
}

#[test]
fn none_waits_until_an_event() {
    let (r, mut w) = pipe();
    let kq = kqueue_watching(&r);
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        w.write_all(b"x").unwrap();
        w
    });
    let ev = kq.control(&[], 1, None).unwrap();
    assert_eq!(ev.len(), 1);
    drop(t.join().unwrap());
}

#[test]
fn interrupted_wait_resumes_without_reapplying_changes() {
    let (r, _w) = pipe();
    let kq = kqueue_watching(&r);
    // The changelist deletes the event: applied twice, the second EV_DELETE would fail
    // with ENOENT and come back as an EV_ERROR event.
    let del = change(&r, KQ_EV_DELETE);
    let storm = SignalStorm::start(Duration::from_millis(2)).unwrap();
    let start = Instant::now();
    let ev = kq
        .control(&[del], 4, Some(Duration::from_millis(120)))
        .unwrap();
    let elapsed = start.elapsed();
    let sent = storm.stop();
    assert!(ev.is_empty(), "changelist applied again: {ev:?}");
    assert_waited(elapsed, Duration::from_millis(120));
    assert!(sent > 0);
    // It was applied once: deleting again now is ENOENT.
    assert_enoent(&kq, del);
}

#[test]
fn interrupted_blocking_wait_still_gets_the_event() {
    let (r, mut w) = pipe();
    let kq = kqueue_watching(&r);
    let storm = SignalStorm::start(Duration::from_millis(1)).unwrap();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(60));
        w.write_all(b"x").unwrap();
        w
    });
    let ev = kq.control(&[], 1, None).unwrap();
    storm.stop();
    assert_eq!(ev.len(), 1);
    drop(writer.join().unwrap());
}
