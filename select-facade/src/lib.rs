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
//! on illumos/Solaris, AFD on Windows, else poll, else select; a mechanism whose creation fails falls
//! through to the next), overridable in code ([`DefaultSelector::with_backend`]) or with
//! the environment variable `SELECT_BACKEND=select|poll|devpoll|epoll|kqueue|afd`. It implements the [`Selector`] trait by
//! enum dispatch, with no boxing and no allocation per wait, and offers a [`Waker`].
//!
//! **Windows**: as in Python there, `select()` exists and takes sockets only (Winsock);
//! beyond Python, `Afd`, `AfdFlags` and `AfdSelector` (select-afd: AFD polling on an I/O
//! completion port, with `select.epoll`'s shape) are re-exported. `DefaultSelector`
//! prefers AFD and falls back to select where AFD cannot be used (no AFD device, or a
//! layered provider that refuses `SIO_BASE_HANDLE`: probed at creation);
//! `SELECT_BACKEND=afd|select` chooses. The `Waker` posts to the completion port on AFD
//! and is a loopback TCP pair on select. `PIPE_BUF`, `Poll` and `wake_on_interrupt` are
//! Unix only.
//!
//! Every item this crate's examples use is reachable from `select_facade` alone. Items
//! re-exported from the mechanism crates and select-core are documented on those
//! crates' pages (whose examples import those crates; with only select-facade, write
//! `select_facade::` where they write `select_poll::`, `select_core::`...).
//!
//! # What is here
//!
//! Everything this crate offers, one line each: most of it re-exported from the crate in
//! the "from" column (whose pages document it), the rest defined here. An item exists
//! exactly on the platforms its last column names (on docs.rs, the platform picker shows
//! the others).
//!
//! | item | Python, or what it is | from | platforms |
//! | --- | --- | --- | --- |
//! | **Mechanism objects** (Python's `select` module) | | | |
//! | [`select()`](crate::select()) | `select.select(r, w, x, t)`: the caller's own objects back | `select-fdset` | every platform (Windows: sockets only) |
//! | [`Select`] | a reusable `select()`; [`Select::select_into`] says *which* objects are ready, as indices | `select-fdset` | every platform |
//! | [`Ready`] | the indices [`Select::select_into`] fills | `select-fdset` | every platform |
//! | [`Selected`] | what [`select()`](crate::select()) returns: three lists of the caller's objects | `select-fdset` | every platform |
//! | [`FdSet`] | a safe `fd_set` that grows past `FD_SETSIZE` where the kernel allows | `select-fdset` | every platform |
//! | [`FD_SETSIZE`] | the C library's `FD_SETSIZE` | `select-fdset` | every platform |
#![cfg_attr(
    has_poll,
    doc = r"| [`Poll`] | `select.poll()` | `select-poll` | Unix |"
)]
#![cfg_attr(
    not(has_poll),
    doc = r"| `Poll` | `select.poll()` | `select-poll` | Unix |"
)]
#![cfg_attr(
    has_poll,
    doc = r"| [`PollFlags`] | `select.POLLIN`, `POLLOUT`... | `select-poll` | Unix |"
)]
#![cfg_attr(
    not(has_poll),
    doc = r"| `PollFlags` | `select.POLLIN`, `POLLOUT`... | `select-poll` | Unix |"
)]
#![cfg_attr(
    has_devpoll,
    doc = r"| [`DevPoll`] | `select.devpoll()` | `select-poll` | illumos, Solaris |"
)]
#![cfg_attr(
    not(has_devpoll),
    doc = r"| `DevPoll` | `select.devpoll()` | `select-poll` | illumos, Solaris |"
)]
#![cfg_attr(
    has_epoll,
    doc = r"| [`Epoll`] | `select.epoll()` | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    not(has_epoll),
    doc = r"| `Epoll` | `select.epoll()` | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    has_epoll,
    doc = r"| [`EpollFlags`] | `select.EPOLLIN`, `EPOLLET`... | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    not(has_epoll),
    doc = r"| `EpollFlags` | `select.EPOLLIN`, `EPOLLET`... | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    has_epoll,
    doc = r"| [`EpollEvents`] | the reusable result buffer of `Epoll::poll_into` | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    not(has_epoll),
    doc = r"| `EpollEvents` | the reusable result buffer of `Epoll::poll_into` | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    has_epoll,
    doc = r"| [`EPOLL_CLOEXEC`], [`DEFAULT_MAXEVENTS`], [`MAX_MAXEVENTS`] | `select.EPOLL_CLOEXEC` and the `maxevents` bounds | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    not(has_epoll),
    doc = r"| `EPOLL_CLOEXEC`, `DEFAULT_MAXEVENTS`, `MAX_MAXEVENTS` | `select.EPOLL_CLOEXEC` and the `maxevents` bounds | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    has_kqueue,
    doc = r"| [`Kqueue`] | `select.kqueue()` | `select-kqueue` | BSD, macOS/iOS; Linux with feature `libkqueue` |"
)]
#![cfg_attr(
    not(has_kqueue),
    doc = r"| `Kqueue` | `select.kqueue()` | `select-kqueue` | BSD, macOS/iOS; Linux with feature `libkqueue` |"
)]
#![cfg_attr(
    has_kqueue,
    doc = r"| [`KEvent`] | `select.kevent(...)` | `select-kqueue` | BSD, macOS/iOS; Linux with feature `libkqueue` |"
)]
#![cfg_attr(
    not(has_kqueue),
    doc = r"| `KEvent` | `select.kevent(...)` | `select-kqueue` | BSD, macOS/iOS; Linux with feature `libkqueue` |"
)]
#![cfg_attr(
    has_kqueue,
    doc = r"| `KQ_*`, [`Ident`], [`Filter`], [`Flags`], [`FFlags`], [`Data`], [`UData`], [`RawKEvent`] | `select.KQ_FILTER_READ`... (those this system defines) and the `struct kevent` field types | `select-kqueue` | BSD, macOS/iOS; Linux with feature `libkqueue` |"
)]
#![cfg_attr(
    not(has_kqueue),
    doc = r"| `KQ_*`, `Ident`, `Filter`, `Flags`, `FFlags`, `Data`, `UData`, `RawKEvent` | `select.KQ_FILTER_READ`... (those this system defines) and the `struct kevent` field types | `select-kqueue` | BSD, macOS/iOS; Linux with feature `libkqueue` |"
)]
#![cfg_attr(
    unix,
    doc = r"| [`PIPE_BUF`] | `select.PIPE_BUF` | `select-core` | Unix |"
)]
#![cfg_attr(
    not(unix),
    doc = r"| `PIPE_BUF` | `select.PIPE_BUF` | `select-core` | Unix |"
)]
//! | **Selectors** (Python's `selectors` module) | | | |
//! | [`DefaultSelector`] | `selectors.DefaultSelector()`, probed at run time; its [`Waker`] | this crate | every platform |
//! | [`Selector`] | `selectors.BaseSelector`: the one contract of every selector | `select-core` | every platform |
//! | [`SelectorKey`] | `selectors.SelectorKey`: `fd`, `interest`, `data` | `select-core` | every platform |
//! | [`Interest`] | `EVENT_READ`, `EVENT_WRITE` (and `PRIORITY`) | `select-core` | every platform |
//! | [`Events`], [`Event`], [`EventCursor`] | what `select(t)` returns, as a reusable buffer; the loop that may change the selector ([`Event::readable`] and friends build events for unit tests) | `select-core` | every platform |
//! | [`SelectSelector`] | `selectors.SelectSelector` | `select-fdset` | every platform |
#![cfg_attr(
    has_poll,
    doc = r"| [`PollSelector`] | `selectors.PollSelector` | `select-poll` | Unix |"
)]
#![cfg_attr(
    not(has_poll),
    doc = r"| `PollSelector` | `selectors.PollSelector` | `select-poll` | Unix |"
)]
#![cfg_attr(
    has_devpoll,
    doc = r"| [`DevpollSelector`] | `selectors.DevpollSelector` | `select-poll` | illumos, Solaris |"
)]
#![cfg_attr(
    not(has_devpoll),
    doc = r"| `DevpollSelector` | `selectors.DevpollSelector` | `select-poll` | illumos, Solaris |"
)]
#![cfg_attr(
    has_epoll,
    doc = r"| [`EpollSelector`] | `selectors.EpollSelector` | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    not(has_epoll),
    doc = r"| `EpollSelector` | `selectors.EpollSelector` | `select-epoll` | Linux, Android |"
)]
#![cfg_attr(
    has_kqueue,
    doc = r"| [`KqueueSelector`], [`UserWaker`] | `selectors.KqueueSelector`, and its `EVFILT_USER` waker | `select-kqueue` | BSD, macOS/iOS; Linux with feature `libkqueue` |"
)]
#![cfg_attr(
    not(has_kqueue),
    doc = r"| `KqueueSelector`, `UserWaker` | `selectors.KqueueSelector`, and its `EVFILT_USER` waker | `select-kqueue` | BSD, macOS/iOS; Linux with feature `libkqueue` |"
)]
//! | [`Backend`], [`PREFERENCE`], [`BACKEND_ENV`], [`Availability`] | the backends by name, `DefaultSelector`'s order, `SELECT_BACKEND`, which backends this build and machine have | `select-core` ([`Backend`]), this crate | every platform |
//! | **Shared vocabulary** | | | |
//! | [`Waitable`], [`RawFd`] | Python's "int or object with `fileno()`"; an fd (a `SOCKET` on Windows) | `select-core` | every platform |
//! | [`timeout`] | float timeouts with Python's rules (`from_secs_f64`...) | `select-core` | every platform |
//! | [`error`] | the error conventions (Python's exceptions as `io::ErrorKind`s) | `select-core` | every platform |
//! | [`InterruptCheck`] | PEP 475's signal-handler step of an interrupted wait | `select-core` | every platform |
#![cfg_attr(
    unix,
    doc = r"| [`stop_on_interrupt`], [`wake_on_interrupt`], [`Interrupted`], [`interrupt_signal`], [`clear_interrupt`] | Ctrl-C during a wait (below) | this crate | Unix |"
)]
#![cfg_attr(
    not(unix),
    doc = r"| `stop_on_interrupt`, `wake_on_interrupt`, `Interrupted`, `interrupt_signal`, `clear_interrupt` | Ctrl-C during a wait (below) | this crate | Unix |"
)]
//!
//! # Example
//!
//! ```
//! # #[cfg(unix)] {
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
//! # }
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # The selectors loop
//!
//! Python's loop
//!
//! ```python
//! for key, mask in sel.select(timeout):
//!     if mask & EVENT_READ: ... sel.modify(key.fileobj, EVENT_WRITE, key.data)
//!     else: sel.unregister(key.fileobj)
//! ```
//!
//! ports literally with [`Events::cursor`]: each step hands out the key by value (the
//! data is cloned: a copy for `Copy` data), so the body may `register`, `modify` and
//! `unregister` on the same selector. No allocation per wait; each key lookup is O(1).
//! (`ready_keys`, which borrows the selector for the whole loop, is there for read-only
//! loops.)
//!
//! ```
//! # #[cfg(unix)] {
//! use std::io::Write;
//! use std::time::Duration;
//! use select_facade::{DefaultSelector, Events, Interest, Selector};
//!
//! let (r1, mut w1) = std::io::pipe()?;
//! let (r2, mut w2) = std::io::pipe()?;
//! let mut sel = DefaultSelector::new()?;
//! sel.register(&r1, Interest::READ, 1)?;
//! sel.register(&r2, Interest::READ, 2)?;
//! sel.register(&w1, Interest::WRITE, 10)?;
//! w1.write_all(b"a")?;
//! w2.write_all(b"b")?;
//!
//! let mut events = Events::with_capacity(16);
//! sel.select(&mut events, Some(Duration::from_secs(5)))?;
//! let mut ready = events.cursor();
//! while let Some((key, mask)) = ready.next_key(&sel) {
//!     if mask.is_readable() {
//!         // Readable: now wait for the other direction, keeping the data.
//!         sel.modify(&key.fd, Interest::WRITE, key.data)?;
//!     } else {
//!         // Writable: done with it.
//!         sel.unregister(&key.fd)?;
//!     }
//! }
//! assert_eq!(sel.get_key(&r1)?.interest, Interest::WRITE);
//! assert_eq!(sel.get_key(&r2)?.data, 2);
//! assert!(sel.get_key(&w1).is_err()); // unregistered inside the loop
//! # }
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # The Python docs' selectors example
//!
//! The echo server at the end of Python's `selectors` documentation, ported line by
//! line (`examples/selectors_echo.rs`; run with no argument it serves a client of its
//! own and exits, with a port it serves until killed). As in Python, each key's data is
//! the callback to run; here the callback also *owns* its socket, so the selector holds
//! each socket exactly as long as it is registered (see [Dropping a registered
//! object](#dropping-a-registered-object)):
//!
#![doc = concat!("```\n", include_str!("../examples/selectors_echo.rs"), "```")]
//!
//! # Which object is ready: `select_into`
//!
//! Python's `select.select` hands back the caller's own objects; so does [`select()`](crate::select())
//! (a [`Selected`] of references). To learn *which* entry of a list is ready without a
//! search or an allocation, [`Select::select_into`] writes indices into the caller's
//! lists into a reusable [`Ready`]: `ready.read()`, `ready.write()` and
//! `ready.except()`. `examples/nonblocking_connect.rs` waits for several non-blocking
//! connects (Python's `setblocking(False)` + `connect_ex`, with socket2) this way, and
//! for one through [`select()`](crate::select()) and through a selector, a refused
//! connect included.
//!
//! ```
//! use std::io::Write;
//! use std::net::{TcpListener, TcpStream};
//! use std::time::Duration;
//! use select_facade::{Ready, Select};
//!
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let quiet = TcpStream::connect(listener.local_addr()?)?;
//! let mut talker = TcpStream::connect(listener.local_addr()?)?;
//! let (a, _) = listener.accept()?;
//! let (b, _) = listener.accept()?;
//! talker.write_all(b"x")?;
//!
//! let conns = [&a, &b];
//! let mut sel = Select::new();
//! let mut ready = Ready::new();
//! sel.select_into(&conns, &[], &[], Some(Duration::from_secs(5)), &mut ready)?;
//! // Whichever of `a` and `b` was accepted from `talker` is the one ready.
//! let i = ready.read()[0];
//! assert_eq!(conns[i].peer_addr()?, talker.local_addr()?);
//! # drop(quiet);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Dropping a registered object
//!
//! Python's selector key holds a reference to the file object, so a CPython program
//! rarely closes one that is still registered; a Rust program that closes by dropping
//! will. A selector watches an fd *number*, and a dropped object's key stays until
//! [`unregister`](Selector::unregister) on every backend (so registering a new object
//! at that number is `AlreadyExists`, and `unregister` of the number still works and
//! hands the old key back). What a wait reports meanwhile differs by backend (each case
//! is a test, `tests/dropped_registration.rs`, with real pipes):
//!
//! | backend | the number stays free | a new object gets the number |
//! | --- | --- | --- |
//! | epoll | nothing (closing the file removed it from the kernel's set) | nothing: the new object is never reported |
//! | kqueue | nothing (`close` removes the fd's kevents, by `kqueue(2)`; type-checked, not run here) | nothing: the new object is never reported |
//! | poll | the closed fd (`POLLNVAL`): the old key's interest, with [`Event::is_error`] | the new object's events, **under the old key** (its data) |
//! | select | the wait fails with `EBADF` | the new object's events, **under the old key** (its data) |
//! | `/dev/poll` | not run on a real kernel | not run on a real kernel |
//!
//! Neither is what anyone wants, so own the object through the registration: make it
//! (or an `Rc` of it) part of the key's data, so it lives exactly as long as the
//! registration, and close it by unregistering, which hands the key, object and all,
//! back. `examples/selectors_echo.rs` above does this with its callbacks:
//!
//! ```
//! use std::net::{TcpListener, TcpStream};
//! use std::rc::Rc;
//! use select_facade::{DefaultSelector, Interest, Selector, Waitable};
//!
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let conn = Rc::new(TcpStream::connect(listener.local_addr()?)?);
//! let fd = conn.fileno()?;
//! let mut sel = DefaultSelector::new()?;
//! sel.register(&fd, Interest::READ, conn)?; // the key's data owns the stream
//! // ... waits; a key's data is cloned out of the selector for the loop body ...
//! let key = sel.unregister(&fd)?; // done: the stream comes back
//! let conn: TcpStream = Rc::try_unwrap(key.data).unwrap();
//! drop(conn); // closed after it left the selector
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Ctrl-C during a wait
//!
//! Two ways to let Ctrl-C (or any signal) end a blocked wait:
//!
//! * **A signal handler plus an interrupt check** (PEP 475's handler step).
//!   [`stop_on_interrupt`] installs a SIGINT/SIGTERM handler that records the signal and
//!   returns the matching check, so `sel.set_interrupt_check(Some(stop_on_interrupt()?))`
//!   is all a program needs (`examples/ctrl_c.rs`). With a handler of your own —
//!   `signal_hook::flag::register(SIGINT, flag)`, or a `sigaction` handler that stores
//!   to a static `AtomicBool` — write the check yourself. Either way the selector gets an
//!   [`InterruptCheck`]: a plain `fn() -> io::Result<()>` that
//!   runs after each EINTR. When it returns an error, the
//!   wait ends with that error; when it returns `Ok`, the wait resumes with the time
//!   left. `select`, `poll`, `epoll_wait` and `kevent` fail with EINTR after a handler
//!   ran even when it was installed with `SA_RESTART`, so the check always gets its
//!   turn. Without a check (the default) waits keep PEP 475's rule: retried, never
//!   ended early. Every object has the setting: [`DefaultSelector::set_interrupt_check`],
//!   `set_interrupt_check` on each selector, on [`Poll`], `Epoll` and `Kqueue`, and on
//!   [`Select`] (`Select::with_interrupt_check(check).select(...)` is the free
//!   [`select()`](crate::select()) with the check). The signal reaches the thread it is
//!   delivered to: for a process-directed signal (Ctrl-C) that is any thread that does
//!   not block it, so block it in the threads that do not wait.
//!
//!   ```
//!   # #[cfg(unix)] {
//!   use std::io;
//!   use std::sync::atomic::{AtomicBool, Ordering};
//!   use std::time::Duration;
//!   use select_facade::{DefaultSelector, Events, Interest, Selector};
//!
//!   /// Set by the SIGINT handler (e.g. `signal_hook::flag::register`).
//!   static STOP: AtomicBool = AtomicBool::new(false);
//!
//!   fn stop_on_ctrl_c() -> io::Result<()> {
//!       if STOP.load(Ordering::Relaxed) {
//!           Err(io::Error::new(io::ErrorKind::Interrupted, "Ctrl-C"))
//!       } else {
//!           Ok(())
//!       }
//!   }
//!
//!   let (reader, _writer) = std::io::pipe()?;
//!   let mut sel = DefaultSelector::new()?;
//!   sel.set_interrupt_check(Some(stop_on_ctrl_c));
//!   sel.register(&reader, Interest::READ, ())?;
//!   let mut events = Events::new();
//!   // With no timeout this returns Err(Interrupted) at the first Ctrl-C.
//!   match sel.select(&mut events, Some(Duration::from_millis(1))) {
//!       Err(e) if e.kind() == io::ErrorKind::Interrupted => println!("stopping"),
//!       other => assert_eq!(other?, 0),
//!   }
//!   # }
//!   # Ok::<(), std::io::Error>(())
//!   ```
//!
//! * **No handler at all: [`wake_on_interrupt`]**. It blocks SIGINT and SIGTERM and
//!   turns them into a [`Waker`] wake from a `sigwait` thread, so the wait returns with
//!   [`Events::woken`] set and [`Interrupted::fired`] true; nothing runs in signal
//!   context and no EINTR happens. Call it in `main` before spawning threads.
//!   `examples/echo_server.rs` shuts down this way:
//!
//!   ```no_run
//!   # #[cfg(unix)] {
//!   use select_facade::{wake_on_interrupt, DefaultSelector, Events, Selector};
//!
//!   let mut sel: DefaultSelector<usize> = DefaultSelector::new()?;
//!   let interrupted = wake_on_interrupt(&sel.waker()?)?;
//!   let mut events = Events::new();
//!   loop {
//!       sel.select(&mut events, None)?;
//!       if events.woken() && interrupted.fired() {
//!           break; // Ctrl-C or SIGTERM: shut down cleanly
//!       }
//!       // ... handle events ...
//!   }
//!   # }
//!   # Ok::<(), std::io::Error>(())
//!   ```
//!
//! The first suits code ported from Python that expects `KeyboardInterrupt` out of the
//! wait; the second suits multi-threaded programs and anything that must not run code
//! in a signal handler.
//!
//! # Choosing a weaker backend at build time
//!
//! `RUSTFLAGS='--cfg select_force_backend="poll"'` (or `"select"`) makes
//! [`DefaultSelector::new`] start its preference list at that backend. CI runs the whole
//! facade test suite this way on poll and on select too.
#![cfg_attr(test, deny(warnings))]
#![doc(test(attr(deny(warnings))))]
// On Windows the docs above name Unix items (fd types, `Poll`, `PIPE_BUF`) that do not
// exist there.
#![cfg_attr(windows, allow(rustdoc::broken_intra_doc_links))]
// Links from the other select-rs crates resolve to docs.rs when this crate's docs are not
// in the same output directory (e.g. `cargo doc --no-deps` built them later).
#![doc(html_root_url = "https://docs.rs/select-facade/0.1.0")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The build script's names (see build.rs) mean nothing to a reader: the re-exports
// below carry the platforms instead.
#![cfg_attr(
    docsrs,
    doc(auto_cfg(hide(has_poll, has_epoll, has_kqueue, kqueue_user_waker, has_afd)))
)]

mod default;
#[cfg(unix)]
mod signal;
#[cfg(unix)]
#[allow(unsafe_code)]
mod sys;
mod waker;

pub use default::{Availability, DefaultSelector, BACKEND_ENV, PREFERENCE};
#[cfg(unix)]
pub use signal::{
    clear_interrupt, interrupt_signal, stop_on_interrupt, wake_on_interrupt, Interrupted,
};
pub use waker::Waker;

// Re-exports from the other crates are `no_inline`: their pages (and examples, which
// import the crate they live in) stay in those crates, and this crate's pages hold only
// examples that compile with select-facade alone.
#[cfg(unix)]
#[doc(no_inline)]
pub use select_core::PIPE_BUF;
#[doc(no_inline)]
pub use select_core::{
    error, timeout, Backend, Event, EventCursor, Events, Interest, InterruptCheck, RawFd, Selector,
    SelectorKey, Waitable,
};

#[doc(no_inline)]
pub use select_fdset::{select, FdSet, Ready, Select, SelectSelector, Selected, FD_SETSIZE};
#[doc(no_inline)]
#[cfg(has_devpoll)]
#[cfg_attr(docsrs, doc(cfg(any(target_os = "illumos", target_os = "solaris"))))]
pub use select_poll::{DevPoll, DevpollSelector};
#[cfg(has_poll)]
#[doc(no_inline)]
pub use select_poll::{Poll, PollFlags, PollSelector};

cfg_if::cfg_if! {
    if #[cfg(has_epoll)] {
        #[doc(no_inline)]
        #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
        pub use select_epoll::{
            Epoll, EpollEvents, EpollFlags, EpollSelector, DEFAULT_MAXEVENTS, EPOLL_CLOEXEC,
            MAX_MAXEVENTS,
        };
    }
}

#[cfg(has_afd)]
#[doc(no_inline)]
#[cfg_attr(docsrs, doc(cfg(windows)))]
pub use select_afd::{Afd, AfdEvents, AfdFlags, AfdSelector, AfdWaker};

cfg_if::cfg_if! {
    if #[cfg(has_kqueue)] {
        // KEvent, Kqueue, KqueueSelector, UserWaker, the field types and every KQ_*
        // constant this system defines.
        #[doc(no_inline)]
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

/// The crate README's example, compiled and run as a doctest on Unix (it uses pipes; the
/// workspace README's are run by select-benches, which is not published).
#[cfg(all(doctest, unix))]
#[doc = include_str!("../README.md")]
mod readme {}
