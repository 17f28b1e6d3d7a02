//! select(): zero polls, a finite timeout is honoured, None blocks until ready, empty
//! lists just sleep.
#![cfg(unix)]

use std::io::Write;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use select_core::testing::pipe;
use select_fdset::{select, Ready, Select, Selected};

mod common;
use common::{assert_just, readable_pipe};

const MS50: Duration = Duration::from_millis(50);
const MAX: Duration = Duration::from_secs(5);

/// Asserts that `wait` (a select with a 50 ms timeout) finds nothing ready and returns
/// after 50 ms, not before and not long after.
#[track_caller]
fn assert_sleeps_50ms<'a, W: ?Sized + 'a>(wait: impl FnOnce() -> Selected<'a, W>) {
    let start = Instant::now();
    let (r, w, x) = wait();
    let elapsed = start.elapsed();
    assert!(r.is_empty() && w.is_empty() && x.is_empty());
    assert!(elapsed >= MS50, "returned early after {elapsed:?}");
    assert!(elapsed < MAX, "{elapsed:?}");
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn zero_returns_at_once() {
    let (r, _w) = pipe();
    let start = Instant::now();
    let (rr, _, _) = select(&[&r], &[], &[], Some(Duration::ZERO)).unwrap();
    assert!(rr.is_empty());
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn fifty_ms_waits_at_least_fifty_ms() {
    let (r, _w) = pipe();
    assert_sleeps_50ms(|| select(&[&r], &[], &[&r], Some(MS50)).unwrap());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn sub_microsecond_timeouts_round_up_and_do_not_spin() {
    let (r, _w) = pipe();
    let (mut sel, mut ready) = (Select::new(), Ready::new());
    let t = Duration::from_micros(1500) + Duration::from_nanos(1);
    let start = Instant::now();
    let n = sel
        .select_into(&[&r], &[], &[], Some(t), &mut ready)
        .unwrap();
    assert_eq!(n, 0);
    assert!(start.elapsed() >= t, "{:?}", start.elapsed());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn empty_lists_just_sleep() {
    let none: [&i32; 0] = [];
    assert_sleeps_50ms(|| select(&none, &none, &none, Some(MS50)).unwrap());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn none_blocks_until_a_writer_thread_writes() {
    let (r, mut w) = pipe();
    let go = Barrier::new(2);
    std::thread::scope(|s| {
        s.spawn(|| {
            go.wait();
            w.write_all(b"x").unwrap();
        });
        go.wait();
        let (rr, _, _) = select(&[&r], &[], &[], None).unwrap();
        assert_just(&rr, &r);
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn long_timeout_returns_as_soon_as_ready() {
    let (r, _w) = readable_pipe();
    let start = Instant::now();
    let (rr, _, _) = select(&[&r], &[], &[], Some(Duration::from_secs(3600))).unwrap();
    assert_eq!(rr.len(), 1);
    assert!(start.elapsed() < MAX);
    // Duration::MAX is "very long", not an error.
    let (rr, _, _) = select(&[&r], &[], &[], Some(Duration::MAX)).unwrap();
    assert_eq!(rr.len(), 1);
}
