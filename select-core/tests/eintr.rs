//! PEP 475 on a real syscall: a blocking poll(2) interrupted many times by signals.
#![cfg(unix)]

use std::time::{Duration, Instant};

use select_core::__private::retry;
use select_core::testing::{poll_sleep, SignalStorm};

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn signal_storm_neither_shortens_nor_lengthens_a_wait() {
    let timeout = Duration::from_millis(200);
    let storm = SignalStorm::start(Duration::from_micros(300)).unwrap();
    let mut calls = 0usize;
    let mut interrupted = 0usize;
    let start = Instant::now();
    let n = retry::wait(Some(timeout), |left| {
        calls += 1;
        let r = poll_sleep(left);
        if matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::Interrupted) {
            interrupted += 1;
        }
        r
    })
    .unwrap();
    let elapsed = start.elapsed();
    let sent = storm.stop();
    assert_eq!(n, 0, "nothing can be ready");
    assert!(sent > 10, "the storm sent only {sent} signals");
    assert!(
        interrupted > 5,
        "poll was interrupted only {interrupted} times"
    );
    // Every interruption was retried, except a last one after the deadline had passed.
    assert!(
        calls - interrupted <= 1,
        "{calls} calls, {interrupted} interrupted"
    );
    assert!(elapsed >= timeout, "returned early, after {elapsed:?}");
    assert!(
        elapsed < timeout + Duration::from_millis(1500),
        "overshot: {elapsed:?}"
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn blocking_wait_survives_a_storm_until_ready() {
    // With no timeout, the retried wait only ends when the "syscall" succeeds; here the
    // syscall is a long poll(2) that the storm interrupts, reporting readiness once
    // 100 ms have passed.
    let storm = SignalStorm::start(Duration::from_micros(500)).unwrap();
    let start = Instant::now();
    let mut interrupted = 0usize;
    let n = retry::wait(None, |left| {
        assert_eq!(left, None);
        if start.elapsed() >= Duration::from_millis(100) {
            return Ok(1);
        }
        let r = poll_sleep(Some(Duration::from_secs(5)));
        if r.is_err() {
            interrupted += 1;
        }
        r
    })
    .unwrap();
    storm.stop();
    assert_eq!(n, 1);
    assert!(interrupted > 0);
    assert!(start.elapsed() >= Duration::from_millis(100));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn zero_timeout_under_a_storm_never_errors() {
    // A zero-timeout poll(2) never sleeps, so a storm would almost never interrupt it;
    // the "syscall" here sleeps in poll(2) until a signal comes, so every call really
    // ends in EINTR, which a zero-timeout wait must turn into "nothing ready".
    let storm = SignalStorm::start(Duration::from_micros(100)).unwrap();
    let (mut calls, mut interrupted) = (0usize, 0usize);
    for _ in 0..50 {
        let n = retry::wait(Some(Duration::ZERO), |left| {
            assert_eq!(left, Some(Duration::ZERO));
            calls += 1;
            let r = poll_sleep(Some(Duration::from_secs(5)));
            if matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::Interrupted) {
                interrupted += 1;
            }
            r
        })
        .unwrap();
        assert_eq!(n, 0);
    }
    let sent = storm.stop();
    assert_eq!(calls, 50, "a zero-timeout wait is never retried");
    assert_eq!(
        interrupted, 50,
        "every call ended in EINTR ({sent} signals sent)"
    );
}
