//! Every libc call of select-facade (the waker's fds and the Ctrl-C watcher).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
#[cfg(any(target_os = "linux", target_os = "android"))]
use std::os::fd::{FromRawFd, OwnedFd};

use select_core::__private::cvt;

/// A new non-blocking, close-on-exec eventfd with counter 0.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn eventfd() -> io::Result<OwnedFd> {
    // SAFETY: eventfd takes integer arguments and returns a new fd or -1.
    let fd = cvt(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
    // SAFETY: `fd` was just created and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Sets `O_NONBLOCK` on `fd`.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    let raw = fd.as_raw_fd();
    // SAFETY: F_GETFL takes no argument; `raw` is open for the borrow's lifetime.
    let flags = cvt(unsafe { libc::fcntl(raw, libc::F_GETFL) })?;
    // SAFETY: F_SETFL takes an integer argument.
    cvt(unsafe { libc::fcntl(raw, libc::F_SETFL, flags | libc::O_NONBLOCK) })?;
    Ok(())
}

/// `write(2)` of `buf` to `fd`; returns the bytes written.
pub(crate) fn write(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes; the fd is borrowed open.
    let n = cvt(unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len()) })?;
    Ok(n as usize)
}

/// `read(2)` from `fd` into `buf`; returns the bytes read.
pub(crate) fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes; the fd is borrowed open.
    let n = cvt(unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) })?;
    Ok(n as usize)
}

/// A signal set holding SIGINT and SIGTERM.
fn interrupt_set() -> libc::sigset_t {
    // SAFETY: sigset_t is plain data; sigemptyset initialises it fully before use.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid, writable sigset_t; the signal numbers are valid.
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
    }
    set
}

/// Blocks SIGINT and SIGTERM in the calling thread (threads spawned later inherit it).
pub(crate) fn block_interrupts() -> io::Result<()> {
    let set = interrupt_set();
    // SAFETY: `set` is initialised; the old mask is not requested.
    let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(rc))
    }
}

/// Waits until SIGINT or SIGTERM is pending (they must be blocked) and returns it.
pub(crate) fn wait_interrupt() -> io::Result<libc::c_int> {
    let set = interrupt_set();
    let mut sig: libc::c_int = 0;
    // SAFETY: `set` is initialised and `sig` is a valid place for the result.
    let rc = unsafe { libc::sigwait(&set, &mut sig) };
    if rc == 0 {
        Ok(sig)
    } else {
        Err(io::Error::from_raw_os_error(rc))
    }
}

/// The last of SIGINT/SIGTERM caught by [`interrupt_handler`], or 0.
pub(crate) static CAUGHT: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

extern "C" fn interrupt_handler(sig: libc::c_int) {
    // An atomic store is async-signal-safe.
    CAUGHT.store(sig, std::sync::atomic::Ordering::SeqCst);
}

/// Installs, for SIGINT and SIGTERM, a handler that records the signal in [`CAUGHT`],
/// with `SA_RESTART` (waits on select/poll/epoll/kqueue still fail with EINTR).
pub(crate) fn catch_interrupts() -> io::Result<()> {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: sigaction is plain old data; zero is a valid starting value.
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        sa.sa_sigaction = interrupt_handler as extern "C" fn(libc::c_int) as libc::sighandler_t;
        sa.sa_flags = libc::SA_RESTART;
        // SAFETY: sa.sa_mask is a valid sigset_t inside `sa`.
        unsafe { libc::sigemptyset(&mut sa.sa_mask) };
        // SAFETY: `sa` is fully initialised; the handler only stores to an atomic
        // (async-signal-safe); the old action is not requested.
        cvt(unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) })?;
    }
    Ok(())
}
