//! `EVFILT_TIMER`: one-shot and periodic timers.
#![cfg(any(
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_vendor = "apple",
    all(target_os = "linux", feature = "libkqueue")
))]

use std::time::{Duration, Instant};

use select_kqueue::*;

#[test]
fn oneshot_timer_fires_after_its_period() {
    let kq = Kqueue::new().unwrap();
    let timer = KEvent::new(1)
        .with_filter(KQ_FILTER_TIMER)
        .with_flags(KQ_EV_ADD | KQ_EV_ONESHOT)
        .with_data(50) // milliseconds: the default unit everywhere
        .with_udata(5);
    let start = Instant::now();
    let ev = kq
        .control(&[timer], 1, Some(Duration::from_secs(5)))
        .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].filter(), KQ_FILTER_TIMER);
    assert_eq!(ev[0].ident(), 1);
    assert_eq!(ev[0].udata(), 5);
    assert_eq!(ev[0].data(), 1, "expired once");
    // Timer slack: allow a little early firing from coarse kernel clocks.
    assert!(elapsed >= Duration::from_millis(45), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    // One-shot: gone.
    assert!(kq
        .control(&[], 1, Some(Duration::from_millis(100)))
        .unwrap()
        .is_empty());
}

#[test]
fn periodic_timer_counts_expirations() {
    let kq = Kqueue::new().unwrap();
    let timer = KEvent::new(2)
        .with_filter(KQ_FILTER_TIMER)
        .with_flags(KQ_EV_ADD)
        .with_data(10);
    kq.control(&[timer], 0, None).unwrap();
    // Several periods pass without a wait: they are counted, not queued.
    std::thread::sleep(Duration::from_millis(60));
    let ev = kq.control(&[], 4, Some(Duration::from_secs(5))).unwrap();
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert!(ev[0].data() >= 2, "{:?}", ev[0]);
    // It keeps firing until deleted.
    assert_eq!(
        kq.control(&[], 4, Some(Duration::from_secs(5)))
            .unwrap()
            .len(),
        1
    );
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
    let timer = KEvent::new(3)
        .with_filter(KQ_FILTER_TIMER)
        .with_flags(KQ_EV_ADD | KQ_EV_ONESHOT)
        .with_fflags(KQ_NOTE_USECONDS)
        .with_data(20_000);
    let start = Instant::now();
    let ev = kq
        .control(&[timer], 1, Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(ev.len(), 1);
    assert!(start.elapsed() >= Duration::from_millis(15));
}
