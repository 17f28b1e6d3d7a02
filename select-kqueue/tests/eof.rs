//! `EV_EOF`: a pipe's writer closing, a socket peer closing, and a local
//! `shutdown(SHUT_WR)` (which fires the write filter only).
#![cfg(has_kqueue)]

mod common;

use std::io::Write;
use std::net::Shutdown;

use common::*;
use select_core::testing::{pipe, socketpair};
use select_kqueue::*;

#[test]
fn pipe_writer_closed_sets_eof_on_read_filter() {
    let (r, mut w) = pipe();
    w.write_all(b"ab").unwrap();
    let kq = kqueue_watching(&r);
    drop(w);
    let ev = kq.control(&[], 2, SOON).unwrap();
    assert_eq!(ev.len(), 1);
    assert!(ev[0].is_eof(), "{:?}", ev[0]);
    assert_eq!(ev[0].filter(), KQ_FILTER_READ);
    assert_eq!(ev[0].data(), 2, "unread bytes are still counted");
}

#[test]
fn socket_peer_closed_sets_eof() {
    for (kind, a, b) in peer_pairs() {
        let kq = kqueue_watching(&*a);
        assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
        drop(b);
        let ev = kq.control(&[], 1, SOON).unwrap();
        assert_eq!(ev.len(), 1);
        assert!(ev[0].is_eof(), "{kind}: {:?}", ev[0]);
        assert_eq!(ev[0].data(), 0);
    }
}

#[test]
fn pipe_reader_closed_sets_eof_on_write_filter() {
    let kq = Kqueue::new().unwrap();
    let (r, w) = pipe();
    kq.control(
        &[KEvent::for_fd(&w).unwrap().with_filter(KQ_FILTER_WRITE)],
        0,
        None,
    )
    .unwrap();
    drop(r);
    let ev = kq.control(&[], 1, SOON).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].filter(), KQ_FILTER_WRITE);
    assert!(ev[0].is_eof(), "{:?}", ev[0]);
}

#[test]
fn local_shutdown_write_flags_the_write_filter_only() {
    let kq = Kqueue::new().unwrap();
    let (a, _b) = socketpair();
    let changes = [
        KEvent::for_fd(&a).unwrap(),
        KEvent::for_fd(&a).unwrap().with_filter(KQ_FILTER_WRITE),
    ];
    kq.control(&changes, 0, None).unwrap();
    a.shutdown(Shutdown::Write).unwrap();
    let ev = kq.control(&[], 4, SOON).unwrap();
    // The read side saw nothing: the peer is still there and sent nothing.
    assert!(
        ev.iter().all(|e| e.filter() != KQ_FILTER_READ),
        "read filter fired: {ev:?}"
    );
    let w: Vec<_> = ev
        .iter()
        .filter(|e| e.filter() == KQ_FILTER_WRITE)
        .collect();
    assert_eq!(w.len(), 1, "{ev:?}");
    // The BSD kernels also set EV_EOF on this write-filter event (the socket can send
    // no more); libkqueue, over epoll, does not. Either way it is no hang-up of the
    // peer, which is why KqueueSelector takes EV_EOF as a hang-up on the read filter
    // only. Not asserted: it is the kernel's business.
    let _ = w[0].is_eof();
}
