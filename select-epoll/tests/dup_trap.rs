//! The dup trap: a registration belongs to the open file description, so a `dup`ed fd
//! keeps delivering events after the registered fd number is closed.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::os::fd::AsRawFd;
use std::time::Duration;

use common::*;
use select_core::{Events, Interest, Selector};
use select_epoll::{Epoll, EpollFlags, EpollSelector};

const NOW: Option<Duration> = Some(Duration::ZERO);

#[test]
fn events_outlive_the_registered_number() {
    let ep = Epoll::new().unwrap();
    let (r, w) = pipe();
    // Register a high duplicate that no other thread can be handed once closed.
    let registered = high_dup(&r, 1_800);
    let n = registered.as_raw_fd();
    ep.register(&n, EpollFlags::EPOLLIN).unwrap();
    drop(registered);
    assert!(!is_open(n));
    write_byte(&w);
    // `r` still holds the same open file description: events keep coming, under the
    // closed number.
    assert_eq!(
        ep.poll(Some(SOON), -1).unwrap(),
        vec![(n, EpollFlags::EPOLLIN)]
    );
    // ...and the registration can no longer be removed by that number.
    assert_eq!(
        ep.unregister(&n).unwrap_err().raw_os_error(),
        Some(libc::EBADF)
    );
    // Only closing every duplicate ends it.
    drop(r);
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
}

#[test]
fn without_a_dup_closing_removes_the_registration() {
    let ep = Epoll::new().unwrap();
    let (r, w) = pipe();
    let registered = high_dup(&r, 1_850);
    drop(r);
    ep.register(&registered, EpollFlags::EPOLLIN).unwrap();
    write_byte(&w);
    assert_eq!(ep.poll(NOW, -1).unwrap().len(), 1);
    drop(registered);
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
}

#[test]
fn selector_never_reports_an_fd_after_unregister() {
    let mut sel = EpollSelector::new().unwrap();
    let (dup, w) = pipe();
    // The registered number is high so that no new fd reuses it during the test.
    let r = high_dup(&dup, 1_880);
    let n = r.as_raw_fd();
    sel.register(&r, Interest::READ, "r").unwrap();
    drop(r);
    write_byte(&w);
    // Unregister after close: the kernel's EBADF is swallowed, as CPython does...
    let key = sel.unregister(&n).unwrap();
    assert_eq!(key.data, "r");
    // ...but the dup keeps the kernel registration alive; the selector filters it out.
    let mut events = Events::with_capacity(8);
    for _ in 0..3 {
        assert_eq!(sel.select(&mut events, NOW).unwrap(), 0);
        assert!(events.is_empty());
    }
    // Other fds are still reported.
    let (r2, w2) = pipe();
    sel.register(&r2, Interest::READ, "r2").unwrap();
    write_byte(&w2);
    assert_eq!(sel.select(&mut events, NOW).unwrap(), 1);
    assert_eq!(events.as_slice()[0].fd(), r2.as_raw_fd());
    drop(dup);
}
