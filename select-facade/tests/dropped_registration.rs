//! A registered object dropped (closed) without `unregister` (#27): what each backend
//! does, as the facade docs ("Dropping a registered object") state it, on real pipes.
//!
//! * epoll (and kqueue, by `kqueue(2)`): closing the last fd of a file removes it from
//!   the kernel's interest set, so nothing is reported for the number: not a new
//!   object put there, and not the closed fd.
//! * poll and select watch the *number*: a new object at that number has its events
//!   reported under the old key (the old key's data); with nothing at the number, poll
//!   reports the closed fd (POLLNVAL: READ with the error flag) and select fails with
//!   EBADF.
//! * every backend: the key stays until `unregister`, so registering the new object at
//!   that number is `AlreadyExists`; `unregister` hands the old key back.
#![cfg(unix)]

use std::io::{ErrorKind, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

use select_core::testing::{dup_at, dup_near, pipe};
use select_facade::{Availability, Backend, DefaultSelector, Events, Interest, Selector};

const NOW: Option<Duration> = Some(Duration::ZERO);

/// A duplicate of `fd` on a free number in `hint..hint + 20` (a range of each test and
/// backend of its own, so no other test thread is handed the number while it is closed;
/// below 1024, for select(2) and for runs under qemu-user).
fn high_dup(fd: &impl AsRawFd, hint: RawFd) -> OwnedFd {
    dup_near(fd.as_raw_fd(), hint, 20)
}

fn selectors() -> Vec<(Backend, DefaultSelector<&'static str>)> {
    Backend::compiled()
        .into_iter()
        .filter_map(|b| DefaultSelector::with_backend(b).ok().map(|s| (b, s)))
        .collect()
}

/// `(data, ready, error flag)` of one zero-timeout wait.
fn wait(
    sel: &mut DefaultSelector<&'static str>,
) -> std::io::Result<Vec<(&'static str, Interest, bool)>> {
    let mut events = Events::with_capacity(8);
    sel.select(&mut events, NOW)?;
    let mut got = Vec::new();
    for e in events.iter() {
        let key = sel.get_key(&e.fd())?;
        got.push((key.data, e.ready(), e.is_error()));
    }
    Ok(got)
}

/// Registers the read end of a pipe at a number of its own, then drops it.
fn register_and_drop(sel: &mut DefaultSelector<&'static str>, hint: RawFd) -> RawFd {
    let (r, _w) = pipe();
    let old = high_dup(&r, hint);
    drop(r);
    sel.register(&old, Interest::READ, "old").unwrap();
    let n = old.as_raw_fd();
    drop(old); // closed, never unregistered
    n
}

#[test]
#[cfg_attr(miri, ignore = "select(2) is not emulated")]
fn new_object_at_the_number_of_a_dropped_one() {
    for (i, (b, mut sel)) in selectors().into_iter().enumerate() {
        let n = register_and_drop(&mut sel, 600 + 20 * i as RawFd);
        // A new, readable pipe whose read end lands on the same number.
        let (r2, mut w2) = pipe();
        w2.write_all(b"x").unwrap();
        let new = dup_at(r2.as_raw_fd(), n).unwrap();
        drop(r2);
        assert_eq!(new.as_raw_fd(), n);

        let e = sel.register(&new, Interest::READ, "new").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{b:?}");
        let got = wait(&mut sel).unwrap();
        match b {
            // The kernel forgot the closed file; the new one was never added.
            Backend::Epoll | Backend::Kqueue => assert_eq!(got, vec![], "{b:?}"),
            // The number is watched: the new pipe's readiness, under the old key.
            Backend::Poll | Backend::Select => {
                assert_eq!(got, vec![("old", Interest::READ, false)], "{b:?}")
            }
            _ => {}
        }
        // unregister hands the old key back, and the new object can then be registered.
        assert_eq!(sel.unregister(&n).unwrap().data, "old", "{b:?}");
        sel.register(&new, Interest::READ, "new").unwrap();
        assert_eq!(
            wait(&mut sel).unwrap(),
            vec![("new", Interest::READ, false)],
            "{b:?}"
        );
    }
}

#[test]
#[cfg_attr(miri, ignore = "select(2) is not emulated")]
fn nothing_at_the_number_of_a_dropped_one() {
    for (i, (b, mut sel)) in selectors().into_iter().enumerate() {
        let n = register_and_drop(&mut sel, 800 + 20 * i as RawFd);
        let got = wait(&mut sel);
        match b {
            Backend::Epoll | Backend::Kqueue => assert_eq!(got.unwrap(), vec![], "{b:?}"),
            // POLLNVAL: reported as the registered interest, with the error flag.
            Backend::Poll => assert_eq!(got.unwrap(), vec![("old", Interest::READ, true)]),
            // select(2) refuses a closed fd.
            Backend::Select => {
                assert_eq!(got.unwrap_err().raw_os_error(), Some(libc::EBADF))
            }
            _ => {}
        }
        assert_eq!(sel.unregister(&n).unwrap().data, "old", "{b:?}");
        assert_eq!(wait(&mut sel).unwrap(), vec![], "{b:?}");
    }
}
