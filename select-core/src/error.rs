//! Error conventions shared by every select-rs crate.
//!
//! All fallible calls return [`std::io::Error`]:
//!
//! | situation | kind | errno | Python |
//! | --- | --- | --- | --- |
//! | the kernel refused | follows the errno | yes | `OSError(errno)` |
//! | bad value (negative fd, NaN timeout, empty interest...) | `InvalidInput` | no | `ValueError` / `OverflowError` |
//! | call on a closed object | `InvalidInput` | no | `ValueError("I/O operation on closed ... object")` |
//! | fd not registered | `NotFound` | ENOENT where Python raises `OSError(ENOENT)` | `KeyError` / `FileNotFoundError` |
//! | fd already registered | `AlreadyExists` | EEXIST where Python raises `OSError(EEXIST)` | `KeyError` / `FileExistsError` |
//!
//! The helpers below build those errors so every crate words them the same way.
//!
//! # EBADF, ENOENT and the fd in the message
//!
//! An `io::Error` holds either an errno ([`raw_os_error`](io::Error::raw_os_error)) or
//! a message, never both. The rule is therefore:
//!
//! * where the **kernel** gave the errno (`EBADF` from `select(2)`, `epoll_ctl(2)`,
//!   `kevent(2)` or the `fcntl(F_GETFD)` open check; `ENOENT`/`EEXIST` from
//!   `epoll_ctl`), the error is the errno as given: `raw_os_error()` is kept, and the
//!   message is the OS's ("Bad file descriptor (os error 9)"), as CPython's `OSError`
//!   carries no fd either;
//! * where select-rs **reproduces a Python errno itself** without a syscall (only
//!   `Poll::modify` of an unregistered fd, Python's `OSError(ENOENT)`), the errno is
//!   kept too ([`errno`]), because Python code ported to Rust tests `errno`;
//! * every error select-rs **builds from scratch** names the fd or the bad value:
//!   [`not_registered`] and [`already_registered`] ("file descriptor 7 is not
//!   registered"), a negative fd ("file descriptor cannot be a negative integer (-1)"),
//!   an fd out of range for `select()`, a closed object.

use std::fmt;
use std::io;

use crate::RawFd;

/// An [`io::ErrorKind::InvalidInput`] error carrying `msg`, Python's `ValueError`.
///
/// ```
/// let e = select_core::error::invalid_input(format!("bad mask {:#x}", 0x100));
/// assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
/// assert_eq!(e.to_string(), "bad mask 0x100");
/// ```
#[must_use]
pub fn invalid_input(msg: impl fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg.to_string())
}

/// The error every call on a closed object returns:
/// `"I/O operation on closed {what} object"` with kind `InvalidInput`.
///
/// ```
/// let e = select_core::error::closed("epoll");
/// assert_eq!(e.to_string(), "I/O operation on closed epoll object");
/// ```
#[must_use]
pub fn closed(what: &str) -> io::Error {
    invalid_input(format!("I/O operation on closed {what} object"))
}

/// `NotFound` error for an fd the object does not know: `"file descriptor {fd} is not
/// registered"` (Python's `KeyError`).
#[must_use]
pub fn not_registered(fd: RawFd) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("file descriptor {fd} is not registered"),
    )
}

/// `AlreadyExists` error for an fd registered twice: `"file descriptor {fd} is already
/// registered"` (Python's `KeyError` in `selectors`).
#[must_use]
pub fn already_registered(fd: RawFd) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("file descriptor {fd} is already registered"),
    )
}

/// An error carrying a raw errno, as the kernel would have returned it
/// (e.g. `ENOENT` for Python's `poll.modify` of an unknown fd).
#[must_use]
pub fn errno(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use crate::__private::{cvt, is_interrupted};

    #[test]
    fn kinds_and_messages() {
        assert_eq!(closed("kqueue").kind(), io::ErrorKind::InvalidInput);
        let e = not_registered(7);
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(e.to_string().contains('7'));
        let e = already_registered(9);
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert!(e.to_string().contains('9'));
        let e = errno(libc::ENOENT);
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
    }

    #[cfg(unix)]
    #[test]
    fn cvt_maps_minus_one_to_last_error() {
        assert_eq!(cvt(0i32).unwrap(), 0);
        assert_eq!(cvt(5isize).unwrap(), 5);
        // close(-1) fails with EBADF and sets errno.
        let e = cvt(crate::sys::close_raw(-1)).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        assert!(!is_interrupted(&e));
        assert!(is_interrupted(&errno(libc::EINTR)));
    }
}
