//! SelectSelector: the registration rules of the Selector contract.

use std::io::ErrorKind;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::Duration;

use select_core::testing::{dup_at, is_open, pipe, socketpair};
use select_fdset::{Backend, Events, Interest, SelectSelector, Selector};

const ZERO: Option<Duration> = Some(Duration::ZERO);

fn selector<T>() -> SelectSelector<T> {
    SelectSelector::new().unwrap()
}

#[test]
fn register_returns_the_key_and_get_key_finds_it() {
    let (r, w) = pipe();
    let mut sel = selector::<&str>();
    assert_eq!(sel.backend(), Backend::Select);
    assert!(sel.is_empty());
    let key = sel.register(&r, Interest::READ, "r").unwrap();
    assert_eq!(
        (key.fd, key.interest, key.data),
        (r.as_raw_fd(), Interest::READ, "r")
    );
    sel.register(&w.as_raw_fd(), Interest::WRITE, "w").unwrap();
    assert_eq!(sel.len(), 2);
    assert_eq!(sel.get_key(&w).unwrap().data, "w");
    assert_eq!(sel.get_key(&r.as_fd()).unwrap().data, "r");
    let mut fds: Vec<_> = sel.keys().map(|k| k.fd).collect();
    fds.sort();
    assert_eq!(fds, {
        let mut v = vec![r.as_raw_fd(), w.as_raw_fd()];
        v.sort();
        v
    });
}

#[test]
fn duplicate_register_is_already_exists() {
    let (r, _w) = pipe();
    let mut sel = selector();
    sel.register(&r, Interest::READ, 1).unwrap();
    // The same fd through another object.
    let e = sel
        .register(&r.as_raw_fd(), Interest::WRITE, 2)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    assert!(e.to_string().contains(&r.as_raw_fd().to_string()));
    let key = sel.get_key(&r).unwrap();
    assert_eq!((key.interest, key.data), (Interest::READ, 1));
}

#[test]
fn unknown_fd_is_not_found() {
    let (r, _w) = pipe();
    let mut sel = selector::<()>();
    assert_eq!(sel.get_key(&r).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(
        sel.modify(&r, Interest::READ, ()).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(sel.unregister(&r).unwrap_err().kind(), ErrorKind::NotFound);
    sel.register(&r, Interest::READ, ()).unwrap();
    sel.unregister(&r).unwrap();
    let e = sel.unregister(&r).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "unregister twice");
}

#[test]
fn empty_interest_is_invalid_input() {
    let (r, _w) = pipe();
    let mut sel = selector();
    let e = sel.register(&r, Interest::EMPTY, 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(sel.get_key(&r).is_err(), "nothing registered");
    sel.register(&r, Interest::READ, 0).unwrap();
    let e = sel.modify(&r, Interest::EMPTY, 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let key = sel.get_key(&r).unwrap();
    assert_eq!((key.interest, key.data), (Interest::READ, 0));
}

#[test]
fn negative_fd_is_invalid_input() {
    let mut sel = selector();
    for e in [
        sel.register(&-1, Interest::READ, ()).unwrap_err(),
        sel.modify(&-2, Interest::READ, ()).unwrap_err(),
        sel.unregister(&-3).unwrap_err(),
        sel.get_key(&-4).unwrap_err(),
        sel.set_wake_fd(Some(-5)).unwrap_err(),
    ] {
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("negative"), "{e}");
    }
}

#[test]
fn register_of_a_closed_fd_is_ebadf() {
    let (r, _w) = pipe();
    let gone = match dup_at(r.as_raw_fd(), 4321) {
        Ok(fd) => fd,
        Err(_) => return,
    };
    drop(gone);
    assert!(!is_open(4321));
    let mut sel = selector();
    let e = sel.register(&4321, Interest::READ, ()).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    assert!(sel.is_empty(), "a refused fd leaves nothing registered");
    let e = sel.register(&(1 << 30), Interest::WRITE, ()).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
}

#[test]
fn failed_modify_keeps_the_old_registration() {
    let (r, _w) = pipe();
    let dup: OwnedFd = match dup_at(r.as_raw_fd(), 4400) {
        Ok(fd) => fd,
        Err(_) => return,
    };
    let mut sel = selector();
    sel.register(&dup, Interest::READ, "old").unwrap();
    drop(dup);
    // The interest changes but the fd is gone: EBADF, and the old key stays.
    let e = sel.modify(&4400, Interest::WRITE, "new").unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    let key = sel.get_key(&4400).unwrap();
    assert_eq!((key.interest, key.data), (Interest::READ, "old"));
    // Same interest: only the data changes, no kernel check.
    let key = sel.modify(&4400, Interest::READ, "data only").unwrap();
    assert_eq!(key.data, "data only");
    sel.unregister(&4400).unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn modify_changes_interest_and_data() {
    let (a, _b) = socketpair();
    let mut sel = selector();
    sel.register(&a, Interest::READ, 1).unwrap();
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    let key = sel.modify(&a, Interest::READ | Interest::WRITE, 2).unwrap();
    assert_eq!(
        (key.interest, key.data),
        (Interest::READ | Interest::WRITE, 2)
    );
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 1);
    assert_eq!(events.as_slice()[0].ready(), Interest::WRITE);
    sel.modify(&a, Interest::READ, 3).unwrap();
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn unregister_after_close_and_after_reuse() {
    let (r, w) = pipe();
    let (r2, _w2) = pipe();
    let target = 4500;
    let Ok(first) = dup_at(r.as_raw_fd(), target) else {
        return;
    };
    let mut sel = selector();
    sel.register(&first, Interest::READ, "first").unwrap();
    drop(first);
    // Closed: unregister still works.
    assert_eq!(sel.unregister(&target).unwrap().data, "first");

    let Ok(second) = dup_at(r2.as_raw_fd(), target) else {
        return;
    };
    sel.register(&second, Interest::READ, "second").unwrap();
    drop(second);
    // The number now names something else (a writer, always writable).
    let Ok(third) = dup_at(w.as_raw_fd(), target) else {
        return;
    };
    let key = sel.unregister(&third).unwrap();
    assert_eq!(key.data, "second");
    let mut events = Events::with_capacity(4);
    assert_eq!(sel.select(&mut events, ZERO).unwrap(), 0);
    assert!(sel.is_empty());
}
