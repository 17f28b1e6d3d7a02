//! What select-fdset's Unix test binaries share: timeouts, the skip for fds at or above
//! 1024 under emulation, fds placed at given numbers, a selector over readable pipes, and
//! the check that a result is exactly the caller's object.
#![allow(dead_code)] // each test binary uses its own share

use std::io::{PipeReader, PipeWriter, Write};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::time::Duration;

use select_core::testing::{dup_at_or_skip, pipe};
use select_fdset::{Interest, SelectSelector, Selector};

/// Long enough for anything that is ready to be reported.
pub const LONG: Option<Duration> = Some(Duration::from_secs(5));
/// A poll.
pub const ZERO: Option<Duration> = Some(Duration::ZERO);

pub use select_core::testing::high_fds_usable;

/// `fd` duplicated at exactly `target`, or `None` (said out loud) if the fd limit keeps
/// that number out of reach.
pub fn at(fd: BorrowedFd<'_>, target: i32) -> Option<OwnedFd> {
    dup_at_or_skip(fd.as_raw_fd(), target)
}

/// `fd` duplicated at exactly `target`, for a test that cannot do without that number.
///
/// # Panics
///
/// If it cannot be placed there (`RLIMIT_NOFILE` too low, or the number taken).
pub fn placed_at(fd: BorrowedFd<'_>, target: i32) -> OwnedFd {
    select_core::testing::dup_at(fd.as_raw_fd(), target)
        .unwrap_or_else(|e| panic!("cannot place an fd at {target} (RLIMIT_NOFILE too low?): {e}"))
}

/// Asserts that `got` holds exactly one entry, `want` itself (the caller's own object,
/// not a copy).
#[track_caller]
pub fn assert_just<T: ?Sized, U: ?Sized>(got: &[&T], want: &U) {
    assert_eq!(got.len(), 1);
    assert!(std::ptr::addr_eq(got[0], want));
}

/// A pipe with a byte to read.
pub fn readable_pipe() -> (PipeReader, PipeWriter) {
    let (r, w) = pipe();
    (&w).write_all(b"x").unwrap();
    (r, w)
}

/// `n` pipes whose read ends are registered for READ in a new selector; with `readable`,
/// each has a byte to read.
pub fn registered_pipes(
    n: usize,
    readable: bool,
) -> (Vec<(PipeReader, PipeWriter)>, SelectSelector<()>) {
    let mut sel = SelectSelector::new().unwrap();
    let pipes: Vec<_> = (0..n)
        .map(|_| if readable { readable_pipe() } else { pipe() })
        .collect();
    for (r, _) in &pipes {
        sel.register(r, Interest::READ, ()).unwrap();
    }
    (pipes, sel)
}

/// Runs `test`, which uses fds at or above 1024, unless they cannot be used here (said
/// out loud). `test` returns `None` when it could not place one of its fds (said out
/// loud too, by `dup_at_or_skip`).
pub fn with_high_fds(test: impl FnOnce() -> Option<()>) {
    if high_fds_usable() {
        let _placed = test();
    }
}
