//! Issue #14 item 2: a wake-fd change that fails leaves the selector exactly as it was.
//!
//! Before the fix, `DefaultSelector::set_wake_fd` forgot its waker before the backend
//! refused the new fd, so the old (still watched) waker was never drained again: every
//! later wait returned at once with `woken()` set (5 waits of 100 ms took 11 µs in all).
#![cfg(unix)]

use std::time::{Duration, Instant};

use select_core::__private::WakeFd;
use select_facade::{Availability, Backend, DefaultSelector, Events, Selector};

const WAIT: Duration = Duration::from_millis(100);

#[test]
fn failed_wake_fd_change_keeps_the_old_waker_drained() {
    // Every backend is tried, and the failures are reported together.
    let failures: Vec<String> = Backend::available()
        .into_iter()
        // Miri does not emulate select(2): the select backend sits out there.
        .filter(|&b| cfg!(not(miri)) || b != Backend::Select)
        .filter_map(|b| check_failed_change(b).err())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

fn check_failed_change(backend: Backend) -> Result<(), String> {
    let mut sel: DefaultSelector<()> = DefaultSelector::with_backend(backend).unwrap();
    let waker = sel.waker().unwrap();
    waker.wake().unwrap();
    // Refused: a negative fd.
    let e = sel.set_wake_fd(Some(-1)).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{backend}");
    // Refused by the kernel / the open check: an fd that is not open. A number far above
    // anything this process opens (a just-closed number could be reused at once by the
    // other test of this file, which runs on another thread).
    let closed = 1_000_000;
    assert!(sel.set_wake_fd(Some(closed)).is_err(), "{backend}");

    let mut events = Events::with_capacity(8);
    // The pending wake is reported once and drained...
    sel.select(&mut events, Some(Duration::ZERO)).unwrap();
    if !events.woken() {
        return Err(format!("{backend}: the pending wake was lost"));
    }
    // ...and the waits after it wait for their timeout.
    let start = Instant::now();
    for _ in 0..5 {
        sel.select(&mut events, Some(WAIT)).unwrap();
        if events.woken() {
            return Err(format!(
                "{backend}: woken without a wake ({:?} into 5 waits of {WAIT:?})",
                start.elapsed()
            ));
        }
    }
    let took = start.elapsed();
    if took < 5 * WAIT {
        return Err(format!("{backend}: 5 waits of {WAIT:?} took {took:?}"));
    }
    // The waker still works.
    waker.wake().unwrap();
    let start = Instant::now();
    sel.select(&mut events, Some(Duration::from_secs(5)))
        .unwrap();
    if !events.woken() || start.elapsed() >= Duration::from_secs(5) {
        return Err(format!("{backend}: the waker no longer wakes"));
    }
    Ok(())
}

/// Setting the waker's own fd again is no change at all: the waker stays attached and
/// drained.
#[test]
fn setting_the_wakers_own_fd_keeps_the_waker() {
    // Miri does not emulate select(2): the select backend sits out there.
    for backend in Backend::available()
        .into_iter()
        .filter(|&b| cfg!(not(miri)) || b != Backend::Select)
    {
        let mut sel: DefaultSelector<()> = DefaultSelector::with_backend(backend).unwrap();
        let waker = sel.waker().unwrap();
        // kqueue's waker is an EVFILT_USER filter, with no wake fd to set again (under
        // libkqueue the elimination below would find libkqueue's own eventfd for it,
        // which its epoll refuses with EEXIST: NOTES.md of select-kqueue, item 10).
        if backend == Backend::Kqueue {
            if cfg!(not(any(target_os = "linux", target_os = "android"))) {
                assert_eq!(waker_fd(&mut sel), None, "a wake fd on kqueue");
            }
            continue;
        }
        let fd = waker_fd(&mut sel).unwrap_or_else(|| panic!("{backend}: no wake fd found"));
        sel.set_wake_fd(Some(fd)).unwrap();
        waker.wake().unwrap();
        let mut events = Events::with_capacity(8);
        sel.select(&mut events, Some(Duration::ZERO)).unwrap();
        assert!(events.woken(), "{backend}");
        sel.select(&mut events, Some(WAIT)).unwrap();
        assert!(!events.woken(), "{backend}: the wake was not drained");
    }
}

/// The fd the selector's waker is watched through: the one readable fd that the
/// selector reports as a wake and not as an event, found by elimination among the open
/// fds (the waker is the newest one).
fn waker_fd(sel: &mut DefaultSelector<()>) -> Option<i32> {
    let probe = std::io::pipe().unwrap().0;
    let newest = std::os::fd::AsRawFd::as_raw_fd(&probe);
    drop(probe);
    // Our fds come from the lowest free numbers: the waker's fd is below `newest`.
    (3..newest).rev().find(|&fd| {
        // Registering the wake fd as a user fd is refused with AlreadyExists.
        matches!(
            sel.register(&fd, select_facade::Interest::READ, ()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists
        ) || {
            let _ = sel.unregister(&fd);
            false
        }
    })
}
