//! Issue #23 item 4: `SelectSelector`'s wait checks a closed highest fd against the fd
//! table of *this* process, as the free `select()` does (tests/fork_fd_table.rs).
//!
//! The parent registers a high fd, waits once (the process learns that its fd table
//! reaches it), closes the fd and forks. The child's fd table only covers the fds open
//! at the fork, so the closed number lies beyond it, where `select(2)` ignores it: the
//! child's wait must still fail with EBADF, as the parent's does.
//!
//! One test in its own binary: nothing else runs while it forks.
#![cfg(unix)]

mod common;

use std::os::fd::AsFd;
use std::time::Duration;

use select_core::testing;
use select_fdset::{Events, Interest, SelectSelector, Selector};

/// Beyond a fresh process's fd table (64 or 256 entries on Linux), below FD_SETSIZE.
const HIGH: i32 = 1010;

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate fork(2)")]
fn a_forked_child_gets_ebadf_for_a_closed_registered_high_fd() {
    let (r, _w) = testing::pipe();
    let high = common::placed_at(r.as_fd(), HIGH);
    let mut sel = SelectSelector::<()>::new().unwrap();
    sel.register(&HIGH, Interest::READ, ()).unwrap();
    let mut events = Events::with_capacity(4);
    let wait = Some(Duration::from_millis(50));
    assert_eq!(sel.select(&mut events, wait).unwrap(), 0);
    drop(high);
    let e = sel.select(&mut events, wait).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF), "parent: {e}");

    // Child exit codes: 0 = EBADF as required, 1 = timed out with nothing (the bug),
    // 2 = another outcome.
    let code = testing::fork_and_wait(|| match sel.select(&mut events, wait) {
        Err(e) if e.raw_os_error() == Some(libc::EBADF) => 0,
        Ok(0) => 1,
        _ => 2,
    })
    .unwrap();
    assert_ne!(code, 1, "child: the wait timed out instead of EBADF");
    assert_eq!(code, 0, "child: unexpected outcome");
    assert_eq!(
        sel.select(&mut events, wait).unwrap_err().raw_os_error(),
        Some(libc::EBADF)
    );
}
