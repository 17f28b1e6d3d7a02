//! The backends built over a workload's fds, every fd registered for reading: setup the
//! workloads share, never timed.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use select_core::{Interest, Selector};
use select_poll::{Poll, PollFlags};

use crate::raw::PollingLevel;

/// `sel` with the `i`-th fd registered for reading with data `i`.
pub(crate) fn selector<S: Selector<Data = usize>>(
    mut sel: S,
    fds: &[BorrowedFd<'_>],
) -> io::Result<S> {
    for (i, fd) in fds.iter().enumerate() {
        sel.register(fd, Interest::READ, i)?;
    }
    Ok(sel)
}

/// A `Poll` sized for `fds`, each registered for `POLLIN`.
pub(crate) fn poll(fds: &[BorrowedFd<'_>]) -> io::Result<Poll> {
    let mut poll = Poll::with_capacity(fds.len());
    for fd in fds {
        poll.register(fd, PollFlags::POLLIN)?;
    }
    Ok(poll)
}

/// A mio poll with the `i`-th fd registered readable with token `i`.
pub(crate) fn mio(fds: &[BorrowedFd<'_>]) -> io::Result<mio::Poll> {
    let poll = mio::Poll::new()?;
    for (i, fd) in fds.iter().enumerate() {
        poll.registry().register(
            &mut mio::unix::SourceFd(&fd.as_raw_fd()),
            mio::Token(i),
            mio::Interest::READABLE,
        )?;
    }
    Ok(poll)
}

/// A level-triggered poller with the `i`-th fd registered readable with the key
/// `key(i, fd)`.
pub(crate) fn polling<'a>(
    fds: &[BorrowedFd<'a>],
    key: impl Fn(usize, BorrowedFd<'a>) -> usize,
) -> io::Result<PollingLevel<'a>> {
    let mut poller = PollingLevel::new()?;
    for (i, &fd) in fds.iter().enumerate() {
        poller.add(fd, polling::Event::readable(key(i, fd)))?;
    }
    Ok(poller)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use self::linux::{epoll, raw_epoll};

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use super::*;
    use crate::raw::RawEpoll;
    use select_epoll::{Epoll, EpollFlags};

    /// An `Epoll` with every fd registered for `EPOLLIN`.
    pub(crate) fn epoll(fds: &[BorrowedFd<'_>]) -> io::Result<Epoll> {
        let ep = Epoll::new()?;
        for fd in fds {
            ep.register(fd, EpollFlags::EPOLLIN)?;
        }
        Ok(ep)
    }

    /// A raw epoll reporting up to `capacity` events, every fd added with the mask
    /// `events`.
    pub(crate) fn raw_epoll(
        fds: &[BorrowedFd<'_>],
        capacity: usize,
        events: libc::c_int,
    ) -> io::Result<RawEpoll> {
        let ep = RawEpoll::new(capacity)?;
        for fd in fds {
            ep.add(fd.as_raw_fd(), events as u32)?;
        }
        Ok(ep)
    }
}
