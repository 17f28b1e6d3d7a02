//! EpollSelector and the select-core `Selector` contract.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::time::Duration;

use common::*;
use select_core::{Backend, Events, Interest, Selector};
use select_epoll::EpollSelector;

const NOW: Option<Duration> = Some(Duration::ZERO);

fn sel() -> EpollSelector<&'static str> {
    EpollSelector::new().unwrap()
}

#[test]
fn register_get_key_and_keys() {
    let mut s = sel();
    assert_eq!(s.backend(), Backend::Epoll);
    assert!(s.is_empty());
    let (r, w) = pipe();
    let key = s.register(&r, Interest::READ, "r").unwrap();
    assert_eq!(
        (key.fd, key.interest, key.data),
        (r.as_raw_fd(), Interest::READ, "r")
    );
    s.register(&w, Interest::WRITE, "w").unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s.get_key(&w).unwrap().data, "w");
    let mut fds: Vec<_> = s.keys().map(|k| k.fd).collect();
    fds.sort();
    let mut want = vec![r.as_raw_fd(), w.as_raw_fd()];
    want.sort();
    assert_eq!(fds, want);
    assert!(s.fileno().unwrap() >= 0);
    assert!(format!("{s:?}").contains("registered: 2"));
}

#[test]
fn duplicate_unknown_and_empty() {
    let mut s = sel();
    let (r, _w) = pipe();
    s.register(&r, Interest::READ, "r").unwrap();
    let e = s.register(&r, Interest::WRITE, "again").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    assert_eq!(s.get_key(&r).unwrap().data, "r");
    let (r2, _w2) = pipe();
    for e in [
        s.modify(&r2, Interest::READ, "x").unwrap_err(),
        s.unregister(&r2).unwrap_err(),
        s.get_key(&r2).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }
    let e = s.register(&r2, Interest::EMPTY, "x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        s.get_key(&r2).is_err(),
        "a refused register records nothing"
    );
    let e = s.modify(&r, Interest::EMPTY, "x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(s.get_key(&r).unwrap().interest, Interest::READ);
    let e = s.register(&-1, Interest::READ, "neg").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri opens no files under isolation (the test needs a regular file)"
)]
fn kernel_refusals_record_nothing() {
    let mut s = sel();
    let bad = unused_fd(19_000);
    let e = s.register(&bad, Interest::READ, "bad").unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    assert!(s.is_empty());
    let f = regular_file().unwrap();
    let e = s.register(&f, Interest::READ, "file").unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EPERM));
    assert!(s.get_key(&f).is_err());
}

#[test]
fn only_registered_interests_are_reported() {
    let mut s = sel();
    let (r, w) = pipe();
    // The write end is writable but registered for READ only: nothing.
    s.register(&w, Interest::READ, "w").unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    s.register(&r, Interest::READ | Interest::WRITE, "r")
        .unwrap();
    write_byte(&w);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 1);
    let ev = events.as_slice()[0];
    assert_eq!((ev.fd(), ev.ready()), (r.as_raw_fd(), Interest::READ));
    assert!(!ev.is_hangup() && !ev.is_error());
    s.modify(&w, Interest::WRITE, "w2").unwrap();
    assert_eq!(s.select(&mut events, NOW).unwrap(), 2);
    let ready: Vec<_> = s.ready_keys(&events).map(|(k, i)| (k.data, i)).collect();
    assert!(ready.contains(&("w2", Interest::WRITE)));
    assert!(ready.contains(&("r", Interest::READ)));
    // Level-triggered: the same again.
    assert_eq!(s.select(&mut events, NOW).unwrap(), 2);
}

#[test]
fn failed_modify_keeps_the_old_registration() {
    let mut s = sel();
    let (r, w) = pipe();
    let high = high_dup(&r, 19_200);
    let n = high.as_raw_fd();
    s.register(&n, Interest::READ, "old").unwrap();
    write_byte(&w);
    // Closing the number makes the kernel refuse the modification with EBADF...
    drop(high);
    let e = s.modify(&n, Interest::WRITE, "new").unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    let key = s.get_key(&n).unwrap();
    assert_eq!((key.interest, key.data), (Interest::READ, "old"));
    // Same interest, new data: no kernel call needed, so it succeeds.
    assert_eq!(s.modify(&n, Interest::READ, "data").unwrap().data, "data");
}

#[test]
fn modify_changes_what_is_reported() {
    let mut s = sel();
    let (r, w) = pipe();
    s.register(&w, Interest::READ, "w").unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    s.modify(&w, Interest::READ | Interest::WRITE, "w").unwrap();
    assert_eq!(s.select(&mut events, NOW).unwrap(), 1);
    assert_eq!(events.as_slice()[0].ready(), Interest::WRITE);
    let key = s.unregister(&w).unwrap();
    assert_eq!(key.interest, Interest::READ | Interest::WRITE);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    drop(r);
}

#[test]
fn close_semantics() {
    let mut s = sel();
    let (r, _w) = pipe();
    s.register(&r, Interest::READ, "r").unwrap();
    let fd = s.as_raw_fd();
    assert!(fd >= 0);
    s.close();
    s.close();
    assert!(s.is_closed());
    assert!(s.is_empty());
    assert_eq!(s.as_raw_fd(), -1);
    let mut events = Events::with_capacity(4);
    let errs = [
        s.register(&r, Interest::READ, "x").map(|_| ()).unwrap_err(),
        s.modify(&r, Interest::READ, "x").map(|_| ()).unwrap_err(),
        s.unregister(&r).map(|_| ()).unwrap_err(),
        s.get_key(&r).map(|_| ()).unwrap_err(),
        s.select(&mut events, NOW).map(|_| ()).unwrap_err(),
        s.set_wake_fd(Some(r.as_raw_fd())).unwrap_err(),
        s.fileno().map(|_| ()).unwrap_err(),
    ];
    for e in errs {
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().starts_with("I/O operation on closed"), "{e}");
    }
}

#[test]
fn unregister_after_the_fd_was_closed() {
    let mut s = sel();
    let (r, _w) = pipe();
    let high = high_dup(&r, 19_400);
    let n = high.as_raw_fd();
    s.register(&n, Interest::READ, "gone").unwrap();
    drop(high);
    assert_eq!(s.unregister(&n).unwrap().data, "gone");
    assert!(s.is_empty());
}

#[test]
fn unregister_after_the_number_was_reused() {
    let mut s = sel();
    let (r, w) = pipe();
    let high = high_dup(&r, 19_600);
    // No other duplicate of the old file: its registration dies with `high`.
    drop((r, w));
    let n = high.as_raw_fd();
    s.register(&n, Interest::READ, "old").unwrap();
    drop(high);
    // Reuse the number for another file, unknown to the epoll instance.
    let (r2, w2) = pipe();
    let reused = select_core::testing::dup_at(r2.as_raw_fd(), n).unwrap();
    assert_eq!(s.unregister(&n).unwrap().data, "old");
    // The number can now be registered afresh, for the new file.
    s.register(&reused, Interest::READ, "new").unwrap();
    write_byte(&w2);
    let mut events = Events::with_capacity(4);
    assert_eq!(s.select(&mut events, Some(SOON)).unwrap(), 1);
    assert_eq!(s.ready_keys(&events).next().unwrap().0.data, "new");
}
