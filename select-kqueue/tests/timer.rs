//! `EVFILT_TIMER`: one-shot and periodic timers.
#![cfg(has_kqueue)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use select_kqueue::*;

/// The change adding timer `ident` with `flags` (besides `EV_ADD`) and period `data`
/// (milliseconds unless `fflags` say otherwise).
fn timer(ident: usize, flags: Flags, data: Data) -> KEvent {
    KEvent::new(ident)
        .with_filter(KQ_FILTER_TIMER)
        .with_flags(KQ_EV_ADD | flags)
        .with_data(data)
}

/// Applies `timer` (a one-shot) and waits for its single expiration; returns the event
/// and how long it took.
fn fire_once(kq: &Kqueue, timer: KEvent) -> (KEvent, Duration) {
    let start = Instant::now();
    let ev = kq.control(&[timer], 1, SOON).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(ev.len(), 1, "{ev:?}");
    (ev[0], elapsed)
}

#[test]
fn oneshot_timer_fires_after_its_period() {
    let kq = Kqueue::new().unwrap();
    // 50 milliseconds: the default unit everywhere.
    let (ev, elapsed) = fire_once(&kq, timer(1, KQ_EV_ONESHOT, 50).with_udata(5));
    assert_eq!(ev.filter(), KQ_FILTER_TIMER);
    assert_eq!(ev.ident(), 1);
    assert_eq!(ev.udata(), 5);
    assert_eq!(ev.data(), 1, "expired once");
    // Timer slack: allow a little early firing from coarse kernel clocks.
    assert_waited(elapsed, Duration::from_millis(45));
    // One-shot: gone.
    assert!(kq
        .control(&[], 1, Some(Duration::from_millis(100)))
        .unwrap()
        .is_empty());
}

#[test]
fn periodic_timer_counts_expirations() {
    let kq = Kqueue::new().unwrap();
    let timer = timer(2, 0, 10);
    kq.control(&[timer], 0, None).unwrap();
    // Several periods pass without a wait: they are counted, not queued.
    std::thread::sleep(Duration::from_millis(60));
    let ev = kq.control(&[], 4, SOON).unwrap();
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert!(ev[0].data() >= 2, "{:?}", ev[0]);
    // It keeps firing until deleted.
    assert_eq!(kq.control(&[], 4, SOON).unwrap().len(), 1);
    let del = timer.with_flags(KQ_EV_DELETE);
    kq.control(&[del], 0, None).unwrap();
    assert!(kq
        .control(&[], 4, Some(Duration::from_millis(50)))
        .unwrap()
        .is_empty());
}

#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "linux"
))]
#[test]
fn timer_units() {
    let kq = Kqueue::new().unwrap();
    let micros = timer(3, KQ_EV_ONESHOT, 20_000).with_fflags(KQ_NOTE_USECONDS);
    let (_, elapsed) = fire_once(&kq, micros);
    assert!(elapsed >= Duration::from_millis(15));
}
