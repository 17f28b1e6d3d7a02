//! Windows AFD polling on an I/O completion port, with the shape of Python's
//! `select.epoll`.
//!
//! Wraps `CreateIoCompletionPort`, `NtCreateFile` of `\Device\Afd`,
//! `WSAIoctl(SIO_BASE_HANDLE)`, `NtDeviceIoControlFile(IOCTL_AFD_POLL)`,
//! `NtCancelIoFileEx`, `GetQueuedCompletionStatusEx` and `PostQueuedCompletionStatus`:
//! how wepoll, mio, polling and libuv poll sockets on Windows. **Windows only**: on every
//! other OS this crate is empty (it still compiles, so a workspace can depend on it
//! unconditionally).
//!
//! * [`Afd`] is Python's `select.epoll` object, as wepoll gives it to C programs:
//!   `register` (`AlreadyExists`, epoll's EEXIST, when registered), `modify` and
//!   `unregister` (`NotFound`, ENOENT, when not), level-triggered with an
//!   [`EPOLLONESHOT`](AfdFlags::EPOLLONESHOT) option, `poll(timeout, maxevents)` and
//!   [`poll_into`](Afd::poll_into), `close`/`closed`/`fileno` (the completion port).
//!   Its methods take `&self` and it is `Send + Sync`, so one thread can register while
//!   another waits. [`AfdWaker`] ends a wait from another thread.
//! * [`AfdFlags`] is the event mask, with epoll's names and values (`EPOLLIN`,
//!   `EPOLLOUT`...), so code written for `select.epoll` ports to Windows unchanged.
//! * [`AfdSelector`] implements select-core's [`Selector`] contract (Python's
//!   `selectors.EpollSelector`, on Windows), O(ready sockets) per wait, with no
//!   allocation once warm.
//!
//! Sockets only, as every Windows mechanism: any other handle is refused with Winsock's
//! `WSAENOTSOCK` (10038). Timeouts are `Option<Duration>` (`None` blocks, zero polls),
//! rounded **up** to milliseconds.
//!
//! # How AFD's events map
//!
//! Each registered socket has one `IOCTL_AFD_POLL` request in flight on its base handle;
//! its completion carries `AFD_POLL_*` bits, which become:
//!
//! | `AFD_POLL_*` | [`AfdFlags`] (epoll) | [`Selector`] ([`Interest`], [`Event`]) |
//! | --- | --- | --- |
//! | `RECEIVE`, `ACCEPT` | `EPOLLIN` | READ |
//! | `SEND` | `EPOLLOUT` | WRITE |
//! | `RECEIVE_EXPEDITED` (TCP urgent data) | `EPOLLPRI` | PRIORITY |
//! | `DISCONNECT` (the peer shut down its sending half) | `EPOLLIN \| EPOLLRDHUP` | READ, hang-up |
//! | `ABORT` (reset), `LOCAL_CLOSE` (closed while registered) | `EPOLLHUP` | READ and WRITE as registered, hang-up |
//! | `CONNECT_FAIL` (a non-blocking connect failed) | `EPOLLOUT \| EPOLLERR` | WRITE, error |
//!
//! `EPOLLHUP` and `EPOLLERR` are always reported, as on Linux. A socket closed while
//! registered is reported once and then forgotten (epoll forgets a closed file).
//! Level-triggered: after a report the socket is polled again when the next wait starts.
//!
//! # From Python
//!
//! | Python | Rust |
//! | --- | --- |
//! | `ep = select.epoll()` | `let ep = Afd::new()?;` |
//! | `ep.register(s)` / `ep.register(s, select.EPOLLIN)` | `ep.register_default(&s)?` / `ep.register(&s, AfdFlags::EPOLLIN)?` |
//! | `ep.modify(s, mask)` / `ep.unregister(s)` | `ep.modify(&s, mask)?` / `ep.unregister(&s)?` |
//! | `ep.poll()` / `ep.poll(0)` / `ep.poll(0.5, 10)` | `ep.poll(None, -1)?` / `ep.poll(Some(Duration::ZERO), -1)?` / `ep.poll(Some(Duration::from_millis(500)), 10)?` |
//! | `ep.close()`, `ep.closed`, `ep.fileno()` | `ep.close()`, `ep.closed()`, `ep.fileno()?` |
//! | `selectors.EpollSelector()` | `AfdSelector::new()?` |
//!
//! # Example
//!
//! ```
//! # #[cfg(windows)]
//! # fn main() -> std::io::Result<()> {
//! use std::io::{Read, Write};
//! use std::net::{TcpListener, TcpStream};
//! use std::os::windows::io::AsRawSocket;
//! use std::time::Duration;
//! use select_afd::{Afd, AfdFlags};
//!
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let mut client = TcpStream::connect(listener.local_addr()?)?;
//! let (mut server, _) = listener.accept()?;
//!
//! let ep = Afd::new()?;
//! ep.register(&server, AfdFlags::EPOLLIN)?;
//! // Nothing to read yet: a 1 ms wait times out.
//! assert!(ep.poll(Some(Duration::from_millis(1)), -1)?.is_empty());
//!
//! client.write_all(b"ping")?;
//! let ready = ep.poll(None, -1)?;
//! assert_eq!(ready, vec![(server.as_raw_socket(), AfdFlags::EPOLLIN)]);
//! let mut buf = [0; 4];
//! server.read_exact(&mut buf)?;
//!
//! // A second registration of the same socket is epoll's EEXIST.
//! let e = ep.register(&server, AfdFlags::EPOLLIN).unwrap_err();
//! assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
//! ep.unregister(&server)?;
//! # Ok(())
//! # }
//! # #[cfg(not(windows))]
//! # fn main() {}
//! ```
#![cfg_attr(test, deny(warnings))]
#![doc(test(attr(deny(warnings))))]
// Off Windows the docs above name items that do not exist there.
#![cfg_attr(not(windows), allow(rustdoc::broken_intra_doc_links))]
// Links from the other select-rs crates resolve to docs.rs when this crate's docs are not
// in the same output directory (e.g. `cargo doc --no-deps` built them later).
#![doc(html_root_url = "https://docs.rs/select-afd/0.1.0")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs, missing_debug_implementations, rust_2018_idioms)]

#[cfg(windows)]
mod afd;
#[cfg(windows)]
mod flags;
#[cfg(windows)]
mod selector;
#[cfg(windows)]
#[allow(unsafe_code)]
mod sys;

#[cfg(windows)]
pub use afd::{Afd, AfdEvents, AfdWaker, DEFAULT_MAXEVENTS, MAX_MAXEVENTS};
#[cfg(windows)]
pub use flags::AfdFlags;
#[cfg(windows)]
pub use selector::AfdSelector;

/// Whether AFD polling works here: an [`Afd`] can be created and a socket's base
/// handle found (a layered service provider may refuse `SIO_BASE_HANDLE`). What
/// select-facade's `DefaultSelector` asks before it prefers AFD.
///
/// # Errors
///
/// The error that makes AFD unusable: that of [`Afd::new`], of creating a loopback UDP
/// socket, or Winsock's refusal of `SIO_BASE_HANDLE`.
#[cfg(windows)]
pub fn probe() -> std::io::Result<()> {
    use std::os::windows::io::AsRawSocket;
    let afd = Afd::new()?;
    let sock = std::net::UdpSocket::bind((std::net::Ipv4Addr::LOCALHOST, 0))?;
    afd.register(&sock, AfdFlags::EPOLLOUT)?;
    afd.unregister(&(sock.as_raw_socket()))
}

// The select-core vocabulary this crate's API speaks, so that depending on this crate
// alone is enough. `no_inline`: their docs (and examples) live in select-core.
#[cfg(windows)]
#[doc(no_inline)]
pub use select_core::{
    timeout, Backend, Event, EventCursor, Events, Interest, InterruptCheck, RawFd, Selector,
    SelectorKey, Waitable,
};
