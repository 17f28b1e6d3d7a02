//! Timeouts of `Poll::poll`: zero, finite (rounded up), `None`.
#![cfg(unix)]

mod common;

use std::io::Write;
use std::os::fd::AsRawFd;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::poll_on_reader;
use select_core::testing::pipe;
use select_poll::{Poll, PollFlags};

#[test]
fn zero_returns_at_once() {
    let (mut p, _r, _w) = poll_on_reader();
    let start = Instant::now();
    for _ in 0..100 {
        assert!(p.poll(Some(Duration::ZERO)).unwrap().is_empty());
    }
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn fifty_ms_waits_at_least_fifty_ms() {
    let (mut p, _r, _w) = poll_on_reader();
    let start = Instant::now();
    assert!(p.poll(Some(Duration::from_millis(50))).unwrap().is_empty());
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(50), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn sub_millisecond_timeouts_round_up_not_down() {
    let mut p = Poll::new();
    // Nothing registered: poll(2) just sleeps, as Python's poll() does.
    for t in [Duration::from_nanos(1), Duration::from_micros(500)] {
        let start = Instant::now();
        assert!(p.poll(Some(t)).unwrap().is_empty());
        let elapsed = start.elapsed();
        assert!(elapsed >= t, "{t:?}: {elapsed:?}");
        assert!(elapsed < Duration::from_secs(5), "{t:?}: {elapsed:?}");
    }
    // 1 ms + 1 ns becomes 2 ms.
    let start = Instant::now();
    p.poll(Some(Duration::from_nanos(1_000_001))).unwrap();
    assert!(start.elapsed() >= Duration::from_nanos(1_000_001));
}

#[test]
fn none_blocks_until_a_writer_thread_writes() {
    let (mut p, r, w) = poll_on_reader();
    let (started_tx, started_rx) = mpsc::channel();
    let writer = std::thread::spawn(move || {
        let mut w = w;
        started_rx.recv().unwrap();
        // Give the waiter time to block; the wait must not end before the write.
        std::thread::sleep(Duration::from_millis(50));
        let wrote = Instant::now();
        w.write_all(b"x").unwrap();
        (wrote, w) // kept open: a hang-up must not be what ends the wait
    });
    let start = Instant::now();
    started_tx.send(()).unwrap();
    let ready = p.poll(None).unwrap();
    let returned = Instant::now();
    let (wrote, _w) = writer.join().unwrap();
    assert_eq!(ready, vec![(r.as_raw_fd(), PollFlags::POLLIN)]);
    assert!(returned >= wrote, "returned before the write");
    assert!(returned - start >= Duration::from_millis(50));
}

#[test]
fn huge_timeouts_are_accepted_and_do_not_delay_a_ready_fd() {
    let (r, mut w) = pipe();
    w.write_all(b"x").unwrap();
    let mut p = Poll::new();
    p.register(&r, PollFlags::POLLIN).unwrap();
    for t in [Duration::from_secs(86_400 * 365), Duration::MAX] {
        let start = Instant::now();
        assert_eq!(p.poll(Some(t)).unwrap().len(), 1);
        assert!(start.elapsed() < Duration::from_secs(5));
    }
}

#[test]
fn python_float_milliseconds_port_with_select_core() {
    use select_core::timeout::{from_millis_f64, Negative};
    let mut p = Poll::new();
    // poll.poll(0.5) waits 1 ms; poll.poll(-1) blocks (None); NaN is refused.
    let t = from_millis_f64(0.5, Negative::Block).unwrap();
    let start = Instant::now();
    assert!(p.poll(t).unwrap().is_empty());
    assert!(start.elapsed() >= Duration::from_micros(500));
    assert_eq!(from_millis_f64(-1.0, Negative::Block).unwrap(), None);
    assert!(from_millis_f64(f64::NAN, Negative::Block).is_err());
}
