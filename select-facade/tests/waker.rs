//! The waker: wakes a blocked select from another thread, is never user readiness, and
//! coalesces.
#![cfg(unix)]

use std::io::Write;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use select_core::testing;
use select_facade::{Availability, Backend, DefaultSelector, Events, Interest, Selector};

fn selectors() -> Vec<DefaultSelector<u8>> {
    Backend::available()
        .into_iter()
        // Miri does not emulate select(2): the select backend sits out there.
        .filter(|&b| cfg!(not(miri)) || b != Backend::Select)
        .map(|b| DefaultSelector::with_backend(b).unwrap())
        .chain([DefaultSelector::new().unwrap()])
        .collect()
}

#[test]
fn wake_from_another_thread_ends_a_blocking_wait() {
    for mut sel in selectors() {
        let name = sel.backend();
        let (r, _w) = testing::pipe();
        sel.register(&r, Interest::READ, 1).unwrap();
        let waker = sel.waker().unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let b2 = barrier.clone();
        let t = std::thread::spawn(move || {
            b2.wait();
            // The main thread is about to block (or already is); either way the wake
            // must end its wait.
            std::thread::sleep(Duration::from_millis(20));
            waker.wake().unwrap();
        });
        barrier.wait();
        let mut events = Events::with_capacity(8);
        let start = Instant::now();
        let n = sel.select(&mut events, None).unwrap();
        assert_eq!(n, 0, "{name}: a wake is not an event");
        assert!(events.woken(), "{name}");
        assert!(events.is_empty(), "{name}");
        assert!(start.elapsed() < Duration::from_secs(5), "{name}");
        t.join().unwrap();
        // Drained: the next poll neither wakes nor reports anything.
        assert_eq!(
            sel.select(&mut events, Some(Duration::ZERO)).unwrap(),
            0,
            "{name}"
        );
        assert!(!events.woken(), "{name}");
    }
}

#[test]
fn many_wakes_coalesce_into_one() {
    for mut sel in selectors() {
        let name = sel.backend();
        let waker = sel.waker().unwrap();
        let clone = sel.waker().unwrap();
        for _ in 0..10_000 {
            waker.wake().unwrap();
            clone.wake().unwrap();
        }
        let mut events = Events::with_capacity(8);
        sel.select(&mut events, Some(Duration::from_secs(5)))
            .unwrap();
        assert!(events.woken(), "{name}");
        sel.select(&mut events, Some(Duration::ZERO)).unwrap();
        assert!(
            !events.woken(),
            "{name}: 20,000 wakes reported more than once"
        );
    }
}

#[test]
fn wake_and_user_readiness_are_told_apart() {
    for mut sel in selectors() {
        let name = sel.backend();
        let (r, mut w) = testing::pipe();
        sel.register(&r, Interest::READ, 3).unwrap();
        let waker = sel.waker().unwrap();
        waker.wake().unwrap();
        w.write_all(b"x").unwrap();
        let mut events = Events::with_capacity(8);
        let n = sel
            .select(&mut events, Some(Duration::from_secs(5)))
            .unwrap();
        // Both are pending: the wake is flagged, the pipe is the only event.
        let fds: Vec<i32> = events.iter().map(|e| e.fd()).collect();
        assert!(
            fds.iter()
                .all(|fd| *fd == std::os::fd::AsRawFd::as_raw_fd(&r)),
            "{name}"
        );
        if n == 0 {
            assert!(events.woken(), "{name}");
        }
        // Within two waits both have been seen.
        let mut woken = events.woken();
        let mut readable = n == 1;
        sel.select(&mut events, Some(Duration::ZERO)).unwrap();
        woken |= events.woken();
        readable |= !events.is_empty();
        assert!(woken && readable, "{name}");
        assert_eq!(sel.len(), 1, "{name}: the waker is not a registration");
    }
}

#[test]
fn wake_before_wait_is_not_lost() {
    for mut sel in selectors() {
        let name = sel.backend();
        let waker = sel.waker().unwrap();
        let mut events = Events::with_capacity(8);
        for round in 0..50 {
            waker.wake().unwrap();
            sel.select(&mut events, Some(Duration::from_secs(5)))
                .unwrap();
            assert!(events.woken(), "{name}: round {round}");
        }
    }
}
