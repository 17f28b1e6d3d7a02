//! The `one_ready` and `high_fd` workloads: a set of fds of which exactly one is
//! readable, and one zero-timeout wait that must report it, on every backend and on the
//! raw syscall doing the same work.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::time::Duration;

use select_core::testing::{dup_at, is_open, pipe, write_byte};
use select_core::{Backend, Events, Selector};
use select_facade::DefaultSelector;
use select_fdset::{Ready, Select, SelectSelector};
use select_poll::{Poll, PollFlags, PollSelector};

use crate::raw::{PollingLevel, RawPoll, RawSelect};
use crate::setup;

/// The event-buffer capacity every backend gets in these workloads.
pub const CAPACITY: usize = 64;

const ZERO: Option<Duration> = Some(Duration::ZERO);
const NO_FDS: &[RawFd] = &[];

/// One zero-timeout wait, repeated by the benches and the report.
pub trait Waiter {
    /// Waits once with a zero timeout and returns the first fd reported, or -1.
    fn wait(&mut self) -> RawFd;

    /// Moves on to the next of the case's instances, if it has several ([`Rotating`]);
    /// the measurement calls it before every repetition.
    fn rotate(&mut self) {}
}

/// One contender built several times over the same fds (separate kernel objects and
/// buffers), a different instance timed in each repetition.
///
/// Two instances doing the same work can differ by a percent or two for reasons of
/// placement alone (where the kernel put each epoll item, where the allocator put each
/// buffer): the control rows show it. Timing every contender, baselines included, over
/// several instances in turn makes the median over repetitions a median over those
/// placements rather than the luck of one.
pub struct Rotating<'a> {
    all: Vec<Box<dyn Waiter + 'a>>,
    at: usize,
}

impl std::fmt::Debug for Rotating<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rotating")
            .field("instances", &self.all.len())
            .field("at", &self.at)
            .finish()
    }
}

impl Waiter for Rotating<'_> {
    #[inline]
    fn wait(&mut self) -> RawFd {
        match self.all.get_mut(self.at) {
            Some(w) => w.wait(),
            None => -1,
        }
    }

    fn rotate(&mut self) {
        self.at = (self.at + 1) % self.all.len().max(1);
    }
}

/// Merges several builds of the same group (each the same cases in the same order)
/// into one list whose waiters take turns ([`Rotating`]). Builds that do not match the
/// first one's names are left out.
pub fn rotating<'a>(builds: Vec<Vec<Case<'a>>>) -> Vec<Case<'a>> {
    let mut builds = builds.into_iter();
    let Some(first) = builds.next() else {
        return Vec::new();
    };
    let meta: Vec<(&'static str, Option<&'static str>)> =
        first.iter().map(|c| (c.name, c.baseline)).collect();
    let mut turns: Vec<Rotating<'a>> = first
        .into_iter()
        .map(|c| Rotating {
            all: vec![c.waiter],
            at: 0,
        })
        .collect();
    for build in builds {
        if build.iter().map(|c| c.name).eq(meta.iter().map(|m| m.0)) {
            for (r, c) in turns.iter_mut().zip(build) {
                r.all.push(c.waiter);
            }
        }
    }
    meta.into_iter()
        .zip(turns)
        .map(|((name, baseline), r)| Case::new(name, baseline, r))
        .collect()
}

/// One measured contender: a backend or a raw-syscall baseline.
pub struct Case<'a> {
    /// Display name, e.g. `"EpollSelector"` or `"raw epoll_wait"`.
    pub name: &'static str,
    /// The name of the raw case this one is compared with (`None` for a baseline).
    pub baseline: Option<&'static str>,
    /// The waiter.
    pub waiter: Box<dyn Waiter + 'a>,
}

impl<'a> Case<'a> {
    /// The case `name` timing `waiter`, compared with the raw case `baseline` (`None` for
    /// a baseline).
    pub fn new(
        name: &'static str,
        baseline: Option<&'static str>,
        waiter: impl Waiter + 'a,
    ) -> Case<'a> {
        Case {
            name,
            baseline,
            waiter: Box::new(waiter),
        }
    }
}

impl std::fmt::Debug for Case<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case")
            .field("name", &self.name)
            .field("baseline", &self.baseline)
            .finish()
    }
}

/// Name of the `select(2)` baseline that rebuilds its set from the fd list each call.
pub const RAW_SELECT_REBUILD: &str = "raw select (rebuild)";
/// Name of the `select(2)` baseline that copies a kept set.
pub const RAW_SELECT: &str = "raw select";
/// Name of the `poll(2)` baseline.
pub const RAW_POLL: &str = "raw poll";
/// Name of the `epoll_wait(2)` baseline.
pub const RAW_EPOLL: &str = "raw epoll_wait";
/// Name of the `kevent(2)` baseline.
pub const RAW_KEVENT: &str = "raw kevent";

/// The raw baseline of a backend.
pub fn raw_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Select => RAW_SELECT,
        // /dev/poll speaks pollfd; the report has no raw DP_POLL baseline of its own.
        Backend::Poll | Backend::Devpoll => RAW_POLL,
        Backend::Epoll => RAW_EPOLL,
        Backend::Kqueue => RAW_KEVENT,
        _ => "no raw baseline",
    }
}

/// The raw baseline of the mechanism `polling` uses on this platform.
pub fn polling_baseline() -> &'static str {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        RAW_EPOLL
    } else if KQUEUE_BUILT {
        RAW_KEVENT
    } else {
        RAW_POLL
    }
}

/// Whether this build measures kqueue (BSD and macOS).
pub const KQUEUE_BUILT: bool = cfg!(has_kqueue);

/// Whether `select(2)` can take this fd here (fds past FD_SETSIZE only where the kernel
/// takes larger sets).
pub fn select_takes(fd: RawFd) -> bool {
    select_fdset::LARGE_FDS || (fd as usize) < select_fdset::FD_SETSIZE
}

/// `N` pipes, the last one readable: the `one_ready` workload (or, built with
/// [`all_ready`](Pipes::all_ready), all of them: the busy workload).
#[derive(Debug)]
pub struct Pipes {
    readers: Vec<io::PipeReader>,
    _writers: Vec<io::PipeWriter>,
}

impl Pipes {
    /// Opens `n` pipes (`n >= 1`) and writes one byte into the last one.
    ///
    /// # Panics
    ///
    /// If the pipes cannot be created (raise the fd limit first).
    pub fn new(n: usize) -> Pipes {
        Pipes::open(n, false)
    }

    /// Opens `n` pipes (`n >= 1`) and writes one byte into each.
    ///
    /// # Panics
    ///
    /// As [`new`](Pipes::new).
    pub fn all_ready(n: usize) -> Pipes {
        Pipes::open(n, true)
    }

    fn open(n: usize, all: bool) -> Pipes {
        let (readers, writers): (Vec<_>, Vec<_>) = (0..n.max(1)).map(|_| pipe()).unzip();
        let first = if all { 0 } else { writers.len() - 1 };
        for w in &writers[first..] {
            write_byte(w);
        }
        Pipes {
            readers,
            _writers: writers,
        }
    }

    /// The read ends.
    pub fn fds(&self) -> Vec<BorrowedFd<'_>> {
        self.readers.iter().map(|r| r.as_fd()).collect()
    }

    /// The last read end: the readable one (with [`all_ready`](Pipes::all_ready), one of
    /// them).
    pub fn ready_fd(&self) -> RawFd {
        self.readers[self.readers.len() - 1].as_raw_fd()
    }

    /// How many pipes.
    pub fn len(&self) -> usize {
        self.readers.len()
    }

    /// Never true.
    pub fn is_empty(&self) -> bool {
        self.readers.is_empty()
    }
}

/// One readable pipe whose read end sits at a chosen fd number: the `high_fd` workload.
#[derive(Debug)]
pub struct HighFd {
    fd: OwnedFd,
    _reader: io::PipeReader,
    _writer: io::PipeWriter,
}

impl HighFd {
    /// A readable pipe end duplicated to the first free fd number at or above `target`.
    ///
    /// # Errors
    ///
    /// The error of `dup2(2)` (e.g. `EBADF` beyond the fd limit) when no number in
    /// `target..target + 64` can be used.
    pub fn new(target: RawFd) -> io::Result<HighFd> {
        let (reader, writer) = pipe();
        write_byte(&writer);
        let mut last = None;
        for fd in target..target + 64 {
            if is_open(fd) {
                continue;
            }
            match dup_at(reader.as_raw_fd(), fd) {
                Ok(fd) => {
                    return Ok(HighFd {
                        fd,
                        _reader: reader,
                        _writer: writer,
                    })
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other(format!("fds {target}.. are all in use"))))
    }

    /// The placed fd.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

struct SelectFn {
    sel: Select,
    fds: Vec<RawFd>,
    ready: Ready,
}

impl Waiter for SelectFn {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        match self
            .sel
            .select_into(&self.fds, NO_FDS, NO_FDS, ZERO, &mut self.ready)
        {
            Ok(_) => self.ready.read().first().map_or(-1, |&i| self.fds[i]),
            Err(_) => -1,
        }
    }
}

struct RawSelectRebuild(RawSelect);
impl Waiter for RawSelectRebuild {
    fn wait(&mut self) -> RawFd {
        self.0.wait_rebuild()
    }
}

struct RawSelectCopy(RawSelect);
impl Waiter for RawSelectCopy {
    fn wait(&mut self) -> RawFd {
        self.0.wait_copy()
    }
}

impl Waiter for RawPoll {
    fn wait(&mut self) -> RawFd {
        RawPoll::wait(self)
    }
}

struct SelectorWaiter<S> {
    sel: S,
    events: Events,
}

impl<S: Selector<Data = usize>> SelectorWaiter<S> {
    fn new(sel: S, fds: &[BorrowedFd<'_>]) -> io::Result<Self> {
        Ok(SelectorWaiter {
            sel: setup::selector(sel, fds)?,
            events: Events::with_capacity(CAPACITY),
        })
    }
}

impl<S: Selector<Data = usize>> Waiter for SelectorWaiter<S> {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        match self.sel.select(&mut self.events, ZERO) {
            Ok(_) => self.events.iter().next().map_or(-1, |e| e.fd()),
            Err(_) => -1,
        }
    }
}

struct PollWaiter {
    poll: Poll,
    out: Vec<(RawFd, PollFlags)>,
}

impl Waiter for PollWaiter {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        match self.poll.poll_into(&mut self.out, ZERO) {
            Ok(_) => self.out.first().map_or(-1, |r| r.0),
            Err(_) => -1,
        }
    }
}

struct PollingWaiter<'a> {
    poller: PollingLevel<'a>,
    events: polling::Events,
}

impl Waiter for PollingWaiter<'_> {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        match self.poller.wait(&mut self.events, ZERO) {
            Ok(_) => self.events.iter().next().map_or(-1, |e| e.key as RawFd),
            Err(_) => -1,
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
use crate::raw::RawEpoll;
#[cfg(any(target_os = "linux", target_os = "android"))]
use select_epoll::{Epoll, EpollEvents, EpollSelector};

#[cfg(any(target_os = "linux", target_os = "android"))]
struct EpollWaiter {
    ep: Epoll,
    events: EpollEvents,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl Waiter for EpollWaiter {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        match self.ep.poll_into(ZERO, &mut self.events) {
            Ok(_) => self.events.get(0).map_or(-1, |e| e.0),
            Err(_) => -1,
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl Waiter for RawEpoll {
    fn wait(&mut self) -> RawFd {
        RawEpoll::wait(self, 0)
    }
}

#[cfg(has_kqueue)]
mod kq {
    use super::*;
    use crate::raw::RawKqueue;
    use select_kqueue::{KEvent, Kqueue, KqueueSelector};

    pub(super) struct KqueueWaiter {
        kq: Kqueue,
        events: Vec<KEvent>,
    }

    impl Waiter for KqueueWaiter {
        #[inline(never)]
        fn wait(&mut self) -> RawFd {
            match self.kq.control_into(&[], &mut self.events, ZERO) {
                Ok(_) => self.events.first().map_or(-1, |e| e.ident() as RawFd),
                Err(_) => -1,
            }
        }
    }

    impl Waiter for RawKqueue {
        fn wait(&mut self) -> RawFd {
            RawKqueue::wait(self)
        }
    }

    pub(super) fn cases<'a>(fds: &[BorrowedFd<'a>], out: &mut Vec<Case<'a>>) -> io::Result<()> {
        let raw = RawKqueue::new(CAPACITY)?;
        for fd in fds {
            raw.add_read(fd.as_raw_fd())?;
        }
        out.push(Case::new(RAW_KEVENT, None, raw));
        let kq = Kqueue::new()?;
        let changes: Vec<KEvent> = fds.iter().map(KEvent::for_fd).collect::<io::Result<_>>()?;
        kq.control(&changes, 0, ZERO)?;
        out.push(Case::new(
            "Kqueue",
            Some(RAW_KEVENT),
            KqueueWaiter {
                kq,
                events: Vec::with_capacity(CAPACITY),
            },
        ));
        out.push(Case::new(
            "KqueueSelector",
            Some(RAW_KEVENT),
            SelectorWaiter::new(KqueueSelector::new()?, fds)?,
        ));
        Ok(())
    }
}

/// Every contender of the `one_ready`/`high_fd` workloads over the read ends `fds`:
/// raw baselines first, then our objects, `DefaultSelector` and `polling` (level mode).
///
/// The `select` cases are left out when an fd is beyond what `select(2)` takes here.
/// mio is not among them: it is edge-triggered only, so after the first wait it reports
/// nothing until new data arrives; it would not do the same work.
///
/// # Errors
///
/// Any error creating or registering with a backend.
pub fn wait_cases<'a>(fds: &[BorrowedFd<'a>]) -> io::Result<Vec<Case<'a>>> {
    let raw: Vec<RawFd> = fds.iter().map(|f| f.as_raw_fd()).collect();
    let mut out: Vec<Case<'a>> = Vec::new();

    if raw.iter().all(|&fd| select_takes(fd)) {
        out.push(Case::new(
            RAW_SELECT_REBUILD,
            None,
            RawSelectRebuild(RawSelect::new(&raw)),
        ));
        out.push(Case::new(
            RAW_SELECT,
            None,
            RawSelectCopy(RawSelect::new(&raw)),
        ));
        out.push(Case::new(
            "select()",
            Some(RAW_SELECT_REBUILD),
            SelectFn {
                sel: Select::new(),
                fds: raw.clone(),
                ready: Ready::new(),
            },
        ));
        out.push(Case::new(
            "SelectSelector",
            Some(RAW_SELECT),
            SelectorWaiter::new(SelectSelector::new()?, fds)?,
        ));
    }

    out.push(Case::new(RAW_POLL, None, RawPoll::new(&raw)));
    out.push(Case::new(
        "Poll",
        Some(RAW_POLL),
        PollWaiter {
            poll: setup::poll(fds)?,
            out: Vec::with_capacity(CAPACITY),
        },
    ));
    out.push(Case::new(
        "PollSelector",
        Some(RAW_POLL),
        SelectorWaiter::new(PollSelector::new()?, fds)?,
    ));

    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let rawep = setup::raw_epoll(fds, CAPACITY, libc::EPOLLIN)?;
        out.push(Case::new(RAW_EPOLL, None, rawep));
        out.push(Case::new(
            "Epoll",
            Some(RAW_EPOLL),
            EpollWaiter {
                ep: setup::epoll(fds)?,
                events: EpollEvents::with_capacity(CAPACITY)?,
            },
        ));
        out.push(Case::new(
            "EpollSelector",
            Some(RAW_EPOLL),
            SelectorWaiter::new(EpollSelector::new()?, fds)?,
        ));
    }

    #[cfg(has_kqueue)]
    kq::cases(fds, &mut out)?;

    let ds = DefaultSelector::<usize>::new()?;
    let ds_base = raw_name(ds.backend());
    if out.iter().any(|c| c.name == ds_base) {
        out.push(Case::new(
            "DefaultSelector",
            Some(ds_base),
            SelectorWaiter::new(ds, fds)?,
        ));
    }

    out.push(Case::new(
        "polling (level)",
        Some(polling_baseline()),
        PollingWaiter {
            poller: setup::polling(fds, |_, fd| fd.as_raw_fd() as usize)?,
            events: polling::Events::with_capacity(std::num::NonZeroUsize::new(CAPACITY).unwrap()),
        },
    ));
    Ok(out)
}

/// Checks that every case reports `ready` on its first wait.
///
/// # Errors
///
/// `Other` naming the first case that reported something else.
pub fn verify(cases: &mut [Case<'_>], ready: RawFd) -> io::Result<()> {
    for c in cases {
        let got = c.waiter.wait();
        if got != ready {
            return Err(io::Error::other(format!(
                "{} reported fd {got} instead of the ready fd {ready}",
                c.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{rotating, Case, Waiter};
    use std::os::fd::RawFd;

    struct Fixed(RawFd);
    impl Waiter for Fixed {
        fn wait(&mut self) -> RawFd {
            self.0
        }
    }

    fn build(base: RawFd, names: [&'static str; 2]) -> Vec<Case<'static>> {
        names
            .iter()
            .enumerate()
            .map(|(i, &name)| Case::new(name, None, Fixed(base + i as RawFd)))
            .collect()
    }

    #[test]
    fn rotating_takes_turns_and_skips_mismatched_builds() {
        let mut cases = rotating(vec![
            build(10, ["a", "b"]),
            build(20, ["a", "b"]),
            build(30, ["a", "x"]),
        ]);
        assert_eq!(cases.len(), 2);
        let mut seen = Vec::new();
        for _ in 0..3 {
            for c in cases.iter_mut() {
                c.waiter.rotate();
            }
            seen.push((cases[0].waiter.wait(), cases[1].waiter.wait()));
        }
        // The third build's names differ: only two instances take turns.
        assert_eq!(seen, vec![(20, 21), (10, 11), (20, 21)]);
        assert!(rotating(Vec::new()).is_empty());
    }
}
