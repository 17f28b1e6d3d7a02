//! Waitable objects: Python's `fildes` conversion done with traits.

use std::io;
#[cfg(unix)]
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
#[cfg(windows)]
use std::os::windows::io::{AsRawSocket, BorrowedSocket, OwnedSocket};
use std::rc::Rc;
use std::sync::Arc;

use crate::error::invalid_input;

/// The raw handle every wait takes: a file descriptor (`std::os::fd::RawFd`, `i32`)
/// on Unix, a Winsock `SOCKET` handle (`std::os::windows::io::RawSocket`, `u64`) on
/// Windows, where Python's `fileno()` of a socket is that handle too.
#[cfg(unix)]
pub type RawFd = std::os::fd::RawFd;

/// The raw handle every wait takes: a file descriptor (`std::os::fd::RawFd`, `i32`)
/// on Unix, a Winsock `SOCKET` handle (`std::os::windows::io::RawSocket`, `u64`) on
/// Windows, where Python's `fileno()` of a socket is that handle too.
#[cfg(windows)]
pub type RawFd = std::os::windows::io::RawSocket;

/// Anything that can be waited on: a raw fd integer or an object that holds an fd.
///
/// This is Python's "an int, or an object with a `fileno()` method". It is implemented
/// for [`RawFd`] (`i32`), for [`BorrowedFd`] and [`OwnedFd`], for every fd-holding type of
/// the standard library (files, pipes, sockets, child stdio, std streams), and through
/// `&T`, `&mut T`, `Box<T>`, `Rc<T>` and `Arc<T>`. A type of your own that implements
/// `AsFd` (Unix) can be passed as `x.as_fd()`.
///
/// Lists of mixed kinds are written as `&[&dyn Waitable]`.
///
/// On Windows, where Winsock's `select` takes sockets only, it is implemented for
/// `RawSocket` (`INVALID_SOCKET` refused with `InvalidInput`), `BorrowedSocket`,
/// `OwnedSocket` and std's `TcpStream`, `TcpListener` and `UdpSocket`; a type of your
/// own that implements `std::os::windows::io::AsSocket` can be passed as
/// `x.as_socket()`.
///
/// # Examples
///
/// ```
/// # #[cfg(unix)] {
/// use std::net::UdpSocket;
/// use std::os::fd::AsFd;
/// use select_core::Waitable;
///
/// let (reader, writer) = std::io::pipe()?;
/// let sock = UdpSocket::bind("127.0.0.1:0")?;
/// let raw = 0; // stdin as a plain integer
/// let mixed: [&dyn Waitable; 4] = [&reader, &writer.as_fd(), &sock, &raw];
/// for w in mixed {
///     assert!(w.fileno()? >= 0);
/// }
/// let err = (-3).fileno().unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// assert!(err.to_string().contains("-3"));
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait Waitable {
    /// The file descriptor to wait on (Python's `fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a negative raw fd, with a message naming it (Python's
    /// `ValueError("file descriptor cannot be a negative integer (N)")`); on Windows,
    /// for the raw handle `INVALID_SOCKET`.
    fn fileno(&self) -> io::Result<RawFd>;
}

/// Checks that `fd` is an open file descriptor of this process (`fcntl(fd, F_GETFD)`),
/// as the selectors do at `register` so every backend refuses a closed fd alike.
/// On Windows it checks that the handle is an open socket (`getsockopt(SO_TYPE)`).
///
/// # Errors
///
/// The kernel's `EBADF` (Python's `OSError(EBADF)`) if it is not open; on Windows
/// Winsock's `WSAENOTSOCK` (10038) for anything that is not an open socket, as the
/// `raw_os_error()`.
///
/// ```
/// # #[cfg(unix)] {
/// let (r, _w) = std::io::pipe()?;
/// select_core::__private::check_open(std::os::fd::AsRawFd::as_raw_fd(&r))?;
/// assert_eq!(select_core::__private::check_open(-1).unwrap_err().raw_os_error(), Some(libc::EBADF));
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
#[inline(always)]
pub fn check_open(fd: RawFd) -> io::Result<()> {
    #[cfg(unix)]
    return crate::sys::fcntl_getfd(fd).map(drop);
    #[cfg(windows)]
    return crate::sys::check_socket(fd);
}

/// The fd of `w`: the free-function form of [`Waitable::fileno`].
///
/// # Errors
///
/// As [`Waitable::fileno`]: `InvalidInput` for a negative raw fd.
#[inline]
pub fn fileno<W: Waitable + ?Sized>(w: &W) -> io::Result<RawFd> {
    w.fileno()
}

#[cfg(unix)]
impl Waitable for RawFd {
    #[inline]
    fn fileno(&self) -> io::Result<RawFd> {
        if *self < 0 {
            Err(invalid_input(format!(
                "file descriptor cannot be a negative integer ({self})"
            )))
        } else {
            Ok(*self)
        }
    }
}

/// `INVALID_SOCKET`, `~0` as a `SOCKET`.
#[cfg(windows)]
const INVALID_SOCKET: RawFd = !0;

#[cfg(windows)]
impl Waitable for RawFd {
    #[inline]
    fn fileno(&self) -> io::Result<RawFd> {
        if *self == INVALID_SOCKET {
            Err(invalid_input("invalid socket handle (INVALID_SOCKET)"))
        } else {
            Ok(*self)
        }
    }
}

/// `Waitable` for types whose number comes, infallibly, from `$method` (`as_raw_fd` on
/// Unix, `as_raw_socket` on Windows).
macro_rules! waitable_via {
    ($method:ident: $($t:ty),* $(,)?) => {$(
        impl Waitable for $t {
            #[inline]
            fn fileno(&self) -> io::Result<RawFd> {
                Ok(self.$method())
            }
        }
    )*};
}

#[cfg(windows)]
waitable_via!(
    as_raw_socket:
    BorrowedSocket<'_>,
    OwnedSocket,
    std::net::TcpStream,
    std::net::TcpListener,
    std::net::UdpSocket,
);

#[cfg(unix)]
waitable_via!(
    as_raw_fd:
    BorrowedFd<'_>,
    OwnedFd,
    std::fs::File,
    std::io::PipeReader,
    std::io::PipeWriter,
    std::io::Stdin,
    std::io::Stdout,
    std::io::Stderr,
    std::io::StdinLock<'_>,
    std::io::StdoutLock<'_>,
    std::io::StderrLock<'_>,
    std::net::TcpStream,
    std::net::TcpListener,
    std::net::UdpSocket,
    std::os::unix::net::UnixStream,
    std::os::unix::net::UnixListener,
    std::os::unix::net::UnixDatagram,
    std::process::ChildStdin,
    std::process::ChildStdout,
    std::process::ChildStderr,
);

macro_rules! waitable_via_deref {
    ($($t:ty),* $(,)?) => {$(
        impl<T: Waitable + ?Sized> Waitable for $t {
            #[inline]
            fn fileno(&self) -> io::Result<RawFd> {
                (**self).fileno()
            }
        }
    )*};
}

waitable_via_deref!(&T, &mut T, Box<T>, Rc<T>, Arc<T>);

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn raw_fds() {
        assert_eq!(0.fileno().unwrap(), 0);
        assert_eq!(12345.fileno().unwrap(), 12345);
        let e = (-1).fileno().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(
            e.to_string(),
            "file descriptor cannot be a negative integer (-1)"
        );
        assert!(i32::MIN.fileno().is_err());
    }

    #[test]
    fn fd_holders_report_their_fd() {
        let (r, w) = std::io::pipe().unwrap();
        let rfd = r.as_raw_fd();
        assert_eq!(r.fileno().unwrap(), rfd);
        assert_eq!(fileno(&&r).unwrap(), rfd);
        assert_eq!(r.as_fd().fileno().unwrap(), rfd);
        assert_eq!(Box::new(rfd).fileno().unwrap(), rfd);
        assert_eq!(Arc::new(w.as_raw_fd()).fileno().unwrap(), w.as_raw_fd());
        let owned: OwnedFd = r.into();
        assert_eq!(fileno(&owned).unwrap(), rfd);
        let boxed: Box<dyn Waitable> = Box::new(owned);
        assert_eq!(boxed.fileno().unwrap(), rfd);
    }
}

#[cfg(all(test, windows))]
mod tests {
    use super::*;
    use std::net::{TcpListener, UdpSocket};
    use std::os::windows::io::{AsSocket, OwnedSocket};

    #[test]
    fn raw_sockets() {
        assert_eq!(5u64.fileno().unwrap(), 5);
        let e = INVALID_SOCKET.fileno().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("INVALID_SOCKET"), "{e}");
    }

    #[test]
    fn socket_holders_report_their_handle() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let u = UdpSocket::bind("127.0.0.1:0").unwrap();
        let raw = l.as_raw_socket();
        assert_eq!(l.fileno().unwrap(), raw);
        assert_eq!(l.as_socket().fileno().unwrap(), raw);
        assert_eq!(fileno(&&u).unwrap(), u.as_raw_socket());
        let owned: OwnedSocket = u.into();
        let boxed: Box<dyn Waitable> = Box::new(owned);
        assert!(boxed.fileno().is_ok());
        check_open(raw).unwrap();
        check_open(boxed.fileno().unwrap()).unwrap();
    }
}
