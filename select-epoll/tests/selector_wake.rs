//! EpollSelector wake fd: never an Event, sets `Events::woken`.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use select_core::__private::WakeFd;
use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use select_core::{Events, Interest, Selector};
use select_epoll::EpollSelector;

#[test]
fn wake_fd_sets_woken_and_is_never_an_event() {
    let mut s = EpollSelector::new().unwrap();
    let (wr, ww) = pipe();
    s.set_wake_fd(Some(wr.as_raw_fd())).unwrap();
    // Setting the same fd again is a no-op.
    s.set_wake_fd(Some(wr.as_raw_fd())).unwrap();
    let (r, w) = pipe();
    s.register(&r, Interest::READ, "r").unwrap();
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken());
    write_byte(&ww);
    assert_eq!(s.select(&mut events, Some(SOON)).unwrap(), 0);
    assert!(events.woken());
    assert!(events.is_empty());
    // Together with a user event.
    write_byte(&w);
    assert_eq!(s.select(&mut events, Some(SOON)).unwrap(), 1);
    assert!(events.woken());
    assert_eq!(events.as_slice()[0].fd(), r.as_raw_fd());
    // Drained: no longer woken.
    drain(&wr);
    drain(&r);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken());
    // Stop watching.
    write_byte(&ww);
    s.set_wake_fd(None).unwrap();
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(!events.woken());
    // The wake fd is not a registration.
    assert!(s.get_key(&wr).is_err());
    assert_eq!(s.len(), 1);
}

#[test]
fn wake_from_another_thread_ends_a_blocking_select() {
    let mut s = EpollSelector::<()>::new().unwrap();
    let (wr, ww) = pipe();
    s.set_wake_fd(Some(wr.as_raw_fd())).unwrap();
    let ww = Arc::new(ww);
    let waker = {
        let ww = ww.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            write_byte(&*ww);
        })
    };
    let mut events = Events::with_capacity(4);
    let start = Instant::now();
    assert_eq!(s.select(&mut events, None).unwrap(), 0);
    assert!(events.woken());
    assert!(start.elapsed() < SOON);
    waker.join().unwrap();
}

#[test]
fn wake_fd_conflicts_with_registrations() {
    let (r, _w) = pipe();
    let mut s = selector_with(&r, Interest::READ, ());
    let e = s.set_wake_fd(Some(r.as_raw_fd())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    let (wr, ww) = pipe();
    s.set_wake_fd(Some(wr.as_raw_fd())).unwrap();
    let e = s.register(&wr, Interest::READ, ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    let e = s
        .register(&wr.as_raw_fd(), Interest::WRITE, ())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    assert_eq!(
        s.set_wake_fd(Some(-2)).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let bad = unused_fd(1_980);
    assert_eq!(
        s.set_wake_fd(Some(bad)).unwrap_err().raw_os_error(),
        Some(libc::EBADF)
    );
    // A failed change keeps the old wake fd.
    write_byte(&ww);
    let mut events = Events::with_capacity(4);
    s.select(&mut events, NOW).unwrap();
    assert!(events.woken());
    // Replacing it moves the watch.
    let (r3, w3) = pipe();
    s.set_wake_fd(Some(r3.as_raw_fd())).unwrap();
    s.select(&mut events, NOW).unwrap();
    assert!(!events.woken(), "the old wake fd is no longer watched");
    write_byte(&w3);
    s.select(&mut events, NOW).unwrap();
    assert!(events.woken());
}
