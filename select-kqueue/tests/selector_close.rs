//! KqueueSelector after `close`: every call refused, `close` idempotent.
#![cfg(any(
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_vendor = "apple",
    all(target_os = "linux", feature = "libkqueue")
))]

use select_core::__private::WakeFd;
use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::time::Duration;

use select_core::testing::pipe;
use select_core::{Events, Interest, Selector};
use select_kqueue::KqueueSelector;

#[test]
fn close_semantics() {
    let mut s = KqueueSelector::new().unwrap();
    let (r, _w) = pipe();
    s.register(&r, Interest::READ, "r").unwrap();
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
        s.select(&mut events, Some(Duration::ZERO))
            .map(|_| ())
            .unwrap_err(),
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
    let mut s = KqueueSelector::new().unwrap();
    let (r, _w) = pipe();
    s.register(&r, Interest::READ | Interest::WRITE, ())
        .unwrap();
    let _waker = s.user_waker().unwrap();
    drop(s);
}
