//! The epoll_wait fallback (kernels before 5.11, or epoll_pwait2 forbidden): forced
//! process-wide in this test binary only. Timeouts round up to milliseconds.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::time::{Duration, Instant};

use common::*;
use select_core::testing::under_signal_storm;

#[test]
fn fallback_rounds_up_and_is_remembered() {
    select_epoll::__private::__force_epoll_wait_fallback(true);
    assert!(!select_epoll::__private::__uses_epoll_pwait2());
    let (ep, r, w) = epoll_on_reader();
    for t in [
        Duration::from_micros(200),
        Duration::from_nanos(1),
        Duration::from_millis(20),
    ] {
        let start = Instant::now();
        assert!(ep.poll(Some(t), -1).unwrap().is_empty());
        let took = start.elapsed();
        // 200 µs and 1 ns become 1 ms: never 0 (busy loop), never 1 s.
        assert!(took >= t.max(Duration::from_millis(1)), "{t:?}: {took:?}");
        assert!(took < Duration::from_millis(500), "{t:?}: {took:?}");
    }
    assert!(!select_epoll::__private::__uses_epoll_pwait2());
    // Readiness works the same.
    write_byte(&w);
    assert_eq!(
        ep.poll(Some(Duration::from_micros(200)), -1).unwrap().len(),
        1
    );
    // EINTR is retried on this path too (natively only: Miri does not emulate signals).
    drain(&r);
    if cfg!(not(miri)) {
        let t = Duration::from_millis(100);
        let s = under_signal_storm(Duration::from_millis(2), || ep.poll(Some(t), -1).unwrap());
        assert!(s.value.is_empty());
        s.assert_waited_out(t, SOON, 0);
    }
    select_epoll::__private::__force_epoll_wait_fallback(false);
    assert!(select_epoll::__private::__uses_epoll_pwait2());
}
