//! Every libc call of select-core. Nothing else in the crate is `unsafe`.

use std::io;
use std::os::fd::RawFd;
#[cfg(feature = "testing")]
use std::os::fd::{FromRawFd, OwnedFd};

use crate::error::cvt;

// `usize` in libc on most targets, `c_int` on illumos and Solaris (5120 there).
#[allow(clippy::unnecessary_cast)]
pub(crate) const PIPE_BUF: usize = libc::PIPE_BUF as usize;

/// A `timespec` of zero, built without naming private padding fields.
#[inline]
pub(crate) fn zeroed_timespec() -> libc::timespec {
    // SAFETY: timespec is plain old data (integers and padding); all-zero bytes are a
    // valid value of it.
    unsafe { std::mem::zeroed() }
}

/// `close(2)` of a raw number, returning the raw result (for tests of `cvt`).
#[cfg(test)]
pub(crate) fn close_raw(fd: libc::c_int) -> libc::c_int {
    // SAFETY: closing an arbitrary number has no memory-safety effect; callers pass
    // numbers they own or invalid ones (-1).
    unsafe { libc::close(fd) }
}

pub(crate) fn fcntl_getfd(fd: RawFd) -> io::Result<libc::c_int> {
    // SAFETY: F_GETFD takes no pointer argument and only reads the fd table.
    cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })
}

#[cfg(feature = "testing")]
pub(crate) fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: F_GETFL/F_SETFL take integer arguments only.
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    // SAFETY: as above.
    cvt(unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) })?;
    Ok(())
}

/// `dup2(fd, target)` as an owned fd, with close-on-exec set.
#[cfg(feature = "testing")]
pub(crate) fn dup2(fd: RawFd, target: RawFd) -> io::Result<OwnedFd> {
    // SAFETY: dup2 takes integers; on success `target` is a new fd this process owns
    // and nobody else holds (the caller checked it was free).
    let new = cvt(unsafe { libc::dup2(fd, target) })?;
    // SAFETY: `new` was just returned by dup2, is open, and is owned by nobody else.
    let owned = unsafe { OwnedFd::from_raw_fd(new) };
    // SAFETY: F_SETFD takes an integer argument.
    cvt(unsafe { libc::fcntl(new, libc::F_SETFD, libc::FD_CLOEXEC) })?;
    Ok(owned)
}

#[cfg(feature = "testing")]
pub(crate) fn nofile_limit() -> io::Result<(u64, u64)> {
    // SAFETY: rlimit is plain old data; getrlimit writes into the valid pointer given.
    let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
    // SAFETY: `lim` is a valid, writable rlimit.
    cvt(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) })?;
    Ok((lim.rlim_cur as u64, lim.rlim_max as u64))
}

#[cfg(feature = "testing")]
pub(crate) fn set_nofile_soft_limit(soft: u64, hard: u64) -> io::Result<()> {
    let lim = libc::rlimit {
        rlim_cur: soft as libc::rlim_t,
        rlim_max: hard as libc::rlim_t,
    };
    // SAFETY: `lim` is a valid rlimit read by the kernel.
    cvt(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) })?;
    Ok(())
}

/// Sends one byte of TCP out-of-band (urgent) data.
#[cfg(feature = "testing")]
pub(crate) fn send_oob(fd: RawFd, byte: u8) -> io::Result<()> {
    // SAFETY: the buffer is one valid byte on the stack, of the length given.
    let n = unsafe { libc::send(fd, (&byte as *const u8).cast(), 1, libc::MSG_OOB) };
    cvt(n)?;
    Ok(())
}

/// An opaque thread handle for [`signal`](crate::testing).
#[cfg(feature = "testing")]
#[derive(Clone, Copy)]
pub(crate) struct Thread(libc::pthread_t);

// SAFETY: a `pthread_t` is an opaque id (an integer on glibc, a pointer on musl and some
// BSDs) that this crate never dereferences: it is only handed back to `pthread_kill`,
// which may be called from any thread.
#[cfg(feature = "testing")]
unsafe impl Send for Thread {}

#[cfg(feature = "testing")]
pub(crate) fn current_thread() -> Thread {
    // SAFETY: pthread_self has no preconditions.
    Thread(unsafe { libc::pthread_self() })
}

/// The signal the test storms use: SIGURG, whose default action is to be ignored, so a
/// stray one is harmless even before the handler is installed.
#[cfg(feature = "testing")]
pub(crate) const STORM_SIGNAL: libc::c_int = libc::SIGURG;

#[cfg(feature = "testing")]
extern "C" fn noop_handler(_: libc::c_int) {}

/// Installs a no-op handler for [`STORM_SIGNAL`] **without** `SA_RESTART`, so a blocking
/// syscall in the signalled thread fails with EINTR.
#[cfg(feature = "testing")]
pub(crate) fn install_noop_handler() -> io::Result<()> {
    // SAFETY: sigaction is plain old data; zero is a valid starting value.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = noop_handler as extern "C" fn(libc::c_int) as libc::sighandler_t;
    sa.sa_flags = 0;
    // SAFETY: sa.sa_mask is a valid sigset_t inside `sa`.
    unsafe { libc::sigemptyset(&mut sa.sa_mask) };
    // SAFETY: `sa` is fully initialised; the handler is async-signal-safe (it does
    // nothing); the old action is not requested.
    cvt(unsafe { libc::sigaction(STORM_SIGNAL, &sa, std::ptr::null_mut()) })?;
    Ok(())
}

#[cfg(feature = "testing")]
pub(crate) fn signal_thread(thread: Thread) -> io::Result<()> {
    // SAFETY: the caller guarantees `thread` is alive (SignalStorm joins its sender
    // before the target can exit); the handler is installed.
    let rc = unsafe { libc::pthread_kill(thread.0, STORM_SIGNAL) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(rc))
    }
}

#[cfg(all(feature = "testing", any(target_os = "linux", target_os = "android")))]
pub(crate) fn eventfd() -> io::Result<OwnedFd> {
    // SAFETY: eventfd takes integers and returns a new fd or -1.
    let fd = cvt(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
    // SAFETY: `fd` is a new fd owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `poll(2)` on no fds: sleeps `ms` milliseconds (or until a signal interrupts it).
#[cfg(feature = "testing")]
pub(crate) fn poll_no_fds(ms: libc::c_int) -> io::Result<usize> {
    // SAFETY: with nfds == 0 the kernel reads no pollfd; a null pointer is allowed.
    let n = cvt(unsafe { libc::poll(std::ptr::null_mut(), 0, ms) })?;
    Ok(n as usize)
}
