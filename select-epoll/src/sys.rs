//! Every libc call of select-epoll. Nothing else in the crate is `unsafe`.
//!
//! The functions here take raw fd numbers and plain slices; the safe wrappers in
//! `epoll.rs` guarantee the numbers they pass belong to a live epoll instance.
//!
//! Under `--cfg select_faults` (the fault tests, `.ci/faults`) each wrapper first asks
//! the thread's fault plan (`select_core::fault`) whether this call of its syscall
//! fails, and then returns that errno without calling the kernel. Without the cfg the
//! seam is not compiled at all.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use libc::{c_int, epoll_event};
use select_core::__private::cvt;
use select_core::timeout::{to_millis_ceil, to_timespec};

/// The kernel's `EP_MAX_EVENTS`: `epoll_wait` refuses a larger `maxevents` with EINVAL.
pub(crate) const EP_MAX_EVENTS: usize = (i32::MAX as usize) / std::mem::size_of::<epoll_event>();

/// A zeroed `epoll_event`, for buffers.
pub(crate) const ZERO_EVENT: epoll_event = epoll_event { events: 0, u64: 0 };

/// `struct __kernel_timespec`, the timeout argument of `epoll_pwait2(2)`: 64-bit seconds
/// and nanoseconds on every architecture (the syscall post-dates the y2038 work, so
/// unlike `libc::timespec` it has no 32-bit `time_t` variant).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KernelTimespec {
    pub(crate) tv_sec: i64,
    pub(crate) tv_nsec: i64,
}

impl KernelTimespec {
    /// `d` exactly, clamped like [`to_timespec`] to `MAX_WAIT_CHUNK`.
    #[inline]
    pub(crate) fn from_duration(d: Duration) -> KernelTimespec {
        let ts = to_timespec(d);
        // Widening: time_t and c_long are at most 64 bits on every Linux target.
        #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
        KernelTimespec {
            tv_sec: ts.tv_sec as i64,
            tv_nsec: ts.tv_nsec as i64,
        }
    }
}

/// Under `--cfg select_faults`: the errno the fault plan has for this call of `site`.
#[cfg(select_faults)]
#[inline(always)]
fn injected(site: &'static str) -> io::Result<()> {
    select_core::fault::errno_at(site)
}

/// `epoll_create1(EPOLL_CLOEXEC)`.
pub(crate) fn epoll_create_cloexec() -> io::Result<OwnedFd> {
    #[cfg(select_faults)]
    injected("epoll_create1")?;
    // SAFETY: epoll_create1 takes an integer flag and returns a new fd or -1.
    let fd = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
    // SAFETY: `fd` was just returned by the kernel and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Makes the fd number `target` refer to `src`'s open file (close-on-exec), closing what
/// it referred to before, in one step (`dup3(2)`): the number stays valid throughout.
pub(crate) fn dup_onto(src: BorrowedFd<'_>, target: BorrowedFd<'_>) -> io::Result<()> {
    #[cfg(select_faults)]
    injected("dup3")?;
    // SAFETY: both numbers are open fds of this process for the call (the borrows); dup3
    // only changes which open file `target` names, so the owner of `target` still owns a
    // valid fd afterwards. EINVAL when they are equal, which the caller never does.
    #[cfg(not(any(target_os = "android", miri)))]
    return cvt(unsafe { libc::dup3(src.as_raw_fd(), target.as_raw_fd(), libc::O_CLOEXEC) })
        .map(drop);
    // The libc crate binds no dup3 for Android (and Miri does not emulate it): dup2, then
    // close-on-exec, in two steps (the number stays valid in between; only an exec in
    // that window would inherit it).
    #[cfg(any(target_os = "android", miri))]
    {
        // SAFETY: as above; dup2 changes which open file `target` names.
        cvt(unsafe { libc::dup2(src.as_raw_fd(), target.as_raw_fd()) })?;
        // Miri emulates no F_SETFD, and no exec either, which is all the flag is for.
        #[cfg(not(miri))]
        // SAFETY: `target` is open (the borrow); F_SETFD only sets its fd flags.
        cvt(unsafe { libc::fcntl(target.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) })?;
        Ok(())
    }
}

/// `epoll_ctl(epfd, op, fd, &{events, data})`. `EPOLL_CTL_DEL` ignores the event.
#[inline(always)]
pub(crate) fn epoll_ctl(
    epfd: RawFd,
    op: c_int,
    fd: RawFd,
    events: u32,
    data: u64,
) -> io::Result<()> {
    #[cfg(select_faults)]
    injected(match op {
        libc::EPOLL_CTL_ADD => "epoll_ctl(ADD)",
        libc::EPOLL_CTL_MOD => "epoll_ctl(MOD)",
        _ => "epoll_ctl(DEL)",
    })?;
    let mut ev = epoll_event { events, u64: data };
    // SAFETY: `ev` is a valid, writable epoll_event for the duration of the call (kernels
    // before 2.6.9 required a non-null pointer even for EPOLL_CTL_DEL); bad fd numbers are
    // reported as errors, not undefined behaviour.
    cvt(unsafe { libc::epoll_ctl(epfd, op, fd, &mut ev) })?;
    Ok(())
}

/// Whether `epoll_pwait2` was found missing (ENOSYS) or forbidden (EPERM from a seccomp
/// filter); then every timed wait uses `epoll_wait` with milliseconds rounded up.
static PWAIT2_UNAVAILABLE: AtomicBool = AtomicBool::new(false);

/// Forces (or stops forcing) the `epoll_wait` fallback for timed waits, process-wide.
pub(crate) fn set_pwait2_disabled(disabled: bool) {
    PWAIT2_UNAVAILABLE.store(disabled, Ordering::Relaxed);
}

/// Whether timed waits currently use `epoll_pwait2`.
pub(crate) fn pwait2_in_use() -> bool {
    !PWAIT2_UNAVAILABLE.load(Ordering::Relaxed)
}

/// One wait on `epfd` into `buf` (`buf.len()` is maxevents, 1..=EP_MAX_EVENTS), without
/// EINTR retry: `None` blocks, zero polls, anything else waits that long, to the
/// nanosecond where the kernel has `epoll_pwait2` and rounded up to milliseconds
/// otherwise. Returns how many entries of `buf` the kernel filled.
#[inline(always)]
pub(crate) fn epoll_wait(
    epfd: RawFd,
    buf: &mut [epoll_event],
    timeout: Option<Duration>,
) -> io::Result<usize> {
    match timeout {
        Some(d) if !d.is_zero() && pwait2_in_use() => match epoll_pwait2(epfd, buf, d) {
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSYS | libc::EPERM)) => {
                set_pwait2_disabled(true);
                epoll_wait_millis(epfd, buf, to_millis_ceil(timeout))
            }
            other => other,
        },
        _ => epoll_wait_millis(epfd, buf, to_millis_ceil(timeout)),
    }
}

/// `epoll_wait(2)` with a timeout in milliseconds (-1 blocks).
#[inline(always)]
pub(crate) fn epoll_wait_millis(
    epfd: RawFd,
    buf: &mut [epoll_event],
    millis: c_int,
) -> io::Result<usize> {
    #[cfg(select_faults)]
    injected("epoll_wait")?;
    let max = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
    // SAFETY: `buf` is a valid, writable array of at least `max` epoll_events; the kernel
    // writes at most `max` entries into it.
    let n = cvt(unsafe { libc::epoll_wait(epfd, buf.as_mut_ptr(), max, millis) })?;
    Ok(n as usize)
}

/// `epoll_pwait2(2)` (Linux 5.11) through `syscall(2)`, with no signal mask.
pub(crate) fn epoll_pwait2(
    epfd: RawFd,
    buf: &mut [epoll_event],
    timeout: Duration,
) -> io::Result<usize> {
    #[cfg(select_faults)]
    injected("epoll_pwait2")?;
    if cfg!(miri) {
        // Miri does not emulate epoll_pwait2 (syscall 441): answer as a kernel before
        // 5.11 would, so the epoll_wait fallback is the path checked under Miri.
        return Err(io::Error::from_raw_os_error(libc::ENOSYS));
    }
    let max = c_int::try_from(buf.len()).unwrap_or(c_int::MAX);
    let ts = KernelTimespec::from_duration(timeout);
    // SAFETY: `buf` is a valid, writable array of at least `max` epoll_events; `ts` is a
    // live __kernel_timespec the kernel only reads; a null sigmask means "keep the
    // current mask", and its size argument is then ignored.
    let n = unsafe {
        libc::syscall(
            libc::SYS_epoll_pwait2,
            epfd as libc::c_long,
            buf.as_mut_ptr(),
            max as libc::c_long,
            &ts as *const KernelTimespec,
            ptr::null::<libc::sigset_t>(),
            0 as libc::size_t,
        )
    };
    let n = cvt(n)?;
    Ok(n as usize)
}

/// Whether `fd` is an epoll instance, probed without side effects: deleting a brand-new
/// eventfd from it fails with ENOENT on an epoll instance (nothing is registered under
/// that file) and with EINVAL on anything else.
///
/// Returns `Ok(true)`/`Ok(false)`, or the error that made the probe impossible (EBADF
/// for a closed `fd`, EMFILE when no probe fd can be made).
pub(crate) fn is_epoll(fd: RawFd) -> io::Result<bool> {
    #[cfg(select_faults)]
    injected("eventfd")?;
    // SAFETY: eventfd takes integer arguments and returns a new fd or -1.
    let probe = cvt(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
    // SAFETY: `probe` was just returned by the kernel and is owned by nobody else.
    let probe = unsafe { OwnedFd::from_raw_fd(probe) };
    use std::os::fd::AsRawFd;
    match epoll_ctl(fd, libc::EPOLL_CTL_DEL, probe.as_raw_fd(), 0, 0) {
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => Ok(false),
        Err(e) => Err(e),
        // Cannot happen (the probe was never registered); treat as an epoll instance.
        Ok(()) => Ok(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    #[test]
    fn kernel_timespec_layout() {
        assert_eq!(size_of::<KernelTimespec>(), 16);
        assert_eq!(align_of::<KernelTimespec>(), align_of::<i64>());
        assert_eq!(offset_of!(KernelTimespec, tv_sec), 0);
        assert_eq!(offset_of!(KernelTimespec, tv_nsec), 8);
    }

    #[test]
    fn epoll_event_layout() {
        // The kernel's struct epoll_event is 12 bytes with the u64 at offset 4 on x86-64
        // (declared packed) and on 32-bit x86 (where a u64 is 4-aligned anyway); 16
        // bytes with the u64 at offset 8 on every other architecture.
        if cfg!(any(target_arch = "x86_64", target_arch = "x86")) {
            assert_eq!(size_of::<epoll_event>(), 12);
            assert_eq!(offset_of!(epoll_event, u64), 4);
        } else {
            assert_eq!(size_of::<epoll_event>(), 16);
            assert_eq!(offset_of!(epoll_event, u64), 8);
        }
        assert_eq!(offset_of!(epoll_event, events), 0);
        assert!(EP_MAX_EVENTS * size_of::<epoll_event>() <= i32::MAX as usize);
    }

    #[test]
    fn kernel_timespec_is_exact() {
        let ts = KernelTimespec::from_duration(Duration::new(3, 200_000));
        assert_eq!(
            ts,
            KernelTimespec {
                tv_sec: 3,
                tv_nsec: 200_000
            }
        );
    }

    #[test]
    fn millisecond_fallback_waits_at_least_the_rounded_up_time() {
        use std::os::fd::AsRawFd;
        use std::time::Instant;
        let ep = epoll_create_cloexec().unwrap();
        let mut buf = [ZERO_EVENT; 4];
        let start = Instant::now();
        // 200 µs rounds up to 1 ms, never down to a busy-looping 0.
        let ms = to_millis_ceil(Some(Duration::from_micros(200)));
        assert_eq!(ms, 1);
        let n = epoll_wait_millis(ep.as_raw_fd(), &mut buf, ms).unwrap();
        assert_eq!(n, 0);
        assert!(start.elapsed() >= Duration::from_millis(1));
    }
}
