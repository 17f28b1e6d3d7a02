//! SelectSelector: READ, WRITE and PRIORITY map to the three sets, and only registered
//! interests are reported.
#![cfg(unix)]

use std::io::Write;
use std::os::fd::{AsFd, AsRawFd};
use std::time::Duration;

use select_core::testing::{drain, dup_at_or_skip, pipe, send_oob, socketpair, tcp_pair};
use select_fdset::{Event, Events, Interest, SelectSelector, Selector};

mod common;
use common::{with_high_fds, LONG, ZERO};

fn events_of<T>(sel: &mut SelectSelector<T>, timeout: Option<Duration>) -> Vec<Event> {
    let mut events = Events::with_capacity(64);
    let n = sel.select(&mut events, timeout).unwrap();
    assert_eq!(n, events.len());
    events.as_slice().to_vec()
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn only_registered_interests_are_reported() {
    let (a, mut b) = socketpair();
    let mut sel = SelectSelector::new().unwrap();
    // Writable but registered for READ only: nothing.
    sel.register(&a, Interest::READ, ()).unwrap();
    assert!(events_of(&mut sel, ZERO).is_empty());
    b.write_all(b"x").unwrap();
    let ev = events_of(&mut sel, LONG);
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].fd(), ev[0].ready()), (a.as_raw_fd(), Interest::READ));
    assert!(!ev[0].is_hangup() && !ev[0].is_error());

    // Readable and writable but registered for WRITE only.
    sel.modify(&a, Interest::WRITE, ()).unwrap();
    let ev = events_of(&mut sel, LONG);
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].ready(), Interest::WRITE);

    sel.modify(&a, Interest::ALL, ()).unwrap();
    let ev = events_of(&mut sel, LONG);
    assert_eq!(ev[0].ready(), Interest::READ | Interest::WRITE);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn priority_is_the_exceptional_set() {
    let (client, server) = tcp_pair();
    let mut sel = SelectSelector::new().unwrap();
    sel.register(&server, Interest::PRIORITY, "server").unwrap();
    assert!(events_of(&mut sel, ZERO).is_empty());
    send_oob(&client, b'!').unwrap();
    let ev = events_of(&mut sel, LONG);
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].ready(), Interest::PRIORITY);
    assert!(ev[0].is_priority() && !ev[0].is_readable());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn results_are_in_fd_order_and_unregistered_fds_vanish() {
    let pipes: Vec<_> = (0..4).map(|_| pipe()).collect();
    let mut sel = SelectSelector::new().unwrap();
    for (i, (r, w)) in pipes.iter().enumerate() {
        sel.register(r, Interest::READ, i).unwrap();
        (&*w).write_all(b"x").unwrap();
    }
    let ev = events_of(&mut sel, LONG);
    let mut expected: Vec<_> = pipes.iter().map(|p| p.0.as_raw_fd()).collect();
    expected.sort();
    assert_eq!(ev.iter().map(|e| e.fd()).collect::<Vec<_>>(), expected);
    let ready: Vec<_> = {
        let mut events = Events::with_capacity(8);
        sel.select(&mut events, LONG).unwrap();
        let mut v: Vec<usize> = sel.ready_keys(&events).map(|(k, _)| k.data).collect();
        v.sort();
        v
    };
    assert_eq!(ready, [0, 1, 2, 3]);

    sel.unregister(&pipes[2].0).unwrap();
    drain(&pipes[0].0);
    let ev = events_of(&mut sel, LONG);
    let fds: Vec<_> = ev.iter().map(|e| e.fd()).collect();
    assert_eq!(fds.len(), 2);
    assert!(fds.contains(&pipes[1].0.as_raw_fd()) && fds.contains(&pipes[3].0.as_raw_fd()));
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn nothing_registered_just_sleeps() {
    let mut sel = SelectSelector::<()>::new().unwrap();
    let start = std::time::Instant::now();
    assert!(events_of(&mut sel, Some(Duration::from_millis(50))).is_empty());
    assert!(start.elapsed() >= Duration::from_millis(50));
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn closed_registered_fd_fails_the_wait_with_ebadf() {
    with_high_fds(|| {
        let (r, _w) = pipe();
        let dup = dup_at_or_skip(r.as_fd().as_raw_fd(), 4600)?;
        let mut sel = SelectSelector::new().unwrap();
        sel.register(&dup, Interest::READ, ()).unwrap();
        drop(dup);
        let mut events = Events::with_capacity(4);
        let e = sel.select(&mut events, LONG).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        // Unregistering the stale fd heals the selector.
        sel.unregister(&4600).unwrap();
        assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
        Some(())
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn writable_socket_pair_and_pipe_writer() {
    let (a, _b) = socketpair();
    let (_r, w) = pipe();
    let mut sel = SelectSelector::new().unwrap();
    sel.register(&a, Interest::WRITE | Interest::PRIORITY, 'a')
        .unwrap();
    sel.register(&w, Interest::WRITE, 'w').unwrap();
    let ev = events_of(&mut sel, LONG);
    assert_eq!(ev.len(), 2);
    assert!(ev.iter().all(|e| e.ready() == Interest::WRITE));
}
