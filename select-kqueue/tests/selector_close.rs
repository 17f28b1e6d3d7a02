//! KqueueSelector after `close`: every call refused, `close` idempotent.
#![cfg(has_kqueue)]

mod common;

use select_core::__private::WakeFd;
use std::io::ErrorKind;
use std::os::fd::AsRawFd;

use common::*;
use select_core::testing::{closed_selector_errors, pipe};
use select_core::{Interest, Selector};

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
    let mut errs = closed_selector_errors(&mut s, &r, "x");
    errs.extend([
        s.set_wake_fd(None).unwrap_err(),
        s.fileno().map(|_| ()).unwrap_err(),
        s.user_waker().map(|_| ()).unwrap_err(),
    ]);
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
