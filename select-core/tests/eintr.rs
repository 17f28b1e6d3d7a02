//! PEP 475 on a real syscall: a blocking poll(2) interrupted many times by signals.
#![cfg(unix)]

use std::time::{Duration, Instant};

use select_core::__private::retry;
use select_core::testing::{poll_sleep, under_signal_storm};

/// Passes `r` on, counting it in `interrupted` when it is an EINTR.
fn count_interrupted(r: std::io::Result<usize>, interrupted: &mut usize) -> std::io::Result<usize> {
    if matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::Interrupted) {
        *interrupted += 1;
    }
    r
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn signal_storm_neither_shortens_nor_lengthens_a_wait() {
    let timeout = Duration::from_millis(200);
    let mut calls = 0usize;
    let mut interrupted = 0usize;
    let s = under_signal_storm(Duration::from_micros(300), || {
        retry::wait(Some(timeout), |left| {
            calls += 1;
            count_interrupted(poll_sleep(left), &mut interrupted)
        })
        .unwrap()
    });
    assert_eq!(s.value, 0, "nothing can be ready");
    assert!(
        interrupted > 5,
        "poll was interrupted only {interrupted} times"
    );
    // Every interruption was retried, except a last one after the deadline had passed.
    assert!(
        calls - interrupted <= 1,
        "{calls} calls, {interrupted} interrupted"
    );
    s.assert_waited_out(timeout, timeout + Duration::from_millis(1500), 10);
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
    let mut interrupted = 0usize;
    let s = under_signal_storm(Duration::from_micros(500), || {
        let start = Instant::now();
        retry::wait(None, |left| {
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
        .unwrap()
    });
    assert_eq!(s.value, 1);
    assert!(interrupted > 0);
    assert!(s.took >= Duration::from_millis(100));
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
    let (mut calls, mut interrupted) = (0usize, 0usize);
    let s = under_signal_storm(Duration::from_micros(100), || {
        for _ in 0..50 {
            let n = retry::wait(Some(Duration::ZERO), |left| {
                assert_eq!(left, Some(Duration::ZERO));
                calls += 1;
                count_interrupted(poll_sleep(Some(Duration::from_secs(5))), &mut interrupted)
            })
            .unwrap();
            assert_eq!(n, 0);
        }
    });
    let sent = s.sent;
    assert_eq!(calls, 50, "a zero-timeout wait is never retried");
    assert_eq!(
        interrupted, 50,
        "every call ended in EINTR ({sent} signals sent)"
    );
}
