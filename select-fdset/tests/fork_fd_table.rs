//! Issue #14 item 3: the "fd table never shrinks" memory is per process.
//!
//! The parent selects on a high fd (so the crate remembers that the fd table reaches
//! it), closes it, and forks. Linux sizes the child's fd table to the fds open at the
//! fork, so in the child the closed high fd lies beyond the table, where `select(2)`
//! silently ignores it. Before the fix the child trusted the parent's memory and timed
//! out; now it checks again and gets EBADF, as the parent does.
//!
//! One test in its own binary: nothing else runs while it forks.
#![cfg(unix)]

mod common;

use std::os::fd::AsFd;
use std::time::Duration;

use select_core::testing;
use select_fdset::select;

/// High enough to lie beyond a fresh process's fd table (64 or 256 entries on Linux)
/// and below FD_SETSIZE, so every platform's select takes it.
const HIGH: i32 = 1000;

fn select_on(fd: i32) -> std::io::Result<usize> {
    select(&[&fd], &[], &[], Some(Duration::ZERO)).map(|(r, _, _)| r.len())
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate fork(2)")]
fn child_gets_ebadf_for_a_closed_high_fd_like_the_parent() {
    let (r, _w) = testing::pipe();
    let high = common::placed_at(r.as_fd(), HIGH);
    // Teaches the process that its fd table reaches HIGH.
    assert_eq!(select_on(HIGH).unwrap(), 0);
    drop(high);
    let e = select_on(HIGH).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF), "parent: {e}");

    // Child exit codes: 0 = EBADF as required, 1 = silently nothing ready (the bug),
    // 2 = another outcome.
    let code = testing::fork_and_wait(|| match select_on(HIGH) {
        Err(e) if e.raw_os_error() == Some(libc::EBADF) => 0,
        Ok(0) => 1,
        _ => 2,
    })
    .unwrap();
    assert_ne!(
        code, 1,
        "child: select on closed fd {HIGH} timed out instead of EBADF"
    );
    assert_eq!(code, 0, "child: unexpected outcome");
    // The parent still gets EBADF too.
    assert_eq!(
        select_on(HIGH).unwrap_err().raw_os_error(),
        Some(libc::EBADF)
    );
}
