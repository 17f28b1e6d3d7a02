//! Waking a thread blocked in `DefaultSelector::select` from another thread.

use std::io;
#[cfg(unix)]
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::Arc;

use select_core::RawFd;

#[cfg(unix)]
use crate::sys;

/// A handle that wakes the [`DefaultSelector`](crate::DefaultSelector) it was made by.
///
/// Get one with [`DefaultSelector::waker`](crate::DefaultSelector::waker); clone it freely
/// and send it to other threads. [`wake`](Waker::wake) makes a blocked (or the next)
/// `select` return with [`Events::woken`](crate::Events::woken) set; the wake is never
/// reported as readiness of a user fd. Wakes coalesce: many wakes before one wait are seen
/// as one.
///
/// The mechanism is an eventfd on Linux, an `EVFILT_USER` event on kqueue, a packet
/// posted to the completion port on Windows with AFD (`PostQueuedCompletionStatus`, as
/// mio does), a connected pair of non-blocking loopback TCP sockets on Windows with the
/// select backend (Winsock's select takes sockets only), and a non-blocking pipe
/// elsewhere.
///
/// ```
/// use select_facade::{DefaultSelector, Events, Selector};
///
/// let mut sel: DefaultSelector<()> = DefaultSelector::new()?;
/// let waker = sel.waker()?;
/// let remote = waker.clone();
/// let t = std::thread::spawn(move || remote.wake());
/// let mut events = Events::with_capacity(8);
/// sel.select(&mut events, None)?; // returns once the other thread wakes it
/// assert!(events.woken());
/// assert!(events.is_empty());
/// t.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Waker {
    pub(crate) source: Arc<WakeSource>,
}

#[derive(Debug)]
pub(crate) enum WakeSource {
    /// A counter fd: wake adds 1, drain reads it back to 0.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    EventFd(OwnedFd),
    /// A non-blocking pipe: wake writes a byte (a full pipe already holds a wake),
    /// drain empties it.
    #[cfg(unix)]
    #[cfg_attr(any(target_os = "linux", target_os = "android"), allow(dead_code))]
    Pipe { reader: OwnedFd, writer: OwnedFd },
    /// Windows: a connected pair of loopback TCP sockets, both non-blocking (Winsock's
    /// select takes sockets only, so a pipe cannot be watched).
    #[cfg(windows)]
    Sockets {
        reader: std::net::TcpStream,
        writer: std::net::TcpStream,
    },
    /// kqueue's `EVFILT_USER`: nothing to drain.
    #[cfg(kqueue_user_waker)]
    User(select_kqueue::UserWaker),
    /// A packet posted to the AFD selector's completion port: nothing to drain.
    #[cfg(windows)]
    Port(select_afd::AfdWaker),
}

impl Waker {
    /// Wakes the selector: its current or next `select` returns with
    /// [`Events::woken`](crate::Events::woken) set.
    ///
    /// # Errors
    ///
    /// The errno of the underlying `write(2)`/`kevent(2)`; never `WouldBlock` (a full
    /// pipe or counter already means a wake is pending).
    pub fn wake(&self) -> io::Result<()> {
        self.source.wake()
    }
}

impl WakeSource {
    /// A wake source for a selector; `user` builds kqueue's EVFILT_USER one when the
    /// backend offers it.
    pub(crate) fn new() -> io::Result<WakeSource> {
        cfg_if::cfg_if! {
            if #[cfg(any(target_os = "linux", target_os = "android"))] {
                Ok(WakeSource::EventFd(sys::eventfd()?))
            } else if #[cfg(windows)] {
                WakeSource::sockets()
            } else {
                WakeSource::pipe()
            }
        }
    }

    #[cfg(unix)]
    #[cfg_attr(any(target_os = "linux", target_os = "android"), allow(dead_code))]
    pub(crate) fn pipe() -> io::Result<WakeSource> {
        let (r, w) = io::pipe()?;
        let (reader, writer): (OwnedFd, OwnedFd) = (r.into(), w.into());
        sys::set_nonblocking(reader.as_fd())?;
        sys::set_nonblocking(writer.as_fd())?;
        Ok(WakeSource::Pipe { reader, writer })
    }

    /// The fd the selector watches, if this source has one.
    /// A connected loopback TCP pair: the writer connects to a listener on an
    /// ephemeral port of 127.0.0.1 and the accepted socket is the reader, checked to be
    /// the writer's own peer (so a stranger connecting in between is never taken).
    #[cfg(windows)]
    pub(crate) fn sockets() -> io::Result<WakeSource> {
        use std::net::{Ipv4Addr, TcpListener, TcpStream};
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let writer = TcpStream::connect(listener.local_addr()?)?;
        let me = writer.local_addr()?;
        let reader = loop {
            let (s, peer) = listener.accept()?;
            if peer == me {
                break s;
            }
        };
        writer.set_nodelay(true)?;
        writer.set_nonblocking(true)?;
        reader.set_nonblocking(true)?;
        Ok(WakeSource::Sockets { reader, writer })
    }

    pub(crate) fn fd(&self) -> Option<RawFd> {
        match self {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            WakeSource::EventFd(fd) => Some(fd.as_raw_fd()),
            #[cfg(unix)]
            WakeSource::Pipe { reader, .. } => Some(reader.as_raw_fd()),
            #[cfg(windows)]
            WakeSource::Sockets { reader, .. } => {
                Some(std::os::windows::io::AsRawSocket::as_raw_socket(reader))
            }
            #[cfg(kqueue_user_waker)]
            WakeSource::User(_) => None,
            #[cfg(windows)]
            WakeSource::Port(_) => None,
        }
    }

    fn wake(&self) -> io::Result<()> {
        let r = match self {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            WakeSource::EventFd(fd) => sys::write(fd.as_fd(), &1u64.to_ne_bytes()).map(drop),
            #[cfg(unix)]
            WakeSource::Pipe { writer, .. } => sys::write(writer.as_fd(), &[1]).map(drop),
            #[cfg(windows)]
            WakeSource::Sockets { writer, .. } => io::Write::write(&mut &*writer, &[1]).map(drop),
            #[cfg(kqueue_user_waker)]
            WakeSource::User(u) => u.wake(),
            #[cfg(windows)]
            WakeSource::Port(p) => p.wake(),
        };
        match r {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            other => other,
        }
    }

    /// Consumes pending wakes after a wait that reported one.
    pub(crate) fn drain(&self) {
        match self {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            WakeSource::EventFd(fd) => {
                let mut buf = [0u8; 8];
                let _ = sys::read(fd.as_fd(), &mut buf);
            }
            #[cfg(windows)]
            WakeSource::Sockets { reader, .. } => {
                // As for the pipe: a racing wake is read here or stays for the next wait.
                let mut buf = [0u8; 256];
                while matches!(io::Read::read(&mut &*reader, &mut buf), Ok(n) if n > 0) {}
            }
            #[cfg(unix)]
            WakeSource::Pipe { reader, .. } => {
                // A wake racing with this loop either is read here (the wait it meant
                // to end has ended) or stays in the pipe for the next wait.
                let mut buf = [0u8; 256];
                while matches!(sys::read(reader.as_fd(), &mut buf), Ok(n) if n > 0) {}
            }
            #[cfg(kqueue_user_waker)]
            WakeSource::User(_) => {}
            #[cfg(windows)]
            WakeSource::Port(_) => {}
        }
    }
}
