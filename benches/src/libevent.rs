//! The `libevent_style` workload, after libevent's `test/bench.c`: `N` socket pairs,
//! `A` of them made readable at the start, and every wakeup reads what its pair holds
//! and writes as many bytes to the *next* pair, until `W` bytes have been passed on.
//! One run is one full loop; the number of waits depends on how many fds are ready at
//! once (about `W / A`).
//!
//! mio takes part here: every write is a new edge, and each wakeup drains its socket,
//! so edge-triggered mio does the same work as the level-triggered backends.

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net::UnixStream;

use select_core::{Events, Selector};
use select_facade::DefaultSelector;
use select_fdset::{Ready, Select, SelectSelector};
use select_poll::{Poll, PollFlags, PollSelector};

use crate::raw::{PollingLevel, RawPoll};
use crate::setup;

/// Event-buffer capacity of every driver in this workload.
pub const CAPACITY: usize = 1024;

/// `N` non-blocking socket pairs: reads on `a[i]`, writes into `b[i]`.
#[derive(Debug)]
pub struct Ring {
    a: Vec<UnixStream>,
    b: Vec<UnixStream>,
    index: Vec<u32>,
}

impl Ring {
    /// Opens `n` socket pairs (`n >= 1`).
    ///
    /// # Errors
    ///
    /// The errno of `socketpair(2)` or `fcntl(2)` (e.g. `EMFILE`: raise the fd limit).
    pub fn new(n: usize) -> io::Result<Ring> {
        let mut a = Vec::with_capacity(n);
        let mut b = Vec::with_capacity(n);
        for _ in 0..n.max(1) {
            let (x, y) = UnixStream::pair()?;
            x.set_nonblocking(true)?;
            y.set_nonblocking(true)?;
            a.push(x);
            b.push(y);
        }
        let top = a.iter().map(|s| s.as_raw_fd()).max().unwrap_or(0) as usize;
        let mut index = vec![u32::MAX; top + 1];
        for (i, s) in a.iter().enumerate() {
            index[s.as_raw_fd() as usize] = i as u32;
        }
        Ok(Ring { a, b, index })
    }

    /// The read ends.
    pub fn fds(&self) -> Vec<BorrowedFd<'_>> {
        self.a.iter().map(|s| s.as_fd()).collect()
    }

    /// The pair index of a read-end fd.
    #[inline]
    pub fn index_of(&self, fd: RawFd) -> usize {
        self.index[fd as usize] as usize
    }

    /// How many pairs.
    pub fn len(&self) -> usize {
        self.a.len()
    }

    /// Never true.
    pub fn is_empty(&self) -> bool {
        self.a.is_empty()
    }

    /// One loop: makes `active` pairs readable, then passes bytes on until `writes` more
    /// have been written and everything has been read. Returns the number of waits.
    ///
    /// # Errors
    ///
    /// Errors of the driver or of the socket I/O; `TimedOut` if a wait reports nothing.
    pub fn run(&self, driver: &mut dyn Driver, active: usize, writes: usize) -> io::Result<usize> {
        let n = self.len();
        let active = active.clamp(1, n);
        for k in 0..active {
            (&self.b[k * n / active]).write_all(b"e")?;
        }
        let goal = active + writes;
        let mut writes_left = writes;
        let mut read = 0;
        let mut waits = 0;
        let mut buf = [0u8; 256];
        while read < goal {
            let ready = driver.wait(self)?;
            waits += 1;
            if ready.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "a wait reported nothing",
                ));
            }
            for &i in ready {
                let got = match (&self.a[i]).read(&mut buf) {
                    Ok(k) => k,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => 0,
                    Err(e) => return Err(e),
                };
                read += got;
                let pass = got.min(writes_left);
                if pass > 0 {
                    (&self.b[(i + 1) % n]).write_all(&buf[..pass])?;
                    writes_left -= pass;
                }
            }
        }
        Ok(waits)
    }
}

/// One event-loop backend of the workload.
pub trait Driver {
    /// Blocks until some read ends are ready and returns their pair indices.
    ///
    /// # Errors
    ///
    /// The backend's error.
    fn wait(&mut self, ring: &Ring) -> io::Result<&[usize]>;
}

struct SelectFn {
    sel: Select,
    fds: Vec<RawFd>,
    ready: Ready,
}

impl Driver for SelectFn {
    fn wait(&mut self, _: &Ring) -> io::Result<&[usize]> {
        self.sel
            .select_into(&self.fds, &[], &[], None, &mut self.ready)?;
        Ok(self.ready.read())
    }
}

struct SelectorDriver<S> {
    sel: S,
    events: Events,
    out: Vec<usize>,
}

impl<S: Selector<Data = usize>> SelectorDriver<S> {
    fn new(sel: S, ring: &Ring) -> io::Result<Self> {
        Ok(SelectorDriver {
            sel: setup::selector(sel, &ring.fds())?,
            events: Events::with_capacity(CAPACITY),
            out: Vec::with_capacity(CAPACITY),
        })
    }
}

impl<S: Selector<Data = usize>> Driver for SelectorDriver<S> {
    fn wait(&mut self, ring: &Ring) -> io::Result<&[usize]> {
        self.sel.select(&mut self.events, None)?;
        self.out.clear();
        self.out
            .extend(self.events.iter().map(|e| ring.index_of(e.fd())));
        Ok(&self.out)
    }
}

struct PollDriver {
    poll: Poll,
    ready: Vec<(RawFd, PollFlags)>,
    out: Vec<usize>,
}

impl Driver for PollDriver {
    fn wait(&mut self, ring: &Ring) -> io::Result<&[usize]> {
        self.poll.poll_into(&mut self.ready, None)?;
        self.out.clear();
        self.out
            .extend(self.ready.iter().map(|r| ring.index_of(r.0)));
        Ok(&self.out)
    }
}

struct RawPollDriver {
    pfds: RawPoll,
    out: Vec<usize>,
}

impl Driver for RawPollDriver {
    fn wait(&mut self, ring: &Ring) -> io::Result<&[usize]> {
        self.out.clear();
        self.pfds.wait_blocking();
        self.out
            .extend(self.pfds.ready().map(|fd| ring.index_of(fd)));
        Ok(&self.out)
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use super::*;
    use crate::raw::RawEpoll;
    use select_epoll::{Epoll, EpollEvents, EpollSelector};

    struct EpollDriver {
        ep: Epoll,
        events: EpollEvents,
        out: Vec<usize>,
    }

    impl Driver for EpollDriver {
        fn wait(&mut self, ring: &Ring) -> io::Result<&[usize]> {
            self.ep.poll_into(None, &mut self.events)?;
            self.out.clear();
            self.out
                .extend(self.events.iter().map(|(fd, _)| ring.index_of(fd)));
            Ok(&self.out)
        }
    }

    struct RawEpollDriver {
        ep: RawEpoll,
        out: Vec<usize>,
    }

    impl Driver for RawEpollDriver {
        fn wait(&mut self, ring: &Ring) -> io::Result<&[usize]> {
            self.ep.wait(-1);
            self.out.clear();
            self.out.extend(self.ep.ready().map(|fd| ring.index_of(fd)));
            Ok(&self.out)
        }
    }

    pub(super) fn drivers<'a>(
        ring: &'a Ring,
        out: &mut Vec<(&'static str, Box<dyn Driver + 'a>)>,
    ) -> io::Result<()> {
        let fds = ring.fds();
        let raw = setup::raw_epoll(&fds, CAPACITY, libc::EPOLLIN)?;
        let ep = setup::epoll(&fds)?;
        out.push((
            "raw epoll_wait",
            Box::new(RawEpollDriver {
                ep: raw,
                out: Vec::with_capacity(CAPACITY),
            }),
        ));
        out.push((
            "Epoll",
            Box::new(EpollDriver {
                ep,
                events: EpollEvents::with_capacity(CAPACITY)?,
                out: Vec::with_capacity(CAPACITY),
            }),
        ));
        out.push((
            "EpollSelector",
            Box::new(SelectorDriver::new(EpollSelector::new()?, ring)?),
        ));
        Ok(())
    }
}

struct MioDriver {
    poll: mio::Poll,
    events: mio::Events,
    out: Vec<usize>,
}

impl Driver for MioDriver {
    fn wait(&mut self, _: &Ring) -> io::Result<&[usize]> {
        self.poll.poll(&mut self.events, None)?;
        self.out.clear();
        self.out.extend(self.events.iter().map(|e| e.token().0));
        Ok(&self.out)
    }
}

struct PollingDriver<'a> {
    poller: PollingLevel<'a>,
    events: polling::Events,
    out: Vec<usize>,
}

impl Driver for PollingDriver<'_> {
    fn wait(&mut self, _: &Ring) -> io::Result<&[usize]> {
        self.poller.wait(&mut self.events, None)?;
        self.out.clear();
        self.out.extend(self.events.iter().map(|e| e.key));
        Ok(&self.out)
    }
}

/// Every driver of the workload over `ring`, named: raw baselines, our objects,
/// `DefaultSelector`, mio (edge-triggered) and polling (level mode). `select` drivers
/// are left out where `select(2)` cannot take the ring's fds.
///
/// # Errors
///
/// Any error creating or registering with a backend.
pub fn drivers(ring: &Ring) -> io::Result<Vec<(&'static str, Box<dyn Driver + '_>)>> {
    let fds = ring.fds();
    let raw: Vec<RawFd> = fds.iter().map(|f| f.as_raw_fd()).collect();
    let mut out: Vec<(&'static str, Box<dyn Driver + '_>)> = Vec::new();
    if raw.iter().all(|&fd| crate::cases::select_takes(fd)) {
        out.push((
            "select()",
            Box::new(SelectFn {
                sel: Select::new(),
                fds: raw.clone(),
                ready: Ready::new(),
            }),
        ));
        out.push((
            "SelectSelector",
            Box::new(SelectorDriver::new(SelectSelector::new()?, ring)?),
        ));
    }
    out.push((
        "raw poll",
        Box::new(RawPollDriver {
            pfds: RawPoll::new(&raw),
            out: Vec::with_capacity(CAPACITY),
        }),
    ));
    out.push((
        "Poll",
        Box::new(PollDriver {
            poll: setup::poll(&fds)?,
            ready: Vec::with_capacity(CAPACITY),
            out: Vec::with_capacity(CAPACITY),
        }),
    ));
    out.push((
        "PollSelector",
        Box::new(SelectorDriver::new(PollSelector::new()?, ring)?),
    ));
    #[cfg(any(target_os = "linux", target_os = "android"))]
    linux::drivers(ring, &mut out)?;
    #[cfg(has_kqueue)]
    out.push((
        "KqueueSelector",
        Box::new(SelectorDriver::new(
            select_kqueue::KqueueSelector::new()?,
            ring,
        )?),
    ));
    out.push((
        "DefaultSelector",
        Box::new(SelectorDriver::new(DefaultSelector::<usize>::new()?, ring)?),
    ));

    out.push((
        "mio (edge)",
        Box::new(MioDriver {
            poll: setup::mio(&fds)?,
            events: mio::Events::with_capacity(CAPACITY),
            out: Vec::with_capacity(CAPACITY),
        }),
    ));

    out.push((
        "polling (level)",
        Box::new(PollingDriver {
            poller: setup::polling(&fds, |i, _| i)?,
            events: polling::Events::with_capacity(std::num::NonZeroUsize::new(CAPACITY).unwrap()),
            out: Vec::with_capacity(CAPACITY),
        }),
    ));
    Ok(out)
}
