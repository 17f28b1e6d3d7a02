//! The crossover sweep behind the report's decision rules: `PollSelector` against the
//! O(ready) selector (`EpollSelector`, or `KqueueSelector` on BSD and macOS) and, where
//! `select(2)` takes every fd, `SelectSelector`, over N registered fds, how many of them
//! are ready and how many register + unregister pairs each wait is preceded by (churn).
//!
//! The fds are duplicates of two pipe read ends, one with a byte in it and one empty
//! ([`Spread`]): the kernel polls each duplicate as its own fd, and 10,000 of them take
//! 10,000 fds, not the 20,000 of as many pipes. Every wait takes every ready event (the
//! event buffer holds N), so the cost per wait and per event are the cost a caller pays.
//! Each selector case is paired with `PollSelector` in every repetition
//! ([`measure::run`](crate::measure::run)), so a cell's ratio is (selector / poll) with
//! its 25th–75th percentile spread.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::time::Duration;

use select_core::testing::{pipe, write_byte};
use select_core::{Events, Interest, Selector};
use select_fdset::SelectSelector;
use select_poll::PollSelector;

use crate::cases::{select_takes, Case, Waiter};
use crate::measure::Sample;

/// The `PollSelector` row: every other row of a cell is compared with it.
pub const POLL: &str = "PollSelector";
/// The `SelectSelector` row.
pub const SELECT: &str = "SelectSelector";
/// The O(ready) selector's row on this platform (`EpollSelector` on Linux and Android,
/// `KqueueSelector` on BSD and macOS; absent elsewhere).
pub const READY: &str = if cfg!(has_kqueue) {
    "KqueueSelector"
} else {
    "EpollSelector"
};

/// The ready fractions of the sweep: one fd, 1%, 10%, 50% and all of them.
pub const FRACTIONS: [Fraction; 5] = [
    Fraction::One,
    Fraction::Percent(1),
    Fraction::Percent(10),
    Fraction::Percent(50),
    Fraction::Percent(100),
];

/// How many of a cell's fds are ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fraction {
    /// Exactly one, the last.
    One,
    /// This percentage of N, at least one.
    Percent(u32),
}

impl Fraction {
    /// The ready count among `n` fds.
    pub fn of(self, n: usize) -> usize {
        match self {
            Fraction::One => 1,
            Fraction::Percent(p) => (n * p as usize).div_ceil(100).clamp(1, n),
        }
    }
}

impl std::fmt::Display for Fraction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fraction::One => f.write_str("1 fd"),
            Fraction::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// The cells a run measures: (N, ready fraction, churn per wait).
///
/// The default grid is three slices through the full one: one ready fd over N = 1 …
/// 10,000 (where epoll starts to win), every ready fraction at churn 0 for N = 100 …
/// 10,000, and churn 1 and 10 with one ready fd at N = 10 … 10,000. `long` is the full
/// grid: every N, fraction and churn.
pub fn grid(long: bool) -> Vec<(usize, Fraction, usize)> {
    const ONE_NS: [usize; 8] = [1, 2, 5, 10, 100, 1000, 3000, 10_000];
    const LONG_NS: [usize; 10] = [1, 2, 5, 10, 30, 100, 300, 1000, 3000, 10_000];
    let mut out: Vec<(usize, Fraction, usize)> = Vec::new();
    let mut add = |n: usize, f: Fraction, c: usize| {
        // Fractions that give the same ready count at this N are one cell.
        if !out
            .iter()
            .any(|&(m, g, d)| m == n && d == c && g.of(m) == f.of(n))
        {
            out.push((n, f, c));
        }
    };
    if long {
        for c in CHURNS {
            for n in LONG_NS {
                for f in FRACTIONS {
                    add(n, f, c);
                }
            }
        }
        return out;
    }
    for n in ONE_NS {
        add(n, Fraction::One, 0);
    }
    for n in [100, 1000, 10_000] {
        for f in FRACTIONS {
            add(n, f, 0);
        }
    }
    for c in [1, 10] {
        for n in [10, 100, 1000, 10_000] {
            add(n, Fraction::One, c);
        }
    }
    out
}

/// The churn rates of the sweep: register + unregister pairs before each wait.
pub const CHURNS: [usize; 3] = [0, 1, 10];

/// The largest N of the sweep: the fds it needs (plus a few pipes).
pub const MAX_N: usize = 10_000;

/// N fds of which `ready` are readable, spread evenly (the last always among them), all
/// duplicates of two pipe read ends; and one more idle fd, the one that churns.
#[derive(Debug)]
pub struct Spread {
    fds: Vec<OwnedFd>,
    extra: OwnedFd,
    ready: usize,
    _pipes: [(io::PipeReader, io::PipeWriter); 2],
}

impl Spread {
    /// `n` fds (at least one), `ready` of them readable (between 1 and `n`).
    ///
    /// # Errors
    ///
    /// The errno of `fcntl(F_DUPFD_CLOEXEC)` (e.g. `EMFILE` under a low fd limit).
    pub fn new(n: usize, ready: usize) -> io::Result<Spread> {
        let n = n.max(1);
        let ready = ready.clamp(1, n);
        let full = pipe();
        write_byte(&full.1);
        let empty = pipe();
        let mut fds = Vec::with_capacity(n);
        for i in 0..n {
            // Index i is ready when the count of ready indices up to it steps: `ready`
            // of them, evenly spaced, the last one always.
            let is_ready = (i + 1) * ready / n > i * ready / n;
            let src = if is_ready { &full.0 } else { &empty.0 };
            fds.push(src.as_fd().try_clone_to_owned()?);
        }
        let extra = empty.0.as_fd().try_clone_to_owned()?;
        Ok(Spread {
            fds,
            extra,
            ready,
            _pipes: [full, empty],
        })
    }

    /// The N fds.
    pub fn fds(&self) -> Vec<BorrowedFd<'_>> {
        self.fds.iter().map(|f| f.as_fd()).collect()
    }

    /// How many of them are ready.
    pub fn ready(&self) -> usize {
        self.ready
    }

    /// The fd registered and unregistered for churn.
    pub fn extra(&self) -> BorrowedFd<'_> {
        self.extra.as_fd()
    }
}

const ZERO: Option<Duration> = Some(Duration::ZERO);

/// One wait of a cell: `churn` register + unregister pairs of the extra fd, then a
/// zero-timeout wait taking every ready event; returns how many it took.
struct SweepWaiter<'a, S> {
    sel: S,
    events: Events,
    extra: BorrowedFd<'a>,
    churn: usize,
}

impl<S: Selector<Data = usize>> Waiter for SweepWaiter<'_, S> {
    #[inline(never)]
    fn wait(&mut self) -> RawFd {
        for _ in 0..self.churn {
            if self.sel.register(&self.extra, Interest::READ, 0).is_err()
                || self.sel.unregister(&self.extra).is_err()
            {
                return -1;
            }
        }
        match self.sel.select(&mut self.events, ZERO) {
            Ok(n) => {
                let fold = self.events.iter().fold(0, |a: RawFd, e| a ^ e.fd());
                std::hint::black_box(fold);
                n as RawFd
            }
            Err(_) => -1,
        }
    }
}

fn case<'a, S: Selector<Data = usize> + 'a>(
    name: &'static str,
    baseline: Option<&'static str>,
    mut sel: S,
    set: &'a Spread,
    churn: usize,
) -> io::Result<Case<'a>> {
    for (i, fd) in set.fds.iter().enumerate() {
        sel.register(fd, Interest::READ, i + 1)?;
    }
    Ok(Case::new(
        name,
        baseline,
        SweepWaiter {
            sel,
            events: Events::with_capacity(set.fds.len()),
            extra: set.extra(),
            churn,
        },
    ))
}

/// The contenders of one cell over `set` with `churn` pairs per wait: `PollSelector`
/// (the baseline), the O(ready) selector and, where `select(2)` takes every fd,
/// `SelectSelector`. Each wait returns the number of events it took ([`verify`] checks
/// it is `set.ready()`).
///
/// [`verify`]: crate::cases::verify
///
/// # Errors
///
/// Any error creating or registering with a backend.
pub fn cases(set: &Spread, churn: usize) -> io::Result<Vec<Case<'_>>> {
    let mut out = vec![case(POLL, None, PollSelector::new()?, set, churn)?];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    out.push(case(
        READY,
        Some(POLL),
        select_epoll::EpollSelector::new()?,
        set,
        churn,
    )?);
    #[cfg(has_kqueue)]
    out.push(case(
        READY,
        Some(POLL),
        select_kqueue::KqueueSelector::new()?,
        set,
        churn,
    )?);
    let highest = set
        .fds
        .iter()
        .chain([&set.extra])
        .map(|f| f.as_raw_fd())
        .max()
        .unwrap_or(0);
    if select_takes(highest) {
        out.push(case(
            SELECT,
            Some(POLL),
            SelectSelector::new()?,
            set,
            churn,
        )?);
    }
    Ok(out)
}

/// One measured cell of the sweep.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Registered fds.
    pub n: usize,
    /// The fraction asked for.
    pub fraction: Fraction,
    /// Ready fds (what the fraction gave at this N).
    pub ready: usize,
    /// Register + unregister pairs per wait.
    pub churn: usize,
    /// One per contender: ns per wait, and for all but `PollSelector` the ratio to it.
    pub samples: Vec<Sample>,
}

impl Cell {
    /// The sample of `name`, if it ran in this cell.
    pub fn get(&self, name: &str) -> Option<&Sample> {
        self.samples.iter().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::{cases, grid, Fraction, Spread};
    use crate::cases::verify;

    #[test]
    fn every_contender_takes_every_ready_event() {
        for (n, ready, churn) in [(1, 1, 0), (10, 1, 1), (10, 5, 10), (100, 100, 0)] {
            let set = Spread::new(n, ready).unwrap();
            let mut cs = cases(&set, churn).unwrap();
            assert!(cs.len() >= 2);
            verify(&mut cs, ready as i32).unwrap();
            verify(&mut cs, ready as i32).unwrap();
        }
    }

    #[test]
    fn fractions_and_grids() {
        assert_eq!(Fraction::Percent(1).of(10), 1);
        assert_eq!(Fraction::Percent(50).of(10), 5);
        assert_eq!(Fraction::Percent(100).of(3), 3);
        let short = grid(false);
        let long = grid(true);
        assert!(short.len() < long.len());
        assert!(short.iter().all(|c| long.contains(c)), "{short:?}");
    }
}
