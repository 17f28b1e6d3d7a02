//! Shared vocabulary of the select-rs crates: fd-like *waitable* objects, timeout
//! conversions, EINTR retry with a deadline, and the uniform [`Selector`] trait.
//!
//! Every mechanism crate (`select-fdset`, `select-poll`, `select-epoll`,
//! `select-kqueue`) builds on this crate and nothing else but `libc`, so the rules
//! written here are the rules of all of them:
//!
//! * **Waitable objects** ([`Waitable`]): a raw fd integer or anything that owns or
//!   borrows an fd (files, pipes, sockets, `BorrowedFd`,
//!   `OwnedFd`), as Python accepts an `int` or any object with
//!   `fileno()`. A negative fd is refused with [`ErrorKind::InvalidInput`](std::io::ErrorKind).
//! * **Timeouts** ([`timeout`]): every wait takes `Option<Duration>`; `None` blocks, zero
//!   polls, anything else is rounded **up** to the syscall's resolution so a wait never
//!   returns before its timeout and never degenerates into a busy loop.
//! * **EINTR**: an interrupted wait is run again with the remaining time, recomputed
//!   from one monotonic deadline (PEP 475).
//! * **Errors** ([`error`]): `std::io::Error` with a fitting kind, the errno where the OS
//!   gave one, and a message naming the bad value otherwise.
//! * **Selectors** ([`Selector`], [`Interest`], [`SelectorKey`], [`Events`]): the
//!   contract of Python's `selectors.BaseSelector`, identical on every backend.
//!
//! Backend plumbing shared by the sibling crates (the registration table, the EINTR loop,
//! the `-1` to `io::Error` helper, the wake-fd hook) lives in a hidden `__private` module
//! that is not part of the API and not covered by semver.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//! use select_core::{timeout, Event, Interest, Waitable};
//!
//! // Python's "int or object with fileno()": a file descriptor on Unix, a `SOCKET`
//! // handle on Windows; a negative number is refused, as Python's ValueError.
//! let sock = std::net::UdpSocket::bind("127.0.0.1:0")?;
//! let fd = sock.fileno()?;
//! assert_eq!(fd.fileno()?, fd);
//! # #[cfg(unix)]
//! assert_eq!((-1).fileno().unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
//!
//! // 0.5 ms becomes 1 ms for poll(2), never 0; Python's float seconds, checked as
//! // CPython checks them.
//! assert_eq!(timeout::to_millis_ceil(Some(Duration::from_micros(500))), 1);
//! let t = timeout::from_secs_f64(0.25, timeout::Negative::Refuse)?;
//! assert_eq!(t, Some(Duration::from_millis(250)));
//! assert!(timeout::from_secs_f64(f64::NAN, timeout::Negative::Refuse).is_err());
//!
//! // What a selector reports, as a unit test of a handler would build it.
//! let e = Event::readable(fd);
//! assert_eq!(e.ready(), Interest::READ);
//! # Ok::<(), std::io::Error>(())
//! ```
#![cfg_attr(test, deny(warnings))]
#![doc(test(attr(deny(warnings))))]
// On Windows the docs above name Unix items (fd types, `Poll`, `PIPE_BUF`) that do not
// exist there.
#![cfg_attr(windows, allow(rustdoc::broken_intra_doc_links))]
// Links from the other select-rs crates resolve to docs.rs when this crate's docs are not
// in the same output directory (e.g. `cargo doc --no-deps` built them later).
#![doc(html_root_url = "https://docs.rs/select-core/0.1.0")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(hidden)]
pub mod __private;
mod base;
pub mod error;
mod event;
// The fault-injection seam of the sys modules: only with `--cfg select_faults`.
#[cfg(select_faults)]
#[doc(hidden)]
pub mod fault;
mod fd;
mod flag_set;
mod registry;
// Plumbing: the sibling crates reach it as `__private::retry`.
mod retry;
mod selector;
#[allow(unsafe_code)]
#[cfg_attr(windows, path = "sys/windows.rs")]
mod sys;
#[cfg(feature = "testing")]
#[cfg_attr(windows, path = "testing/windows.rs")]
pub mod testing;
pub mod timeout;

pub use fd::{fileno, RawFd, Waitable};
pub use retry::InterruptCheck;
pub use selector::{Backend, Event, EventCursor, Events, Interest, Selector, SelectorKey};

/// `PIPE_BUF`: the largest write to a pipe that the kernel performs atomically
/// (POSIX guarantees at least 512; Linux has 4096, macOS and the BSDs 512).
///
/// A pipe reported writable accepts a write of this many bytes without blocking.
/// Unix only, as in Python.
#[cfg(unix)]
pub const PIPE_BUF: usize = sys::PIPE_BUF;
