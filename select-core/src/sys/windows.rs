//! Every Winsock call of select-core on Windows. Nothing else in the crate is `unsafe`.

use std::io;

use windows_sys::Win32::Networking::WinSock;

use crate::RawFd;

/// A `timespec` of zero, built without naming private padding fields.
#[inline]
pub(crate) fn zeroed_timespec() -> libc::timespec {
    libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    }
}

/// The calling thread's last Winsock error (`WSAGetLastError`) as an `io::Error` whose
/// `raw_os_error()` is that code.
pub(crate) fn last_socket_error() -> io::Error {
    // SAFETY: WSAGetLastError only reads thread-local state.
    io::Error::from_raw_os_error(unsafe { WinSock::WSAGetLastError() })
}

/// Checks that `s` is an open socket: `getsockopt(s, SOL_SOCKET, SO_TYPE)`, which
/// Winsock refuses with `WSAENOTSOCK` for anything else (a closed socket, a file or pipe
/// handle, a made-up number).
pub(crate) fn check_socket(s: RawFd) -> io::Result<()> {
    let mut ty: i32 = 0;
    let mut len = std::mem::size_of::<i32>() as i32;
    // SAFETY: `ty` and `len` are live, writable locals; `len` holds the buffer's size,
    // so Winsock writes at most 4 bytes into `ty`. An invalid handle is reported as an
    // error, not used.
    let rc = unsafe {
        WinSock::getsockopt(
            s as WinSock::SOCKET,
            WinSock::SOL_SOCKET,
            WinSock::SO_TYPE,
            (&mut ty as *mut i32).cast(),
            &mut len,
        )
    };
    if rc == WinSock::SOCKET_ERROR {
        Err(last_socket_error())
    } else {
        Ok(())
    }
}

/// Sends one byte of TCP out-of-band (urgent) data.
#[cfg(feature = "testing")]
pub(crate) fn send_oob(s: RawFd, byte: u8) -> io::Result<()> {
    // SAFETY: the buffer is one valid byte on the stack, of the length given.
    let n = unsafe { WinSock::send(s as WinSock::SOCKET, &byte, 1, WinSock::MSG_OOB) };
    if n == WinSock::SOCKET_ERROR {
        Err(last_socket_error())
    } else {
        Ok(())
    }
}
