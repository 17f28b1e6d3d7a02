//! What `Poll` reports: readable, writable, POLLHUP, POLLERR, POLLNVAL, POLLPRI.
#![cfg(unix)]

mod common;

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use common::poll_on_reader;
use select_core::testing::{drain, dup_at, is_open, pipe, send_oob, socketpair, tcp_pair};
use select_poll::{Poll, PollFlags};

const ZERO: Option<Duration> = Some(Duration::ZERO);
const LONG: Option<Duration> = Some(Duration::from_secs(5));

/// An fd number at or above `base` that is not open now (high numbers are not reused by
/// the other tests of this binary, which open only a few fds).
fn unused_fd(base: RawFd) -> RawFd {
    (base..base + 1000).find(|&fd| !is_open(fd)).unwrap()
}

#[test]
fn readable_and_writable() {
    let (mut a, b) = socketpair();
    let mut p = Poll::new();
    p.register(&b, PollFlags::POLLIN | PollFlags::POLLOUT)
        .unwrap();
    assert_eq!(
        p.poll(ZERO).unwrap(),
        vec![(b.as_raw_fd(), PollFlags::POLLOUT)]
    );
    a.write_all(b"abc").unwrap();
    assert_eq!(
        p.poll(LONG).unwrap(),
        vec![(b.as_raw_fd(), PollFlags::POLLIN | PollFlags::POLLOUT)]
    );
    p.modify(&b, PollFlags::POLLIN).unwrap();
    assert_eq!(
        p.poll(ZERO).unwrap(),
        vec![(b.as_raw_fd(), PollFlags::POLLIN)]
    );
    // Reading everything makes it quiet again.
    let mut buf = [0; 3];
    (&b).read_exact(&mut buf).unwrap();
    assert!(p.poll(ZERO).unwrap().is_empty());
}

#[test]
fn pipe_with_its_writer_closed_reports_pollhup() {
    let (mut p, r, w) = poll_on_reader();
    assert!(p.poll(ZERO).unwrap().is_empty());
    drop(w);
    let ready = p.poll(LONG).unwrap();
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0].0, r.as_raw_fd());
    assert!(ready[0].1.contains(PollFlags::POLLHUP), "{:?}", ready[0].1);
    // Linux's exact answer (Miri's pipes answer more flags).
    #[cfg(all(target_os = "linux", not(miri)))]
    assert_eq!(ready[0].1, PollFlags::POLLHUP);
    // Reported even with an empty mask: POLLHUP cannot be masked out.
    p.modify(&r, PollFlags::empty()).unwrap();
    let ready = p.poll(ZERO).unwrap();
    assert!(ready[0].1.contains(PollFlags::POLLHUP));
}

#[test]
fn pipe_with_its_reader_closed_reports_pollerr() {
    let (r, w) = pipe();
    let mut p = Poll::new();
    p.register(&w, PollFlags::empty()).unwrap();
    assert!(p.poll(ZERO).unwrap().is_empty());
    drop(r);
    let ready = p.poll(LONG).unwrap();
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0].0, w.as_raw_fd());
    // Linux's exact answer (Miri's pipes answer more flags).
    #[cfg(all(target_os = "linux", not(miri)))]
    assert_eq!(ready[0].1, PollFlags::POLLERR);
    assert!(ready[0]
        .1
        .intersects(PollFlags::POLLERR | PollFlags::POLLHUP));
}

#[test]
fn a_closed_fd_still_registered_reports_pollnval() {
    let (r, _w) = pipe();
    let dup = dup_at(r.as_raw_fd(), unused_fd(2100)).unwrap();
    let fd = dup.as_raw_fd();
    let mut p = Poll::new();
    p.register(&fd, PollFlags::POLLIN).unwrap();
    assert!(p.poll(ZERO).unwrap().is_empty());
    drop(dup);
    assert_eq!(p.poll(ZERO).unwrap(), vec![(fd, PollFlags::POLLNVAL)]);
    assert_eq!(p.poll(None).unwrap(), vec![(fd, PollFlags::POLLNVAL)]);
    // As in Python, a number that was never open is accepted and reported the same way,
    // even with an empty mask.
    let bogus = unused_fd(4200);
    p.register(&bogus, PollFlags::empty()).unwrap();
    assert_eq!(
        p.poll(ZERO).unwrap(),
        vec![(fd, PollFlags::POLLNVAL), (bogus, PollFlags::POLLNVAL)]
    );
    p.unregister(&fd).unwrap();
    p.unregister(&bogus).unwrap();
    assert!(p.poll(ZERO).unwrap().is_empty());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate TCP sockets")]
fn tcp_out_of_band_data_reports_pollpri() {
    let (client, server) = tcp_pair();
    let mut p = Poll::new();
    p.register(&server, PollFlags::POLLPRI).unwrap();
    assert!(p.poll(ZERO).unwrap().is_empty());
    send_oob(&client, b'!').unwrap();
    let ready = p.poll(LONG).unwrap();
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0], (server.as_raw_fd(), PollFlags::POLLPRI));
    // Under the default mask it shows next to whatever else is ready.
    p.register(&server, PollFlags::default()).unwrap();
    let ready = p.poll(ZERO).unwrap();
    assert!(ready[0].1.contains(PollFlags::POLLPRI | PollFlags::POLLOUT));
}

#[test]
fn results_cover_every_ready_fd_and_nothing_else() {
    let pipes: Vec<_> = (0..16).map(|_| pipe()).collect();
    let mut p = Poll::new();
    for (r, _) in &pipes {
        p.register(r, PollFlags::POLLIN).unwrap();
    }
    for round in 0..4 {
        let mut want = Vec::new();
        for (i, (r, w)) in pipes.iter().enumerate() {
            if (i + round) % 3 == 0 {
                (&*w).write_all(b"y").unwrap();
                want.push((r.as_raw_fd(), PollFlags::POLLIN));
            }
        }
        assert_eq!(p.poll(LONG).unwrap(), want);
        for (i, (r, _)) in pipes.iter().enumerate() {
            if (i + round) % 3 == 0 {
                assert_eq!(drain(r), 1);
            }
        }
        assert!(p.poll(ZERO).unwrap().is_empty());
    }
}
