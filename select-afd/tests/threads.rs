//! `Afd` is `Send + Sync`: registrations changed while another thread waits, and wakes
//! from another thread.
#![cfg(windows)]

use std::io::Write;
use std::os::windows::io::AsRawSocket;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use select_afd::{Afd, AfdFlags, AfdSelector, Events, Interest, Selector};
use select_core::testing::tcp_pair;

/// Not synchronisation: how long the main thread lets the waiter block first.
const SETTLE: Duration = Duration::from_millis(50);

#[test]
fn modify_while_another_thread_waits_changes_what_it_sees() {
    let afd = Arc::new(Afd::new().unwrap());
    let (_c, s) = tcp_pair();
    let n = s.as_raw_socket();
    // Idle: not readable; writable, but WRITE is not asked for yet.
    afd.register(&s, AfdFlags::EPOLLIN).unwrap();
    let barrier = Arc::new(Barrier::new(2));
    let (a, b) = (afd.clone(), barrier.clone());
    let waiter = std::thread::spawn(move || {
        b.wait();
        a.poll(Some(Duration::from_secs(10)), -1).unwrap()
    });
    barrier.wait();
    std::thread::sleep(SETTLE);
    let modified = Instant::now();
    afd.modify(&s, AfdFlags::EPOLLOUT).unwrap();
    let got = waiter.join().unwrap();
    assert_eq!(got, vec![(n, AfdFlags::EPOLLOUT)]);
    assert!(modified.elapsed() < Duration::from_secs(5));
}

#[test]
fn register_while_another_thread_waits_is_seen() {
    let afd = Arc::new(Afd::new().unwrap());
    let barrier = Arc::new(Barrier::new(2));
    let (a, b) = (afd.clone(), barrier.clone());
    let waiter = std::thread::spawn(move || {
        b.wait();
        a.poll(Some(Duration::from_secs(10)), -1).unwrap()
    });
    barrier.wait();
    std::thread::sleep(SETTLE);
    let (_c, s) = tcp_pair();
    afd.register(&s, AfdFlags::EPOLLOUT).unwrap();
    assert_eq!(
        waiter.join().unwrap(),
        vec![(s.as_raw_socket(), AfdFlags::EPOLLOUT)]
    );
}

#[test]
fn unregister_while_another_thread_waits_is_never_reported() {
    let afd = Arc::new(Afd::new().unwrap());
    let (mut c, s) = tcp_pair();
    afd.register(&s, AfdFlags::EPOLLIN).unwrap();
    let barrier = Arc::new(Barrier::new(2));
    let (a, b) = (afd.clone(), barrier.clone());
    let waker = afd.waker().unwrap();
    let waiter = std::thread::spawn(move || {
        b.wait();
        let start = Instant::now();
        let got = a.poll(Some(Duration::from_secs(10)), -1).unwrap();
        (got, start.elapsed())
    });
    barrier.wait();
    std::thread::sleep(SETTLE);
    afd.unregister(&s).unwrap();
    c.write_all(b"x").unwrap();
    // The write reaches nobody; the wake ends the wait, with nothing reported.
    std::thread::sleep(SETTLE);
    waker.wake().unwrap();
    let (got, took) = waiter.join().unwrap();
    assert!(got.is_empty(), "{got:?}");
    assert!(took < Duration::from_secs(9), "{took:?}");
}

#[test]
fn a_wake_from_another_thread_ends_a_blocking_wait() {
    let afd = Afd::new().unwrap();
    let waker = afd.waker().unwrap();
    let barrier = Arc::new(Barrier::new(2));
    let b = barrier.clone();
    let t = std::thread::spawn(move || {
        b.wait();
        std::thread::sleep(SETTLE);
        waker.wake().unwrap();
    });
    barrier.wait();
    let mut events = select_afd::AfdEvents::new(8).unwrap();
    let start = Instant::now();
    assert_eq!(afd.poll_into(None, &mut events).unwrap(), 0);
    assert!(events.woken());
    assert!(start.elapsed() >= SETTLE);
    t.join().unwrap();
    // Consumed: the next wait is not woken.
    assert_eq!(afd.poll_into(Some(Duration::ZERO), &mut events).unwrap(), 0);
    assert!(!events.woken());
}

#[test]
fn wakes_coalesce_and_the_selector_wakes_too() {
    let mut sel = AfdSelector::<u32>::new().unwrap();
    let (_c, s) = tcp_pair();
    sel.register(&s, Interest::READ, 1).unwrap();
    let waker = sel.waker().unwrap();
    for _ in 0..5 {
        waker.wake().unwrap();
    }
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, None).unwrap(), 0);
    assert!(events.woken());
    assert_eq!(sel.select(&mut events, Some(Duration::ZERO)).unwrap(), 0);
    assert!(!events.woken());

    let remote = sel.waker().unwrap();
    let t = std::thread::spawn(move || {
        std::thread::sleep(SETTLE);
        remote.wake()
    });
    let start = Instant::now();
    assert_eq!(sel.select(&mut events, None).unwrap(), 0);
    assert!(events.woken() && start.elapsed() >= SETTLE);
    t.join().unwrap().unwrap();
}
