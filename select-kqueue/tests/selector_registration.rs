//! KqueueSelector and the select-core `Selector` contract: registration bookkeeping,
//! kernel refusals, PRIORITY, stale fds.
#![cfg(has_kqueue)]

mod common;

use std::io::ErrorKind;
use std::os::fd::{AsRawFd, OwnedFd};

use common::*;
use select_core::testing::{dup_at, pipe, write_byte};
use select_core::{Backend, Events, Interest, Selector};
use select_kqueue::KqueueSelector;

fn sel() -> KqueueSelector<&'static str> {
    KqueueSelector::new().unwrap()
}

/// A duplicate of `fd` at a number of its own (each test uses different ones), so
/// closing it cannot race with other test threads reusing the number.
fn high_dup(fd: &impl AsRawFd, at: i32) -> OwnedFd {
    dup_at(fd.as_raw_fd(), at).unwrap()
}

/// The rest of the registration rules are the shared contract suite (`contract.rs`).
#[test]
fn backend_fileno_and_debug() {
    let mut s = sel();
    assert_eq!(s.backend(), Backend::Kqueue);
    assert_eq!(s.as_raw_fd(), s.fileno().unwrap());
    let (r, _w) = pipe();
    s.register(&r, Interest::READ, "r").unwrap();
    assert!(format!("{s:?}").contains("registered: 1"));
}

#[test]
fn priority_is_refused_and_records_nothing() {
    let mut s = sel();
    let (r, w) = pipe();
    let e = s
        .register(&r, Interest::READ | Interest::PRIORITY, "p")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("PRIORITY"), "{e}");
    assert!(s.get_key(&r).is_err());
    s.register(&r, Interest::READ, "r").unwrap();
    let e = s.modify(&r, Interest::PRIORITY, "p").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(s.get_key(&r).unwrap().interest, Interest::READ);
    // The old filter still works.
    write_byte(&w);
    one_event(&mut s);
}

#[test]
fn kernel_refusals_record_nothing() {
    let mut s = sel();
    let bad = 19_000; // above every fd of this process: EBADF
    let e = s.register(&bad, Interest::READ, "bad").unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    let e = s
        .register(&bad, Interest::READ | Interest::WRITE, "bad")
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    assert!(s.is_empty());
    assert!(s.get_key(&bad).is_err());
}

#[test]
fn register_both_is_all_or_nothing() {
    // READ|WRITE on a closed number fails for both, and after the refusal the number
    // registers cleanly once it is open again.
    let mut s = sel();
    let (r, w) = pipe();
    let high = high_dup(&r, 17_010);
    let n = high.as_raw_fd();
    drop(high);
    let e = s
        .register(&n, Interest::READ | Interest::WRITE, "gone")
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    let again = high_dup(&r, n);
    s.register(&again, Interest::READ | Interest::WRITE, "back")
        .unwrap();
    write_byte(&w);
    // The read end of a pipe is never writable: READ only.
    assert_eq!(one_event(&mut s).ready(), Interest::READ);
}

#[test]
fn regular_files_are_accepted_and_always_ready() {
    // Unlike epoll (EPERM), kqueue watches regular files: always readable/writable.
    let mut s = sel();
    let path = std::env::temp_dir().join(format!("select-kqueue-{}.tmp", std::process::id()));
    let f = std::fs::File::create(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    s.register(&f, Interest::WRITE, "file").unwrap();
    assert_eq!(one_event(&mut s).ready(), Interest::WRITE);
}

#[test]
fn modify_moves_between_filters() {
    let mut s = sel();
    let (r, w) = pipe();
    s.register(&w, Interest::READ, "w").unwrap();
    let mut events = Events::with_capacity(8);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    s.modify(&w, Interest::READ | Interest::WRITE, "w").unwrap();
    assert_eq!(s.select(&mut events, SOON).unwrap(), 1);
    assert_eq!(events.as_slice()[0].ready(), Interest::WRITE);
    s.modify(&w, Interest::READ, "w").unwrap();
    assert_eq!(
        s.select(&mut events, NOW).unwrap(),
        0,
        "WRITE filter deleted"
    );
    s.modify(&w, Interest::WRITE, "w").unwrap();
    assert_eq!(s.select(&mut events, SOON).unwrap(), 1);
    let key = s.unregister(&w).unwrap();
    assert_eq!(key.interest, Interest::WRITE);
    assert_eq!(s.select(&mut events, NOW).unwrap(), 0);
    drop(r);
}

// A kqueue fd takes EVFILT_READ but refuses EVFILT_WRITE (EINVAL) on the BSDs and
// macOS, so READ|WRITE is half accepted by the kernel. (Under libkqueue a kqueue fd is
// a pipe end that takes both, so there is no half-failure to provoke.)
#[cfg(not(target_os = "linux"))]
#[test]
fn half_accepted_register_is_rolled_back() {
    use std::time::{Duration, Instant};

    use select_kqueue::Kqueue;

    let mut s = sel();
    let inner = Kqueue::new().unwrap();
    let e = s
        .register(&inner, Interest::READ | Interest::WRITE, "kq")
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
    assert!(s.get_key(&inner).is_err());
    // Make the inner kqueue readable. Had the READ filter stayed in the kernel, the
    // wait would end at once (with the event filtered out); it must time out instead.
    let (r, w) = pipe();
    watch(&inner, &r);
    write_byte(&w);
    let mut events = Events::with_capacity(4);
    let start = Instant::now();
    assert_eq!(
        s.select(&mut events, Some(Duration::from_millis(100)))
            .unwrap(),
        0
    );
    assert!(start.elapsed() >= Duration::from_millis(100));
    // READ alone is fine.
    s.register(&inner, Interest::READ, "kq").unwrap();
    assert_eq!(s.select(&mut events, SOON).unwrap(), 1);
}
