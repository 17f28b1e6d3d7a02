//! SelectSelector: the wake fd ends a wait, sets `woken`, and is never an Event.
#![cfg(unix)]

use select_core::__private::WakeFd;
use std::io::{ErrorKind, PipeReader, PipeWriter, Write};
use std::os::fd::AsRawFd;

use select_core::testing::{drain, pipe};
use select_fdset::{Events, Interest, SelectSelector, Selector};

type Pipe = (PipeReader, PipeWriter);

mod common;
use common::{registered_pipes, LONG, ZERO};

/// A wake pipe, and [`registered_pipes`]`(n, readable)` with the wake pipe's read end as
/// the selector's wake fd.
fn with_wake_fd(n: usize, readable: bool) -> (Pipe, Vec<Pipe>, SelectSelector<()>) {
    let wake = pipe();
    let (pipes, mut sel) = registered_pipes(n, readable);
    sel.set_wake_fd(Some(wake.0.as_raw_fd())).unwrap();
    (wake, pipes, sel)
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn wake_fd_ends_a_blocking_wait_without_an_event() {
    let ((wake_r, mut wake_w), _pipes, mut sel) = with_wake_fd(1, false);
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert!(!events.woken());

    std::thread::scope(|s| {
        s.spawn(|| wake_w.write_all(b"w").unwrap());
        assert_eq!(sel.select(&mut events, None).unwrap(), 0);
    });
    assert!(events.woken());
    assert!(events.is_empty());
    drain(&wake_r);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert!(!events.woken(), "cleared by the next wait");
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn wake_and_events_together_even_when_full() {
    let ((wake_r, mut wake_w), _pipes, mut sel) = with_wake_fd(3, true);
    wake_w.write_all(b"w").unwrap();
    let mut events = Events::with_capacity(1);
    for _ in 0..4 {
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
        assert!(events.woken());
        assert_ne!(events.as_slice()[0].fd(), wake_r.as_raw_fd());
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn wake_fd_rules() {
    let (wake_r, mut wake_w) = pipe();
    let (pipes, mut sel) = registered_pipes(1, false);
    let r = &pipes[0].0;
    let e = sel.set_wake_fd(Some(r.as_raw_fd())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    sel.set_wake_fd(Some(wake_r.as_raw_fd())).unwrap();
    let e = sel.register(&wake_r, Interest::READ, ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    let e = sel.set_wake_fd(Some(1 << 29)).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));

    // Replaced and removed.
    let (wake2_r, _wake2_w) = pipe();
    sel.set_wake_fd(Some(wake2_r.as_raw_fd())).unwrap();
    wake_w.write_all(b"w").unwrap();
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert!(!events.woken(), "the old wake fd is no longer watched");
    sel.set_wake_fd(None).unwrap();
    sel.set_wake_fd(None).unwrap();
    // The old wake fd can now be registered as a user fd.
    sel.register(&wake_r, Interest::READ, ()).unwrap();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    assert!(!events.woken());
}
