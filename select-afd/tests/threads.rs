//! `Afd` is `Send + Sync`: registrations changed while another thread waits, and wakes
//! from another thread.
#![cfg(windows)]

use std::io::Write;
use std::os::windows::io::AsRawSocket;
use std::sync::{Arc, Barrier};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use select_afd::{Afd, AfdFlags, AfdSelector, Events, Interest, Selector};
use select_core::testing::tcp_pair;

/// Not synchronisation: how long the main thread lets the waiter block first.
const SETTLE: Duration = Duration::from_millis(50);

/// A thread blocked (up to 10 s) in `afd.poll`, started once this returns, and given
/// [`SETTLE`] to get into the wait. It returns what the wait reported and how long it took.
fn waiter(afd: &Arc<Afd>) -> JoinHandle<(Vec<(u64, AfdFlags)>, Duration)> {
    let barrier = Arc::new(Barrier::new(2));
    let (a, b) = (afd.clone(), barrier.clone());
    let t = std::thread::spawn(move || {
        b.wait();
        let start = Instant::now();
        let got = a.poll(Some(Duration::from_secs(10)), -1).unwrap();
        (got, start.elapsed())
    });
    barrier.wait();
    std::thread::sleep(SETTLE);
    t
}

#[test]
fn modify_while_another_thread_waits_changes_what_it_sees() {
    let afd = Arc::new(Afd::new().unwrap());
    let (_c, s) = tcp_pair();
    let n = s.as_raw_socket();
    // Idle: not readable; writable, but WRITE is not asked for yet.
    afd.register(&s, AfdFlags::EPOLLIN).unwrap();
    let t = waiter(&afd);
    afd.modify(&s, AfdFlags::EPOLLOUT).unwrap();
    let (got, took) = t.join().unwrap();
    assert_eq!(got, vec![(n, AfdFlags::EPOLLOUT)]);
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn register_while_another_thread_waits_is_seen() {
    let afd = Arc::new(Afd::new().unwrap());
    let t = waiter(&afd);
    let (_c, s) = tcp_pair();
    afd.register(&s, AfdFlags::EPOLLOUT).unwrap();
    assert_eq!(
        t.join().unwrap().0,
        vec![(s.as_raw_socket(), AfdFlags::EPOLLOUT)]
    );
}

#[test]
fn unregister_while_another_thread_waits_is_never_reported() {
    let afd = Arc::new(Afd::new().unwrap());
    let (mut c, s) = tcp_pair();
    afd.register(&s, AfdFlags::EPOLLIN).unwrap();
    let waker = afd.waker().unwrap();
    let t = waiter(&afd);
    afd.unregister(&s).unwrap();
    c.write_all(b"x").unwrap();
    // The write reaches nobody; the wake ends the wait, with nothing reported.
    std::thread::sleep(SETTLE);
    waker.wake().unwrap();
    let (got, took) = t.join().unwrap();
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
