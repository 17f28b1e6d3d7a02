//! Level-triggered by default; EPOLLET reports once until new data; EPOLLONESHOT
//! disarms until `modify`.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::os::fd::AsRawFd;
use std::time::Duration;

use common::*;
use select_epoll::{Epoll, EpollFlags};

#[test]
fn level_triggered_reports_the_same_readiness_on_every_wait() {
    let (ep, r, w) = epoll_on_reader();
    write_byte(&w);
    for _ in 0..5 {
        assert_eq!(
            ep.poll(NOW, -1).unwrap(),
            vec![(r.as_raw_fd(), EpollFlags::EPOLLIN)]
        );
    }
    drain(&r);
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
}

#[test]
fn edge_triggered_reports_once_until_new_data() {
    let ep = Epoll::new().unwrap();
    let (r, w) = pipe();
    ep.register(&r, EpollFlags::EPOLLIN | EpollFlags::EPOLLET)
        .unwrap();
    write_byte(&w);
    assert_eq!(
        ep.poll(Some(SOON), -1).unwrap(),
        vec![(r.as_raw_fd(), EpollFlags::EPOLLIN)]
    );
    // Still readable, but no new edge.
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
    assert!(ep
        .poll(Some(Duration::from_millis(10)), -1)
        .unwrap()
        .is_empty());
    // New data is a new edge, even though the old byte was never read.
    write_byte(&w);
    assert_eq!(ep.poll(Some(SOON), -1).unwrap().len(), 1);
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
    assert_eq!(drain(&r), 2);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate EPOLLONESHOT")]
fn oneshot_disarms_until_modify() {
    let ep = Epoll::new().unwrap();
    let (r, w) = pipe();
    let mask = EpollFlags::EPOLLIN | EpollFlags::EPOLLONESHOT;
    ep.register(&r, mask).unwrap();
    write_byte(&w);
    assert_eq!(
        ep.poll(Some(SOON), -1).unwrap(),
        vec![(r.as_raw_fd(), EpollFlags::EPOLLIN)]
    );
    // Disarmed: neither the pending byte nor new data is reported.
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
    write_byte(&w);
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
    // Still registered: registering again is EEXIST.
    assert_errno(ep.register(&r, mask), libc::EEXIST);
    // modify re-arms it, once more.
    ep.modify(&r, mask).unwrap();
    assert_eq!(ep.poll(NOW, -1).unwrap().len(), 1);
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate shutdown(2) of a socketpair")]
fn rdhup_on_peer_shutdown_of_writing() {
    let ep = Epoll::new().unwrap();
    let (a, b) = socketpair();
    ep.register(&a, EpollFlags::EPOLLIN | EpollFlags::EPOLLRDHUP)
        .unwrap();
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
    b.shutdown(std::net::Shutdown::Write).unwrap();
    let got = ep.poll(Some(SOON), -1).unwrap();
    assert_eq!(
        got,
        vec![(a.as_raw_fd(), EpollFlags::EPOLLIN | EpollFlags::EPOLLRDHUP)]
    );
    // Half-closed only: no EPOLLHUP yet, and the socket still writes.
    assert!(!got[0].1.contains(EpollFlags::EPOLLHUP));
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate TCP sockets")]
fn rdhup_on_loopback_tcp() {
    let ep = Epoll::new().unwrap();
    let (client, server) = select_core::testing::tcp_pair();
    ep.register(&server, EpollFlags::EPOLLRDHUP).unwrap();
    assert!(ep.poll(NOW, -1).unwrap().is_empty());
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let got = ep.poll(Some(SOON), -1).unwrap();
    assert_eq!(got, vec![(server.as_raw_fd(), EpollFlags::EPOLLRDHUP)]);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate EPOLLEXCLUSIVE")]
fn exclusive_is_accepted_at_register_only() {
    let ep = Epoll::new().unwrap();
    let ep2 = Epoll::new().unwrap();
    let (r, w) = pipe();
    let mask = EpollFlags::EPOLLIN | EpollFlags::EPOLLEXCLUSIVE;
    ep.register(&r, mask).unwrap();
    ep2.register(&r, mask).unwrap();
    write_byte(&w);
    assert_eq!(
        ep.poll(Some(SOON), -1).unwrap(),
        vec![(r.as_raw_fd(), EpollFlags::EPOLLIN)]
    );
    // The kernel refuses to modify an exclusive registration, and refuses
    // EPOLLEXCLUSIVE with EPOLLONESHOT.
    assert_errno(ep.modify(&r, EpollFlags::EPOLLIN), libc::EINVAL);
    let (r2, _w2) = pipe();
    assert_errno(
        ep.register(&r2, mask | EpollFlags::EPOLLONESHOT),
        libc::EINVAL,
    );
    ep.unregister(&r).unwrap();
}
