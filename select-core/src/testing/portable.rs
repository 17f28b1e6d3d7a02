//! The test helpers that are the same on Unix and Windows (loopback TCP, one-byte
//! writes and reads, the open check, the loud skip and the emulation switch), shared by
//! both `testing` modules.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};

use crate::{sys, RawFd};

/// A connected pair of loopback TCP sockets: `(client, server side)`.
#[must_use]
pub fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let client = TcpStream::connect(listener.local_addr().unwrap()).expect("connect loopback");
    let (server, _) = listener.accept().expect("accept loopback");
    (client, server)
}

/// Sends one byte of TCP urgent (out-of-band) data on `stream`.
///
/// # Errors
///
/// The OS error of `send` (errno, or Winsock's error).
pub fn send_oob(stream: &TcpStream, byte: u8) -> io::Result<()> {
    sys::send_oob(crate::Waitable::fileno(stream)?, byte)
}

/// Whether `fd` is an open file descriptor of this process.
#[must_use]
pub fn is_open(fd: RawFd) -> bool {
    crate::__private::check_open(fd).is_ok()
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

/// The start of every line that [`skip`] prints: `SKIP(select-rs) <test>: <reason>`.
/// CI's skip-policy stage greps for it.
pub const SKIP_MARKER: &str = "SKIP(select-rs)";

/// Says out loud that the running test skips (part of) its body, and why: one line
/// `SKIP(select-rs) <test>: <reason>` on stderr, written past libtest's output capture
/// so that it shows whether the test passes or not. `<test>` is the test's name (libtest
/// names each test's thread after it).
///
/// Use it only where the machine makes the test impossible (see `dup_at_or_skip` on Unix);
/// CI checks that a run under the normal fd limit prints no skip line at all and that a
/// run under `prlimit --nofile=4096:4096` prints exactly the expected ones.
pub fn skip(reason: &str) {
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("<unnamed thread>");
    // One write of one line: not interleaved with other threads' lines.
    let line = format!("{SKIP_MARKER} {name}: {reason}\n");
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

/// The environment variable CI sets (to any non-empty value) when the tests run under
/// user-mode emulation (`qemu-s390x` and the like), where a few tests cannot work:
/// fds at or above 1024 abort qemu's own `select`, and a test binary cannot re-execute
/// itself through the emulator.
pub const UNDER_EMULATION_ENV: &str = "SELECT_RS_UNDER_EMULATION";

/// Whether this process runs under user-mode emulation ([`UNDER_EMULATION_ENV`] set).
#[must_use]
pub fn under_emulation() -> bool {
    std::env::var_os(UNDER_EMULATION_ENV).is_some_and(|v| !v.is_empty())
}

/// Whether the calling test must skip itself because it runs under user-mode emulation
/// ([`under_emulation`]); when it must, it says so with a [`skip`] line
/// (`SKIP(select-rs) <test>: under emulation: <why>`), which CI counts. Outside
/// emulation it prints nothing and returns `false`.
///
/// ```
/// use select_core::testing::skip_under_emulation;
///
/// if skip_under_emulation("needs fds at or above 1024") {
///     return;
/// }
/// ```
#[must_use]
pub fn skip_under_emulation(why: &str) -> bool {
    let on = under_emulation();
    if on {
        skip(&format!("under emulation: {why}"));
    }
    on
}

/// Whether the test may use fds at or above 1024 (with `select(2)` among the waits it
/// makes): `false`, said out loud ([`skip_under_emulation`]), under an emulator whose
/// `select(2)` aborts on them (qemu-user).
#[must_use]
pub fn high_fds_usable() -> bool {
    !skip_under_emulation("select(2) on fds at or above 1024 aborts qemu-user")
}

/// `sel` with `fd` registered for `interest`, with `data`: the set-up of many a
/// selector test, on any selector.
///
/// # Panics
///
/// If the registration fails.
#[must_use]
pub fn registered<S: crate::Selector, W: crate::Waitable + ?Sized>(
    mut sel: S,
    fd: &W,
    interest: crate::Interest,
    data: S::Data,
) -> S {
    sel.register(fd, interest, data)
        .unwrap_or_else(|e| panic!("register: {e}"));
    sel
}

/// A thread that sleeps `delay`, writes one byte to `w` and hands `w` back when joined
/// (kept open meanwhile, so a hang-up is never what ends a wait for the byte).
pub fn write_after<W: Write + Send + 'static>(
    delay: std::time::Duration,
    mut w: W,
) -> std::thread::JoinHandle<W> {
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        write_byte(&mut w);
        w
    })
}

/// The errors of the calls a closed selector must refuse, in this order: `register`,
/// `modify` (with `data`) and `unregister` of `fd`, its key, a zero-timeout wait, and
/// `fd` as the wake fd. Each call must fail; the caller checks the errors.
///
/// # Panics
///
/// If a call succeeds, or `fd` has no number.
pub fn closed_selector_errors<S, W>(sel: &mut S, fd: &W, data: S::Data) -> Vec<io::Error>
where
    S: crate::Selector + crate::__private::WakeFd,
    S::Data: Clone,
    W: crate::Waitable + ?Sized,
{
    let mut events = crate::Events::with_capacity(4);
    let wake = fd.fileno().expect("the fd's number");
    let read = crate::Interest::READ;
    vec![
        sel.register(fd, read, data.clone()).map(drop).unwrap_err(),
        sel.modify(fd, read, data).map(drop).unwrap_err(),
        sel.unregister(fd).map(drop).unwrap_err(),
        sel.get_key(fd).map(drop).unwrap_err(),
        sel.select(&mut events, Some(std::time::Duration::ZERO))
            .map(drop)
            .unwrap_err(),
        sel.set_wake_fd(Some(wake)).unwrap_err(),
    ]
}
