//! `Epoll::from_fd` (Python's `epoll.fromfd`): takes an epoll fd, refuses anything else.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::io::ErrorKind;
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

use common::*;
use select_epoll::{Epoll, EpollFlags};

#[test]
fn accepts_an_epoll_fd_and_shares_its_registrations() {
    let (ep, r, w) = epoll_on_reader();
    let other = Epoll::from_fd(ep.try_as_fd().unwrap().try_clone_to_owned().unwrap()).unwrap();
    assert!(!other.closed());
    write_byte(&w);
    // Both numbers name the same epoll instance.
    assert_eq!(
        other.poll(Some(SOON), -1).unwrap(),
        vec![(r.as_raw_fd(), EpollFlags::EPOLLIN)]
    );
    assert_errno(other.register(&r, EpollFlags::EPOLLIN), libc::EEXIST);
    // Closing one leaves the other working.
    drop(ep);
    assert_eq!(other.poll(Some(Duration::ZERO), -1).unwrap().len(), 1);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri aborts on epoll_ctl of a non-epoll fd instead of failing with EINVAL (the probe from_fd relies on)"
)]
fn refuses_a_pipe() {
    let (r, _w) = pipe();
    let owned = OwnedFd::from(r);
    let raw = owned.as_raw_fd();
    let e = Epoll::from_fd(owned).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("not an epoll instance"), "{e}");
    assert!(e.to_string().contains(&raw.to_string()), "{e}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri aborts on epoll_ctl of a non-epoll fd instead of failing with EINVAL (the probe from_fd relies on)"
)]
fn refuses_sockets_eventfds_and_regular_files() {
    let (a, _b) = socketpair();
    assert_eq!(
        Epoll::from_fd(OwnedFd::from(a)).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let efd = select_core::testing::eventfd().unwrap();
    assert_eq!(
        Epoll::from_fd(efd).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let file = regular_file().unwrap();
    assert_eq!(
        Epoll::from_fd(OwnedFd::from(file)).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}
