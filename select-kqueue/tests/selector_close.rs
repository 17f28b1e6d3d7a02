//! KqueueSelector after `close`: every call refused, `close` idempotent.
#![cfg(has_kqueue)]

mod common;

use select_core::__private::WakeFd;
use std::io::ErrorKind;
use std::os::fd::AsRawFd;

use common::*;
use select_core::testing::pipe;
use select_core::{Events, Interest, Selector};

#[test]
fn close_semantics() {
    let (r, _w) = pipe();
    let mut s = selector_with(&r, Interest::READ, "r");
    assert!(s.as_raw_fd() >= 0);
    s.close();
    s.close();
    assert!(s.is_closed());
    assert!(s.is_empty());
    assert_eq!(s.keys().count(), 0);
    assert_eq!(s.as_raw_fd(), -1);
    let mut events = Events::with_capacity(4);
    let errs = [
        s.register(&r, Interest::READ, "x").map(|_| ()).unwrap_err(),
        s.modify(&r, Interest::READ, "x").map(|_| ()).unwrap_err(),
        s.unregister(&r).map(|_| ()).unwrap_err(),
        s.get_key(&r).map(|_| ()).unwrap_err(),
        s.select(&mut events, NOW).map(|_| ()).unwrap_err(),
        s.set_wake_fd(Some(r.as_raw_fd())).unwrap_err(),
        s.set_wake_fd(None).unwrap_err(),
        s.fileno().map(|_| ()).unwrap_err(),
        s.user_waker().map(|_| ()).unwrap_err(),
    ];
    for e in errs {
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            e.to_string(),
            "I/O operation on closed kqueue selector object"
        );
    }
}

#[test]
fn dropping_an_open_selector_is_fine() {
    let (r, _w) = pipe();
    let mut s = selector_with(&r, Interest::READ | Interest::WRITE, ());
    let _waker = s.user_waker().unwrap();
    drop(s);
}
