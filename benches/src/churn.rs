//! The `churn` workload: with `N` fds already registered, one register + modify +
//! unregister cycle of one more fd (a socket: READ, then READ | WRITE, then removed).
//! Shows that registration is O(1) on every backend (no table rebuild per change).
//!
//! The per-backend calls (`ChurnOps`) serve both front ends: the criterion suite runs
//! them as one cycle (`churners`), the report times each operation on its own
//! ([`axes::churn_cases`](crate::axes::churn_cases)).

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

    /// The `n` registered fds.
    pub(crate) fn background(&self) -> impl Iterator<Item = BorrowedFd<'_>> {
        self.background.iter().map(|s| s.as_fd())
    }

    /// The churning fd.
    pub(crate) fn extra(&self) -> BorrowedFd<'_> {
        self.extra.as_fd()
    }

    /// `ops` with every background fd watched (the `i`-th with data `i + 2`: 0 and 1
    /// are the churning fd's), and with `with_extra` the churning fd added too.
    pub(crate) fn prepare<'a, O: ChurnOps<'a>>(
        &'a self,
        mut ops: O,
        with_extra: bool,
    ) -> io::Result<O> {
        for (i, fd) in self.background().enumerate() {
            ops.watch(fd, i + 2)?;
        }
        if with_extra {
            ops.add(self.extra())?;
        }
        Ok(ops)
    }
}

/// What one contender of the churn workload does: watches a background fd, and adds,
/// changes and removes the churning one.
pub(crate) trait ChurnOps<'a> {
    /// Registers a background fd for reading with `data` (setup, never timed).
    fn watch(&mut self, fd: BorrowedFd<'a>, data: usize) -> io::Result<()>;
    /// Registers the churning fd for reading (data 0).
    fn add(&mut self, fd: BorrowedFd<'a>) -> io::Result<()>;
    /// Changes its interest to reading, plus writing when `with_write` (data 1).
    fn change(&mut self, fd: BorrowedFd<'a>, with_write: bool) -> io::Result<()>;
    /// Removes it.
    fn remove(&mut self, fd: BorrowedFd<'a>) -> io::Result<()>;
}

/// A selector as a churn contender.
pub(crate) struct SelectorChurn<S>(pub(crate) S);

impl<'a, S: Selector<Data = usize>> ChurnOps<'a> for SelectorChurn<S> {
    fn watch(&mut self, fd: BorrowedFd<'a>, data: usize) -> io::Result<()> {
        self.0.register(&fd, Interest::READ, data)?;
        Ok(())
    }
    #[inline]
    fn add(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
        self.0.register(&fd, Interest::READ, 0)?;
        Ok(())
    }
    #[inline]
    fn change(&mut self, fd: BorrowedFd<'a>, with_write: bool) -> io::Result<()> {
        let i = if with_write {
            Interest::READ | Interest::WRITE
        } else {
            Interest::READ
        };
        self.0.modify(&fd, i, 1)?;
        Ok(())
    }
    #[inline]
    fn remove(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
        self.0.unregister(&fd)?;
        Ok(())
    }
}

/// [`ChurnOps`] for an object of the `select` module's shape: `register`, `modify` and
/// `unregister` with its own flags, `$read` for reading, `$read_write` for both.
macro_rules! object_ops {
    ($object:ty, $read:expr, $read_write:expr) => {
        impl<'a> ChurnOps<'a> for $object {
            fn watch(&mut self, fd: BorrowedFd<'a>, _: usize) -> io::Result<()> {
                self.add(fd)
            }
            #[inline]
            fn add(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
                self.register(&fd, $read)
            }
            #[inline]
            fn change(&mut self, fd: BorrowedFd<'a>, with_write: bool) -> io::Result<()> {
                self.modify(&fd, if with_write { $read_write } else { $read })
            }
            #[inline]
            fn remove(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
                self.unregister(&fd)?;
                Ok(())
            }
        }
    };
}

object_ops!(
    Poll,
    PollFlags::POLLIN,
    PollFlags::POLLIN | PollFlags::POLLOUT
);

impl<'a> ChurnOps<'a> for mio::Poll {
    #[inline]
    fn watch(&mut self, fd: BorrowedFd<'a>, data: usize) -> io::Result<()> {
        let raw = fd.as_raw_fd();
        self.registry().register(
            &mut mio::unix::SourceFd(&raw),
            mio::Token(data),
            mio::Interest::READABLE,
        )
    }
    #[inline]
    fn add(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
        self.watch(fd, 0)
    }
    #[inline]
    fn change(&mut self, fd: BorrowedFd<'a>, with_write: bool) -> io::Result<()> {
        let raw = fd.as_raw_fd();
        let i = if with_write {
            mio::Interest::READABLE | mio::Interest::WRITABLE
        } else {
            mio::Interest::READABLE
        };
        self.registry()
            .reregister(&mut mio::unix::SourceFd(&raw), mio::Token(1), i)
    }
    #[inline]
    fn remove(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
        let raw = fd.as_raw_fd();
        self.registry().deregister(&mut mio::unix::SourceFd(&raw))
    }
}

impl<'a> ChurnOps<'a> for PollingLevel<'a> {
    fn watch(&mut self, fd: BorrowedFd<'a>, data: usize) -> io::Result<()> {
        PollingLevel::add(self, fd, polling::Event::readable(data))
    }
    #[inline]
    fn add(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
        PollingLevel::add(self, fd, polling::Event::readable(0))
    }
    #[inline]
    fn change(&mut self, fd: BorrowedFd<'a>, with_write: bool) -> io::Result<()> {
        let ev = if with_write {
            polling::Event::all(1)
        } else {
            polling::Event::readable(1)
        };
        self.modify(fd, ev)
    }
    #[inline]
    fn remove(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
        self.delete(fd)
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use self::linux::RawCtl;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use super::*;
    use crate::raw::RawEpoll;
    use select_epoll::{Epoll, EpollFlags, EpollSelector};

    const EPOLLIN: u32 = libc::EPOLLIN as u32;
    const EPOLLOUT: u32 = libc::EPOLLOUT as u32;

    object_ops!(
        Epoll,
        EpollFlags::EPOLLIN,
        EpollFlags::EPOLLIN | EpollFlags::EPOLLOUT
    );

    /// Raw `epoll_ctl` calls, the churning fd added and changed with the mask `READ`
    /// (plus `EPOLLOUT` when writing); background fds are watched with `EPOLLIN`.
    pub(crate) struct RawCtl<const READ: u32>(pub(crate) RawEpoll);

    impl<'a, const READ: u32> ChurnOps<'a> for RawCtl<READ> {
        fn watch(&mut self, fd: BorrowedFd<'a>, _: usize) -> io::Result<()> {
            self.0.add(fd.as_raw_fd(), EPOLLIN)
        }
        #[inline]
        fn add(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
            self.0.add(fd.as_raw_fd(), READ)
        }
        #[inline]
        fn change(&mut self, fd: BorrowedFd<'a>, with_write: bool) -> io::Result<()> {
            let write = if with_write { EPOLLOUT } else { 0 };
            self.0.modify(fd.as_raw_fd(), READ | write)
        }
        #[inline]
        fn remove(&mut self, fd: BorrowedFd<'a>) -> io::Result<()> {
            self.0.delete(fd.as_raw_fd())
        }
    }

    pub(super) fn churners<'a>(
        fds: &'a ChurnFds,
        out: &mut Vec<(&'static str, Box<dyn Churner + 'a>)>,
    ) -> io::Result<()> {
        let raw = RawCtl::<EPOLLIN>(RawEpoll::new(1)?);
        out.push(("raw epoll_ctl", cycle(fds, raw)?));
        out.push(("Epoll", cycle(fds, Epoll::new()?)?));
        let sel = SelectorChurn(EpollSelector::new()?);
        out.push(("EpollSelector", cycle(fds, sel)?));
        Ok(())
    }
}

/// One register + modify + unregister cycle of the churning fd through `ops`.
struct Cycle<'a, O> {
    ops: O,
    fd: BorrowedFd<'a>,
}

impl<'a, O: ChurnOps<'a>> Churner for Cycle<'a, O> {
    fn cycle(&mut self) -> io::Result<()> {
        self.ops.add(self.fd)?;
        self.ops.change(self.fd, true)?;
        self.ops.remove(self.fd)
    }
}

/// `ops` prepared over `fds` as a criterion churner.
fn cycle<'a, O: ChurnOps<'a> + 'a>(fds: &'a ChurnFds, ops: O) -> io::Result<Box<dyn Churner + 'a>> {
    Ok(Box::new(Cycle {
        ops: fds.prepare(ops, false)?,
        fd: fds.extra(),
    }))
}

/// Every churner over `fds`, named.
///
/// # Errors
///
/// Any error creating or registering with a backend.
pub fn churners(fds: &ChurnFds) -> io::Result<Vec<(&'static str, Box<dyn Churner + '_>)>> {
    let mut out: Vec<(&'static str, Box<dyn Churner + '_>)> = Vec::new();
    let poll = Poll::with_capacity(fds.background.len() + 1);
    out.push(("Poll", cycle(fds, poll)?));
    let sel = SelectorChurn(PollSelector::new()?);
    out.push(("PollSelector", cycle(fds, sel)?));
    if std::iter::once(fds.extra())
        .chain(fds.background())
        .all(|fd| crate::cases::select_takes(fd.as_raw_fd()))
    {
        let sel = SelectorChurn(SelectSelector::new()?);
        out.push(("SelectSelector", cycle(fds, sel)?));
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    linux::churners(fds, &mut out)?;
    #[cfg(has_kqueue)]
    {
        let sel = SelectorChurn(select_kqueue::KqueueSelector::new()?);
        out.push(("KqueueSelector", cycle(fds, sel)?));
    }
    let sel = SelectorChurn(DefaultSelector::<usize>::new()?);
    out.push(("DefaultSelector", cycle(fds, sel)?));
    out.push(("mio", cycle(fds, mio::Poll::new()?)?));
    out.push(("polling (level)", cycle(fds, PollingLevel::new()?)?));
    Ok(out)
}
