//! Linux `epoll` with the semantics of Python's `select.epoll`, nanosecond timeouts and
//! thread-safe registration.
//!
//! Wraps `epoll_create1(2)`, `epoll_ctl(2)`, `epoll_wait(2)` and `epoll_pwait2(2)`.
//! **Linux and Android only**: on every other OS this crate is empty (it still compiles,
//! so a workspace can depend on it unconditionally).
//!
//! * [`Epoll`] is Python's `select.epoll` object: `register`/`modify`/`unregister`/`poll`
//!   with Python's argument checks and the kernel's errors kept (EEXIST, ENOENT, EBADF,
//!   EPERM), `close`/`closed`, `from_fd` (Python's `fromfd`). Its methods take `&self`
//!   and it is `Send + Sync`, so one thread can register while another waits.
//!   [`Epoll::poll`] returns a `Vec` like Python; [`Epoll::poll_into`] fills a reusable
//!   [`EpollEvents`] buffer without allocating.
//! * Timeouts are `Option<Duration>` (`None` blocks, zero polls) and are honoured to the
//!   nanosecond with `epoll_pwait2` (Linux 5.11+); on older kernels, or where a seccomp
//!   filter forbids it, waits fall back once per process to `epoll_wait` with the timeout
//!   rounded **up** to milliseconds, so a 200 µs wait never becomes a busy loop.
//!   Interrupted waits are resumed with the remaining time (PEP 475).
//! * [`EpollFlags`] is the event mask (`EPOLLIN`, `EPOLLET`, `EPOLLONESHOT`...), whose
//!   `Debug` prints names.
//! * [`EpollSelector`] implements select-core's [`Selector`]
//!   contract (Python's `selectors.EpollSelector`), level-triggered, O(ready fds) per
//!   wait, with no allocation once warm.
//!
//! Python's `select.epoll(sizehint, flags)` is [`Epoll::with_flags`], with `flags` `0`
//! or [`EPOLL_CLOEXEC`]; as in CPython the fd is close-on-exec either way
//! ([`Epoll::new`] is `select.epoll()`).
//!
//! # From Python
//!
//! | Python | Rust |
//! | --- | --- |
//! | `ep = select.epoll()` | `let ep = Epoll::new()?;` |
//! | `select.epoll.fromfd(fd)` | `Epoll::from_fd(owned_fd)?` |
//! | `ep.register(fd)` / `ep.register(fd, select.EPOLLIN)` | `ep.register_default(&fd)?` / `ep.register(&fd, EpollFlags::EPOLLIN)?` (`AlreadyExists`, EEXIST, if registered) |
//! | `ep.modify(fd, mask)` | `ep.modify(&fd, mask)?` (`NotFound`, ENOENT, if unknown) |
//! | `ep.unregister(fd)` | `ep.unregister(&fd)?` (`NotFound`, ENOENT, if unknown) |
//! | `ep.poll()` / `ep.poll(-1)` | `ep.poll(None, -1)?` |
//! | `ep.poll(0)` | `ep.poll(Some(Duration::ZERO), -1)?` |
//! | `ep.poll(0.5, 10)` | `ep.poll(Some(Duration::from_millis(500)), 10)?` |
//! | `ep.close()`, `ep.closed`, `ep.fileno()` | `ep.close()`, `ep.closed()`, `ep.fileno()?` |
//! | `select.EPOLLIN`, `select.EPOLLET`... | `EpollFlags::EPOLLIN`, `EpollFlags::EPOLLET`... |
//! | `selectors.EpollSelector()` | `EpollSelector::new()?` |
//! | `ValueError` (closed object, bad `maxevents`) | `io::ErrorKind::InvalidInput` |
//! | `OSError(errno)` | `io::Error` carrying the errno |
//!
//! **The `dup` trap**: a registration belongs to the open file description, not to the
//! fd number. If the registered fd was duplicated and only the registered number is
//! closed, events keep coming under the old number. Unregister before closing.
//!
//! # Example
//!
//! ```
//! use std::io::{Read, Write};
//! use std::os::fd::AsRawFd;
//! use std::time::Duration;
//! # #[cfg(any(target_os = "linux", target_os = "android"))]
//! use select_epoll::{Epoll, EpollFlags};
//!
//! # #[cfg(any(target_os = "linux", target_os = "android"))]
//! # fn main() -> std::io::Result<()> {
//! let ep = Epoll::new()?;
//! let (mut reader, mut writer) = std::io::pipe()?;
//! ep.register(&reader, EpollFlags::EPOLLIN)?;
//!
//! // Nothing to read yet: a 200 µs wait times out (after at least 200 µs).
//! assert!(ep.poll(Some(Duration::from_micros(200)), -1)?.is_empty());
//!
//! writer.write_all(b"ping")?;
//! let ready = ep.poll(None, -1)?;
//! assert_eq!(ready, vec![(reader.as_raw_fd(), EpollFlags::EPOLLIN)]);
//! let mut buf = [0; 4];
//! reader.read_exact(&mut buf)?;
//!
//! // A second registration of the same fd is the kernel's EEXIST.
//! let e = ep.register(&reader, EpollFlags::EPOLLIN).unwrap_err();
//! assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
//! ep.unregister(&reader)?;
//! # Ok(())
//! # }
//! # #[cfg(not(any(target_os = "linux", target_os = "android")))]
//! # fn main() {}
//! ```
#![cfg_attr(test, deny(warnings))]
#![doc(test(attr(deny(warnings))))]
// Links from the other select-rs crates resolve to docs.rs when this crate's docs are not
// in the same output directory (e.g. `cargo doc --no-deps` built them later).
#![doc(html_root_url = "https://docs.rs/select-epoll/0.1.0")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(target_os = "linux", target_os = "android"))]
mod epoll;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod flags;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod selector;
#[cfg(any(target_os = "linux", target_os = "android"))]
#[allow(unsafe_code)]
mod sys;

#[cfg(any(target_os = "linux", target_os = "android"))]
pub use epoll::{Epoll, EpollEvents, DEFAULT_MAXEVENTS, EPOLL_CLOEXEC, MAX_MAXEVENTS};
/// Test hooks of this crate (process-wide switches). **Not part of the public API and
/// not covered by semver.**
#[cfg(any(target_os = "linux", target_os = "android"))]
#[doc(hidden)]
pub mod __private {
    pub use crate::epoll::{__force_epoll_wait_fallback, __uses_epoll_pwait2};
}
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use flags::EpollFlags;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub use selector::EpollSelector;

// The select-core vocabulary this crate's API speaks, so that depending on this crate
// alone is enough. `no_inline`: their docs (and examples) live in select-core.
#[cfg(unix)]
#[doc(no_inline)]
pub use select_core::{
    timeout, Backend, Event, EventCursor, Events, Interest, InterruptCheck, Selector, SelectorKey,
    Waitable, PIPE_BUF,
};
