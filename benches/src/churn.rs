//! The `churn` workload: with `N` fds already registered, one register + modify +
//! unregister cycle of one more fd (a socket: READ, then READ | WRITE, then removed).
//! Shows that registration is O(1) on every backend (no table rebuild per change).

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::net::UnixStream;

use select_core::{Interest, Selector};
use select_facade::DefaultSelector;
use select_fdset::SelectSelector;
use select_poll::{Poll, PollFlags, PollSelector};

use crate::raw::PollingLevel;

/// One register + modify + unregister cycle on some backend.
pub trait Churner {
    /// Runs one cycle.
    ///
    /// # Errors
    ///
    /// The backend's error.
    fn cycle(&mut self) -> io::Result<()>;
}

/// The fds of the workload: `n` registered sockets and the one that churns.
#[derive(Debug)]
pub struct ChurnFds {
    background: Vec<UnixStream>,
    _peers: Vec<UnixStream>,
    extra: UnixStream,
    _extra_peer: UnixStream,
}

impl ChurnFds {
    /// `n` socket pairs plus the churning one.
    ///
    /// # Errors
    ///
    /// The errno of `socketpair(2)`.
    pub fn new(n: usize) -> io::Result<ChurnFds> {
        let mut background = Vec::with_capacity(n);
        let mut peers = Vec::with_capacity(n);
        for _ in 0..n {
            let (a, b) = UnixStream::pair()?;
            background.push(a);
            peers.push(b);
        }
        let (extra, extra_peer) = UnixStream::pair()?;
        Ok(ChurnFds {
            background,
            _peers: peers,
            extra,
            _extra_peer: extra_peer,
        })
    }

    fn background(&self) -> impl Iterator<Item = BorrowedFd<'_>> {
        self.background.iter().map(|s| s.as_fd())
    }
}

struct SelectorChurn<'a, S> {
    sel: S,
    fd: BorrowedFd<'a>,
}

impl<'a, S: Selector<Data = usize>> SelectorChurn<'a, S> {
    fn new(mut sel: S, fds: &'a ChurnFds) -> io::Result<Self> {
        for (i, fd) in fds.background().enumerate() {
            sel.register(&fd, Interest::READ, i)?;
        }
        Ok(SelectorChurn {
            sel,
            fd: fds.extra.as_fd(),
        })
    }
}

impl<S: Selector<Data = usize>> Churner for SelectorChurn<'_, S> {
    fn cycle(&mut self) -> io::Result<()> {
        self.sel.register(&self.fd, Interest::READ, 0)?;
        self.sel
            .modify(&self.fd, Interest::READ | Interest::WRITE, 1)?;
        self.sel.unregister(&self.fd)?;
        Ok(())
    }
}

struct PollChurn<'a> {
    poll: Poll,
    fd: BorrowedFd<'a>,
}

impl Churner for PollChurn<'_> {
    fn cycle(&mut self) -> io::Result<()> {
        self.poll.register(&self.fd, PollFlags::POLLIN)?;
        self.poll
            .modify(&self.fd, PollFlags::POLLIN | PollFlags::POLLOUT)?;
        self.poll.unregister(&self.fd)?;
        Ok(())
    }
}

struct MioChurn<'a> {
    poll: mio::Poll,
    fd: BorrowedFd<'a>,
}

impl Churner for MioChurn<'_> {
    fn cycle(&mut self) -> io::Result<()> {
        let raw = self.fd.as_raw_fd();
        let mut src = mio::unix::SourceFd(&raw);
        let reg = self.poll.registry();
        reg.register(&mut src, mio::Token(0), mio::Interest::READABLE)?;
        reg.reregister(
            &mut src,
            mio::Token(1),
            mio::Interest::READABLE | mio::Interest::WRITABLE,
        )?;
        reg.deregister(&mut src)
    }
}

struct PollingChurn<'a> {
    poller: PollingLevel<'a>,
    fd: BorrowedFd<'a>,
}

impl Churner for PollingChurn<'_> {
    fn cycle(&mut self) -> io::Result<()> {
        self.poller.add(self.fd, polling::Event::readable(0))?;
        self.poller.modify(self.fd, polling::Event::all(1))?;
        self.poller.delete(self.fd)
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use super::*;
    use crate::raw::RawEpoll;
    use select_epoll::{Epoll, EpollFlags, EpollSelector};

    struct EpollChurn<'a> {
        ep: Epoll,
        fd: BorrowedFd<'a>,
    }

    impl Churner for EpollChurn<'_> {
        fn cycle(&mut self) -> io::Result<()> {
            self.ep.register(&self.fd, EpollFlags::EPOLLIN)?;
            self.ep
                .modify(&self.fd, EpollFlags::EPOLLIN | EpollFlags::EPOLLOUT)?;
            self.ep.unregister(&self.fd)
        }
    }

    struct RawChurn<'a> {
        ep: RawEpoll,
        fd: BorrowedFd<'a>,
    }

    impl Churner for RawChurn<'_> {
        fn cycle(&mut self) -> io::Result<()> {
            let fd = self.fd.as_raw_fd();
            self.ep.add(fd, libc::EPOLLIN as u32)?;
            self.ep
                .modify(fd, (libc::EPOLLIN | libc::EPOLLOUT) as u32)?;
            self.ep.delete(fd)
        }
    }

    pub(super) fn churners<'a>(
        fds: &'a ChurnFds,
        out: &mut Vec<(&'static str, Box<dyn Churner + 'a>)>,
    ) -> io::Result<()> {
        let raw = RawEpoll::new(1)?;
        let ep = Epoll::new()?;
        for fd in fds.background() {
            raw.add(fd.as_raw_fd(), libc::EPOLLIN as u32)?;
            ep.register(&fd, EpollFlags::EPOLLIN)?;
        }
        let fd = fds.extra.as_fd();
        out.push(("raw epoll_ctl", Box::new(RawChurn { ep: raw, fd })));
        out.push(("Epoll", Box::new(EpollChurn { ep, fd })));
        out.push((
            "EpollSelector",
            Box::new(SelectorChurn::new(EpollSelector::new()?, fds)?),
        ));
        Ok(())
    }
}

/// Every churner over `fds`, named.
///
/// # Errors
///
/// Any error creating or registering with a backend.
pub fn churners(fds: &ChurnFds) -> io::Result<Vec<(&'static str, Box<dyn Churner + '_>)>> {
    let mut out: Vec<(&'static str, Box<dyn Churner + '_>)> = Vec::new();
    let extra = fds.extra.as_fd();
    let mut poll = Poll::with_capacity(fds.background.len() + 1);
    for fd in fds.background() {
        poll.register(&fd, PollFlags::POLLIN)?;
    }
    out.push(("Poll", Box::new(PollChurn { poll, fd: extra })));
    out.push((
        "PollSelector",
        Box::new(SelectorChurn::new(PollSelector::new()?, fds)?),
    ));
    if std::iter::once(extra)
        .chain(fds.background())
        .all(|fd| crate::cases::select_takes(fd.as_raw_fd()))
    {
        out.push((
            "SelectSelector",
            Box::new(SelectorChurn::new(SelectSelector::new()?, fds)?),
        ));
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    linux::churners(fds, &mut out)?;
    #[cfg(has_kqueue)]
    out.push((
        "KqueueSelector",
        Box::new(SelectorChurn::new(
            select_kqueue::KqueueSelector::new()?,
            fds,
        )?),
    ));
    out.push((
        "DefaultSelector",
        Box::new(SelectorChurn::new(DefaultSelector::<usize>::new()?, fds)?),
    ));

    let m = mio::Poll::new()?;
    for (i, fd) in fds.background().enumerate() {
        m.registry().register(
            &mut mio::unix::SourceFd(&fd.as_raw_fd()),
            mio::Token(i + 2),
            mio::Interest::READABLE,
        )?;
    }
    out.push(("mio", Box::new(MioChurn { poll: m, fd: extra })));

    let mut poller = PollingLevel::new()?;
    for (i, fd) in fds.background().enumerate() {
        poller.add(fd, polling::Event::readable(i + 2))?;
    }
    out.push((
        "polling (level)",
        Box::new(PollingChurn { poller, fd: extra }),
    ));
    Ok(out)
}
