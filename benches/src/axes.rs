//! The report's other axes, beside the one-ready wait of [`cases`](crate::cases):
//!
//! * [`busy_cases`]: all N fds ready; one zero-timeout wait that takes every event the
//!   buffer holds (capacity 64 or N) and reads it, ours against the raw syscall doing
//!   the same; `DefaultSelector` with and without the key lookup a caller needs.
//! * [`churn_cases`]: register + unregister, and modify, of one more fd with N already
//!   registered, against the raw `epoll_ctl` calls and against the open check
//!   (`fcntl(F_GETFD)`) poll and select selectors make; mio and polling beside.
//! * [`memory_rows`]: heap bytes per registration at 10,000 fds, unit and `usize` data.
//! * [`edge_cases`]: mio (edge-triggered only) against a raw edge-triggered
//!   `epoll_wait`.
//!
//! Every timed operation is a [`Case`], so [`measure::run`](crate::measure::run) pairs
//! and interleaves them exactly as it does the one-ready waits.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

use select_core::testing::pipe;
use select_core::{Events, Interest, Selector};
use select_facade::DefaultSelector;
use select_fdset::SelectSelector;
use select_poll::{Poll, PollFlags, PollSelector};

use crate::cases::{raw_name, Case, Waiter, RAW_POLL};
use crate::churn::{ChurnFds, ChurnOps, SelectorChurn};
use crate::raw::{fcntl_getfd, PollingLevel, RawPoll};
use crate::setup;

const ZERO: Option<Duration> = Some(Duration::ZERO);

/// Name of the `fcntl(F_GETFD)` baseline of the churn workload.
pub const RAW_FCNTL: &str = "raw fcntl(F_GETFD)";
/// Name of the `EPOLL_CTL_ADD` + `EPOLL_CTL_DEL` (or `EPOLL_CTL_MOD`) baseline.
pub const RAW_EPOLL_CTL: &str = "raw epoll_ctl";
/// Name of the edge-triggered `epoll_wait` baseline of mio's row.
pub const RAW_EPOLL_ET: &str = "raw epoll_wait (edge)";

/// Folds one reported fd into a checksum, so no reading is optimised away.
#[inline(always)]
fn fold(acc: RawFd, x: RawFd) -> RawFd {
    acc.rotate_left(5) ^ x
}

struct RawPollAll(RawPoll);
impl Waiter for RawPollAll {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        self.0.wait();
        self.0.ready().fold(0, fold)
    }
}

struct PollAll {
    poll: Poll,
    out: Vec<(RawFd, PollFlags)>,
}
impl Waiter for PollAll {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        let _ = self.poll.poll_into(&mut self.out, ZERO);
        self.out.iter().fold(0, |a, r| fold(a, r.0))
    }
}

/// A selector's busy wait: every event read, and with `keys` the key of each looked
/// up as a caller must to act on it.
struct SelectorAll<S> {
    sel: S,
    events: Events,
    keys: bool,
}

impl<S: Selector<Data = usize>> SelectorAll<S> {
    fn new(sel: S, fds: &[BorrowedFd<'_>], cap: usize, keys: bool) -> io::Result<Self> {
        Ok(SelectorAll {
            sel: setup::selector(sel, fds)?,
            events: Events::with_capacity(cap),
            keys,
        })
    }
}

impl<S: Selector<Data = usize>> Waiter for SelectorAll<S> {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        if self.sel.select(&mut self.events, ZERO).is_err() {
            return -1;
        }
        if self.keys {
            self.sel
                .ready_keys(&self.events)
                .fold(0, |a, (k, r)| fold(a, k.data as RawFd ^ r.bits() as RawFd))
        } else {
            self.events.iter().fold(0, |a, e| fold(a, e.fd()))
        }
    }
}

struct PollingAll<'a> {
    poller: PollingLevel<'a>,
    events: polling::Events,
}
impl Waiter for PollingAll<'_> {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        let _ = self.poller.wait(&mut self.events, ZERO);
        self.events.iter().fold(0, |a, e| fold(a, e.key as RawFd))
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use super::*;
    use crate::churn::RawCtl;
    use crate::raw::RawEpoll;
    use select_epoll::{Epoll, EpollEvents, EpollSelector};

    pub(super) struct RawEpollAll(pub(super) RawEpoll);
    impl Waiter for RawEpollAll {
        #[inline(never)]
        fn wait(&mut self) -> RawFd {
            self.0.wait(0);
            self.0.ready().fold(0, fold)
        }
    }

    struct EpollAll {
        ep: Epoll,
        events: EpollEvents,
    }
    impl Waiter for EpollAll {
        #[inline(never)]
        fn wait(&mut self) -> RawFd {
            let _ = self.ep.poll_into(ZERO, &mut self.events);
            self.events.iter().fold(0, |a, e| fold(a, e.0))
        }
    }

    pub(super) fn busy<'a>(
        fds: &[BorrowedFd<'a>],
        cap: usize,
        out: &mut Vec<Case<'a>>,
    ) -> io::Result<()> {
        let raw = setup::raw_epoll(fds, cap, libc::EPOLLIN)?;
        let ep = setup::epoll(fds)?;
        out.push(Case::new(crate::cases::RAW_EPOLL, None, RawEpollAll(raw)));
        let raw2 = setup::raw_epoll(fds, cap, libc::EPOLLIN)?;
        out.push(Case::new(
            "raw epoll_wait, 2nd instance (control)",
            Some(crate::cases::RAW_EPOLL),
            RawEpollAll(raw2),
        ));
        out.push(Case::new(
            "Epoll",
            Some(crate::cases::RAW_EPOLL),
            EpollAll {
                ep,
                events: EpollEvents::with_capacity(cap)?,
            },
        ));
        out.push(Case::new(
            "EpollSelector",
            Some(crate::cases::RAW_EPOLL),
            SelectorAll::new(EpollSelector::new()?, fds, cap, false)?,
        ));
        Ok(())
    }

    /// What EpollSelector asks for READ, and so what the raw baseline asks: `EPOLL_CTL_ADD`
    /// + `EPOLL_CTL_DEL` (or two `EPOLL_CTL_MOD`s alternating) with this mask.
    const SELECTOR_READ: u32 = (libc::EPOLLIN | libc::EPOLLRDHUP) as u32;

    pub(super) fn churn<'a>(
        set: &'a ChurnFds,
        modify: bool,
        out: &mut Vec<Case<'a>>,
    ) -> io::Result<()> {
        // The baseline, then the same calls on a second epoll instance: the control, the
        // floor of what the pairing resolves for two contenders doing the same kernel work.
        let names = [
            (RAW_EPOLL_CTL, None),
            ("raw epoll_ctl, 2nd instance (control)", Some(RAW_EPOLL_CTL)),
        ];
        for (name, baseline) in names {
            let raw = RawCtl::<SELECTOR_READ>(RawEpoll::new(1)?);
            out.push(Case::new(name, baseline, Churn::over(set, raw, modify)?));
        }
        let sel = SelectorChurn(EpollSelector::new()?);
        out.push(Case::new(
            "EpollSelector",
            Some(RAW_EPOLL_CTL),
            Churn::over(set, sel, modify)?,
        ));
        Ok(())
    }

    pub(super) fn edge<'a>(fds: &[BorrowedFd<'a>], out: &mut Vec<Case<'a>>) -> io::Result<()> {
        let raw = setup::raw_epoll(fds, crate::cases::CAPACITY, libc::EPOLLIN | libc::EPOLLET)?;
        out.push(Case::new(RAW_EPOLL_ET, None, RawEpollAll(raw)));
        Ok(())
    }
}

/// Every contender of the busy workload over the read ends `fds` (all readable), each
/// taking up to `cap` events per wait. A second instance of each raw baseline runs as a
/// control: what it reads against the first is the floor of what the pairing resolves
/// for two contenders doing the same work on the same pipes. With `cap < fds.len()` only the backends whose
/// raw call takes a capacity (epoll, kqueue) are compared: `poll(2)` and `select(2)`
/// report every ready fd whatever the caller's buffer.
///
/// # Errors
///
/// Any error creating or registering with a backend.
pub fn busy_cases<'a>(fds: &[BorrowedFd<'a>], cap: usize) -> io::Result<Vec<Case<'a>>> {
    let raw: Vec<RawFd> = fds.iter().map(|f| f.as_raw_fd()).collect();
    let mut out: Vec<Case<'a>> = Vec::new();
    let all = cap >= fds.len();
    if all {
        out.push(Case::new(RAW_POLL, None, RawPollAll(RawPoll::new(&raw))));
        out.push(Case::new(
            "raw poll, 2nd instance (control)",
            Some(RAW_POLL),
            RawPollAll(RawPoll::new(&raw)),
        ));
        out.push(Case::new(
            "Poll",
            Some(RAW_POLL),
            PollAll {
                poll: setup::poll(fds)?,
                out: Vec::with_capacity(fds.len()),
            },
        ));
        out.push(Case::new(
            "PollSelector",
            Some(RAW_POLL),
            SelectorAll::new(PollSelector::new()?, fds, cap, false)?,
        ));
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    linux::busy(fds, cap, &mut out)?;

    let ds = DefaultSelector::<usize>::new()?;
    let base = raw_name(ds.backend());
    if out.iter().any(|c| c.name == base) {
        out.push(Case::new(
            "DefaultSelector",
            Some(base),
            SelectorAll::new(ds, fds, cap, false)?,
        ));
        out.push(Case::new(
            "DefaultSelector + keys",
            Some(base),
            SelectorAll::new(DefaultSelector::<usize>::new()?, fds, cap, true)?,
        ));
    }
    let pbase = crate::cases::polling_baseline();
    if out.iter().any(|c| c.name == pbase) {
        out.push(Case::new(
            "polling (level)",
            Some(pbase),
            PollingAll {
                poller: setup::polling(fds, |_, fd| fd.as_raw_fd() as usize)?,
                events: polling::Events::with_capacity(
                    std::num::NonZeroUsize::new(cap.max(1)).unwrap_or(std::num::NonZeroUsize::MIN),
                ),
            },
        ));
    }
    Ok(out)
}

/// One churn operation per wait: register + unregister of `fd`, or (with `modify`) a
/// modify that flips its interest between READ and READ | WRITE.
struct Churn<'a, O> {
    ops: O,
    fd: BorrowedFd<'a>,
    modify: bool,
    flip: bool,
}

impl<'a, O: ChurnOps<'a>> Churn<'a, O> {
    /// `ops` prepared over `set` (the churning fd added too with `modify`).
    fn over(set: &'a ChurnFds, ops: O, modify: bool) -> io::Result<Self> {
        Ok(Churn {
            ops: set.prepare(ops, modify)?,
            fd: set.extra(),
            modify,
            flip: false,
        })
    }
}

impl<'a, O: ChurnOps<'a>> Waiter for Churn<'a, O> {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        let ok = if self.modify {
            self.flip = !self.flip;
            self.ops.change(self.fd, self.flip).is_ok()
        } else {
            self.ops.add(self.fd).is_ok() && self.ops.remove(self.fd).is_ok()
        };
        if ok {
            self.fd.as_raw_fd()
        } else {
            -1
        }
    }
}

struct RawFcntl<'a>(BorrowedFd<'a>);
impl Waiter for RawFcntl<'_> {
    fn wait(&mut self) -> RawFd {
        fcntl_getfd(self.0.as_raw_fd())
    }
}

/// Every contender of one churn operation with `set`'s background fds registered:
/// register + unregister, or with `modify` a modify that changes the interest.
///
/// Baselines: the raw `epoll_ctl` call(s) for epoll-based contenders (and mio,
/// polling); for register + unregister on poll and select selectors, the
/// `fcntl(F_GETFD)` open check they must make, so the ratio's difference is the table
/// work. `Poll` alone, and the poll/select selectors' modify (no syscall), are timed
/// alone.
///
/// # Errors
///
/// Any error creating or registering with a backend.
pub fn churn_cases(set: &ChurnFds, modify: bool) -> io::Result<Vec<Case<'_>>> {
    let fd = set.extra();
    let mut out: Vec<Case<'_>> = Vec::new();
    let alone = if modify { None } else { Some(RAW_FCNTL) };
    if !modify {
        out.push(Case::new(RAW_FCNTL, None, RawFcntl(fd)));
        out.push(Case::new(
            "raw fcntl(F_GETFD), again (control)",
            Some(RAW_FCNTL),
            RawFcntl(fd),
        ));
    }
    out.push(Case::new(
        "Poll",
        None,
        Churn::over(set, Poll::new(), modify)?,
    ));
    let sel = SelectorChurn(PollSelector::new()?);
    out.push(Case::new(
        "PollSelector",
        alone,
        Churn::over(set, sel, modify)?,
    ));
    let sel = SelectorChurn(SelectSelector::new()?);
    out.push(Case::new(
        "SelectSelector",
        alone,
        Churn::over(set, sel, modify)?,
    ));
    #[cfg(any(target_os = "linux", target_os = "android"))]
    linux::churn(set, modify, &mut out)?;

    let sel = SelectorChurn(DefaultSelector::<usize>::new()?);
    let ds_base = if out.iter().any(|c| c.name == RAW_EPOLL_CTL) {
        Some(RAW_EPOLL_CTL)
    } else {
        alone
    };
    out.push(Case::new(
        "DefaultSelector",
        ds_base,
        Churn::over(set, sel, modify)?,
    ));
    let mio = mio::Poll::new()?;
    out.push(Case::new("mio", ds_base, Churn::over(set, mio, modify)?));
    let poller = PollingLevel::new()?;
    out.push(Case::new(
        "polling (level)",
        ds_base,
        Churn::over(set, poller, modify)?,
    ));
    Ok(out)
}

/// mio's one-ready wait against a raw edge-triggered `epoll_wait` over the same fds
/// (after the first wait both report nothing until new data arrives: the same work).
/// Empty where epoll is not built.
///
/// # Errors
///
/// Any error creating or registering with a backend.
pub fn edge_cases<'a>(fds: &[BorrowedFd<'a>]) -> io::Result<Vec<Case<'a>>> {
    #[allow(unused_mut)]
    let mut out: Vec<Case<'a>> = Vec::new();
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        linux::edge(fds, &mut out)?;
        out.push(Case::new(
            "mio",
            Some(RAW_EPOLL_ET),
            MioWait {
                poll: setup::mio(fds)?,
                events: mio::Events::with_capacity(crate::cases::CAPACITY),
            },
        ));
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = fds;
    Ok(out)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
struct MioWait {
    poll: mio::Poll,
    events: mio::Events,
}
#[cfg(any(target_os = "linux", target_os = "android"))]
impl Waiter for MioWait {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        let _ = self.poll.poll(&mut self.events, ZERO);
        self.events
            .iter()
            .fold(0, |a, e| fold(a, e.token().0 as RawFd))
    }
}

/// One row of the memory table.
#[derive(Debug, Clone)]
pub struct MemRow {
    /// The object, e.g. `"PollSelector"`.
    pub name: &'static str,
    /// `"()"` or `"usize"`.
    pub data: &'static str,
    /// Heap bytes per registration.
    pub per_reg: f64,
    /// The target, if there is one.
    pub target: Option<f64>,
}

/// Registrations in the memory workload.
pub const MEMORY_FDS: usize = 10_000;

/// Heap bytes per registration with [`MEMORY_FDS`] fds registered (both ends of
/// `MEMORY_FDS / 2` pipes), for every object and selector and for mio and polling, with
/// unit and `usize` data. `live` reads the bytes the process's allocator holds (the
/// report binary's counting allocator); each figure is the growth of that count while
/// the object is built and every fd registered, divided by the registrations.
///
/// # Errors
///
/// Any error creating or registering with a backend.
pub fn memory_rows(live: fn() -> usize) -> io::Result<Vec<MemRow>> {
    let pipes: Vec<(io::PipeReader, io::PipeWriter)> =
        (0..MEMORY_FDS / 2).map(|_| pipe()).collect();
    let fds: Vec<BorrowedFd<'_>> = pipes
        .iter()
        .flat_map(|(r, w)| [r.as_fd(), w.as_fd()])
        .collect();
    let n = fds.len() as f64;
    let mut rows = Vec::new();
    let mut row = |name, data, target, bytes: usize| {
        rows.push(MemRow {
            name,
            data,
            per_reg: bytes as f64 / n,
            target,
        });
    };
    /// The growth of `live` while `build` builds an object (dropped after).
    fn grown<T>(live: fn() -> usize, build: impl FnOnce() -> io::Result<T>) -> io::Result<usize> {
        let before = live();
        let object = build()?;
        let bytes = live().saturating_sub(before);
        drop(object);
        Ok(bytes)
    }
    fn sel<S: Selector>(
        live: fn() -> usize,
        fds: &[BorrowedFd<'_>],
        make: impl Fn() -> io::Result<S>,
        data: impl Fn(usize) -> S::Data,
    ) -> io::Result<usize> {
        grown(live, || {
            let mut s = make()?;
            for (i, fd) in fds.iter().enumerate() {
                s.register(fd, Interest::READ, data(i))?;
            }
            Ok(s)
        })
    }
    let poll = grown(live, || {
        let mut p = Poll::new();
        for fd in &fds {
            p.register(fd, PollFlags::POLLIN)?;
        }
        Ok(p)
    })?;
    row("Poll", "—", None, poll);
    // DESIGN.md's targets: unit data only, PollSelector <= 24, the select and epoll
    // selectors <= 12 bytes per registration.
    for data in ["()", "usize"] {
        let unit = data == "()";
        let target = |t: f64| Some(t).filter(|_| unit);
        macro_rules! measure {
            ($name:expr, $make:expr, $target:expr) => {{
                let bytes = if unit {
                    sel(live, &fds, $make, |_| ())?
                } else {
                    sel(live, &fds, $make, |i| i)?
                };
                row($name, data, $target, bytes);
            }};
        }
        measure!("PollSelector", PollSelector::new, target(24.0));
        measure!("SelectSelector", SelectSelector::new, target(12.0));
        #[cfg(any(target_os = "linux", target_os = "android"))]
        measure!(
            "EpollSelector",
            select_epoll::EpollSelector::new,
            target(12.0)
        );
        measure!("DefaultSelector", DefaultSelector::new, None);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    row("Epoll", "—", None, grown(live, || setup::epoll(&fds))?);
    row(
        "mio",
        "usize (Token)",
        None,
        grown(live, || setup::mio(&fds))?,
    );
    let polling = grown(live, || setup::polling(&fds, |i, _| i))?;
    row("polling (level)", "usize (key)", None, polling);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::churn_cases;
    use crate::churn::ChurnFds;

    #[test]
    fn every_churn_case_succeeds_again_and_again() {
        let set = ChurnFds::new(10).unwrap();
        for modify in [false, true] {
            for mut case in churn_cases(&set, modify).unwrap() {
                for _ in 0..4 {
                    assert_ne!(case.waiter.wait(), -1, "{} (modify {modify})", case.name);
                }
            }
        }
    }
}
