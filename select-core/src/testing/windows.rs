//! Helpers for the tests and benches of the select-rs crates on Windows (feature
//! `testing`).
//!
//! Winsock's `select` takes sockets only, so the Windows helpers are about loopback
//! sockets: TCP pairs, UDP pairs, out-of-band data, and a non-socket handle to prove it
//! is refused. Not part of the stable API.

use std::net::UdpSocket;

use crate::RawFd;

/// The shared `Selector` contract suite (the same file as on Unix).
#[path = "contract.rs"]
pub mod contract;
#[path = "portable.rs"]
mod portable;
pub use portable::*;

/// Two loopback UDP sockets, each connected to the other.
pub fn udp_pair() -> (UdpSocket, UdpSocket) {
    let a = UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
    let b = UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
    a.connect(b.local_addr().unwrap()).expect("connect udp");
    b.connect(a.local_addr().unwrap()).expect("connect udp");
    (a, b)
}

/// A TCP socket whose non-blocking connect to `addr` is under way (or done): for a
/// closed port, the connect fails later, which Winsock reports only in the except set.
///
/// # Errors
///
/// Winsock's error of `socket`, `ioctlsocket` or `connect` (other than
/// `WSAEWOULDBLOCK`).
pub fn connect_nonblocking(
    addr: std::net::SocketAddrV4,
) -> std::io::Result<std::os::windows::io::OwnedSocket> {
    crate::sys::connect_nonblocking(addr)
}

/// Closes `stream` with a reset: `SO_LINGER` on with a zero timeout, then close, so
/// the peer sees the connection aborted (an RST), not a graceful shutdown.
///
/// # Errors
///
/// Winsock's error of `setsockopt` (the stream is closed either way).
pub fn close_with_reset(stream: std::net::TcpStream) -> std::io::Result<()> {
    let s = crate::Waitable::fileno(&stream)?;
    crate::sys::set_linger_zero(s)
}

/// An open handle that is not a socket (a file in the temporary directory, deleted when
/// the returned `File` is dropped... by the caller's cleanup), as a raw `SOCKET`-sized
/// number: what a caller who mixed up handles would pass.
pub fn non_socket_handle() -> (std::fs::File, RawFd) {
    use std::os::windows::io::AsRawHandle;
    let path = std::env::temp_dir().join(format!("select-rs-not-a-socket-{}", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .expect("create a temporary file");
    let raw = file.as_raw_handle() as usize as RawFd;
    (file, raw)
}
