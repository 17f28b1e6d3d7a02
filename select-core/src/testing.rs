//! Helpers for the tests and benches of the select-rs crates (feature `testing`).
//!
//! Real pipes, socket pairs, loopback TCP, out-of-band data, fd-number placement with
//! `dup2`, the `RLIMIT_NOFILE` soft limit and signal storms. Not part of the stable API.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::sys;

pub mod contract;

/// A pipe: `(reader, writer)`, both close-on-exec.
pub fn pipe() -> (io::PipeReader, io::PipeWriter) {
    io::pipe().expect("pipe(2) failed")
}

/// A connected pair of Unix stream sockets.
pub fn socketpair() -> (
    std::os::unix::net::UnixStream,
    std::os::unix::net::UnixStream,
) {
    std::os::unix::net::UnixStream::pair().expect("socketpair(2) failed")
}

/// A connected pair of loopback TCP sockets: `(client, server side)`.
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
/// The errno of `send(2)`.
pub fn send_oob(stream: &TcpStream, byte: u8) -> io::Result<()> {
    sys::send_oob(stream.as_raw_fd(), byte)
}

/// Makes `fd` non-blocking.
///
/// # Errors
///
/// The errno of `fcntl(2)`.
pub fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    sys::set_nonblocking(fd)
}

/// Whether `fd` is an open file descriptor of this process.
pub fn is_open(fd: RawFd) -> bool {
    crate::check_open(fd).is_ok()
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

/// Raises the `RLIMIT_NOFILE` soft limit to `want` (or the hard limit, if lower) and
/// returns the soft limit now in force. Never lowers it.
///
/// # Errors
///
/// The errno of `getrlimit(2)`/`setrlimit(2)`.
pub fn raise_fd_limit(want: u64) -> io::Result<u64> {
    let (soft, hard) = sys::nofile_limit()?;
    let target = want.min(hard);
    if target > soft {
        sys::set_nofile_soft_limit(target, hard)?;
        Ok(target)
    } else {
        Ok(soft)
    }
}

/// A duplicate of `fd` at exactly `target` (via `dup2`), close-on-exec. Raises the fd
/// limit as needed.
///
/// # Errors
///
/// `AlreadyExists` if `target` is already open (it is never clobbered), or the errno of
/// `dup2(2)`.
pub fn dup_at(fd: RawFd, target: RawFd) -> io::Result<OwnedFd> {
    raise_fd_limit(target as u64 + 1)?;
    if is_open(target) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("fd {target} is already open"),
        ));
    }
    sys::dup2(fd, target)
}

/// The start of every line that [`skip`] prints: `SKIP(select-rs) <test>: <reason>`.
/// CI's skip-policy stage greps for it.
pub const SKIP_MARKER: &str = "SKIP(select-rs)";

/// Says out loud that the running test skips (part of) its body, and why: one line
/// `SKIP(select-rs) <test>: <reason>` on stderr, written past libtest's output capture
/// so that it shows whether the test passes or not. `<test>` is the test's name (libtest
/// names each test's thread after it).
///
/// Use it only where the machine makes the test impossible (see [`dup_at_or_skip`]);
/// CI checks that a run under the normal fd limit prints no skip line at all and that a
/// run under `prlimit --nofile=4096:4096` prints exactly the expected ones.
pub fn skip(reason: &str) {
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("<unnamed thread>");
    // One write of one line: not interleaved with other threads' lines.
    let line = format!("{SKIP_MARKER} {name}: {reason}\n");
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

/// Like [`dup_at`], for tests that need one exact high fd number: the duplicate, or
/// `None` after a [`skip`] line when the `RLIMIT_NOFILE` hard limit keeps `target` out of
/// reach (the only reason a test may skip).
///
/// # Panics
///
/// On any other failure, `target` being open already among them: each test owns the
/// numbers it places fds on, so a clash is a bug in the tests, not a reason to skip.
#[must_use]
pub fn dup_at_or_skip(fd: RawFd, target: RawFd) -> Option<OwnedFd> {
    let (_, hard) = sys::nofile_limit().expect("getrlimit(RLIMIT_NOFILE)");
    if u64::try_from(target).is_ok_and(|t| t >= hard) {
        skip(&format!(
            "fd {target} is out of reach: RLIMIT_NOFILE hard limit is {hard}"
        ));
        return None;
    }
    Some(dup_at(fd, target).unwrap_or_else(|e| panic!("dup_at({fd}, {target}): {e}")))
}

/// For tests that need `want` fds open at once: raises the soft `RLIMIT_NOFILE` limit to
/// `want` and returns `true`, or prints a [`skip`] line and returns `false` when the hard
/// limit is below `want` (the only reason such a test may skip).
///
/// # Panics
///
/// If `getrlimit`/`setrlimit` fail.
#[must_use]
pub fn fd_limit_or_skip(want: u64) -> bool {
    let got = raise_fd_limit(want).expect("raise RLIMIT_NOFILE");
    if got < want {
        skip(&format!(
            "needs {want} fds open at once: RLIMIT_NOFILE hard limit is {got}"
        ));
        return false;
    }
    true
}

/// A non-blocking, close-on-exec eventfd with counter 0 (Linux).
///
/// # Errors
///
/// The errno of `eventfd(2)`.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn eventfd() -> io::Result<OwnedFd> {
    sys::eventfd()
}

/// Sends a no-op signal (SIGURG, installed without `SA_RESTART`) to the thread that
/// started it, every `interval`, until stopped or dropped: every blocking syscall in that
/// thread fails with EINTR meanwhile.
///
/// ```
/// use std::time::Duration;
/// use select_core::testing::SignalStorm;
///
/// let storm = SignalStorm::start(Duration::from_micros(200)).unwrap();
/// std::thread::sleep(Duration::from_millis(20)); // std's sleep resumes after EINTR
/// assert!(storm.stop() > 0);
/// ```
#[derive(Debug)]
pub struct SignalStorm {
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicUsize>,
    sender: Option<JoinHandle<()>>,
}

impl SignalStorm {
    /// Starts signalling the calling thread every `interval`.
    ///
    /// # Errors
    ///
    /// The errno of `sigaction(2)`.
    pub fn start(interval: Duration) -> io::Result<SignalStorm> {
        sys::install_noop_handler()?;
        let target = sys::current_thread();
        let stop = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicUsize::new(0));
        let (stop2, sent2) = (stop.clone(), sent.clone());
        let sender = std::thread::spawn(move || {
            while !stop2.load(Ordering::Acquire) {
                if sys::signal_thread(target).is_ok() {
                    sent2.fetch_add(1, Ordering::Relaxed);
                }
                std::thread::sleep(interval);
            }
        });
        Ok(SignalStorm {
            stop,
            sent,
            sender: Some(sender),
        })
    }

    /// Stops the storm and returns how many signals were sent.
    pub fn stop(mut self) -> usize {
        self.halt();
        self.sent.load(Ordering::Relaxed)
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.sender.take() {
            let _ = h.join();
        }
    }
}

impl Drop for SignalStorm {
    fn drop(&mut self) {
        // The target thread is the one dropping us, so it is alive until the sender has
        // been joined: no signal reaches a thread that has exited.
        self.halt();
    }
}

/// A real `poll(2)` on no fds with `timeout` (rounded up to ms): sleeps in the kernel
/// until the timeout or a signal (then EINTR). For tests of EINTR handling.
///
/// # Errors
///
/// The errno of `poll(2)`, `Interrupted` among them.
pub fn poll_sleep(timeout: Option<Duration>) -> io::Result<usize> {
    sys::poll_no_fds(crate::timeout::to_millis_ceil(timeout))
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
