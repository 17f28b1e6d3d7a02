//! `PollSelector` against select-core's `Selector` contract.
#![cfg(unix)]

use select_core::__private::WakeFd;
use std::io::{ErrorKind, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use select_core::testing::{drain, dup_at, is_open, pipe, socketpair};
use select_core::{Backend, Events, Interest, Selector};
use select_poll::PollSelector;

const ZERO: Option<Duration> = Some(Duration::ZERO);
const LONG: Option<Duration> = Some(Duration::from_secs(5));

/// An fd number at or above `base` that is not open now (the other tests of this
/// binary open only a few low-numbered fds, so it stays free).
fn unused_fd(base: RawFd) -> RawFd {
    (base..base + 1000).find(|&fd| !is_open(fd)).unwrap()
}

fn selector<T>() -> PollSelector<T> {
    PollSelector::new().unwrap()
}

#[test]
fn backend_and_empty_state() {
    let sel = selector::<()>();
    assert_eq!(sel.backend(), Backend::Poll);
    assert!(sel.is_empty() && !sel.is_closed());
    assert_eq!(sel.keys().count(), 0);
}

#[test]
fn empty_interest_and_negative_fds_are_invalid_input() {
    let (r, _w) = pipe();
    let mut sel = selector::<u8>();
    let e = sel.register(&r, Interest::EMPTY, 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(sel.is_empty());
    sel.register(&r, Interest::READ, 1).unwrap();
    let e = sel.modify(&r, Interest::EMPTY, 2).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(sel.get_key(&r).unwrap().interest, Interest::READ);
    for e in [
        sel.register(&-1, Interest::READ, 0).unwrap_err(),
        sel.modify(&-1, Interest::READ, 0).unwrap_err(),
        sel.unregister(&-1).unwrap_err(),
        sel.get_key(&-1).unwrap_err(),
        sel.set_wake_fd(Some(-1)).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("-1"), "{e}");
    }
}

#[test]
fn only_registered_interests_are_reported() {
    let (mut a, b) = socketpair();
    a.write_all(b"x").unwrap();
    let mut sel = selector();
    let mut events = Events::with_capacity(8);
    // b is readable and writable.
    sel.register(&b, Interest::READ, 'b').unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    assert_eq!(events.as_slice()[0].ready(), Interest::READ);
    sel.modify(&b, Interest::WRITE, 'b').unwrap();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!((ev.fd(), ev.ready()), (b.as_raw_fd(), Interest::WRITE));
    assert!(!ev.is_hangup() && !ev.is_error());
    // PRIORITY is POLLPRI, which Miri does not emulate: natively only.
    if cfg!(not(miri)) {
        sel.modify(&b, Interest::PRIORITY, 'b').unwrap();
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
        sel.modify(&b, Interest::ALL, 'b').unwrap();
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
        assert_eq!(
            events.as_slice()[0].ready(),
            Interest::READ | Interest::WRITE
        );
        let (key, ready) = sel.ready_keys(&events).next().unwrap();
        assert_eq!((key.data, ready), ('b', Interest::READ | Interest::WRITE));
    }
}

/// (A hang-up under READ is the shared suite's `hangup_shows_as_readiness`.)
#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate POLLPRI")]
fn hang_up_under_priority_only_is_reported_as_priority() {
    let (r, w) = pipe();
    let mut sel = selector();
    drop(w);
    let mut events = Events::with_capacity(8);
    // Registered for PRIORITY only, the hang-up still shows (as PRIORITY).
    sel.register(&r, Interest::PRIORITY, "reader").unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!(ev.ready(), Interest::PRIORITY);
    assert!(ev.is_hangup());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's: a write end whose reader closed reports POLLHUP, not POLLERR"
)]
fn a_write_end_whose_reader_closed_is_an_error() {
    let (r, w) = pipe();
    let mut sel = selector();
    sel.register(&w, Interest::READ | Interest::WRITE, ())
        .unwrap();
    drop(r);
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!(ev.ready(), Interest::READ | Interest::WRITE);
    assert!(ev.is_error());
}

#[test]
fn a_closed_registered_fd_is_an_error_then_unregisters() {
    let (r, _w) = pipe();
    let dup = dup_at(r.as_raw_fd(), unused_fd(3500)).unwrap();
    let fd = dup.as_raw_fd();
    let mut sel = selector();
    sel.register(&fd, Interest::WRITE, ()).unwrap();
    drop(dup);
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!((ev.fd(), ev.ready()), (fd, Interest::WRITE));
    assert!(ev.is_error());
    sel.unregister(&fd).unwrap();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
}

trait WriteOk {
    fn write_all_ok(&self);
}

impl WriteOk for std::io::PipeWriter {
    fn write_all_ok(&self) {
        (&*self).write_all(b"x").unwrap();
    }
}

#[test]
fn close_makes_every_call_fail() {
    let (r, w) = pipe();
    let mut sel = selector::<()>();
    sel.register(&r, Interest::READ, ()).unwrap();
    sel.set_wake_fd(Some(w.as_raw_fd())).ok();
    sel.close();
    sel.close();
    assert!(sel.is_closed());
    assert_eq!(sel.len(), 0);
    assert_eq!(sel.keys().count(), 0);
    let mut events = Events::with_capacity(8);
    for e in [
        sel.register(&w, Interest::WRITE, ()).unwrap_err(),
        sel.modify(&r, Interest::WRITE, ()).unwrap_err(),
        sel.unregister(&r).unwrap_err(),
        sel.get_key(&r).unwrap_err(),
        sel.select(&mut events, ZERO).unwrap_err(),
        sel.select(&mut events, None).unwrap_err(),
        sel.set_wake_fd(None).unwrap_err(),
        sel.set_wake_fd(Some(r.as_raw_fd())).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("closed"), "{e}");
    }
}

#[test]
fn the_wake_fd_ends_a_wait_without_an_event() {
    let (wake_r, wake_w) = pipe();
    let (r, w) = pipe();
    let mut sel = selector();
    sel.register(&r, Interest::READ, ()).unwrap();
    sel.set_wake_fd(Some(wake_r.as_raw_fd())).unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert!(!events.woken());

    // A wake from another thread ends a blocking wait.
    let waker = std::thread::spawn(move || {
        wake_w.write_all_ok();
        wake_w
    });
    assert_eq!(sel.select(&mut events, None).unwrap(), 0);
    assert!(events.woken() && events.is_empty());
    let wake_w = waker.join().unwrap();
    // Still readable (the selector does not drain it): woken again, with real events.
    w.write_all_ok();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    assert!(events.woken());
    assert_eq!(events.as_slice()[0].fd(), r.as_raw_fd());
    drain(&wake_r);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    assert!(!events.woken());

    // The wake fd is not a registration, and cannot become one.
    assert_eq!(sel.len(), 1);
    assert_eq!(
        sel.get_key(&wake_r).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let e = sel.register(&wake_r, Interest::READ, ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    let e = sel.set_wake_fd(Some(r.as_raw_fd())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    let e = sel.set_wake_fd(Some(unused_fd(3900))).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));

    // Replaced by another fd, then removed.
    let (wake2_r, wake2_w) = pipe();
    sel.set_wake_fd(Some(wake2_r.as_raw_fd())).unwrap();
    wake_w.write_all_ok();
    drain(&r);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert!(!events.woken(), "the old wake fd is no longer watched");
    wake2_w.write_all_ok();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert!(events.woken());
    sel.set_wake_fd(None).unwrap();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert!(!events.woken());
    // The old wake fd may now be registered as a user fd.
    sel.register(&wake_r, Interest::READ, ()).unwrap();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
}
