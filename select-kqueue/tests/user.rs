//! `EVFILT_USER`: triggering a user event, from this thread and from another.
#![cfg(has_kqueue)]

use std::sync::Arc;
use std::time::Duration;

use select_kqueue::*;

fn user(ident: usize) -> KEvent {
    KEvent::new(ident).with_filter(KQ_FILTER_USER)
}

#[test]
fn trigger_reports_the_user_event() {
    let kq = Kqueue::new().unwrap();
    let add = user(42).with_flags(KQ_EV_ADD | KQ_EV_CLEAR).with_udata(9);
    assert!(kq
        .control(&[add], 1, Some(Duration::ZERO))
        .unwrap()
        .is_empty());
    // A change to an existing event also sets its udata (FreeBSD: unless
    // EV_KEEPUDATA), so the trigger carries the same value.
    let trigger = user(42)
        .with_flags(0)
        .with_fflags(KQ_NOTE_TRIGGER)
        .with_udata(9);
    let ev = kq
        .control(&[trigger], 1, Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].ident(), 42);
    assert_eq!(ev[0].filter(), KQ_FILTER_USER);
    assert_eq!(ev[0].udata(), 9);
    // EV_CLEAR: consumed by the report.
    assert!(kq.control(&[], 1, Some(Duration::ZERO)).unwrap().is_empty());
}

#[test]
fn user_fflags_are_combined() {
    let kq = Kqueue::new().unwrap();
    kq.control(&[user(1).with_flags(KQ_EV_ADD | KQ_EV_CLEAR)], 0, None)
        .unwrap();
    let set = user(1).with_flags(0).with_fflags(KQ_NOTE_FFCOPY | 0x11);
    kq.control(&[set], 0, None).unwrap();
    let or = user(1)
        .with_flags(0)
        .with_fflags(KQ_NOTE_FFOR | KQ_NOTE_TRIGGER | 0x100);
    let ev = kq.control(&[or], 1, Some(Duration::from_secs(5))).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].fflags() & KQ_NOTE_FFLAGSMASK, 0x111, "{:?}", ev[0]);
}

#[test]
fn trigger_from_another_thread_ends_a_blocking_wait() {
    let kq = Arc::new(Kqueue::new().unwrap());
    kq.control(&[user(7).with_flags(KQ_EV_ADD | KQ_EV_CLEAR)], 0, None)
        .unwrap();
    let kq2 = Arc::clone(&kq);
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        kq2.control(
            &[user(7).with_flags(0).with_fflags(KQ_NOTE_TRIGGER)],
            0,
            None,
        )
        .unwrap();
    });
    let ev = kq.control(&[], 1, None).unwrap();
    t.join().unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].ident(), 7);
}
