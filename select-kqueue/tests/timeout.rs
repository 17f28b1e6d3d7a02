//! Timeouts: zero polls, short waits never return early, and EINTR is retried with the
//! remaining time without applying the changelist twice.
#![cfg(has_kqueue)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use select_core::testing::{
    pipe, under_signal_storm, under_signal_storm_until_written, write_after,
};
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
    let (r, w) = pipe();
    let kq = kqueue_watching(&r);
    let t = write_after(Duration::from_millis(20), w);
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
    let t = Duration::from_millis(120);
    let s = under_signal_storm(Duration::from_millis(2), || {
        kq.control(&[del], 4, Some(t)).unwrap()
    });
    assert!(
        s.value.is_empty(),
        "changelist applied again: {:?}",
        s.value
    );
    assert_waited(s.took, t);
    assert!(s.sent > 0);
    // It was applied once: deleting again now is ENOENT.
    assert_enoent(&kq, del);
}

#[test]
fn interrupted_blocking_wait_still_gets_the_event() {
    let (r, w) = pipe();
    let kq = kqueue_watching(&r);
    let (storm, delay) = (Duration::from_millis(1), Duration::from_millis(60));
    let s = under_signal_storm_until_written(storm, delay, w, || kq.control(&[], 1, None).unwrap());
    assert_eq!(s.value.len(), 1);
}
