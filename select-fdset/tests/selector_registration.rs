//! SelectSelector: the registration rules of the Selector contract.
#![cfg(unix)]

use select_core::__private::WakeFd;
use std::io::ErrorKind;
use std::os::fd::{AsFd, AsRawFd};

use select_core::testing::{dup_at_or_skip, is_open, pipe};
use select_fdset::{Backend, Interest, SelectSelector, Selector};

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
    let Some(gone) = dup_at_or_skip(r.as_raw_fd(), 4321) else {
        return;
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
