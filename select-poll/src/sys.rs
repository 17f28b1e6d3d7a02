//! Every libc call of select-poll. Nothing else in the crate is `unsafe`.

use std::io;

use libc::{c_int, nfds_t, pollfd};
use select_core::error::cvt;

/// One `poll(2)` call over `fds` with a timeout in milliseconds (`-1` blocks).
///
/// Returns the number of entries with a nonzero `revents`; on error (EINTR among them)
/// the `revents` are unspecified.
#[inline]
pub(crate) fn poll(fds: &mut [pollfd], timeout_ms: c_int) -> io::Result<usize> {
    // On every target with nfds_t narrower than usize, more than nfds_t::MAX entries
    // would be refused by the kernel anyway (RLIMIT_NOFILE): refuse them the same way.
    let Ok(nfds) = nfds_t::try_from(fds.len()) else {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    };
    // SAFETY: `fds` is a valid, writable slice of exactly `nfds` initialised pollfd
    // structs (a dangling but aligned pointer with nfds == 0 is never dereferenced); the
    // kernel writes only the `revents` fields within it.
    let n = cvt(unsafe { libc::poll(fds.as_mut_ptr(), nfds, timeout_ms) })?;
    Ok(n as usize)
}
