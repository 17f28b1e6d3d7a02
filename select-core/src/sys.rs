//! Every libc call of select-core. Nothing else in the crate is `unsafe`.

use std::io;
use std::os::fd::RawFd;
#[cfg(feature = "testing")]
use std::os::fd::{FromRawFd, OwnedFd};

use crate::__private::cvt;

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

#[inline(always)]
pub(crate) fn fcntl_getfd(fd: RawFd) -> io::Result<libc::c_int> {
    #[cfg(select_faults)]
    crate::fault::errno_at("fcntl(F_GETFD)")?;
    // SAFETY: F_GETFD takes no pointer argument and only reads the fd table.
    cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })
}

/// `poll(2)` on the one fd `fd` for `events`, without waiting: its `revents` (the fault
/// tests' oracle, [`crate::fault::raw_poll`]).
#[cfg(select_faults)]
pub(crate) fn poll_one(fd: RawFd, events: libc::c_short) -> io::Result<libc::c_short> {
    let mut p = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: `p` is one valid, writable pollfd for the call; the kernel writes only its
    // `revents`.
    cvt(unsafe { libc::poll(&mut p, 1, 0) })?;
    Ok(p.revents)
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
    // Miri has no exec and does not emulate F_SETFD: nothing to set there.
    if !cfg!(miri) {
        // SAFETY: F_SETFD takes an integer argument.
        cvt(unsafe { libc::fcntl(new, libc::F_SETFD, libc::FD_CLOEXEC) })?;
    }
    Ok(owned)
}

#[cfg(feature = "testing")]
pub(crate) fn nofile_limit() -> io::Result<(u64, u64)> {
    if cfg!(miri) {
        // Miri's fd table has no limit and Miri has no getrlimit: a nominal soft limit
        // of 1024 and no hard limit.
        return Ok((1024, u64::MAX));
    }
    // SAFETY: rlimit is plain old data; getrlimit writes into the valid pointer given.
    let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
    // SAFETY: `lim` is a valid, writable rlimit.
    cvt(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) })?;
    Ok((lim.rlim_cur as u64, lim.rlim_max as u64))
}

#[cfg(feature = "testing")]
pub(crate) fn set_nofile_soft_limit(soft: u64, hard: u64) -> io::Result<()> {
    if cfg!(miri) {
        // Nothing to raise under Miri (see `nofile_limit`).
        return Ok(());
    }
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

/// An opaque thread handle for [`signal`](crate::testing). A `pthread_t` is an integer
/// on glibc but a pointer on musl (and thus not `Send`); this wrapper carries it to the
/// storm's sender thread on every libc.
#[cfg(feature = "testing")]
#[derive(Clone, Copy)]
pub(crate) struct Thread(libc::pthread_t);

// SAFETY: the handle is an identifier, never dereferenced by us; the only use is
// `pthread_kill` while the target is alive (`SignalStorm` is `!Send` and joins its sender
// before the target thread can drop it and exit).
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
    signal_thread_with(thread, STORM_SIGNAL)
}

/// The signal of [`SignalFlag`](crate::testing::SignalFlag): SIGUSR1, as a program would
/// use for "stop".
#[cfg(feature = "testing")]
pub(crate) const FLAG_SIGNAL: libc::c_int = libc::SIGUSR1;

/// Set by [`flag_handler`]; read by the tests' interrupt checks.
#[cfg(feature = "testing")]
pub(crate) static FLAG_RAISED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

#[cfg(feature = "testing")]
extern "C" fn flag_handler(_: libc::c_int) {
    // An atomic store is async-signal-safe.
    FLAG_RAISED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Installs, for [`FLAG_SIGNAL`], a handler that sets [`FLAG_RAISED`], **with**
/// `SA_RESTART` (as `signal-hook`'s `flag::register` does): `select`, `poll`,
/// `epoll_wait` and `kevent` fail with EINTR after a handler all the same.
#[cfg(feature = "testing")]
pub(crate) fn install_flag_handler() -> io::Result<()> {
    // SAFETY: sigaction is plain old data; zero is a valid starting value.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = flag_handler as extern "C" fn(libc::c_int) as libc::sighandler_t;
    sa.sa_flags = libc::SA_RESTART;
    // SAFETY: sa.sa_mask is a valid sigset_t inside `sa`.
    unsafe { libc::sigemptyset(&mut sa.sa_mask) };
    // SAFETY: `sa` is fully initialised; the handler only stores to an atomic
    // (async-signal-safe); the old action is not requested.
    cvt(unsafe { libc::sigaction(FLAG_SIGNAL, &sa, std::ptr::null_mut()) })?;
    Ok(())
}

/// `pthread_kill(thread, sig)`.
#[cfg(feature = "testing")]
pub(crate) fn signal_thread_with(thread: Thread, sig: libc::c_int) -> io::Result<()> {
    // SAFETY: the callers guarantee `thread` is alive (SignalStorm and Signaller join
    // their sender before the target can exit); pthread_kill has no other memory-safety
    // precondition (an unhandled signal takes its default action, which is not UB).
    let rc = unsafe { libc::pthread_kill(thread.0, sig) };
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

/// Forks; the child runs `child` and leaves with `_exit` of its result (127 if it
/// panicked); the parent waits and returns the child's exit status.
#[cfg(feature = "testing")]
pub(crate) fn fork_and_wait(child: impl FnOnce() -> i32) -> io::Result<i32> {
    // SAFETY: fork has no memory-safety preconditions. The child runs only `child`
    // (test code that avoids locks other threads may hold: tests that fork keep to their
    // own binary) and then `_exit`s without running destructors or atexit handlers.
    let pid = cvt(unsafe { libc::fork() })?;
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(127);
        // SAFETY: _exit is async-signal-safe and never returns.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    loop {
        // SAFETY: `status` is a live int; `pid` is our child.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
    if libc::WIFEXITED(status) {
        Ok(libc::WEXITSTATUS(status))
    } else {
        Err(io::Error::other(format!(
            "child ended abnormally: status {status:#x}"
        )))
    }
}
