//! Timeouts: zero polls, short waits never return early, and EINTR is retried with the
//! remaining time without applying the changelist twice.
#![cfg(any(
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_vendor = "apple",
    all(target_os = "linux", feature = "libkqueue")
))]

use std::io::Write;
use std::time::{Duration, Instant};

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
    let kq = Kqueue::new().unwrap();
    let (r, _w) = pipe();
    kq.control(&[KEvent::for_fd(&r).unwrap()], 0, None).unwrap();
    assert!(timed(&kq, Duration::ZERO) < Duration::from_secs(1));
}

#[test]
fn fifty_milliseconds() {
    let kq = Kqueue::new().unwrap();
    let t = timed(&kq, Duration::from_millis(50));
    assert!(t >= Duration::from_millis(50), "{t:?}");
    assert!(t < Duration::from_secs(5), "{t:?}");
}

#[test]
fn two_hundred_microseconds() {
    let kq = Kqueue::new().unwrap();
    let t = timed(&kq, Duration::from_micros(200));
    assert!(t >= Duration::from_micros(200), "{t:?}");
    assert!(t < Duration::from_secs(5), "{t:?}");
}

#[test]
fn none_waits_until_an_event() {
    let kq = Kqueue::new().unwrap();
    let (r, mut w) = pipe();
    kq.control(&[KEvent::for_fd(&r).unwrap()], 0, None).unwrap();
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
    let kq = Kqueue::new().unwrap();
    let (r, _w) = pipe();
    kq.control(&[KEvent::for_fd(&r).unwrap()], 0, None).unwrap();
    // The changelist deletes the event: applied twice, the second EV_DELETE would fail
    // with ENOENT and come back as an EV_ERROR event.
    let del = KEvent::for_fd(&r).unwrap().with_flags(KQ_EV_DELETE);
    let storm = SignalStorm::start(Duration::from_millis(2)).unwrap();
    let start = Instant::now();
    let ev = kq
        .control(&[del], 4, Some(Duration::from_millis(120)))
        .unwrap();
    let elapsed = start.elapsed();
    let sent = storm.stop();
    assert!(ev.is_empty(), "changelist applied again: {ev:?}");
    assert!(elapsed >= Duration::from_millis(120), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(sent > 0);
    // It was applied once: deleting again now is ENOENT.
    let e = kq.control(&[del], 0, None).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
}

#[test]
fn interrupted_blocking_wait_still_gets_the_event() {
    let kq = Kqueue::new().unwrap();
    let (r, mut w) = pipe();
    kq.control(&[KEvent::for_fd(&r).unwrap()], 0, None).unwrap();
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
