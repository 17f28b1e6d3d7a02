//! A closed `Epoll` refuses everything with Python's message and never touches its old
//! fd number.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::io::{self, ErrorKind};
use std::os::fd::AsRawFd;
use std::time::Duration;

use common::*;
use select_epoll::{Epoll, EpollEvents, EpollFlags};

const MSG: &str = "I/O operation on closed epoll object";

fn assert_closed<T: std::fmt::Debug>(r: io::Result<T>) {
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.to_string(), MSG);
    assert_eq!(e.raw_os_error(), None);
}

#[test]
fn close_is_idempotent_and_every_operation_fails() {
    let mut ep = Epoll::new().unwrap();
    let (r, _w) = pipe();
    ep.register(&r, EpollFlags::EPOLLIN).unwrap();
    ep.close();
    assert!(ep.closed());
    ep.close();
    assert!(ep.closed());
    assert_closed(ep.fileno());
    assert_closed(ep.register(&r, EpollFlags::EPOLLIN));
    assert_closed(ep.register_default(&r));
    assert_closed(ep.modify(&r, EpollFlags::EPOLLOUT));
    assert_closed(ep.unregister(&r));
    assert_closed(ep.poll(None, -1));
    assert_closed(ep.poll(Some(Duration::ZERO), 1));
    let mut events = EpollEvents::new(4).unwrap();
    assert_closed(ep.poll_into(None, &mut events));
}

#[test]
fn closed_check_comes_before_the_wait_arguments_after_the_fd() {
    let mut ep = Epoll::new().unwrap();
    ep.close();
    // Python checks closed, then the timeout, then maxevents.
    assert_closed(ep.poll(None, 0));
    assert_closed(ep.poll(None, -5));
    // But after the fd conversion, as in CPython (argument clinic converts the fd
    // before the method looks at the object).
    for e in [
        ep.register(&-1, EpollFlags::EPOLLIN).unwrap_err(),
        ep.modify(&-1, EpollFlags::EPOLLIN).unwrap_err(),
        ep.unregister(&-1).unwrap_err(),
    ] {
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("negative"), "{e}");
    }
}

#[test]
fn the_old_number_is_never_touched() {
    let mut ep = Epoll::new().unwrap();
    let old = ep.as_raw_fd();
    ep.close();
    assert_eq!(ep.as_raw_fd(), -1);
    // Whatever now holds the old number (possibly one of these) is left alone.
    let (r, w) = pipe();
    let holders = [r.as_raw_fd(), w.as_raw_fd()];
    assert_closed(ep.register(&r, EpollFlags::EPOLLIN));
    assert_closed(ep.unregister(&old));
    assert_closed(ep.poll(Some(Duration::ZERO), -1));
    for fd in holders {
        assert!(is_open(fd));
    }
    write_byte(&w);
    assert_eq!(drain(&r), 1);
}

#[test]
fn drop_closes_the_fd() {
    let ep = Epoll::new().unwrap();
    // A number no other test thread will be handed, so the check cannot race.
    let ep = Epoll::from_fd(high_dup(&ep, 1_700)).unwrap();
    let fd = ep.as_raw_fd();
    assert!(fd >= 1_700);
    drop(ep);
    assert!(!is_open(fd));
    let mut ep = Epoll::from_fd(high_dup(&Epoll::new().unwrap(), 1_700)).unwrap();
    let fd = ep.as_raw_fd();
    ep.close();
    assert!(!is_open(fd));
}
