//! `poll(2)` with Python's `select.poll` semantics, O(1) registration, and a
//! [`Selector`] on top.
//!
//! Available on every Unix (Linux, Android, the BSDs, macOS...). **On Windows this crate
//! is empty** (Python has no `select.poll` there; it still compiles, so a workspace can
//! depend on it unconditionally). Two layers:
//!
//! * [`Poll`] is Python's `select.poll()` object: [`register`](Poll::register) (twice
//!   just replaces the mask), [`modify`](Poll::modify) (unknown fd: `ENOENT`),
//!   [`unregister`](Poll::unregister) (unknown fd: `NotFound`, Python's `KeyError`) and
//!   [`poll`](Poll::poll) returning `(fd, revents)` pairs. It keeps its `pollfd` array up
//!   to date on every change (O(1); results in registration order, as CPython's)
//!   instead of rebuilding it per wait, and
//!   [`poll_into`](Poll::poll_into) waits into a caller's buffer without allocating.
//! * [`PollFlags`] holds the `POLL*` constants the platform defines, printing their
//!   names in `Debug` and keeping unknown bits.
//! * [`PollSelector`] is Python's `selectors.PollSelector` with select-core's uniform
//!   [`Selector`] contract.
//! * On illumos and Solaris, `DevPoll` is Python's `select.devpoll()` (the `/dev/poll`
//!   device, which speaks the same `pollfd` records) and `DevpollSelector` is
//!   `selectors.DevpollSelector`. CI type-checks them for those targets but cannot run
//!   them: their behaviour follows illumos's `poll(7d)` manual page and CPython's
//!   `select.devpoll`, unverified on a real kernel.
//!
//! # From Python
//!
//! | Python | Rust |
//! | --- | --- |
//! | `p = select.poll()` | `let mut p = Poll::new();` |
//! | `p.register(fd)` | `p.register(&fd, PollFlags::default())?` |
//! | `p.register(fd, select.POLLIN)` | `p.register(&fd, PollFlags::POLLIN)?` |
//! | `p.modify(fd, mask)` | `p.modify(&fd, mask)?` (`ENOENT` if unknown) |
//! | `p.unregister(fd)` | `p.unregister(&fd)?` (`NotFound` if unknown) |
//! | `p.poll()` / `p.poll(None)` / `p.poll(-1)` | `p.poll(None)?` |
//! | `p.poll(0)` | `p.poll(Some(Duration::ZERO))?` |
//! | `p.poll(50)` | `p.poll(Some(Duration::from_millis(50)))?` |
//! | `p.poll(ms)` with a float from elsewhere | `p.poll(timeout::from_poll_millis_f64(ms)?)?` (CPython's exact rules, `INT_MAX` ms bound included) |
//!
//! `fd` is anything [`Waitable`]: a raw fd, a pipe end, a socket, a file. `timeout` is
//! this crate's [`timeout`] module (select-core's, re-exported); it says which timeout
//! bound each object applies (CPython refuses poll timeouts of 2\*\*31 ms or more; `Poll`
//! takes any `Duration` and waits in chunks). Errors are [`std::io::Error`]s whose kind and errno stand for
//! the Python exception (see select-core's `error` module). Everything the examples use
//! is reachable from this crate alone: [`Selector`], [`Interest`], [`Events`],
//! [`SelectorKey`], [`Waitable`], [`timeout`], [`InterruptCheck`] are re-exported from
//! select-core.
//!
//! # Example
//!
//! ```
//! # #[cfg(unix)] {
//! use std::io::{Read, Write};
//! use std::os::fd::AsRawFd;
//! use std::os::unix::net::UnixStream;
//! use std::time::Duration;
//! use select_poll::{Poll, PollFlags};
//!
//! let (mut a, b) = UnixStream::pair()?;
//! let (reader, writer) = std::io::pipe()?;
//! let mut poll = Poll::new();
//! poll.register(&b, PollFlags::POLLIN)?;
//! poll.register(&reader, PollFlags::POLLIN)?;
//!
//! // Nothing is ready: the 20 ms timeout passes and the result is empty.
//! assert!(poll.poll(Some(Duration::from_millis(20)))?.is_empty());
//!
//! // Data on the socket, and the pipe's writer hangs up.
//! a.write_all(b"hello")?;
//! drop(writer);
//! let ready = poll.poll(None)?;
//! assert_eq!(ready.len(), 2);
//! assert_eq!(ready[0], (b.as_raw_fd(), PollFlags::POLLIN));
//! assert_eq!(ready[1].0, reader.as_raw_fd());
//! assert!(ready[1].1.contains(PollFlags::POLLHUP));
//! assert_eq!(format!("{:?}", ready[0].1), "POLLIN");
//!
//! // Registering again replaces the mask (and keeps the slot).
//! poll.register(&b, PollFlags::POLLOUT)?;
//! assert_eq!(poll.mask(b.as_raw_fd()), Some(PollFlags::POLLOUT));
//! poll.unregister(&reader)?;
//! let e = poll.unregister(&reader).unwrap_err();
//! assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
//!
//! let mut buf = [0; 5];
//! (&b).read_exact(&mut buf)?;
//! # }
//! # Ok::<(), std::io::Error>(())
//! ```
#![cfg_attr(test, deny(warnings))]
#![doc(test(attr(deny(warnings))))]
// Links from the other select-rs crates resolve to docs.rs when this crate's docs are not
// in the same output directory (e.g. `cargo doc --no-deps` built them later).
#![doc(html_root_url = "https://docs.rs/select-poll/0.1.0")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The build script's cfg names (see build.rs) would show as "Available on poll_rdband
// only", which tells a reader nothing: they follow what the target's libc defines.
#![cfg_attr(
    docsrs,
    doc(auto_cfg(hide(poll_rdband, poll_wrband, poll_rdhup, poll_msg)))
)]
#![deny(missing_docs, missing_debug_implementations, rust_2018_idioms)]
// Where the crate is empty (Windows), the links of the docs above have nothing to
// point to.
#![cfg_attr(not(unix), allow(rustdoc::broken_intra_doc_links))]

#[cfg(has_devpoll)]
mod devpoll;
#[cfg(has_devpoll)]
mod devpoll_selector;
#[cfg(unix)]
mod flags;
#[cfg(unix)]
mod poll;
#[cfg(unix)]
mod selector;
#[cfg(unix)]
#[allow(unsafe_code)]
mod sys;
#[cfg(unix)]
mod timeouts;

#[cfg(has_devpoll)]
pub use devpoll::DevPoll;
#[cfg(has_devpoll)]
pub use devpoll_selector::DevpollSelector;
#[cfg(unix)]
pub use flags::PollFlags;
#[cfg(unix)]
pub use poll::Poll;
#[cfg(unix)]
pub use selector::PollSelector;

// The select-core vocabulary this crate's API speaks, so that depending on this crate
// alone is enough. `no_inline`: their docs (and examples) live in select-core.
#[cfg(unix)]
#[doc(no_inline)]
pub use select_core::{
    timeout, Backend, Event, EventCursor, Events, Interest, InterruptCheck, Selector, SelectorKey,
    Waitable, PIPE_BUF,
};
