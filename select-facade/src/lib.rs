//! Python's `select` and `selectors` modules for Rust: one crate to depend on.
//!
//! `use select_facade as select;` reads like Python's `import select`: the
//! [`select()`](crate::select()) function, [`Poll`], `Epoll` (Linux), `Kqueue` and
//! `KEvent` with the `KQ_*` constants (BSD/macOS, or Linux with the `libkqueue`
//! feature), their flags, and [`PIPE_BUF`], re-exported from the mechanism crates for
//! whatever the target has. Python's `select.POLLIN` is [`PollFlags::POLLIN`] here, and
//! `select.EPOLLIN` is `EpollFlags::EPOLLIN`: typed flags instead of bare integers.
//!
//! | Python | here |
//! | --- | --- |
//! | `select.select(r, w, x, t)` | [`select()`](crate::select()), or a reusable [`Select`] |
//! | `select.poll()` | [`Poll::new()`] |
//! | `select.epoll()` | `Epoll::new()` (Linux, Android) |
//! | `select.kqueue()`, `select.kevent(...)` | `Kqueue::new()`, `KEvent::new(ident)` |
//! | `select.devpoll()` | `DevPoll::new()` (illumos, Solaris) |
//! | `selectors.DefaultSelector()` | [`DefaultSelector::new()`] |
//! | `selectors.EVENT_READ`, `EVENT_WRITE` | [`Interest::READ`], [`Interest::WRITE`] |
//!
//! [`DefaultSelector`] is Python's `selectors.DefaultSelector`: the best mechanism the
//! machine offers, **probed at run time** (epoll on Linux, kqueue on BSD/macOS, `/dev/poll`
//! on illumos/Solaris, else poll, else select; a mechanism whose creation fails falls
//! through to the next), overridable in code ([`DefaultSelector::with_backend`]) or with
//! the environment variable `SELECT_BACKEND=select|poll|devpoll|epoll|kqueue`. It implements the [`Selector`] trait by
//! enum dispatch, with no boxing and no allocation per wait, and offers a [`Waker`].
//!
//! # Example
//!
//! ```
//! use std::io::Write;
//! use std::time::Duration;
//! use select_facade::{DefaultSelector, Events, Interest, Selector};
//!
//! let (reader, mut writer) = std::io::pipe()?;
//! let mut sel = DefaultSelector::new()?;
//! sel.register(&reader, Interest::READ, "the pipe")?;
//!
//! let mut events = Events::with_capacity(16);
//! assert_eq!(sel.select(&mut events, Some(Duration::ZERO))?, 0);
//!
//! writer.write_all(b"hello")?;
//! sel.select(&mut events, Some(Duration::from_secs(5)))?;
//! let (key, ready) = sel.ready_keys(&events).next().unwrap();
//! assert_eq!(key.data, "the pipe");
//! assert_eq!(ready, Interest::READ);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Choosing a weaker backend at build time
//!
//! `RUSTFLAGS='--cfg select_force_backend="poll"'` (or `"select"`) makes
//! [`DefaultSelector::new`] start its preference list at that backend. CI runs the whole
//! facade test suite this way on poll and on select too.
#![cfg_attr(test, deny(warnings))]
#![doc(test(attr(deny(warnings))))]
// Links from the other select-rs crates resolve to docs.rs when this crate's docs are not
// in the same output directory (e.g. `cargo doc --no-deps` built them later).
#![doc(html_root_url = "https://docs.rs/select-facade/0.1.0")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The build script's names (see build.rs) mean nothing to a reader: the re-exports
// below carry the platforms instead.
#![cfg_attr(docsrs, doc(auto_cfg(hide(has_epoll, has_kqueue, kqueue_user_waker))))]

mod default;
mod signal;
#[allow(unsafe_code)]
mod sys;
mod waker;

pub use default::{Availability, DefaultSelector, BACKEND_ENV, PREFERENCE};
pub use signal::{wake_on_interrupt, Interrupted};
pub use waker::Waker;

pub use select_core::{
    error, retry, timeout, Backend, Event, Events, Interest, Selector, SelectorKey, Waitable,
    PIPE_BUF,
};

pub use select_fdset::{select, FdSet, Ready, Select, SelectSelector, Selected, FD_SETSIZE};
#[cfg(has_devpoll)]
pub use select_poll::{DevPoll, DevpollSelector};
pub use select_poll::{Poll, PollFlags, PollSelector};

cfg_if::cfg_if! {
    if #[cfg(has_epoll)] {
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
        pub use select_epoll::{
            Epoll, EpollEvents, EpollFlags, EpollSelector, DEFAULT_MAXEVENTS, MAX_MAXEVENTS,
        };
    }
}

cfg_if::cfg_if! {
    if #[cfg(has_kqueue)] {
        // KEvent, Kqueue, KqueueSelector, UserWaker, the field types and every KQ_*
        // constant this system defines.
        #[cfg_attr(docsrs, doc(cfg(any(
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "dragonfly",
            target_vendor = "apple",
            all(target_os = "linux", feature = "libkqueue"),
        ))))]
        pub use select_kqueue::*;
    }
}

/// The crate README's example, compiled and run as a doctest (the workspace README's
/// are run by select-benches, which is not published).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}
