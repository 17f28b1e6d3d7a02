//! register/modify/unregister: Python's rules and the kernel's errors.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::time::Duration;

use common::*;
use select_epoll::{Epoll, EpollFlags};

#[test]
fn register_twice_is_eexist() {
    let (ep, r, _w) = epoll_on_reader();
    assert_errno(ep.register(&r, EpollFlags::EPOLLOUT), libc::EEXIST);
    // By number too.
    assert_errno(
        ep.register(&r.as_raw_fd(), EpollFlags::EPOLLIN),
        libc::EEXIST,
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate EPOLLPRI, the default mask's third flag"
)]
fn default_mask_is_in_out_pri_with_the_fd_as_data() {
    let ep = Epoll::new().unwrap();
    let (_r, w) = pipe();
    ep.register_default(&w).unwrap();
    assert_eq!(EpollFlags::REGISTER_DEFAULT.bits(), 7);
    let got = ep.poll(Some(Duration::ZERO), -1).unwrap();
    assert_eq!(got, vec![(w.as_raw_fd(), EpollFlags::EPOLLOUT)]);
}

#[test]
fn modify_and_unregister_of_unknown_fd_are_enoent() {
    let ep = Epoll::new().unwrap();
    let (r, _w) = pipe();
    assert_errno(ep.modify(&r, EpollFlags::EPOLLIN), libc::ENOENT);
    assert_errno(ep.unregister(&r), libc::ENOENT);
    ep.register(&r, EpollFlags::EPOLLIN).unwrap();
    ep.unregister(&r).unwrap();
    assert_eq!(
        ep.unregister(&r).unwrap_err().raw_os_error(),
        Some(libc::ENOENT)
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's: a write end reports EPOLLIN, a reader at EOF EPOLLIN with EPOLLHUP"
)]
fn modify_changes_the_reported_events() {
    let ep = Epoll::new().unwrap();
    let (_r, w) = pipe();
    ep.register(&w, EpollFlags::EPOLLIN).unwrap();
    assert!(ep.poll(Some(Duration::ZERO), -1).unwrap().is_empty());
    ep.modify(&w, EpollFlags::EPOLLOUT).unwrap();
    assert_eq!(
        ep.poll(Some(Duration::ZERO), -1).unwrap(),
        vec![(w.as_raw_fd(), EpollFlags::EPOLLOUT)]
    );
    ep.unregister(&w).unwrap();
    assert!(ep.poll(Some(Duration::ZERO), -1).unwrap().is_empty());
}

#[test]
fn unregister_of_a_closed_fd_is_ebadf() {
    let (ep, n, _r, _w) = epoll_on_a_closed_dup(1_600);
    assert_errno(ep.unregister(&n), libc::EBADF);
    assert_errno(ep.modify(&n, EpollFlags::EPOLLIN), libc::EBADF);
}

#[test]
fn register_of_a_bad_fd_is_ebadf() {
    let ep = Epoll::new().unwrap();
    let n = unused_fd(1_650);
    assert_errno(ep.register(&n, EpollFlags::EPOLLIN), libc::EBADF);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri opens no files under isolation (the test needs a regular file)"
)]
fn register_of_a_regular_file_is_eperm() {
    let ep = Epoll::new().unwrap();
    let f = regular_file().unwrap();
    assert_errno(ep.register(&f, EpollFlags::EPOLLIN), libc::EPERM);
}

#[test]
fn negative_fd_is_invalid_input_naming_it() {
    let ep = Epoll::new().unwrap();
    for op in 0..3 {
        let e = match op {
            0 => ep.register(&-3, EpollFlags::EPOLLIN),
            1 => ep.modify(&-3, EpollFlags::EPOLLIN),
            _ => ep.unregister(&-3),
        }
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("-3"), "{e}");
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri aborts on flag bits Linux passes to the kernel instead of failing with EINVAL"
)]
fn unknown_mask_bits_go_to_the_kernel_which_says_einval() {
    let ep = Epoll::new().unwrap();
    let (r, _w) = pipe();
    // Python passes the mask bitwise: -1 becomes 0xFFFFFFFF, refused by the kernel.
    assert_errno(
        ep.register(&r, EpollFlags::from_bits_retain(u32::MAX)),
        libc::EINVAL,
    );
    // An empty mask is accepted: only errors and hang-ups are reported.
    ep.register(&r, EpollFlags::empty()).unwrap();
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate an epoll fd registered in an epoll (itself or nested)"
)]
fn registering_the_epoll_itself_is_einval_and_nesting_works() {
    let ep = Epoll::new().unwrap();
    assert_errno(
        ep.register(&ep.as_raw_fd(), EpollFlags::EPOLLIN),
        libc::EINVAL,
    );
    // An epoll inside another is readable when its own fds are ready.
    let inner = Epoll::new().unwrap();
    let (r, w) = pipe();
    inner.register(&r, EpollFlags::EPOLLIN).unwrap();
    ep.register(&inner.as_raw_fd(), EpollFlags::EPOLLIN)
        .unwrap();
    assert!(ep.poll(Some(Duration::ZERO), -1).unwrap().is_empty());
    write_byte(&w);
    assert_eq!(
        ep.poll(Some(SOON), -1).unwrap(),
        vec![(inner.as_raw_fd(), EpollFlags::EPOLLIN)]
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's: a write end reports EPOLLIN, a reader at EOF EPOLLIN with EPOLLHUP"
)]
fn hangup_and_error_are_always_reported() {
    let (ep, r, w) = epoll_on_reader();
    drop(w);
    let got = ep.poll(Some(SOON), -1).unwrap();
    assert_eq!(got, vec![(r.as_raw_fd(), EpollFlags::EPOLLHUP)]);
    ep.unregister(&r).unwrap();
    let (r2, w2) = pipe();
    ep.register(&w2, EpollFlags::EPOLLOUT).unwrap();
    drop(r2);
    let got = ep.poll(Some(SOON), -1).unwrap();
    assert_eq!(
        got,
        vec![(w2.as_raw_fd(), EpollFlags::EPOLLOUT | EpollFlags::EPOLLERR)]
    );
}
