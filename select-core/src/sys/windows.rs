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

/// A TCP socket whose non-blocking connect to `addr` is under way (Winsock answered
/// `WSAEWOULDBLOCK`) or done.
#[cfg(feature = "testing")]
pub(crate) fn connect_nonblocking(
    addr: std::net::SocketAddrV4,
) -> io::Result<std::os::windows::io::OwnedSocket> {
    use std::os::windows::io::FromRawSocket;
    // SAFETY: plain socket creation; the result is checked before use.
    let s = unsafe {
        WinSock::socket(
            WinSock::AF_INET.into(),
            WinSock::SOCK_STREAM,
            WinSock::IPPROTO_TCP,
        )
    };
    if s == WinSock::INVALID_SOCKET {
        return Err(last_socket_error());
    }
    // SAFETY: `s` is a new socket that nothing else owns; the OwnedSocket closes it.
    let owned = unsafe { std::os::windows::io::OwnedSocket::from_raw_socket(s as u64) };
    let mut on: u32 = 1;
    // SAFETY: `on` is a live u32, the argument FIONBIO takes.
    if unsafe { WinSock::ioctlsocket(s, WinSock::FIONBIO, &mut on) } == WinSock::SOCKET_ERROR {
        return Err(last_socket_error());
    }
    let sa = WinSock::SOCKADDR_IN {
        sin_family: WinSock::AF_INET,
        sin_port: addr.port().to_be(),
        sin_addr: WinSock::IN_ADDR {
            S_un: WinSock::IN_ADDR_0 {
                S_addr: u32::from_ne_bytes(addr.ip().octets()),
            },
        },
        sin_zero: [0; 8],
    };
    // SAFETY: `sa` is a live SOCKADDR_IN and the length given is its size.
    let rc = unsafe {
        WinSock::connect(
            s,
            (&sa as *const WinSock::SOCKADDR_IN).cast(),
            std::mem::size_of::<WinSock::SOCKADDR_IN>() as i32,
        )
    };
    if rc == WinSock::SOCKET_ERROR {
        let e = last_socket_error();
        if e.raw_os_error() != Some(WinSock::WSAEWOULDBLOCK) {
            return Err(e);
        }
    }
    Ok(owned)
}

/// Sets `SO_LINGER` to on with a zero timeout, so that closing `s` resets the
/// connection (an RST to the peer) instead of a graceful shutdown.
#[cfg(feature = "testing")]
pub(crate) fn set_linger_zero(s: RawFd) -> io::Result<()> {
    let linger = WinSock::LINGER {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: `linger` is a live LINGER and the length given is its size; an invalid
    // handle is reported as an error, not used.
    let rc = unsafe {
        WinSock::setsockopt(
            s as WinSock::SOCKET,
            WinSock::SOL_SOCKET,
            WinSock::SO_LINGER,
            (&linger as *const WinSock::LINGER).cast(),
            std::mem::size_of::<WinSock::LINGER>() as i32,
        )
    };
    if rc == WinSock::SOCKET_ERROR {
        Err(last_socket_error())
    } else {
        Ok(())
    }
}
