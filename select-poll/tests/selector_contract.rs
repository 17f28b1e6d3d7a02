//! `PollSelector` against select-core's `Selector` contract.

use std::io::{ErrorKind, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use select_core::testing::{drain, dup_at, is_open, pipe, send_oob, socketpair, tcp_pair};
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
fn register_twice_is_already_exists() {
    let (r, _w) = pipe();
    let mut sel = selector();
    let k = sel.register(&r, Interest::READ, "first").unwrap();
    assert_eq!(
        (k.fd, k.interest, k.data),
        (r.as_raw_fd(), Interest::READ, "first")
    );
    // The same fd through another object is the same registration.
    let e = sel
        .register(&r.as_raw_fd(), Interest::WRITE, "second")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    assert!(e.to_string().contains(&r.as_raw_fd().to_string()), "{e}");
    let k = sel.get_key(&r).unwrap();
    assert_eq!((k.interest, k.data), (Interest::READ, "first"));
    assert_eq!(sel.len(), 1);
}

#[test]
fn unknown_fds_are_not_found() {
    let (r, _w) = pipe();
    let mut sel = selector::<u8>();
    for e in [
        sel.modify(&r, Interest::READ, 0).unwrap_err(),
        sel.unregister(&r).unwrap_err(),
        sel.get_key(&r).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(e.to_string().contains(&r.as_raw_fd().to_string()), "{e}");
    }
    sel.register(&r, Interest::READ, 1).unwrap();
    sel.unregister(&r).unwrap();
    assert_eq!(sel.unregister(&r).unwrap_err().kind(), ErrorKind::NotFound);
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
fn an_fd_that_is_not_open_is_ebadf() {
    let mut sel = selector::<()>();
    let fd = unused_fd(3100);
    let e = sel.register(&fd, Interest::READ, ()).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    assert!(sel.is_empty());
    assert_eq!(sel.get_key(&fd).unwrap_err().kind(), ErrorKind::NotFound);
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

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate TCP sockets")]
fn urgent_data_is_priority() {
    let (client, server) = tcp_pair();
    let mut sel = selector();
    sel.register(&server, Interest::PRIORITY, ()).unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    send_oob(&client, b'!').unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!(ev.ready(), Interest::PRIORITY);
    assert!(ev.is_priority() && !ev.is_readable());
}

#[test]
fn a_failed_modify_keeps_the_old_registration() {
    let (r, _w) = pipe();
    let dup = dup_at(r.as_raw_fd(), unused_fd(3300)).unwrap();
    let fd = dup.as_raw_fd();
    let mut sel = selector();
    sel.register(&fd, Interest::READ, 1).unwrap();
    drop(dup);
    // The fd is closed: changing the interest is refused as epoll and kqueue refuse it.
    let e = sel.modify(&fd, Interest::WRITE, 2).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    let k = sel.get_key(&fd).unwrap();
    assert_eq!((k.interest, k.data), (Interest::READ, 1));
    // Changing only the data needs no kernel: it succeeds.
    assert_eq!(sel.modify(&fd, Interest::READ, 3).unwrap().data, 3);
    assert_eq!(sel.unregister(&fd).unwrap().data, 3);
}

#[test]
fn hang_up_is_reported_as_readiness() {
    let (r, w) = pipe();
    let mut sel = selector();
    sel.register(&r, Interest::READ, "reader").unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    drop(w);
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!((ev.fd(), ev.ready()), (r.as_raw_fd(), Interest::READ));
    assert!(ev.is_hangup() && !ev.is_error());
    // Registered for PRIORITY only, the hang-up still shows (as PRIORITY). Natively only:
    // Miri does not emulate POLLPRI.
    if cfg!(not(miri)) {
        sel.modify(&r, Interest::PRIORITY, "reader").unwrap();
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
        let ev = events.as_slice()[0];
        assert_eq!(ev.ready(), Interest::PRIORITY);
        assert!(ev.is_hangup());
    }
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

#[test]
fn unregister_works_after_the_number_was_reused() {
    let (r, _w) = pipe();
    let (r2, w2) = pipe();
    let number = unused_fd(3700);
    let first = dup_at(r.as_raw_fd(), number).unwrap();
    let mut sel = selector();
    sel.register(&first, Interest::READ, "old").unwrap();
    drop(first);
    // Same number, another pipe, readable.
    let second = dup_at(r2.as_raw_fd(), number).unwrap();
    w2.write_all_ok();
    let k = sel.unregister(&second).unwrap();
    assert_eq!((k.fd, k.data), (number, "old"));
    let mut events = Events::with_capacity(8);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    // And it can be registered afresh.
    sel.register(&second, Interest::READ, "new").unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
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
fn capacity_one_rotates_across_three_ready_fds() {
    let pipes: Vec<_> = (0..3).map(|_| pipe()).collect();
    let mut sel = selector();
    for (i, (r, w)) in pipes.iter().enumerate() {
        sel.register(r, Interest::READ, i).unwrap();
        w.write_all_ok();
    }
    let mut events = Events::with_capacity(1);
    let mut order = Vec::new();
    for _ in 0..7 {
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
        order.push(sel.ready_keys(&events).next().unwrap().0.data);
    }
    // Every fd in turn, then round again: none starves.
    let mut first3 = order[..3].to_vec();
    first3.sort();
    assert_eq!(first3, vec![0, 1, 2]);
    assert_eq!(order[3..6], order[..3]);
    assert_eq!(order[6], order[0]);
    // A fd that stops being ready drops out of the rotation.
    drain(&pipes[order[1]].0);
    let mut seen = Vec::new();
    for _ in 0..4 {
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
        seen.push(events.as_slice()[0].fd());
    }
    assert!(!seen.contains(&pipes[order[1]].0.as_raw_fd()));
    assert!(seen.contains(&pipes[order[0]].0.as_raw_fd()));
    assert!(seen.contains(&pipes[order[2]].0.as_raw_fd()));
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
