//! EpollSelector: hang-ups and errors show as readiness of the registered interests,
//! with `is_hangup`/`is_error`.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::net::Shutdown;
use std::os::fd::AsRawFd;

use common::*;
use select_core::{Events, Interest, Selector};

#[test]
fn writer_closed_reports_read_with_hangup() {
    let (r, w) = pipe();
    let mut s = selector_with(&r, Interest::READ, ());
    drop(w);
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, Some(SOON)).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!((ev.fd(), ev.ready()), (r.as_raw_fd(), Interest::READ));
    assert!(ev.is_hangup() && !ev.is_error());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's: a write end whose reader closed reports EPOLLHUP, not EPOLLERR"
)]
fn reader_closed_reports_write_with_error() {
    let (r, w) = pipe();
    let mut s = selector_with(&w, Interest::WRITE, ());
    drop(r);
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, Some(SOON)).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!(ev.ready(), Interest::WRITE);
    assert!(ev.is_error());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate shutdown(2) of a socketpair")]
fn peer_half_close_is_read_ready_with_hangup() {
    let (a, b) = socketpair();
    let mut s = selector_with(&a, Interest::READ, ());
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    b.shutdown(Shutdown::Write).unwrap();
    assert_eq!(s.select(&mut events, Some(SOON)).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!(ev.ready(), Interest::READ);
    assert!(ev.is_hangup());
}

#[test]
fn full_hangup_readies_every_registered_read_write_interest() {
    let (a, b) = socketpair();
    let mut s = selector_with(&a, Interest::READ | Interest::WRITE, ());
    drop(b);
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, Some(SOON)).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!(ev.ready(), Interest::READ | Interest::WRITE);
    assert!(ev.is_hangup());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate TCP sockets")]
fn priority_data_on_tcp() {
    let (client, server) = select_core::testing::tcp_pair();
    let mut s = selector_with(&server, Interest::PRIORITY, ());
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    select_core::testing::send_oob(&client, b'!').unwrap();
    assert_eq!(s.select(&mut events, Some(SOON)).unwrap(), 1);
    assert_eq!(events.as_slice()[0].ready(), Interest::PRIORITY);
}
