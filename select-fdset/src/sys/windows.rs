//! The Winsock calls of select-fdset on Windows, and the platform facts about Winsock's
//! `fd_set`.
//!
//! Winsock's `fd_set` is a counted array, `{ u_int fd_count; SOCKET fd_array[64]; }`,
//! not a bitmap: `select` reads `fd_count` entries and writes the ready ones back to the
//! front of the array with their count. [`FdSet`](crate::FdSet) keeps that layout in a
//! growable buffer, so a set holds as many sockets as memory allows.

use std::io;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use windows_sys::Win32::Networking::WinSock;

use select_core::error::invalid_input;

/// `FD_SETSIZE` of Winsock's headers: the length of the fixed array in the C `fd_set`
/// (64). [`FdSet`](crate::FdSet) grows past it; CPython's own build raises it to 512 and
/// refuses longer lists, which this crate does not.
pub const FD_SETSIZE: usize = WinSock::FD_SETSIZE as usize;

/// Whether sets larger than [`FD_SETSIZE`] are accepted: always on Windows (Winsock reads
/// `fd_count` entries, whatever the array's declared length).
pub const LARGE_FDS: bool = true;

/// One slot of the buffer handed to Winsock: the count in slot 0, a `SOCKET` in each of
/// the others.
pub(crate) type Slot = WinSock::SOCKET;

// The buffer is handed to Winsock as `fd_set *`: slot 0 must hold `fd_count` (a u32 at
// offset 0, little-endian) and slot i the array's entry i-1, which needs the array to
// start one slot in and the slots to have the alignment of the C struct.
const _: () = {
    assert!(std::mem::offset_of!(WinSock::FD_SET, fd_count) == 0);
    assert!(std::mem::offset_of!(WinSock::FD_SET, fd_array) == std::mem::size_of::<Slot>());
    assert!(std::mem::align_of::<Slot>() >= std::mem::align_of::<WinSock::FD_SET>());
    assert!(std::mem::size_of::<Slot>() >= std::mem::size_of::<u32>());
    assert!(cfg!(target_endian = "little"));
};

/// Winsock's last error (`WSAGetLastError`) as an `io::Error`; its `raw_os_error()` is
/// the `WSAE*` code.
fn last_error() -> io::Error {
    // SAFETY: WSAGetLastError only reads thread-local state.
    io::Error::from_raw_os_error(unsafe { WinSock::WSAGetLastError() })
}

/// Initialises Winsock once per process (`WSAStartup` 2.2), for callers whose sockets
/// did not come from std (which initialises it when it creates its first socket).
/// Never undone, as std does not either.
fn startup() -> io::Result<()> {
    static RESULT: OnceLock<i32> = OnceLock::new();
    let rc = *RESULT.get_or_init(|| {
        // SAFETY: WSADATA is plain old data; all-zero is a valid value to be overwritten.
        let mut data: WinSock::WSADATA = unsafe { std::mem::zeroed() };
        // SAFETY: `data` is a live, writable WSADATA.
        unsafe { WinSock::WSAStartup(0x202, &mut data) }
    });
    match rc {
        0 => Ok(()),
        rc => Err(io::Error::from_raw_os_error(rc)),
    }
}

/// The `TIMEVAL` for `d`, rounded **up** to whole milliseconds (Winsock, and Wine's
/// emulation of it, waits in milliseconds: a finer value may be cut down).
fn timeval(d: Duration) -> WinSock::TIMEVAL {
    let ms = select_core::timeout::to_millis_ceil(Some(d));
    WinSock::TIMEVAL {
        tv_sec: ms / 1000,
        tv_usec: (ms % 1000) * 1000,
    }
}

/// One Winsock `select` over the given sets (each a slot buffer as described above, or
/// `None` for a null pointer) with `timeout` (`None` blocks).
///
/// Returns the total count of ready entries; each set is truncated to its ready
/// sockets. A call with every set absent or empty does not reach Winsock (which refuses
/// it with `WSAEINVAL`): it sleeps for the timeout and returns 0, as `select(2)` does on
/// Unix; with no timeout it sleeps for ever. A call that Winsock ends before its
/// timeout with nothing ready is reported as `Interrupted`, so that
/// [`retry::wait`](select_core::__private::retry::wait) calls it again with the time left.
///
/// # Errors
///
/// The `WSAGetLastError()` code of `select` as `raw_os_error()` (e.g. `WSAENOTSOCK`,
/// 10038, for a handle that is not a socket); `InvalidInput` for a malformed buffer.
pub(crate) fn select(
    read: Option<&mut Vec<Slot>>,
    write: Option<&mut Vec<Slot>>,
    except: Option<&mut Vec<Slot>>,
    timeout: Option<Duration>,
) -> io::Result<usize> {
    let mut sets = [read, write, except];
    if sets.iter().all(|s| s.as_ref().is_none_or(|s| s.len() <= 1)) {
        return sleep(timeout);
    }
    startup()?;
    let mut ptrs = [std::ptr::null_mut::<WinSock::FD_SET>(); 3];
    for (ptr, set) in ptrs.iter_mut().zip(sets.iter_mut()) {
        if let Some(set) = set {
            if set.is_empty() || set[0] != set.len() - 1 {
                return Err(invalid_input("malformed fd set buffer"));
            }
            *ptr = set.as_mut_ptr().cast();
        }
    }
    let tv = timeout.map(timeval);
    let tvp = match &tv {
        Some(tv) => tv as *const WinSock::TIMEVAL,
        None => std::ptr::null(),
    };
    let start = timeout.filter(|t| !t.is_zero()).map(|_| Instant::now());
    // SAFETY: each non-null pointer is the start of a live, exclusively borrowed slot
    // buffer laid out as `fd_set` (compile-time checks above) whose count in slot 0
    // equals the number of entries that follow (checked above), so Winsock reads and
    // writes only inside it; `tvp` is null or points to a live TIMEVAL. nfds is ignored.
    let rc = unsafe { WinSock::select(0, ptrs[0], ptrs[1], ptrs[2], tvp) };
    if rc == WinSock::SOCKET_ERROR {
        return Err(last_error());
    }
    for set in sets.iter_mut().flatten() {
        // Winsock wrote the ready count (a u32) over the low half of slot 0 and left
        // the rest as we wrote it, which is zero (counts fit a u32).
        let ready = (set[0] as u32 as usize).min(set.len() - 1);
        set.truncate(ready + 1);
        set[0] = ready;
    }
    if rc == 0 {
        if let (Some(start), Some(t)) = (start, timeout) {
            if start.elapsed() < t {
                return Err(io::ErrorKind::Interrupted.into());
            }
        }
    }
    Ok(rc as usize)
}

/// What `select(2)` with no fds does: sleep for the timeout (for ever without one).
fn sleep(timeout: Option<Duration>) -> io::Result<usize> {
    match timeout {
        Some(t) => std::thread::sleep(t),
        None => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
    }
    Ok(0)
}

/// The pending error of socket `s` (`getsockopt(SO_ERROR)`), 0 if none: how a socket
/// in the except set tells a failed non-blocking connect (e.g. `WSAECONNREFUSED`) from
/// out-of-band data.
///
/// # Errors
///
/// Winsock's error of `getsockopt` (e.g. `WSAENOTSOCK`).
pub(crate) fn socket_error(s: Slot) -> io::Result<i32> {
    let mut err: i32 = 0;
    let mut len = std::mem::size_of::<i32>() as i32;
    // SAFETY: `err` and `len` are live, writable locals; `len` holds the buffer's size,
    // so Winsock writes at most 4 bytes into `err`. An invalid handle is reported as an
    // error, not used.
    let rc = unsafe {
        WinSock::getsockopt(
            s,
            WinSock::SOL_SOCKET,
            WinSock::SO_ERROR,
            (&mut err as *mut i32).cast(),
            &mut len,
        )
    };
    if rc == WinSock::SOCKET_ERROR {
        Err(last_error())
    } else {
        Ok(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes<T>(p: *const T, len: usize) -> Vec<u8> {
        // SAFETY: callers pass a pointer to at least `len` initialised bytes that live
        // for the duration of the call.
        unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) }.to_vec()
    }

    /// Our slot buffer has the bytes of Winsock's `FD_SET` holding the same sockets.
    #[test]
    fn slots_are_laid_out_as_fd_set() {
        for sockets in [&[][..], &[7][..], &[7, 0x1234_5678, 9, usize::MAX - 1][..]] {
            let mut c = WinSock::FD_SET {
                fd_count: sockets.len() as u32,
                ..Default::default()
            };
            c.fd_array[..sockets.len()].copy_from_slice(sockets);
            let mut ours: Vec<Slot> = vec![sockets.len()];
            ours.extend_from_slice(sockets);
            let len = std::mem::size_of_val(ours.as_slice());
            assert_eq!(bytes(&c, len), bytes(ours.as_ptr(), len), "{sockets:?}");
        }
    }

    #[test]
    fn timeval_rounds_up_to_milliseconds() {
        let tv = timeval(Duration::from_micros(1));
        assert_eq!((tv.tv_sec, tv.tv_usec), (0, 1000));
        let tv = timeval(Duration::from_millis(2500));
        assert_eq!((tv.tv_sec, tv.tv_usec), (2, 500_000));
        let tv = timeval(Duration::ZERO);
        assert_eq!((tv.tv_sec, tv.tv_usec), (0, 0));
    }

    #[test]
    fn malformed_buffers_are_refused_not_passed_on() {
        let mut bad: Vec<Slot> = vec![5, 1];
        let e = select(Some(&mut bad), None, None, Some(Duration::ZERO)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }
}
