//! EINTR (PEP 475): a storm of signals during a wait neither surfaces as an error nor
//! shortens the wait.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::time::{Duration, Instant};

use common::*;
use select_core::testing::SignalStorm;
use select_core::{Events, Interest, Selector};
use select_epoll::{Epoll, EpollFlags, EpollSelector};

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_during_a_200ms_wait() {
    let ep = Epoll::new().unwrap();
    let (r, _w) = pipe();
    ep.register(&r, EpollFlags::EPOLLIN).unwrap();
    let storm = SignalStorm::start(Duration::from_micros(500)).unwrap();
    let start = Instant::now();
    let got = ep.poll(Some(Duration::from_millis(200)), -1).unwrap();
    let took = start.elapsed();
    let sent = storm.stop();
    assert!(got.is_empty());
    assert!(sent > 10, "only {sent} signals");
    assert!(
        took >= Duration::from_millis(200),
        "returned early: {took:?}"
    );
    assert!(took < SOON, "{took:?}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_during_a_blocking_wait_ended_by_data() {
    let ep = Epoll::new().unwrap();
    let (r, w) = pipe();
    ep.register(&r, EpollFlags::EPOLLIN).unwrap();
    let storm = SignalStorm::start(Duration::from_micros(500)).unwrap();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        write_byte(&w);
        w
    });
    let got = ep.poll(None, -1).unwrap();
    assert!(storm.stop() > 0);
    assert_eq!(got.len(), 1);
    drop(writer.join().unwrap());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_during_a_selector_wait() {
    let mut sel = EpollSelector::new().unwrap();
    let (r, _w) = pipe();
    sel.register(&r, Interest::READ, ()).unwrap();
    let mut events = Events::with_capacity(4);
    let storm = SignalStorm::start(Duration::from_micros(500)).unwrap();
    let start = Instant::now();
    let n = sel
        .select(&mut events, Some(Duration::from_millis(200)))
        .unwrap();
    let took = start.elapsed();
    assert!(storm.stop() > 0);
    assert_eq!(n, 0);
    assert!(
        took >= Duration::from_millis(200) && took < SOON,
        "{took:?}"
    );
}
