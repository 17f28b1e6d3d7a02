//! KqueueSelector wake-ups: `set_wake_fd` and the `EVFILT_USER` `UserWaker`.
#![cfg(has_kqueue)]

mod common;

use select_core::__private::WakeFd;
use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use common::*;
use select_core::testing::{drain, pipe, write_byte};
use select_core::{Events, Interest, Selector};
use select_kqueue::{KqueueSelector, UserWaker};

#[test]
fn wake_fd_sets_woken_and_is_never_an_event() {
    let mut s = KqueueSelector::new().unwrap();
    let (wr, ww) = pipe();
    s.set_wake_fd(Some(wr.as_raw_fd())).unwrap();
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken());
    write_byte(&ww);
    assert_eq!(s.select(&mut events, SOON).unwrap(), 0);
    assert!(events.woken());
    // Level-triggered until the waker drains it.
    assert_eq!(s.select(&mut events, SOON).unwrap(), 0);
    assert!(events.woken());
    drain(&wr);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken());
    // Together with a user event.
    let (r, w) = pipe();
    s.register(&r, Interest::READ, "r").unwrap();
    write_byte(&w);
    write_byte(&ww);
    assert_eq!(s.select(&mut events, SOON).unwrap(), 1);
    assert!(events.woken());
    assert_eq!(events.as_slice()[0].fd(), r.as_raw_fd());
}

#[test]
fn wake_fd_rules() {
    let mut s = KqueueSelector::new().unwrap();
    let (r, _w) = pipe();
    let (wr, ww) = pipe();
    s.register(&r, Interest::READ, ()).unwrap();
    let e = s.set_wake_fd(Some(r.as_raw_fd())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    let e = s.set_wake_fd(Some(-3)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    s.set_wake_fd(Some(wr.as_raw_fd())).unwrap();
    s.set_wake_fd(Some(wr.as_raw_fd())).unwrap();
    let e = s.register(&wr, Interest::READ, ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    // A closed number is refused by the kernel and the old wake fd stays.
    let e = s.set_wake_fd(Some(19_500)).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    write_byte(&ww);
    let mut events = Events::with_capacity(4);
    s.select(&mut events, SOON).unwrap();
    assert!(events.woken());
    // None stops watching.
    s.set_wake_fd(None).unwrap();
    s.set_wake_fd(None).unwrap();
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken());
}

#[test]
fn replacing_the_wake_fd_stops_watching_the_old_one() {
    let mut s: KqueueSelector<()> = KqueueSelector::new().unwrap();
    let (a, aw) = pipe();
    let (b, bw) = pipe();
    s.set_wake_fd(Some(a.as_raw_fd())).unwrap();
    s.set_wake_fd(Some(b.as_raw_fd())).unwrap();
    write_byte(&aw);
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken(), "old wake fd still watched");
    write_byte(&bw);
    s.select(&mut events, SOON).unwrap();
    assert!(events.woken());
    // And the old one is an ordinary fd again.
    s.register(&a, Interest::READ, ()).unwrap();
}

#[test]
fn user_waker_from_another_thread() {
    let mut s: KqueueSelector<()> = KqueueSelector::new().unwrap();
    let waker = s.user_waker().unwrap();
    fn check<T: Send + Sync + Clone>() {}
    check::<UserWaker>();
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken());
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        waker.wake().unwrap();
    });
    let start = Instant::now();
    assert_eq!(s.select(&mut events, None).unwrap(), 0);
    assert!(events.woken());
    assert!(start.elapsed() < Duration::from_secs(5));
    t.join().unwrap();
    // EV_CLEAR: the wake was consumed.
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken());
}

#[test]
fn wakes_coalesce_and_handles_share_one_event() {
    let mut s: KqueueSelector<()> = KqueueSelector::new().unwrap();
    let w1 = s.user_waker().unwrap();
    let w2 = s.user_waker().unwrap();
    let w3 = w1.clone();
    w1.wake().unwrap();
    w2.wake().unwrap();
    w3.wake().unwrap();
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, SOON).unwrap(), 0);
    assert!(events.woken());
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken());
}

#[test]
fn user_waker_with_events_and_a_full_buffer() {
    let mut s = KqueueSelector::new().unwrap();
    let waker = s.user_waker().unwrap();
    let (r, w) = pipe();
    s.register(&r, Interest::READ, ()).unwrap();
    write_byte(&w);
    waker.wake().unwrap();
    let mut events = Events::with_capacity(1);
    // The wake and the fd share one kevent slot per wait; neither is lost.
    let mut woken = false;
    let mut reported = false;
    for _ in 0..2 {
        s.select(&mut events, SOON).unwrap();
        woken |= events.woken();
        reported |= !events.is_empty();
    }
    assert!(woken && reported);
}

#[test]
fn waking_a_closed_selector_is_harmless() {
    let mut s: KqueueSelector<()> = KqueueSelector::new().unwrap();
    let waker = s.user_waker().unwrap();
    s.close();
    waker.wake().unwrap();
    assert!(s.user_waker().is_err());
}
