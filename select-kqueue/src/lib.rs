//! Python's `select.kqueue` and `select.kevent` for Rust: BSD/macOS `kqueue(2)` and
//! `kevent(2)`, plus a select-core [`Selector`] over them.
//!
//! # Platforms
//!
//! * **Native** on FreeBSD (12 and later), NetBSD, OpenBSD, DragonFly BSD, and macOS,
//!   iOS and the other Apple systems, through the `libc` crate's bindings.
//! * **Linux, opt-in**: with the cargo feature `libkqueue`, the crate builds against an
//!   installed [libkqueue](https://github.com/mheily/libkqueue), a userspace kqueue
//!   over epoll, inotify, signalfd and timerfd. Point the build at it with the
//!   environment variable `LIBKQUEUE_DIR` (its install prefix: the library is looked
//!   for under `lib/`, `lib64/` and `lib/<multiarch>/`), or make
//!   `pkg-config --libs libkqueue` find it; at run time the dynamic loader must find
//!   `libkqueue.so` too (e.g. `LD_LIBRARY_PATH=$LIBKQUEUE_DIR/lib`). libkqueue differs
//!   from the BSD kernels in places; see the crate's NOTES.md.
//! * **Anywhere else** (Linux without the feature, Windows...) the crate is empty.
//!
//! # Mapping from Python
//!
//! | Python | here |
//! | --- | --- |
//! | `select.kqueue()` | [`Kqueue::new`] (close-on-exec) |
//! | `kqueue.fromfd(fd)` | [`Kqueue::from_fd`] |
//! | `kq.fileno()`, `kq.closed`, `kq.close()` | [`Kqueue::fileno`], [`Kqueue::closed`], [`Kqueue::close`] |
//! | `kq.control(changes, maxevents, timeout)` | [`Kqueue::control`], or allocation-free [`Kqueue::control_into`] |
//! | `select.kevent(ident, filter, flags, fflags, data, udata)` | [`KEvent::new`] / [`KEvent::for_fd`] and the `with_*` builders |
//! | `KQ_FILTER_*`, `KQ_EV_*`, `KQ_NOTE_*` | the constants of the same names |
//! | `selectors.KqueueSelector` | [`KqueueSelector`] |
//! | kqueue objects closed in a forked child (3.13, gh-110395) | the same for [`Kqueue`](Kqueue#fork), [`KqueueSelector`](KqueueSelector#fork) and [`UserWaker`] |
//! | timeout in float seconds | `Option<Duration>` (`None` blocks; nanosecond precision) |
//! | `ValueError` / `OverflowError` | `io::ErrorKind::InvalidInput` |
//! | `OSError(errno)` | `io::Error` carrying the errno |
//!
//! # Example
//!
//! ```
//! # #[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
//! #     target_os = "dragonfly", target_vendor = "apple",
//! #     all(target_os = "linux", feature = "libkqueue")))]
//! # fn main() -> std::io::Result<()> {
//! use std::io::Write;
//! use std::time::Duration;
//! use select_kqueue::{KEvent, Kqueue, KQ_EV_ADD, KQ_EV_EOF, KQ_FILTER_READ};
//!
//! let kq = Kqueue::new()?;
//! let (reader, mut writer) = std::io::pipe()?;
//! let change = KEvent::for_fd(&reader)?; // filter READ, flags ADD
//! assert_eq!((change.filter(), change.flags()), (KQ_FILTER_READ, KQ_EV_ADD));
//!
//! // Apply the change; nothing is readable yet, so a 10 ms wait times out.
//! assert!(kq.control(&[change], 1, Some(Duration::from_millis(10)))?.is_empty());
//!
//! writer.write_all(b"abc")?;
//! let events = kq.control(&[], 1, None)?;
//! assert_eq!(events[0].ident(), change.ident());
//! assert_eq!(events[0].data(), 3);
//!
//! // The writer goes away: EOF is flagged on the read filter.
//! drop(writer);
//! let events = kq.control(&[], 1, None)?;
//! assert_ne!(events[0].flags() & KQ_EV_EOF, 0);
//! # Ok(()) }
//! # #[cfg(not(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd",
//! #     target_os = "dragonfly", target_vendor = "apple",
//! #     all(target_os = "linux", feature = "libkqueue"))))]
//! # fn main() {}
//! ```
#![cfg_attr(test, deny(warnings))]
#![doc(test(attr(deny(warnings))))]
// Links from the other select-rs crates resolve to docs.rs when this crate's docs are not
// in the same output directory (e.g. `cargo doc --no-deps` built them later).
#![doc(html_root_url = "https://docs.rs/select-kqueue/0.1.0")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// `has_kqueue` (set by build.rs) means nothing to a reader: the re-exports below carry the
// platforms instead.
#![cfg_attr(docsrs, doc(auto_cfg(hide(has_kqueue))))]
// Where the crate is empty (Linux without `libkqueue`, other systems), the links of the
// docs above have nothing to point to.
#![cfg_attr(not(has_kqueue), allow(rustdoc::broken_intra_doc_links))]

// `has_kqueue`: FreeBSD, NetBSD, OpenBSD, DragonFly BSD, the Apple systems, and Linux with
// the `libkqueue` feature (see build.rs).
cfg_if::cfg_if! {
    if #[cfg(has_kqueue)] {
        mod consts;
        mod kevent;
        mod kqueue;
        mod selector;
        #[allow(unsafe_code)]
        mod sys;

        // Each constant carries its own platforms.
        pub use consts::*;
        #[cfg_attr(docsrs, doc(cfg(any(
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "dragonfly",
            target_vendor = "apple",
            all(target_os = "linux", feature = "libkqueue"),
        ))))]
        pub use self::{
            kevent::{Data, FFlags, Filter, Flags, Ident, KEvent, RawKEvent, UData},
            kqueue::Kqueue,
            selector::{KqueueSelector, UserWaker},
        };
        /// Test helpers of this crate. **Not part of the public API and not covered by
        /// semver.**
        #[doc(hidden)]
        pub mod __private {
            pub use crate::kqueue::is_close_on_exec;
        }
    }
}

// The select-core vocabulary this crate's API speaks, so that depending on this crate
// alone is enough. `no_inline`: their docs (and examples) live in select-core.
#[cfg(unix)]
#[doc(no_inline)]
pub use select_core::{
    timeout, Backend, Event, EventCursor, Events, Interest, InterruptCheck, Selector, SelectorKey,
    Waitable, PIPE_BUF,
};
