//! EpollSelector and the select-core `Selector` contract.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use select_core::testing::closed_selector_errors;
use std::io::ErrorKind;
use std::os::fd::AsRawFd;

use common::*;
use select_core::{Backend, Interest, Selector};
use select_epoll::EpollSelector;

fn sel() -> EpollSelector<&'static str> {
    EpollSelector::new().unwrap()
}

/// The rest of the registration rules are the shared contract suite (`contract.rs`).
#[test]
fn backend_fileno_and_debug() {
    let mut s = sel();
    assert_eq!(s.backend(), Backend::Epoll);
    assert!(s.fileno().unwrap() >= 0);
    let (r, _w) = pipe();
    s.register(&r, Interest::READ, "r").unwrap();
    assert!(format!("{s:?}").contains("registered: 1"));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri opens no files under isolation (the test needs a regular file)"
)]
fn kernel_refusals_record_nothing() {
    let mut s = sel();
    let bad = unused_fd(1_900);
    assert_errno(s.register(&bad, Interest::READ, "bad"), libc::EBADF);
    assert!(s.is_empty());
    let f = regular_file().unwrap();
    assert_errno(s.register(&f, Interest::READ, "file"), libc::EPERM);
    assert!(s.get_key(&f).is_err());
}

#[test]
fn close_semantics() {
    let mut s = sel();
    let (r, _w) = pipe();
    s.register(&r, Interest::READ, "r").unwrap();
    let fd = s.as_raw_fd();
    assert!(fd >= 0);
    s.close();
    s.close();
    assert!(s.is_closed());
    assert!(s.is_empty());
    assert_eq!(s.as_raw_fd(), -1);
    let mut errs = closed_selector_errors(&mut s, &r, "x");
    errs.push(s.fileno().map(|_| ()).unwrap_err());
    for e in errs {
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().starts_with("I/O operation on closed"), "{e}");
    }
}
