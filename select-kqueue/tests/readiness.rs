//! `EVFILT_READ` on a pipe and `EVFILT_WRITE` on sockets: what `control` returns.
#![cfg(has_kqueue)]

mod common;

use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::Duration;

use common::*;
use select_core::testing::{drain, pipe, socketpair};
use select_core::Waitable;
use select_kqueue::*;

#[test]
fn readable_pipe_reports_byte_count() {
    let kq = Kqueue::new().unwrap();
    let (r, mut w) = pipe();
    let add = KEvent::for_fd(&r).unwrap().with_udata(0x77);
    // Applying the change reports nothing yet.
    assert!(kq.control(&[add], 4, NOW).unwrap().is_empty());
    w.write_all(b"hello").unwrap();
    let ev = kq.control(&[], 4, SOON).unwrap();
    assert_eq!(ev.len(), 1);
    let e = ev[0];
    assert_eq!(e.ident(), r.as_raw_fd() as usize);
    assert_eq!(e.filter(), KQ_FILTER_READ);
    assert_eq!(e.data(), 5);
    assert_eq!(e.udata(), 0x77, "udata comes back unchanged");
    assert_eq!(e.flags() & (KQ_EV_EOF | KQ_EV_ERROR), 0);
    // Level-triggered: still readable until drained.
    assert_eq!(kq.control(&[], 4, SOON).unwrap().len(), 1);
    assert_eq!(drain(&r), 5);
    assert!(kq.control(&[], 4, NOW).unwrap().is_empty());
}

#[test]
fn writable_sockets_report_free_space() {
    let kq = Kqueue::new().unwrap();
    // A socketpair and a TCP connection, each watched at one end.
    let sockets = peer_pairs();
    let ends = || sockets.iter().map(|(_, a, _)| a);
    let changes: Vec<KEvent> = ends()
        .map(|a| KEvent::for_fd(&**a).unwrap().with_filter(KQ_FILTER_WRITE))
        .collect();
    let mut ev = kq.control(&changes, 4, SOON).unwrap();
    ev.sort();
    assert_eq!(ev.len(), 2, "{ev:?}");
    let mut want: Vec<usize> = ends().map(|a| a.fileno().unwrap() as usize).collect();
    want.sort();
    assert_eq!(ev.iter().map(KEvent::ident).collect::<Vec<_>>(), want);
    for e in &ev {
        assert_eq!(e.filter(), KQ_FILTER_WRITE);
        // libkqueue deviation: it fills `data` from SIOCOUTQ, the bytes still queued
        // (0 here), not the free space the BSDs report.
        if !cfg!(target_os = "linux") {
            assert!(e.data() > 0, "free space in the send buffer: {e:?}");
        }
    }
}

#[test]
fn read_and_write_filters_are_separate_events() {
    let kq = Kqueue::new().unwrap();
    let (a, mut b) = socketpair();
    b.write_all(b"ping").unwrap();
    let changes = [
        KEvent::for_fd(&a).unwrap(),
        KEvent::for_fd(&a).unwrap().with_filter(KQ_FILTER_WRITE),
    ];
    let mut ev = kq.control(&changes, 4, SOON).unwrap();
    if ev.len() < 2 {
        ev.extend(kq.control(&[], 4, SOON).unwrap());
    }
    let mut filters: Vec<Filter> = ev.iter().map(KEvent::filter).collect();
    filters.sort();
    filters.dedup();
    let mut want = vec![KQ_FILTER_READ, KQ_FILTER_WRITE];
    want.sort();
    assert_eq!(filters, want, "{ev:?}");
}

#[test]
fn control_into_reuses_the_buffer_without_growing_it() {
    let kq = Kqueue::new().unwrap();
    let (r, mut w) = pipe();
    let mut buf = Vec::with_capacity(3);
    let cap = buf.capacity();
    assert_eq!(
        kq.control_into(&[KEvent::for_fd(&r).unwrap()], &mut buf, NOW)
            .unwrap(),
        0
    );
    assert!(buf.is_empty());
    w.write_all(b"x").unwrap();
    for _ in 0..3 {
        let n = kq.control_into(&[], &mut buf, SOON).unwrap();
        assert_eq!(n, 1);
        assert_eq!(buf.len(), 1, "cleared before each call");
        assert_eq!(buf.capacity(), cap);
    }
    // A buffer of capacity 0 only applies changes and never waits.
    let mut none: Vec<KEvent> = Vec::new();
    let t = std::time::Instant::now();
    assert_eq!(kq.control_into(&[], &mut none, None).unwrap(), 0);
    assert!(t.elapsed() < Duration::from_secs(2));
}

// libkqueue deviation: its kqueue fd is the write end of a private pipe, which never
// becomes readable, so a kqueue cannot be watched from another one (or from poll).
#[cfg(not(target_os = "linux"))]
#[test]
fn a_kqueue_is_itself_pollable() {
    let (r, mut w) = pipe();
    let inner = kqueue_watching(&r);
    let outer = kqueue_watching(&inner);
    assert!(outer.control(&[], 1, NOW).unwrap().is_empty());
    w.write_all(b"x").unwrap();
    let ev = outer.control(&[], 1, SOON).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].ident(), inner.fileno().unwrap() as usize);
}
