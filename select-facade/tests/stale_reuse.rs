//! No stale events under a reused fd number (issue #14, item 1), on every backend and on
//! `EpollSelector` and `KqueueSelector` directly.
//!
//! The reproduction: fd N is registered for READ while a `dup` of it stays open; N is
//! closed, then unregistered (epoll's kernel delete fails: the registration belongs to
//! the open file description, which the dup keeps alive); a new pipe's *writer* is put
//! on N and registered for WRITE only (or READ | WRITE); then the old file description
//! is made readable. The kernel still holds the old READ registration and reports it
//! under N, but a wait must report only what the current key holds and the new file
//! shows: `(N, WRITE)`. After `unregister(N)` nothing at all.
#![cfg(unix)]

use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

use select_core::testing::{dup_at, dup_near, is_open, pipe};
use select_facade::{Availability, Backend, DefaultSelector, Events, Interest, Selector};

const NOW: Option<Duration> = Some(Duration::ZERO);

/// A duplicate of `fd` on a free number at or above `hint` (numbers above those the
/// harness uses, below 4096 for runs under a low `RLIMIT_NOFILE`; each test has its own
/// range, so no other thread is handed them when they are closed).
fn high_dup(fd: &impl AsRawFd, hint: RawFd) -> OwnedFd {
    dup_near(fd.as_raw_fd(), hint, 100)
}

/// What one zero-timeout wait reports, as `(fd, ready)` pairs, checked against
/// `ready_keys`.
fn wait<S: Selector<Data = &'static str>>(sel: &mut S) -> Vec<(RawFd, Interest)> {
    let mut events = Events::with_capacity(16);
    sel.select(&mut events, NOW).unwrap();
    let got: Vec<(RawFd, Interest)> = events.iter().map(|e| (e.fd(), e.ready())).collect();
    for (key, ready) in sel.ready_keys(&events) {
        assert!(
            key.interest.contains(ready),
            "ready_keys hands back {ready:?} for a key registered {:?}",
            key.interest
        );
    }
    got
}

fn reused_number<S: Selector<Data = &'static str>>(
    name: &str,
    mut sel: S,
    new: Interest,
    hint: RawFd,
) {
    let (old_r, mut old_w) = pipe();
    // N: a high duplicate of the old reader; `old_r` is the dup that stays open.
    let n_owned = high_dup(&old_r, hint);
    let n = n_owned.as_raw_fd();
    sel.register(&n, Interest::READ, "old").unwrap();
    drop(n_owned);
    assert!(!is_open(n));
    assert_eq!(sel.unregister(&n).unwrap().data, "old", "{name}");

    // A new pipe whose writer lands on N, registered for `new`.
    let (_new_r, new_w) = pipe();
    let writer = dup_at(new_w.as_raw_fd(), n).unwrap();
    drop(new_w);
    sel.register(&writer, new, "new").unwrap();

    // The old file description becomes readable: the kernel may still report it as N.
    old_w.write_all(b"x").unwrap();
    assert_eq!(
        wait(&mut sel),
        vec![(n, Interest::WRITE)],
        "{name}: only the new registration's interests, as the new file shows them"
    );

    // Unregistered: nothing under N any more, whatever the kernel still holds.
    sel.unregister(&writer).unwrap();
    assert_eq!(wait(&mut sel), vec![], "{name}: nothing after unregister");

    // Registered again for READ: the new pipe's writer is never readable, and the
    // stale READ registration of the old file must not speak for it.
    sel.register(&writer, Interest::READ, "again").unwrap();
    assert_eq!(
        wait(&mut sel),
        vec![],
        "{name}: nothing from the stale registration"
    );
    drop(old_r);
}

/// Both cases on selectors from `make`; `backend` is theirs.
fn each_case<S: Selector<Data = &'static str>>(
    name: &str,
    backend: Backend,
    make: impl Fn() -> S,
    hint: RawFd,
) {
    reused_number(name, make(), Interest::WRITE, hint);
    // libkqueue (kqueue emulated on Linux) keeps the closed number's filter, as epoll
    // keeps its entry, and a new EV_ADD for READ at that number takes it over, still
    // watching the old file (select-kqueue's NOTES.md, item 9). The BSD kernels drop a
    // number's filters when it is closed.
    if backend == Backend::Kqueue && cfg!(any(target_os = "linux", target_os = "android")) {
        select_core::testing::skip(&format!(
            "{name}: READ | WRITE at a reused number is libkqueue's deviation (NOTES item 9)"
        ));
        return;
    }
    reused_number(name, make(), Interest::READ | Interest::WRITE, hint + 150);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's in readiness (a write end reports readable)"
)]
fn every_backend_through_default_selector() {
    if !select_core::testing::high_fds_usable() {
        return;
    }
    for (i, b) in Backend::available().into_iter().enumerate() {
        if cfg!(miri) && b == Backend::Select {
            continue; // Miri does not emulate select(2).
        }
        let hint = 2_000 + 300 * i as RawFd;
        each_case(
            &b.to_string(),
            b,
            || DefaultSelector::with_backend(b).unwrap(),
            hint,
        );
    }
    let default = DefaultSelector::<()>::new().unwrap().backend();
    each_case(
        "default",
        default,
        || DefaultSelector::new().unwrap(),
        1_700,
    );
}

#[cfg(has_epoll)]
#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's in readiness (a write end reports readable)"
)]
fn epoll_selector() {
    each_case(
        "EpollSelector",
        Backend::Epoll,
        || select_facade::EpollSelector::new().unwrap(),
        1_100,
    );
}

#[cfg(has_kqueue)]
#[test]
fn kqueue_selector() {
    each_case(
        "KqueueSelector",
        Backend::Kqueue,
        || select_facade::KqueueSelector::new().unwrap(),
        1_400,
    );
}
