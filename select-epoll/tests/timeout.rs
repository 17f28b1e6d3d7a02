//! Timeouts: nanosecond precision with epoll_pwait2, never early, never a busy loop.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use select_core::{Events, Interest, Selector};
use select_epoll::{Epoll, EpollFlags, EpollSelector};

fn timed(f: impl FnOnce() -> usize) -> Duration {
    let start = Instant::now();
    assert_eq!(f(), 0, "nothing should be ready");
    start.elapsed()
}

#[test]
fn two_hundred_microseconds_is_honoured() {
    let (ep, _r, _w) = epoll_on_reader();
    let t = Duration::from_micros(200);
    for _ in 0..20 {
        let took = timed(|| ep.poll(Some(t), -1).unwrap().len());
        assert!(took >= t, "returned early after {took:?}");
        assert!(took < Duration::from_millis(500), "took {took:?}");
    }
}

#[test]
fn sub_millisecond_wait_is_not_rounded_to_a_millisecond_with_pwait2() {
    if !select_epoll::__private::__uses_epoll_pwait2() {
        eprintln!("kernel without epoll_pwait2: skipped");
        return;
    }
    let ep = Epoll::new().unwrap();
    // The best of several 100 µs waits is well under the 1 ms epoll_wait would take.
    let best = (0..30)
        .map(|_| timed(|| ep.poll(Some(Duration::from_micros(100)), 1).unwrap().len()))
        .min()
        .unwrap();
    assert!(best >= Duration::from_micros(100));
    assert!(best < Duration::from_micros(950), "best of 30: {best:?}");
}

#[test]
fn fifty_milliseconds() {
    let ep = Epoll::new().unwrap();
    let t = Duration::from_millis(50);
    let took = timed(|| ep.poll(Some(t), -1).unwrap().len());
    assert!(took >= t && took < SOON, "{took:?}");
    let mut sel = EpollSelector::<()>::new().unwrap();
    let (r, _w) = pipe();
    sel.register(&r, Interest::READ, ()).unwrap();
    let mut events = Events::with_capacity(8);
    let took = timed(|| sel.select(&mut events, Some(t)).unwrap());
    assert!(took >= t && took < SOON, "{took:?}");
}

#[test]
fn zero_polls_and_none_blocks_until_ready() {
    let ep = Arc::new(Epoll::new().unwrap());
    let (r, w) = pipe();
    ep.register(&r, EpollFlags::EPOLLIN).unwrap();
    let took = timed(|| ep.poll(Some(Duration::ZERO), -1).unwrap().len());
    assert!(took < Duration::from_secs(1));
    // The clock starts before the writer's 30 ms sleep does, so the bound below holds
    // however the two threads are scheduled.
    let start = Instant::now();
    let writer = write_after(Duration::from_millis(30), w);
    assert_eq!(ep.poll(None, -1).unwrap().len(), 1);
    assert!(start.elapsed() >= Duration::from_millis(30));
    drop(writer.join().unwrap());
}

#[test]
fn huge_timeouts_are_accepted() {
    let (ep, _r, w) = epoll_on_reader();
    write_byte(&w);
    // Beyond what one syscall takes: chunked, and returns at once when ready.
    assert_eq!(ep.poll(Some(Duration::MAX), -1).unwrap().len(), 1);
    assert_eq!(
        ep.poll(Some(Duration::from_secs(30 * 86_400)), -1)
            .unwrap()
            .len(),
        1
    );
}
