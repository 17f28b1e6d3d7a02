//! `Kqueue` life cycle: close-on-exec, `fileno`, `from_fd`, idempotent `close`, and the
//! error of every call after it.
#![cfg(has_kqueue)]

use std::io;
use std::os::fd::{AsRawFd, IntoRawFd};
use std::time::Duration;

use select_core::Waitable;
use select_kqueue::__private::is_close_on_exec;
use select_kqueue::{KEvent, Kqueue};

const CLOSED: &str = "I/O operation on closed kqueue object";

#[test]
fn new_kqueue_is_close_on_exec() {
    let kq = Kqueue::new().unwrap();
    let fd = kq.fileno().unwrap();
    assert!(fd > 0);
    assert_eq!(kq.as_raw_fd(), fd);
    assert_eq!(kq.try_as_fd().unwrap().as_raw_fd(), fd);
    assert_eq!(Waitable::fileno(&kq).unwrap(), fd);
    assert!(is_close_on_exec(&kq).unwrap());
    assert!(!kq.closed());
    assert!(format!("{kq:?}").contains(&fd.to_string()));
}

#[test]
fn close_is_idempotent_and_every_call_fails_after_it() {
    let mut kq = Kqueue::new().unwrap();
    kq.close();
    assert!(kq.closed());
    kq.close();
    assert!(kq.closed());
    assert_eq!(kq.as_raw_fd(), -1);
    assert_eq!(format!("{kq:?}"), "Kqueue(closed)");

    let errors = [
        kq.fileno().unwrap_err(),
        Waitable::fileno(&kq).unwrap_err(),
        kq.control(&[], 1, Some(Duration::ZERO)).unwrap_err(),
        kq.control(&[KEvent::new(0)], 0, None).unwrap_err(),
        kq.control_into(&[], &mut Vec::with_capacity(4), None)
            .unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(e.to_string(), CLOSED);
        assert_eq!(e.raw_os_error(), None);
    }
    assert_eq!(kq.into_raw_fd(), -1);
}

#[test]
fn try_as_fd_after_close_is_the_closed_error_not_a_panic() {
    let mut kq = Kqueue::new().unwrap();
    let fd = kq.fileno().unwrap();
    assert_eq!(kq.try_as_fd().unwrap().as_raw_fd(), fd);
    kq.close();
    let e = kq.try_as_fd().unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(e.to_string(), CLOSED);
    assert_eq!(kq.as_raw_fd(), -1);
}

#[test]
fn from_fd_adopts_a_kqueue_and_shares_it() {
    let kq = Kqueue::new().unwrap();
    let (r, mut w) = std::io::pipe().unwrap();
    kq.control(&[KEvent::for_fd(&r).unwrap()], 0, None).unwrap();

    // A second object on a duplicate of the same fd sees the same queue.
    let dup = select_core::testing::dup_at(kq.fileno().unwrap(), 15_002).unwrap();
    let other = Kqueue::from_fd(dup);
    // libkqueue knows a kqueue by its fd number only, so a dup is not one there.
    if cfg!(target_os = "linux") {
        let e = other.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        return;
    }
    let other = other.unwrap();
    std::io::Write::write_all(&mut w, b"x").unwrap();
    let ev = other.control(&[], 2, Some(Duration::from_secs(5))).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].ident(), r.as_raw_fd() as usize);
}

#[test]
fn into_fd_and_back() {
    let kq = Kqueue::new().unwrap();
    let fd = kq.fileno().unwrap();
    let owned = kq.into_fd().unwrap();
    assert_eq!(owned.as_raw_fd(), fd);
    let kq = Kqueue::from_fd(owned).unwrap();
    assert_eq!(kq.fileno().unwrap(), fd);
    assert!(kq.control(&[], 1, Some(Duration::ZERO)).unwrap().is_empty());

    let mut closed = Kqueue::new().unwrap();
    closed.close();
    assert_eq!(closed.into_fd().unwrap_err().to_string(), CLOSED);
}

#[test]
fn into_raw_fd_gives_up_ownership() {
    let kq = Kqueue::new().unwrap();
    let fd = kq.into_raw_fd();
    // Still open: nobody closed it. (Adopting it again would need `unsafe`, which the
    // tests do not use, so this one fd is left open until the process exits.)
    assert!(select_core::testing::is_open(fd));
}

#[test]
fn from_fd_refuses_what_is_not_a_kqueue() {
    let (r, _w) = std::io::pipe().unwrap();
    // A number no kqueue of this process has had: libkqueue knows kqueues by fd number
    // and notices their closing asynchronously, so a pipe that reuses the number of a
    // kqueue closed a moment ago in another test thread could pass for it there.
    let high = select_core::testing::dup_at(r.as_raw_fd(), 15_001).unwrap();
    let raw = high.as_raw_fd();
    let e = Kqueue::from_fd(high).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains(&raw.to_string()), "{e}");
    assert!(e.to_string().contains("not a kqueue"), "{e}");
}

#[test]
fn dropping_closes_the_fd() {
    let kq = Kqueue::new().unwrap();
    // Keep the number busy afterwards with a dup of our own, placed through `dup_at`
    // which refuses to clobber: it succeeds only once the kqueue's fd is closed.
    let fd = kq.fileno().unwrap();
    let (r, _w) = std::io::pipe().unwrap();
    assert!(select_core::testing::dup_at(r.as_raw_fd(), fd).is_err());
    drop(kq);
    // Another test thread may grab the number in between; only a refusal for another
    // reason than "already open" would be a failure.
    match select_core::testing::dup_at(r.as_raw_fd(), fd) {
        Ok(_) => {}
        Err(e) => assert_eq!(e.kind(), io::ErrorKind::AlreadyExists),
    }
}
