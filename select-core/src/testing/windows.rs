//! Helpers for the tests and benches of the select-rs crates on Windows (feature
//! `testing`).
//!
//! Winsock's `select` takes sockets only, so the Windows helpers are about loopback
//! sockets: TCP pairs, UDP pairs, out-of-band data, and a non-socket handle to prove it
//! is refused. Not part of the stable API.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::windows::io::AsRawSocket;

use crate::{sys, RawFd};

/// The shared `Selector` contract suite (the same file as on Unix).
#[path = "contract.rs"]
pub mod contract;

/// A connected pair of loopback TCP sockets: `(client, server side)`.
pub fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let client = TcpStream::connect(listener.local_addr().unwrap()).expect("connect loopback");
    let (server, _) = listener.accept().expect("accept loopback");
    (client, server)
}

/// Two loopback UDP sockets, each connected to the other.
pub fn udp_pair() -> (UdpSocket, UdpSocket) {
    let a = UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
    let b = UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
    a.connect(b.local_addr().unwrap()).expect("connect udp");
    b.connect(a.local_addr().unwrap()).expect("connect udp");
    (a, b)
}

/// Sends one byte of TCP urgent (out-of-band) data on `stream`.
///
/// # Errors
///
/// The Winsock error of `send`.
pub fn send_oob(stream: &TcpStream, byte: u8) -> io::Result<()> {
    sys::send_oob(stream.as_raw_socket(), byte)
}

/// Whether `s` is an open socket of this process.
pub fn is_open(s: RawFd) -> bool {
    crate::check_open(s).is_ok()
}

/// Writes one byte to `w`.
pub fn write_byte(mut w: impl Write) {
    w.write_all(b"x").expect("write one byte");
}

/// Reads whatever is available (at most 64 KiB) from `r`.
pub fn drain(mut r: impl Read) -> usize {
    let mut buf = [0u8; 65536];
    r.read(&mut buf).expect("read")
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

/// The environment variable CI sets when the tests run under user-mode emulation (see
/// the Unix `testing` module; CI sets it for qemu-user only, never for Wine).
pub const UNDER_EMULATION_ENV: &str = "SELECT_RS_UNDER_EMULATION";

/// Whether this process runs under user-mode emulation ([`UNDER_EMULATION_ENV`] set).
#[must_use]
pub fn under_emulation() -> bool {
    std::env::var_os(UNDER_EMULATION_ENV).is_some_and(|v| !v.is_empty())
}

/// As on Unix: `true`, after one `SKIP(select-rs) <test>: under emulation: <why>` line on
/// stderr, when [`under_emulation`]; `false` otherwise.
#[must_use]
pub fn skip_under_emulation(why: &str) -> bool {
    let on = under_emulation();
    if on {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("<unnamed thread>");
        let line = format!("SKIP(select-rs) {name}: under emulation: {why}\n");
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }
    on
}
