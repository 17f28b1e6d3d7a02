//! Register/modify/unregister churn checked against a model after every wait.
//!
//! A seeded generator drives 100,000 random operations on `Poll` (and 30,000 on
//! `PollSelector`) over real pipes whose readiness the model also tracks. The seed is
//! fixed; set `CHURN_SEED` to try another.
#![cfg(unix)]

use std::collections::{HashMap, HashSet};
use std::io::{ErrorKind, PipeReader, PipeWriter, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use select_core::testing::{drain, pipe};
use select_core::{Event, Events, Interest, Selector};
use select_poll::{Poll, PollFlags, PollSelector};

const ZERO: Option<Duration> = Some(Duration::ZERO);
const PIPES: usize = 24;

/// xorshift64*: small, seeded, good enough to pick operations.
struct Rng(u64);

impl Rng {
    fn from_env() -> Rng {
        let seed = std::env::var("CHURN_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5EED_F00D_u64);
        Rng(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pipes whose readers are readable or not, as recorded; writers are always writable.
struct Pool {
    pipes: Vec<(PipeReader, PipeWriter)>,
    readable: Vec<bool>,
    /// fd -> (pipe index, is the reader)
    which: HashMap<RawFd, (usize, bool)>,
}

impl Pool {
    fn new() -> Pool {
        let pipes: Vec<_> = (0..PIPES).map(|_| pipe()).collect();
        let mut which = HashMap::new();
        for (i, (r, w)) in pipes.iter().enumerate() {
            which.insert(r.as_raw_fd(), (i, true));
            which.insert(w.as_raw_fd(), (i, false));
        }
        Pool {
            pipes,
            readable: vec![false; PIPES],
            which,
        }
    }
    fn any_fd(&self, rng: &mut Rng) -> RawFd {
        let (r, w) = &self.pipes[rng.below(PIPES)];
        if rng.below(2) == 0 {
            r.as_raw_fd()
        } else {
            w.as_raw_fd()
        }
    }
    fn toggle(&mut self, i: usize) {
        let (r, w) = &self.pipes[i];
        if self.readable[i] {
            assert_eq!(drain(r), 1);
        } else {
            (&*w).write_all(b"x").unwrap();
        }
        self.readable[i] = !self.readable[i];
    }
    /// How `fd` is ready: a writer always for writing, a reader for reading while it
    /// holds its byte.
    fn ready(&self, fd: RawFd) -> Interest {
        let (i, reader) = self.which[&fd];
        if !reader {
            Interest::WRITE
        } else if self.readable[i] {
            Interest::READ
        } else {
            Interest::EMPTY
        }
    }

    /// What the kernel reports for `fd` under `mask`.
    fn revents(&self, fd: RawFd, mask: PollFlags) -> PollFlags {
        let state = match self.ready(fd) {
            Interest::WRITE => PollFlags::POLLOUT,
            Interest::READ => PollFlags::POLLIN,
            _ => PollFlags::empty(),
        };
        state & mask
    }
}

fn random_mask(rng: &mut Rng) -> PollFlags {
    const MASKS: [PollFlags; 6] = [
        PollFlags::POLLIN,
        PollFlags::POLLOUT,
        PollFlags::POLLPRI,
        PollFlags::DEFAULT_MASK,
        PollFlags::empty(),
        PollFlags::from_bits_retain(libc::POLLIN | libc::POLLOUT),
    ];
    MASKS[rng.below(MASKS.len())]
}

/// The model of a `Poll`: its registrations in CPython's dict order (an upsert keeps its
/// place, a removal closes up, a new fd goes last).
#[derive(Default)]
struct Model {
    slots: Vec<(RawFd, PollFlags)>,
}

impl Model {
    fn position(&self, fd: RawFd) -> Option<usize> {
        self.slots.iter().position(|e| e.0 == fd)
    }
    fn register(&mut self, fd: RawFd, mask: PollFlags) {
        match self.position(fd) {
            Some(i) => self.slots[i].1 = mask,
            None => self.slots.push((fd, mask)),
        }
    }
    fn unregister(&mut self, fd: RawFd) -> Option<PollFlags> {
        let i = self.position(fd)?;
        Some(self.slots.remove(i).1)
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's in readiness (a read end reports POLLOUT), which the model follows"
)]
fn poll_matches_the_model_through_100_000_operations() {
    let mut rng = Rng::from_env();
    let mut pool = Pool::new();
    let mut p = Poll::new();
    let mut model = Model::default();
    let mut out = Vec::new();
    let (mut waits, mut reported) = (0usize, 0usize);
    for op in 0..100_000 {
        match rng.below(20) {
            0..=6 => {
                let (fd, mask) = (pool.any_fd(&mut rng), random_mask(&mut rng));
                p.register(&fd, mask).unwrap();
                model.register(fd, mask);
            }
            7..=9 => {
                let (fd, mask) = (pool.any_fd(&mut rng), random_mask(&mut rng));
                match p.modify(&fd, mask) {
                    Ok(()) => model.register(fd, mask),
                    Err(e) => {
                        assert!(model.position(fd).is_none(), "op {op}: {e}");
                        assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
                    }
                }
            }
            10..=15 => {
                let fd = pool.any_fd(&mut rng);
                match (p.unregister(&fd), model.unregister(fd)) {
                    (Ok(got), Some(want)) => assert_eq!(got, want, "op {op}"),
                    (Err(e), None) => assert_eq!(e.kind(), ErrorKind::NotFound),
                    (got, want) => panic!("op {op}: unregister({fd}): {got:?} vs {want:?}"),
                }
            }
            16 => pool.toggle(rng.below(PIPES)),
            _ => {
                let n = p.poll_into(&mut out, ZERO).unwrap();
                let want: Vec<_> = model
                    .slots
                    .iter()
                    .map(|&(fd, mask)| (fd, pool.revents(fd, mask)))
                    .filter(|(_, rev)| !rev.is_empty())
                    .collect();
                assert_eq!(out, want, "op {op}");
                assert_eq!(n, want.len());
                waits += 1;
                reported += n;
            }
        }
        assert_eq!(p.len(), model.slots.len(), "op {op}");
        assert!(p.iter().eq(model.slots.iter().copied()), "op {op}");
    }
    assert!(
        waits > 10_000 && reported > waits,
        "{waits} waits, {reported}"
    );
}

/// The expected event of `fd` registered for `interest`, if any.
fn expected_event(pool: &Pool, fd: RawFd, interest: Interest) -> Option<Event> {
    let ready = pool.ready(fd) & interest;
    (!ready.is_empty()).then(|| Event::new(fd, ready, false, false))
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's pipes differ from Linux's in readiness (a read end reports POLLOUT), which the model follows"
)]
fn poll_selector_matches_the_model_and_rotates_fairly() {
    const INTERESTS: [Interest; 5] = [
        Interest::READ,
        Interest::WRITE,
        Interest::PRIORITY,
        Interest::ALL,
        Interest::EMPTY,
    ];
    let mut rng = Rng::from_env();
    let mut pool = Pool::new();
    let mut sel = PollSelector::new().unwrap();
    let mut model: HashMap<RawFd, (Interest, u64)> = HashMap::new();
    let mut events = Events::with_capacity(1);
    let mut waits = 0;
    for op in 0..30_000u64 {
        let fd = pool.any_fd(&mut rng);
        let interest = INTERESTS[rng.below(INTERESTS.len())];
        match rng.below(20) {
            0..=6 => match sel.register(&fd, interest, op) {
                Ok(k) => {
                    assert_eq!((k.fd, k.interest, k.data), (fd, interest, op));
                    assert!(model.insert(fd, (interest, op)).is_none(), "op {op}");
                }
                // The interest is checked before the duplicate.
                Err(e) if interest.is_empty() => {
                    assert_eq!(e.kind(), ErrorKind::InvalidInput, "op {op}")
                }
                Err(e) => {
                    assert!(model.contains_key(&fd), "op {op}: {e}");
                    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
                }
            },
            7..=9 => match sel.modify(&fd, interest, op) {
                Ok(k) => {
                    assert_eq!((k.interest, k.data), (interest, op));
                    assert!(model.insert(fd, (interest, op)).is_some(), "op {op}");
                }
                // The fd is looked up first: NotFound wins over an empty interest.
                Err(e) if interest.is_empty() && model.contains_key(&fd) => {
                    assert_eq!(e.kind(), ErrorKind::InvalidInput, "op {op}")
                }
                Err(e) => {
                    assert!(!model.contains_key(&fd), "op {op}: {e}");
                    assert_eq!(e.kind(), ErrorKind::NotFound);
                }
            },
            10..=14 => match (sel.unregister(&fd), model.remove(&fd)) {
                (Ok(k), Some((i, d))) => assert_eq!((k.interest, k.data), (i, d)),
                (Err(e), None) => assert_eq!(e.kind(), ErrorKind::NotFound),
                (got, want) => panic!("op {op}: {got:?} vs {want:?}"),
            },
            15 => pool.toggle(rng.below(PIPES)),
            _ => {
                let want: HashSet<Event> = model
                    .iter()
                    .filter_map(|(&fd, &(i, _))| expected_event(&pool, fd, i))
                    .collect();
                events = Events::with_capacity(1 + rng.below(8));
                let cap = events.capacity();
                // Each wait reports min(ready, cap) distinct fds, starting where the last
                // full wait stopped: ceil(ready / cap) waits cover every ready fd.
                let rounds = want.len().div_ceil(cap).max(1);
                let mut seen = HashSet::new();
                for _ in 0..rounds {
                    let n = sel.select(&mut events, ZERO).unwrap();
                    assert_eq!(n, want.len().min(cap), "op {op}");
                    let mut this = HashSet::new();
                    for ev in &events {
                        assert!(want.contains(ev), "op {op}: unexpected {ev:?}");
                        assert!(this.insert(*ev), "op {op}: {ev:?} twice in one wait");
                    }
                    seen.extend(this);
                    waits += 1;
                }
                assert_eq!(seen, want, "op {op}");
            }
        }
        assert_eq!(sel.len(), model.len());
    }
    assert!(waits > 5_000);
    drop(events);
}
