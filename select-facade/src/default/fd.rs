//! The backend's own fd, for the backends that have one (epoll, kqueue, `/dev/poll`).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};

use select_core::Backend;

use super::{DefaultSelector, Inner};

impl<T> DefaultSelector<T> {
    /// The backend's fd, borrowed, where the backend has one: the epoll, kqueue or
    /// `/dev/poll` fd, which is readable while events are pending (so an async reactor
    /// can watch it). This is `DefaultSelector`'s `AsFd`; there is no `AsFd` impl,
    /// because the select and poll backends own no fd, and because
    /// [`close`](select_core::Selector::close) releases the fd in place (an `as_fd`
    /// would have to panic).
    ///
    /// ```
    /// use std::io::ErrorKind;
    /// use select_facade::{Backend, DefaultSelector, Selector};
    ///
    /// let mut sel: DefaultSelector = DefaultSelector::new()?;
    /// match sel.try_as_fd() {
    ///     Ok(fd) => println!("{:?} fd: {fd:?}", sel.backend()),
    ///     // select and poll keep their tables in user space.
    ///     Err(e) => assert_eq!(e.kind(), ErrorKind::Unsupported),
    /// }
    /// sel.close();
    /// assert!(sel.try_as_fd().is_err()); // an error after close, never a panic
    ///
    /// let poll: DefaultSelector = DefaultSelector::with_backend(Backend::Poll)?;
    /// assert_eq!(poll.try_as_fd().unwrap_err().kind(), ErrorKind::Unsupported);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `Unsupported` on the select and poll backends (always, as Python's
    /// `SelectSelector` and `PollSelector` have no `fileno()`); `InvalidInput`, the
    /// backend's closed error, after `close` on the others.
    pub fn try_as_fd(&self) -> io::Result<BorrowedFd<'_>> {
        match &self.inner {
            #[cfg(has_epoll)]
            Inner::Epoll(s) => s.try_as_fd(),
            #[cfg(has_kqueue)]
            Inner::Kqueue(s) => s.try_as_fd(),
            #[cfg(has_devpoll)]
            Inner::Devpoll(s) => s.try_as_fd(),
            #[cfg(has_poll)]
            Inner::Poll(_) => Err(no_fd(Backend::Poll)),
            Inner::Select(_) => Err(no_fd(Backend::Select)),
        }
    }

    /// The backend's fd as a number (Python's `fileno()` of `EpollSelector`,
    /// `KqueueSelector` and `DevpollSelector`): [`try_as_fd`](Self::try_as_fd)'s fd.
    ///
    /// # Errors
    ///
    /// As [`try_as_fd`](Self::try_as_fd).
    pub fn fileno(&self) -> io::Result<RawFd> {
        self.try_as_fd().map(|fd| fd.as_raw_fd())
    }
}

fn no_fd(backend: Backend) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("the {} backend has no fd of its own", backend.name()),
    )
}
