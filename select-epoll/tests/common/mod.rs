//! Helpers shared by the integration tests (each test file uses a subset).
#![allow(dead_code, unused_imports)]

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

pub use select_core::testing::{drain, is_open, pipe, socketpair, write_after, write_byte};
use select_core::{Interest, Selector, Waitable};
use select_epoll::{Epoll, EpollFlags, EpollSelector};

/// A zero timeout: the wait only looks.
pub const NOW: Option<Duration> = Some(Duration::ZERO);

/// A generous upper bound for waits that must return "soon".
pub const SOON: Duration = Duration::from_secs(5);

/// An `Epoll` watching a new pipe's reader for `EPOLLIN`: `(epoll, reader, writer)`.
pub fn epoll_on_reader() -> (Epoll, io::PipeReader, io::PipeWriter) {
    let ep = Epoll::new().unwrap();
    let (r, w) = pipe();
    ep.register(&r, EpollFlags::EPOLLIN).unwrap();
    (ep, r, w)
}

/// An `Epoll` that watched, for `EPOLLIN`, a high duplicate (near `hint`, a number no
/// other test thread is handed once it is closed) of a new pipe's reader, by number;
/// the duplicate is closed again. `(epoll, that number, reader, writer)`: the reader
/// keeps the open file description alive.
pub fn epoll_on_a_closed_dup(hint: RawFd) -> (Epoll, RawFd, io::PipeReader, io::PipeWriter) {
    let ep = Epoll::new().unwrap();
    let (r, w) = pipe();
    let registered = high_dup(&r, hint);
    let n = registered.as_raw_fd();
    ep.register(&n, EpollFlags::EPOLLIN).unwrap();
    drop(registered);
    (ep, n, r, w)
}

/// A new `EpollSelector` with `fd` registered for `interest`, with `data`.
pub fn selector_with<T, W: Waitable + ?Sized>(
    fd: &W,
    interest: Interest,
    data: T,
) -> EpollSelector<T> {
    select_core::testing::registered(EpollSelector::new().unwrap(), fd, interest, data)
}

/// `r` failed with exactly `errno`: that raw errno, and the kind std gives it.
#[track_caller]
pub fn assert_errno<T: std::fmt::Debug>(r: io::Result<T>, errno: i32) {
    let e = r.expect_err("expected an error");
    assert_eq!(e.raw_os_error(), Some(errno), "{e}");
    assert_eq!(e.kind(), io::Error::from_raw_os_error(errno).kind(), "{e}");
}

/// A fd number far above what the tests of this binary allocate by themselves (the
/// kernel hands out the lowest free number), placed with `dup_at`, so closing it cannot
/// race with another thread reusing the number.
pub fn high_dup(fd: &impl AsRawFd, hint: RawFd) -> OwnedFd {
    select_core::testing::dup_near(fd.as_raw_fd(), hint, 20)
}

/// A number that no thread of the test binary has open: a high number checked closed.
pub fn unused_fd(hint: RawFd) -> RawFd {
    (hint..hint + 20)
        .find(|&fd| !is_open(fd))
        .expect("a closed fd number")
}

/// An eventfd made readable (counter 1).
pub fn ready_eventfd() -> File {
    let mut f = File::from(select_core::testing::eventfd().expect("eventfd"));
    f.write_all(&1u64.to_ne_bytes()).expect("eventfd write");
    f
}

/// A regular file, opened for reading.
pub fn regular_file() -> io::Result<File> {
    File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
}
