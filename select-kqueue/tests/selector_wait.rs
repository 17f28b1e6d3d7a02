//! KqueueSelector waits: only registered interests, READ and WRITE merged, EV_EOF as
//! hang-up, bounded `Events` without starvation, timeouts and EINTR.
#![cfg(has_kqueue)]

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::net::Shutdown;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use common::*;
use select_core::testing::{pipe, socketpair, under_signal_storm, write_byte};
use select_core::{Events, Interest, Selector};
use select_kqueue::KqueueSelector;

#[test]
fn read_and_write_of_one_fd_are_one_event() {
    let (a, mut b) = socketpair();
    b.write_all(b"ping").unwrap();
    let mut s = selector_with(&a, Interest::READ | Interest::WRITE, ());
    // Both filters are ready before the wait, so one wait sees both kevents.
    let ev = one_event(&mut s);
    assert_eq!(ev.fd(), a.as_raw_fd());
    assert_eq!(ev.ready(), Interest::READ | Interest::WRITE);
}

#[test]
fn many_fds_both_filters_merge_per_fd() {
    let mut s = KqueueSelector::new().unwrap();
    let pairs: Vec<_> = (0..6).map(|_| socketpair()).collect();
    for (a, b) in &pairs {
        (&*b).write_all(b"x").unwrap();
        s.register(a, Interest::READ | Interest::WRITE, a.as_raw_fd())
            .unwrap();
    }
    let mut events = Events::with_capacity(64);
    assert_eq!(s.select(&mut events, SOON).unwrap(), 6, "{events:?}");
    let fds: HashSet<_> = events.iter().map(|e| e.fd()).collect();
    assert_eq!(fds.len(), 6);
    for e in &events {
        assert_eq!(e.ready(), Interest::READ | Interest::WRITE, "{e:?}");
    }
}

#[test]
fn peer_close_is_readable_and_hangup() {
    for (kind, a, b) in peer_pairs() {
        let mut s = selector_with(&*a, Interest::READ, ());
        let mut events = Events::with_capacity(4);
        assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
        drop(b);
        let ev = one_event(&mut s);
        assert_eq!(ev.ready(), Interest::READ);
        assert!(ev.is_hangup(), "{kind}: {ev:?}");
    }
}

#[test]
fn pipe_writer_gone_is_hangup() {
    let (r, w) = pipe();
    let mut s = selector_with(&r, Interest::READ, ());
    drop(w);
    assert!(one_event(&mut s).is_hangup());
}

#[test]
fn local_shutdown_write_is_no_hangup() {
    let (a, _b) = socketpair();
    let mut s = selector_with(&a, Interest::READ | Interest::WRITE, ());
    a.shutdown(Shutdown::Write).unwrap();
    let ev = one_event(&mut s);
    assert_eq!(ev.ready(), Interest::WRITE, "{ev:?}");
    assert!(
        !ev.is_hangup(),
        "kqueue's EV_EOF on the write filter is ours: {ev:?}"
    );
}

#[test]
fn bounded_events_and_no_starvation() {
    let mut s = KqueueSelector::new().unwrap();
    let pipes = ready_pipes(10);
    for (r, _) in &pipes {
        s.register(r, Interest::READ, ()).unwrap();
    }
    let mut events = Events::with_capacity(3);
    let mut seen = HashSet::new();
    for _ in 0..4 {
        assert_eq!(s.select(&mut events, SOON).unwrap(), 3);
        assert!(events.is_full());
        seen.extend(events.iter().map(|e| e.fd()));
    }
    assert_eq!(seen.len(), 10, "starved: {seen:?}");
    let mut big = Events::with_capacity(100);
    assert_eq!(s.select(&mut big, SOON).unwrap(), 10);
    // A smaller buffer again works too.
    assert_eq!(s.select(&mut events, SOON).unwrap(), 3);
}

#[test]
fn timeouts() {
    let mut s: KqueueSelector<()> = KqueueSelector::new().unwrap();
    let mut events = Events::with_capacity(4);
    for t in [Duration::from_micros(200), Duration::from_millis(50)] {
        let start = Instant::now();
        assert_eq!(s.select(&mut events, Some(t)).unwrap(), 0);
        assert_waited(start.elapsed(), t);
    }
    let start = Instant::now();
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    assert!(start.elapsed() < Duration::from_secs(1));
}

#[test]
fn interrupted_wait_keeps_its_deadline() {
    let mut s: KqueueSelector<()> = KqueueSelector::new().unwrap();
    let mut events = Events::with_capacity(4);
    let t = Duration::from_millis(100);
    let stormed = under_signal_storm(Duration::from_millis(2), || {
        s.select(&mut events, Some(t)).unwrap()
    });
    assert_eq!(stormed.value, 0);
    assert_waited(stormed.took, t);
}

#[test]
fn warm_waits_do_not_grow_buffers() {
    let (r, w) = pipe();
    let mut s = selector_with(&r, Interest::READ, ());
    write_byte(&w);
    let mut events = Events::with_capacity(16);
    for _ in 0..100 {
        assert_eq!(s.select(&mut events, SOON).unwrap(), 1);
    }
    assert_eq!(events.capacity(), 16);
}
