//! `select(2)` with Python's `select.select` semantics, and an fd set that grows past
//! `FD_SETSIZE`.
//!
//! * [`select`] is Python's `select.select(rlist, wlist, xlist, timeout)`: it takes lists
//!   of *waitable* objects (raw fds, files, pipe ends, sockets, mixed through
//!   `&dyn Waitable`) and returns the subsets of the **caller's own objects** that are
//!   ready, each in the caller's order, duplicates kept. [`Select`] is the same call with
//!   buffers kept between calls (no allocation per call once warm).
//! * [`FdSet`] is a safe bit set laid out as the kernel's `fd_set`, which moves to a heap
//!   buffer for fds at or above `FD_SETSIZE`.
//! * [`SelectSelector`] implements the uniform [`Selector`] contract (Python's
//!   `selectors.SelectSelector`) on `select(2)`.
//!
//! Timeouts are `Option<Duration>`: `None` blocks, zero polls, anything else is rounded up
//! to the microseconds of `select(2)` so a wait never returns early. A wait interrupted by
//! a signal is resumed with the time left (PEP 475); `Interrupted` reaches the caller only
//! when an interrupt check set with `set_interrupt_check` returns it.
//!
//! # Platforms
//!
//! Every Unix has `select(2)`. fds at or above [`FD_SETSIZE`] (1024 on Linux, macOS,
//! FreeBSD and OpenBSD, 256 on NetBSD, 65536 on 64-bit illumos and Solaris) are accepted where the kernel takes larger sets —
//! Linux, Android, FreeBSD, DragonFly, NetBSD and OpenBSD ([`LARGE_FDS`] is true) — and
//! refused with `InvalidInput` "filedescriptor out of range in select()" elsewhere
//! (macOS and iOS, whose `select` refuses them without the `_DARWIN_UNLIMITED_SELECT`
//! variant; illumos and Solaris, whose `select` fails with `EINVAL` beyond it; and any
//! other target), as CPython refuses them everywhere.
//!
//! `select(2)` cannot watch a regular file for growth: a regular file is always reported
//! ready for reading and writing.
//!
//! **Windows**: Winsock's `select`, which takes sockets only, as Python's `select.select`
//! there. Waitables are sockets (`RawSocket`, `BorrowedSocket`, `OwnedSocket`, std's TCP
//! and UDP sockets); any other handle is refused with Winsock's error (`WSAENOTSOCK`,
//! 10038, as `raw_os_error()`; Wine says `WSAEOPNOTSUPP`). [`FdSet`] is Winsock's counted
//! array (`fd_count` + `SOCKET`s) in a buffer that grows, so any number of sockets works
//! (CPython stops at 512 per list); it offers `with_capacity` instead of the Unix bit
//! set's `with_max_fd`/`reserve`/`highest`/`as_words`, and `Word` and `PIPE_BUF` do not
//! exist. Three empty lists sleep for the timeout, as on Unix (CPython on Windows raises
//! `WSAEINVAL`); timeouts are rounded up to milliseconds.
//!
//! # How it maps to Python
//!
//! | Python | here |
//! | --- | --- |
//! | `select.select(r, w, x, timeout)` | [`select`]`(&r, &w, &x, timeout)`, [`Select::select`] |
//! | `ValueError` (negative fd, fd out of range) | `ErrorKind::InvalidInput`, naming the fd |
//! | `OSError(EBADF)` (closed fd) | `io::Error` with errno `EBADF` |
//! | `TypeError` (not a waitable) | a compile error |
//! | `select.PIPE_BUF` | [`PIPE_BUF`] |
//! | `selectors.SelectSelector` | [`SelectSelector`] |
//!
//! # Example
//!
//! ```
//! # #[cfg(unix)] {
//! use std::io::{Read, Write};
//! use std::os::unix::net::UnixStream;
//! use std::time::Duration;
//! use select_fdset::select;
//!
//! let (mut a, mut b) = UnixStream::pair()?;
//! let (reader, mut writer) = std::io::pipe()?;
//!
//! // Nothing to read yet; both socket ends can be written.
//! let (r, w, x) = select(&[&a, &b], &[&a, &b], &[], Some(Duration::ZERO))?;
//! assert!(r.is_empty() && x.is_empty());
//! assert_eq!(w.len(), 2);
//!
//! b.write_all(b"ping")?;
//! writer.write_all(b"!")?;
//! let (r, _, _) = select(&[&b, &a, &a], &[], &[], Some(Duration::from_secs(5)))?;
//! assert_eq!(r.len(), 2); // `a`, listed twice, is returned twice
//! assert!(std::ptr::eq(r[0], &a) && std::ptr::eq(r[1], &a));
//! let mut buf = [0; 4];
//! a.read_exact(&mut buf)?;
//!
//! // The pipe end is a different type: put both behind `&dyn Waitable`.
//! use select_fdset::Waitable;
//! let (r, _, _) = select(&[&a as &dyn Waitable, &reader], &[], &[], None)?;
//! assert_eq!(r.len(), 1);
//! assert!(std::ptr::addr_eq(r[0], &reader));
//! # }
//! # Ok::<(), std::io::Error>(())
//! ```
#![cfg_attr(test, deny(warnings))]
#![doc(test(attr(deny(warnings))))]
// On Windows the docs above name `PIPE_BUF`, which is Unix only.
#![cfg_attr(windows, allow(rustdoc::broken_intra_doc_links))]
// Links from the other select-rs crates resolve to docs.rs when this crate's docs are not
// in the same output directory (e.g. `cargo doc --no-deps` built them later).
#![doc(html_root_url = "https://docs.rs/select-fdset/0.1.0")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs, missing_debug_implementations, rust_2018_idioms)]

// One module per concern for every platform. `fdset`, `selector` and `sys` keep their
// platform's primitives in `<module>/unix.rs` and `<module>/windows.rs` (Winsock's
// counted-array `fd_set`); the public items differ only where the docs say so (`Word`,
// `PIPE_BUF` and a few `FdSet` methods).
mod fdset;
mod select;
mod selector;
#[allow(unsafe_code)]
mod sys;

pub use fdset::{FdSet, Iter};
pub use select::{select, Ready, Select, Selected};
pub use selector::SelectSelector;
#[cfg(unix)]
pub use sys::Word;
pub use sys::{FD_SETSIZE, LARGE_FDS};

// The select-core vocabulary this crate's API speaks, so that depending on this crate
// alone is enough. `no_inline`: their docs (and examples) live in select-core.
#[cfg(unix)]
#[doc(no_inline)]
pub use select_core::PIPE_BUF;
#[doc(no_inline)]
pub use select_core::{
    timeout, Backend, Event, EventCursor, Events, Interest, InterruptCheck, RawFd, Selector,
    SelectorKey, Waitable,
};
