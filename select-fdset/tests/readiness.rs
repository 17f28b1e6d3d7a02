//! select(): readable, writable and exceptional conditions are each detected.
#![cfg(unix)]

use std::io::Write;
use std::os::fd::{AsFd, AsRawFd};

use select_core::testing::{pipe, send_oob, socketpair, tcp_pair};
use select_fdset::{select, Waitable};

mod common;
use common::{assert_just, readable_pipe, LONG, ZERO};

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn readable_after_a_write_and_not_before() {
    let (r, mut w) = pipe();
    let (rr, ww, xx) = select(&[&r], &[], &[], ZERO).unwrap();
    assert!(rr.is_empty() && ww.is_empty() && xx.is_empty());
    w.write_all(b"x").unwrap();
    let (rr, _, _) = select(&[&r], &[], &[], LONG).unwrap();
    assert_just(&rr, &r);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn readable_at_eof() {
    let (r, w) = pipe();
    drop(w);
    let (rr, _, _) = select(&[&r], &[], &[], LONG).unwrap();
    assert_eq!(rr.len(), 1, "a hung-up pipe reads EOF, so it is readable");
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn writable_pipe_and_socket() {
    let (_r, w) = pipe();
    let (a, _b) = socketpair();
    let (rr, ww, _) = select(&[&w as &dyn Waitable, &a], &[&w, &a], &[], LONG).unwrap();
    assert!(rr.is_empty(), "nothing to read on either");
    assert_eq!(ww.len(), 2);
    assert!(std::ptr::addr_eq(ww[0], &w) && std::ptr::addr_eq(ww[1], &a));
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn exceptional_condition_tcp_out_of_band() {
    let (client, server) = tcp_pair();
    let (_, _, x) = select(&[&server], &[], &[&server], ZERO).unwrap();
    assert!(x.is_empty(), "no urgent data yet");
    send_oob(&client, b'!').unwrap();
    let (_, _, x) = select(&[], &[], &[&server], LONG).unwrap();
    assert_just(&x, &server);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn the_three_lists_at_once() {
    let (client, server) = tcp_pair();
    let (pr, mut pw) = pipe();
    pw.write_all(b"p").unwrap();
    send_oob(&client, b'u').unwrap();
    let list: [&dyn Waitable; 3] = [&server, &pr, &pw];
    let (r, w, x) = select(&list, &list, &list, LONG).unwrap();
    // The server has urgent data, the pipe reader a byte, the pipe writer room.
    assert!(r.iter().any(|o| std::ptr::addr_eq(*o, &pr)));
    assert!(w.iter().any(|o| std::ptr::addr_eq(*o, &pw)));
    assert!(w.iter().any(|o| std::ptr::addr_eq(*o, &server)));
    assert!(!w.iter().any(|o| std::ptr::addr_eq(*o, &pr)));
    assert_just(&x, &server);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn every_kind_of_waitable() {
    let (r, w) = readable_pipe();
    let raw = r.as_raw_fd();
    let borrowed = r.as_fd();
    let (a, mut b) = socketpair();
    b.write_all(b"y").unwrap();
    let boxed: Box<dyn Waitable> = Box::new(a.try_clone().unwrap());
    let list: [&dyn Waitable; 5] = [&r, &raw, &borrowed, &a, &*boxed];
    let (rr, _, _) = select(&list, &[], &[], LONG).unwrap();
    assert_eq!(rr.len(), 5);
    // Plain raw fds, one type for all lists.
    let wraw = w.as_raw_fd();
    let (rr, ww, _) = select(&[&raw], &[&wraw], &[], LONG).unwrap();
    assert_eq!((*rr[0], ww.len()), (raw, 1));
}
