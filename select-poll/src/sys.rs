//! Every libc call of select-poll, and the one `Vec::set_len`. Nothing else in the
//! crate is `unsafe`.
//!
//! Under `--cfg select_faults` (the fault tests, `.ci/faults`) each wrapper first asks
//! the thread's fault plan (`select_core::fault`) whether this call of its syscall
//! fails, and then returns that errno without calling the kernel (or, for a write to
//! `/dev/poll`, calls it with a shortened length). Without the cfg the seam is not
//! compiled at all.

use std::io;
use std::os::fd::RawFd;

use libc::{c_int, nfds_t, pollfd};
use select_core::__private::cvt;

/// One `poll(2)` call over `fds` with a timeout in milliseconds (`-1` blocks).
///
/// Returns the number of entries with a nonzero `revents`; on error (EINTR among them)
/// the `revents` are unspecified.
#[inline(always)]
pub(crate) fn poll(fds: &mut [pollfd], timeout_ms: c_int) -> io::Result<usize> {
    // On every target with nfds_t narrower than usize, more than nfds_t::MAX entries
    // would be refused by the kernel anyway (RLIMIT_NOFILE): refuse them the same way.
    let Ok(nfds) = nfds_t::try_from(fds.len()) else {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    };
    #[cfg(select_faults)]
    select_core::fault::errno_at("poll")?;
    // SAFETY: `fds` is a valid, writable slice of exactly `nfds` initialised pollfd
    // structs (a dangling but aligned pointer with nfds == 0 is never dereferenced); the
    // kernel writes only the `revents` fields within it.
    let n = cvt(unsafe { libc::poll(fds.as_mut_ptr(), nfds, timeout_ms) })?;
    Ok(n as usize)
}

/// Appends `(fd, revents)` for the first `n` entries of `fds` whose `revents` is
/// non-zero (all of them if fewer) to `out`, in array order.
///
/// The entries are written into `out`'s spare capacity with the count in a local: a
/// `push` per entry stores and reloads the vector's length through memory for every
/// ready fd, a dependency chain that costs a few percent of a busy `poll(2)`.
#[inline]
pub(crate) fn append_ready<F>(
    fds: &[pollfd],
    n: usize,
    out: &mut Vec<(RawFd, F)>,
    flags: impl Fn(libc::c_short) -> F,
) {
    out.reserve(n);
    let spare = out.spare_capacity_mut();
    let mut k = 0;
    for p in fds {
        if p.revents != 0 {
            let Some(slot) = spare.get_mut(k) else { break };
            slot.write((p.fd, flags(p.revents)));
            k += 1;
            if k == n {
                break;
            }
        }
    }
    let len = out.len() + k;
    // SAFETY: `k <= spare.len()` slots right after the current length were written
    // (initialised) by the loop above, and nothing else touched the vector since.
    unsafe { out.set_len(len) };
}

/// `/dev/poll` (illumos and Solaris): opening the device, writing `pollfd` records to it,
/// and its two ioctls.
#[cfg(has_devpoll)]
pub(crate) mod devpoll {
    use std::io;
    use std::mem::{align_of, offset_of, size_of};
    use std::os::fd::{FromRawFd, OwnedFd, RawFd};

    use libc::{c_int, c_short, nfds_t, pollfd, sigset_t};
    use select_core::__private::cvt;

    // The `libc` crate has none of the `/dev/poll` items: these mirror illumos's
    // <sys/devpoll.h> (DP_POLL, DP_ISPOLLED, struct dvpoll) and <sys/poll.h>
    // (POLLREMOVE); Solaris's headers carry the same values.

    /// The ioctl group of `/dev/poll` (`DPIOC`).
    const DPIOC: c_int = 0xD0 << 8;
    /// Wait for events on the cached fds (`DP_POLL`).
    pub(crate) const DP_POLL: c_int = DPIOC | 1;
    /// Ask whether one fd is cached, and with which events (`DP_ISPOLLED`).
    pub(crate) const DP_ISPOLLED: c_int = DPIOC | 2;
    /// In a record written to `/dev/poll`: drop this fd from the set (`POLLREMOVE`).
    pub(crate) const POLLREMOVE: c_short = 0x0800;

    /// The argument of `DP_POLL` (`struct dvpoll`). illumos added `dp_setp` for its
    /// `DP_PPOLL`; `DP_POLL` reads only the first three fields, which are Solaris's
    /// whole struct, so one definition with `dp_setp` null serves both.
    #[repr(C)]
    #[allow(non_camel_case_types)]
    pub(crate) struct dvpoll {
        pub(crate) dp_fds: *mut pollfd,
        pub(crate) dp_nfds: nfds_t,
        pub(crate) dp_timeout: c_int,
        pub(crate) dp_setp: *mut sigset_t,
    }

    // The C layout (`nfds_t` is `unsigned long`): pointer, long, int, pointer, each at
    // its natural alignment, on LP64 (32 bytes) and ILP32 (16 bytes) alike.
    const _: () = {
        let p = size_of::<usize>();
        assert!(size_of::<nfds_t>() == p);
        assert!(offset_of!(dvpoll, dp_fds) == 0);
        assert!(offset_of!(dvpoll, dp_nfds) == p);
        assert!(offset_of!(dvpoll, dp_timeout) == 2 * p);
        assert!(offset_of!(dvpoll, dp_setp) == 3 * p);
        assert!(size_of::<dvpoll>() == 4 * p);
        assert!(align_of::<dvpoll>() == p);
        // A record written to the device is exactly a pollfd: int, short, short.
        assert!(size_of::<pollfd>() == 8);
    };

    /// Opens `/dev/poll` read-write, close-on-exec (Python's `select.devpoll()`).
    pub(crate) fn open() -> io::Result<OwnedFd> {
        #[cfg(select_faults)]
        select_core::fault::errno_at("open(/dev/poll)")?;
        // SAFETY: the path is a NUL-terminated literal; open takes integer flags.
        let fd = cvt(unsafe { libc::open(c"/dev/poll".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) })?;
        // SAFETY: `fd` was just returned by open and is owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// Writes every record of `records` to the device with `write(2)`, resumed after
    /// EINTR (CPython's `_Py_write_noraise` does the same) and after a short write, from
    /// the first record the device did not take whole (it ignores a partial record).
    /// Returns the bytes of the records written, which the caller compares with the
    /// whole: fewer when a write took no whole record.
    ///
    /// Resuming matters for [`DevpollSelector`](crate::DevpollSelector)'s `modify`, whose
    /// two records (`POLLREMOVE`, then the new mask) go in one write: stopping after the
    /// first would leave the fd in neither the old nor the new registration.
    #[inline(always)]
    pub(crate) fn write_records(devpoll: RawFd, records: &[pollfd]) -> io::Result<usize> {
        const RECORD: usize = size_of::<pollfd>();
        let mut done = 0;
        while let Some(rest) = records.get(done..).filter(|rest| !rest.is_empty()) {
            let len = std::mem::size_of_val(rest);
            #[cfg(select_faults)]
            let len = match select_core::fault::at("write(/dev/poll)") {
                Some(select_core::fault::Fault::Errno(e)) => {
                    return Err(io::Error::from_raw_os_error(e))
                }
                Some(select_core::fault::Fault::Short(n)) => len.min(n),
                None => len,
            };
            // SAFETY: `rest` is a live slice of at least `len` initialised bytes; the
            // kernel only reads them.
            let n = unsafe { libc::write(devpoll, rest.as_ptr().cast(), len) };
            match cvt(n) {
                Ok(n) if (n as usize) < RECORD => break,
                Ok(n) => done += n as usize / RECORD,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(done * RECORD)
    }

    /// One `DP_POLL` wait into `out` with a timeout in milliseconds (`-1` blocks).
    /// Returns how many leading entries of `out` the kernel filled with ready fds.
    #[inline(always)]
    pub(crate) fn dp_poll(
        devpoll: RawFd,
        out: &mut [pollfd],
        timeout_ms: c_int,
    ) -> io::Result<usize> {
        let Ok(nfds) = nfds_t::try_from(out.len()) else {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        };
        #[cfg(select_faults)]
        select_core::fault::errno_at("ioctl(DP_POLL)")?;
        let mut arg = dvpoll {
            dp_fds: out.as_mut_ptr(),
            dp_nfds: nfds,
            dp_timeout: timeout_ms,
            dp_setp: std::ptr::null_mut(),
        };
        // SAFETY: `arg` is a live dvpoll laid out as the C struct (checked above) whose
        // `dp_fds` points to `nfds` writable pollfd entries of `out`, which stays
        // borrowed for the call; the kernel writes at most `nfds` of them.
        let n = cvt(unsafe { libc::ioctl(devpoll, DP_POLL, &mut arg as *mut dvpoll) })?;
        Ok(n as usize)
    }

    /// `DP_ISPOLLED` for `fd`: the events it is cached with, or `None` if it is not in
    /// the set.
    pub(crate) fn dp_ispolled(devpoll: RawFd, fd: RawFd) -> io::Result<Option<c_short>> {
        #[cfg(select_faults)]
        select_core::fault::errno_at("ioctl(DP_ISPOLLED)")?;
        let mut query = pollfd {
            fd,
            events: 0,
            revents: 0,
        };
        // SAFETY: `query` is a live pollfd; the kernel reads its fd and may write its
        // `revents` (the cached events).
        let found = cvt(unsafe { libc::ioctl(devpoll, DP_ISPOLLED, &mut query as *mut pollfd) })?;
        Ok((found == 1).then_some(query.revents))
    }
}
