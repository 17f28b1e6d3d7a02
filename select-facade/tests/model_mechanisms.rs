//! Models of the mechanism objects, each with its own Python quirks, driven by random
//! sequences of create (the world's pipes) / register / modify / unregister / write a
//! byte / drain / close an fd / put a new file on the closed number / zero-timeout
//! wait. After every step the real object's result (value, or exact kind and errno) and
//! its readiness report equal the model's.
//!
//! * `Poll`: registering twice upserts the mask; `modify` of an unknown fd is ENOENT,
//!   `unregister` of one `NotFound`; the kernel is not asked at registration, so a
//!   closed fd is reported with `POLLNVAL` and a reused number is watched; results come
//!   in registration order (Python's dict order: an upsert keeps its place, an fd
//!   registered again after `unregister` goes last).
//! * `Epoll`: registrations belong to the file: EEXIST for a second `register`, ENOENT
//!   for an unknown fd, EBADF for a closed one; closing an fd drops its registration, so
//!   a new file on the same number starts unregistered; close of the object refuses
//!   everything after.
//! * `select()` and `Select`: no registration; the ready subsets of the caller's lists
//!   in the caller's order, duplicates kept, EBADF for a closed fd in any list.
//! * `Kqueue` (feature `libkqueue`): one knote per (fd, filter); `EV_ADD` twice
//!   modifies, `EV_DELETE` of an unknown knote is ENOENT, a closed fd EBADF.
#![cfg(unix)]
// The Epoll-only tests use some imports; elsewhere they go unused.
#![cfg_attr(not(has_epoll), allow(unused_imports))]

mod common;

use std::collections::BTreeMap;
use std::os::fd::RawFd;
use std::time::Duration;

use common::{config, invalid, not_found, os, outcome, Outcome, World};
use proptest::prelude::*;
use select_facade::{Poll, PollFlags};

const PIPES: usize = 3;
const SLOTS: usize = 2 * PIPES;
const ZERO: Option<Duration> = Some(Duration::ZERO);

/// The world-changing steps every model shares.
#[derive(Debug, Clone)]
enum WorldOp {
    Write(usize),
    Drain(usize),
    CloseFd(usize),
    Reopen(usize),
}

fn world_op() -> impl Strategy<Value = WorldOp> {
    let s = 0..SLOTS;
    prop_oneof![
        4 => s.clone().prop_map(WorldOp::Write),
        2 => s.clone().prop_map(WorldOp::Drain),
        2 => s.clone().prop_map(WorldOp::CloseFd),
        2 => s.prop_map(WorldOp::Reopen),
    ]
}

/// Applies `op`; returns the slot whose fd was closed, if one was.
fn apply(w: &mut World, op: &WorldOp) -> Option<usize> {
    match *op {
        WorldOp::Write(s) => {
            w.write(s);
        }
        WorldOp::Drain(s) => {
            w.drain(s);
        }
        WorldOp::CloseFd(s) => {
            if w.close(s) {
                return Some(s);
            }
        }
        WorldOp::Reopen(s) => {
            w.reopen(s);
        }
    }
    None
}

// ---------------------------------------------------------------------------------
// poll

#[derive(Debug, Clone)]
enum PollOp {
    Register(usize, u8),
    Modify(usize, u8),
    Unregister(usize),
    World(WorldOp),
}

/// A mask from three bits: POLLIN, POLLPRI, POLLOUT (no POLLPRI under Miri, which does
/// not emulate it).
fn poll_mask(bits: u8) -> PollFlags {
    let bits = if cfg!(miri) { bits & !2 } else { bits };
    let mut m = PollFlags::empty();
    for (bit, f) in [
        (1, PollFlags::POLLIN),
        (2, PollFlags::POLLPRI),
        (4, PollFlags::POLLOUT),
    ] {
        if bits & bit != 0 {
            m |= f;
        }
    }
    m
}

fn poll_op() -> impl Strategy<Value = PollOp> {
    let s = 0..SLOTS;
    prop_oneof![
        5 => (s.clone(), 0u8..8).prop_map(|(s, b)| PollOp::Register(s, b)),
        3 => (s.clone(), 0u8..8).prop_map(|(s, b)| PollOp::Modify(s, b)),
        3 => s.prop_map(PollOp::Unregister),
        8 => world_op().prop_map(PollOp::World),
    ]
}

fn poll_run(ops: Vec<PollOp>) -> Result<(), TestCaseError> {
    let mut w = World::new(800, PIPES);
    let mut poll = Poll::new();
    // The model: (fd, mask) in registration order.
    let mut model: Vec<(RawFd, PollFlags)> = Vec::new();
    let mut out = Vec::new();
    for (step, op) in ops.iter().enumerate() {
        match op {
            PollOp::Register(s, b) => {
                let (fd, m) = (w.fd(*s), poll_mask(*b));
                prop_assert_eq!(outcome(poll.register(&fd, m)), Ok(()));
                match model.iter_mut().find(|e| e.0 == fd) {
                    Some(e) => e.1 = m,
                    None => model.push((fd, m)),
                }
            }
            PollOp::Modify(s, b) => {
                let (fd, m) = (w.fd(*s), poll_mask(*b));
                let want = match model.iter_mut().find(|e| e.0 == fd) {
                    Some(e) => {
                        e.1 = m;
                        Ok(())
                    }
                    None => os(libc::ENOENT),
                };
                prop_assert_eq!(outcome(poll.modify(&fd, m)), want, "step {}", step);
            }
            PollOp::Unregister(s) => {
                let fd = w.fd(*s);
                let want = match model.iter().position(|e| e.0 == fd) {
                    Some(i) => Ok(model.remove(i).1),
                    None => not_found(),
                };
                prop_assert_eq!(outcome(poll.unregister(&fd)), want, "step {}", step);
            }
            PollOp::World(op) => {
                apply(&mut w, op);
            }
        }
        prop_assert_eq!(poll.len(), model.len());
        let regs: Vec<_> = poll.iter().collect();
        prop_assert_eq!(&regs, &model, "registrations after step {}", step);
        // poll(0): (fd, revents) of every fd with events, in registration order.
        let mut want = Vec::new();
        for &(fd, m) in &model {
            let rev = match w.facts(w.slot_of(fd).unwrap()) {
                None => PollFlags::POLLNVAL,
                Some(f) => {
                    let mut r = PollFlags::empty();
                    if f.input && m.contains(PollFlags::POLLIN) {
                        r |= PollFlags::POLLIN;
                    }
                    if f.output && m.contains(PollFlags::POLLOUT) {
                        r |= PollFlags::POLLOUT;
                    }
                    if f.hup {
                        r |= PollFlags::POLLHUP;
                    }
                    if f.err {
                        r |= PollFlags::POLLERR;
                    }
                    r
                }
            };
            if !rev.is_empty() {
                want.push((fd, rev));
            }
        }
        let n = poll.poll_into(&mut out, ZERO).unwrap();
        prop_assert_eq!(n, out.len());
        prop_assert_eq!(&out, &want, "poll(0) after step {}: {:?}", step, op);
        w.check_numbers();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// select() and Select

#[derive(Debug, Clone)]
enum SelectOp {
    Select(Vec<usize>, Vec<usize>, Vec<usize>),
    World(WorldOp),
}

fn select_op() -> impl Strategy<Value = SelectOp> {
    let list = || proptest::collection::vec(0..SLOTS, 0..5);
    prop_oneof![
        1 => (list(), list(), list()).prop_map(|(r, w, x)| SelectOp::Select(r, w, x)),
        1 => world_op().prop_map(SelectOp::World),
    ]
}

fn select_run(ops: Vec<SelectOp>) -> Result<(), TestCaseError> {
    let mut w = World::new(900, PIPES);
    let mut sel = select_facade::Select::new();
    let mut ready = select_fdset::Ready::new();
    for (step, op) in ops.iter().enumerate() {
        let (r, wr, x) = match op {
            SelectOp::World(op) => {
                apply(&mut w, op);
                (vec![], (0..SLOTS).collect(), vec![])
            }
            SelectOp::Select(r, wr, x) => (r.clone(), wr.clone(), x.clone()),
        };
        let fds = |l: &[usize]| -> Vec<RawFd> { l.iter().map(|&s| w.fd(s)).collect() };
        let (rf, wf, xf) = (fds(&r), fds(&wr), fds(&x));
        let any_closed = r.iter().chain(&wr).chain(&x).any(|&s| !w.is_open(s));
        // The model: subsets in the caller's order, duplicates kept.
        let pick = |l: &[usize], f: &dyn Fn(common::Facts) -> bool| -> Vec<usize> {
            (0..l.len())
                .filter(|&i| f(w.facts(l[i]).unwrap()))
                .collect()
        };
        let want: Outcome<(Vec<usize>, Vec<usize>, Vec<usize>)> = if any_closed {
            os(libc::EBADF)
        } else {
            Ok((
                pick(&r, &|f| f.input || f.hup || f.err),
                pick(&wr, &|f| f.output || f.err),
                pick(&x, &|_| false),
            ))
        };
        // The Python-shaped function returns the caller's own references.
        let refs =
            |v: &[RawFd]| -> Vec<*const RawFd> { v.iter().map(|p| p as *const RawFd).collect() };
        let (rr, wr_, xr): (Vec<&RawFd>, Vec<&RawFd>, Vec<&RawFd>) = (
            rf.iter().collect(),
            wf.iter().collect(),
            xf.iter().collect(),
        );
        let got = outcome(select_facade::select(&rr, &wr_, &xr, ZERO)).map(|(a, b, c)| {
            let idx = |got: Vec<&RawFd>, all: &[RawFd]| -> Vec<usize> {
                let ptrs = refs(all);
                got.iter()
                    .map(|g| ptrs.iter().position(|p| std::ptr::eq(*p, *g)).unwrap())
                    .collect()
            };
            (idx(a, &rf), idx(b, &wf), idx(c, &xf))
        });
        prop_assert_eq!(&got, &want, "select() at step {}: {:?}", step, op);
        // The reusable form agrees.
        let got = outcome(sel.select_into(&rf, &wf, &xf, ZERO, &mut ready)).map(|n| {
            assert_eq!(n, ready.len());
            (
                ready.read().to_vec(),
                ready.write().to_vec(),
                ready.except().to_vec(),
            )
        });
        prop_assert_eq!(
            &got,
            &want,
            "Select::select_into at step {}: {:?}",
            step,
            op
        );
        w.check_numbers();
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// epoll

#[cfg(has_epoll)]
mod epoll_model {
    use super::*;
    use select_facade::{Epoll, EpollFlags};

    #[derive(Debug, Clone)]
    pub enum EpollOp {
        Register(usize, u8),
        Modify(usize, u8),
        Unregister(usize),
        Close,
        World(WorldOp),
    }

    /// A mask from four bits: EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLRDHUP (no EPOLLPRI under
    /// Miri, which does not emulate it).
    fn mask(bits: u8) -> EpollFlags {
        let bits = if cfg!(miri) { bits & !2 } else { bits };
        let mut m = EpollFlags::empty();
        for (bit, f) in [
            (1, EpollFlags::EPOLLIN),
            (2, EpollFlags::EPOLLPRI),
            (4, EpollFlags::EPOLLOUT),
            (8, EpollFlags::EPOLLRDHUP),
        ] {
            if bits & bit != 0 {
                m |= f;
            }
        }
        m
    }

    pub fn op() -> impl Strategy<Value = EpollOp> {
        let s = 0..SLOTS;
        prop_oneof![
            5 => (s.clone(), 0u8..16).prop_map(|(s, b)| EpollOp::Register(s, b)),
            3 => (s.clone(), 0u8..16).prop_map(|(s, b)| EpollOp::Modify(s, b)),
            3 => s.prop_map(EpollOp::Unregister),
            8 => world_op().prop_map(EpollOp::World),
            1 => Just(EpollOp::Close),
        ]
    }

    pub fn run(ops: Vec<EpollOp>) -> Result<(), TestCaseError> {
        let mut w = World::new(850, PIPES);
        let mut ep = Epoll::new().unwrap();
        let mut closed = false;
        // The model: the kernel's registrations, which belong to the open files.
        let mut model: BTreeMap<RawFd, EpollFlags> = BTreeMap::new();
        for (step, op) in ops.iter().enumerate() {
            let (got, want): (Outcome<()>, Outcome<()>) = match op {
                EpollOp::Register(s, b) => {
                    let (fd, m) = (w.fd(*s), mask(*b));
                    let want = if closed {
                        invalid()
                    } else if !w.is_open(*s) {
                        os(libc::EBADF)
                    } else {
                        match model.entry(fd) {
                            std::collections::btree_map::Entry::Occupied(_) => os(libc::EEXIST),
                            std::collections::btree_map::Entry::Vacant(e) => {
                                e.insert(m);
                                Ok(())
                            }
                        }
                    };
                    (outcome(ep.register(&fd, m)), want)
                }
                EpollOp::Modify(s, b) => {
                    let (fd, m) = (w.fd(*s), mask(*b));
                    let want = if closed {
                        invalid()
                    } else if !w.is_open(*s) {
                        os(libc::EBADF)
                    } else if let Some(e) = model.get_mut(&fd) {
                        *e = m;
                        Ok(())
                    } else {
                        os(libc::ENOENT)
                    };
                    (outcome(ep.modify(&fd, m)), want)
                }
                EpollOp::Unregister(s) => {
                    let fd = w.fd(*s);
                    let want = if closed {
                        invalid()
                    } else if !w.is_open(*s) {
                        os(libc::EBADF)
                    } else if model.remove(&fd).is_some() {
                        Ok(())
                    } else {
                        os(libc::ENOENT)
                    };
                    (outcome(ep.unregister(&fd)), want)
                }
                EpollOp::Close => {
                    ep.close();
                    closed = true;
                    model.clear();
                    prop_assert!(ep.closed());
                    (Ok(()), Ok(()))
                }
                EpollOp::World(op) => {
                    if let Some(s) = apply(&mut w, op) {
                        model.remove(&w.fd(s));
                    }
                    (Ok(()), Ok(()))
                }
            };
            prop_assert_eq!(got, want, "step {}: {:?}", step, op);
            // poll(0): every registered file's events, EPOLLERR/EPOLLHUP unasked.
            let want: Outcome<Vec<(RawFd, EpollFlags)>> = if closed {
                invalid()
            } else {
                let mut v = Vec::new();
                for (&fd, &m) in &model {
                    let f = w.facts(w.slot_of(fd).unwrap()).unwrap();
                    let mut r = EpollFlags::empty();
                    if f.input && m.contains(EpollFlags::EPOLLIN) {
                        r |= EpollFlags::EPOLLIN;
                    }
                    if f.output && m.contains(EpollFlags::EPOLLOUT) {
                        r |= EpollFlags::EPOLLOUT;
                    }
                    if f.err {
                        r |= EpollFlags::EPOLLERR;
                    }
                    if f.hup {
                        r |= EpollFlags::EPOLLHUP;
                    }
                    if !r.is_empty() {
                        v.push((fd, r));
                    }
                }
                Ok(v)
            };
            let got = outcome(ep.poll(ZERO, -1)).map(|mut v| {
                v.sort_unstable_by_key(|e| e.0);
                v
            });
            prop_assert_eq!(got, want, "poll(0) after step {}: {:?}", step, op);
            w.check_numbers();
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// kqueue (libkqueue on Linux)

#[cfg(has_kqueue)]
mod kqueue_model {
    use super::*;
    use select_facade::{KEvent, Kqueue};
    use select_kqueue::{KQ_EV_ADD, KQ_EV_DELETE, KQ_EV_EOF, KQ_FILTER_READ, KQ_FILTER_WRITE};

    #[derive(Debug, Clone)]
    pub enum KqOp {
        Add(usize, bool),
        Delete(usize, bool),
        World(WorldOp),
    }

    pub fn op() -> impl Strategy<Value = KqOp> {
        let s = 0..SLOTS;
        prop_oneof![
            5 => (s.clone(), any::<bool>()).prop_map(|(s, r)| KqOp::Add(s, r)),
            3 => (s, any::<bool>()).prop_map(|(s, r)| KqOp::Delete(s, r)),
            8 => world_op().prop_map(KqOp::World),
        ]
    }

    /// Whether this is libkqueue (which differs from the BSD kernels).
    const LIBKQUEUE: bool = cfg!(target_os = "linux");

    fn filter(read: bool) -> select_kqueue::Filter {
        if read {
            KQ_FILTER_READ
        } else {
            KQ_FILTER_WRITE
        }
    }

    pub fn run(ops: Vec<KqOp>) -> Result<(), TestCaseError> {
        let mut w = World::new(950, PIPES);
        let kq = Kqueue::new().unwrap();
        // The model: live knotes (fd, is_read) and, under libkqueue, the knotes of
        // closed fds it still holds.
        let mut knotes: BTreeMap<(RawFd, bool), ()> = BTreeMap::new();
        let mut ghosts: BTreeMap<(RawFd, bool), ()> = BTreeMap::new();
        for (step, op) in ops.iter().enumerate() {
            let (got, want): (Outcome<usize>, Outcome<usize>) = match op {
                KqOp::Add(s, r) => {
                    let fd = w.fd(*s);
                    let ev = KEvent::new(fd as usize)
                        .with_filter(filter(*r))
                        .with_flags(KQ_EV_ADD);
                    let got = outcome(kq.control(&[ev], 0, ZERO).map(|v| v.len()));
                    let exists = knotes.contains_key(&(fd, *r)) || ghosts.contains_key(&(fd, *r));
                    if w.is_open(*s) && exists && LIBKQUEUE {
                        // libkqueue (2.x) refuses EV_ADD of an existing knote, which a
                        // BSD kernel modifies, and its errno is whatever the thread's
                        // last failed call left (EBADF, ENOENT...): only the refusal is
                        // defined. The knote stays.
                        prop_assert!(got.is_err(), "step {}: {:?}: {:?}", step, op, got);
                        (got, got)
                    } else {
                        let want = if !w.is_open(*s) {
                            os(libc::EBADF)
                        } else if ghosts.keys().any(|g| g.0 == fd) {
                            os(libc::ENOENT)
                        } else {
                            knotes.insert((fd, *r), ());
                            Ok(0)
                        };
                        (got, want)
                    }
                }
                KqOp::Delete(s, r) => {
                    let fd = w.fd(*s);
                    let ev = KEvent::new(fd as usize)
                        .with_filter(filter(*r))
                        .with_flags(KQ_EV_DELETE);
                    let want = if ghosts.remove(&(fd, *r)).is_some() {
                        Ok(0)
                    } else if !w.is_open(*s) && !LIBKQUEUE {
                        // libkqueue looks its knotes up first: ENOENT below.
                        os(libc::EBADF)
                    } else if knotes.remove(&(fd, *r)).is_some() {
                        Ok(0)
                    } else {
                        os(libc::ENOENT)
                    };
                    (outcome(kq.control(&[ev], 0, ZERO).map(|v| v.len())), want)
                }
                KqOp::World(op) => {
                    if let Some(s) = apply(&mut w, op) {
                        let fd = w.fd(s);
                        for r in [true, false] {
                            if knotes.remove(&(fd, r)).is_some() && LIBKQUEUE {
                                ghosts.insert((fd, r), ());
                            }
                        }
                    }
                    (Ok(0), Ok(0))
                }
            };
            prop_assert_eq!(got, want, "step {}: {:?}", step, op);
            // A zero-timeout wait: (ident, is_read, EV_EOF, bytes for a reader's READ).
            let mut want = Vec::new();
            for &(fd, r) in knotes.keys() {
                let slot = w.slot_of(fd).unwrap();
                let f = w.facts(slot).unwrap();
                let reader = World::role(slot) == common::Role::Reader;
                let fires = if r {
                    f.input || f.hup || f.err
                } else {
                    f.output || f.hup
                };
                if fires {
                    let eof = f.hup || f.err;
                    let data = if r && reader {
                        w.pipes[w.slots[slot].0].bytes as i64
                    } else {
                        -1
                    };
                    want.push((fd, r, eof, data));
                }
            }
            let got = kq.control(&[], 32, ZERO).unwrap();
            let mut got: Vec<_> = got
                .iter()
                .map(|e| {
                    let fd = e.ident() as RawFd;
                    let r = e.filter() == KQ_FILTER_READ;
                    let reader = World::role(w.slot_of(fd).unwrap()) == common::Role::Reader;
                    // `Data` is the platform's type (isize or i64).
                    #[allow(clippy::unnecessary_cast)]
                    let data = if r && reader { e.data() as i64 } else { -1 };
                    (fd, r, e.flags() & KQ_EV_EOF != 0, data)
                })
                .collect();
            got.sort_unstable();
            prop_assert_eq!(got, want, "kevent wait after step {}: {:?}", step, op);
            w.check_numbers();
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// `Poll` upserts, reports `POLLNVAL` for closed fds and keeps registration order.
    #[test]
    #[cfg_attr(miri, ignore = "Miri's pipes differ from Linux's in readiness (a read end reports writable), which the model follows")]
    fn poll_follows_its_model(ops in proptest::collection::vec(poll_op(), 1..48)) {
        poll_run(ops)?;
    }

    /// `select()` and `Select` report the model's subsets in the caller's order.
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
    fn select_follows_its_model(ops in proptest::collection::vec(select_op(), 1..48)) {
        select_run(ops)?;
    }
}

#[cfg(has_epoll)]
proptest! {
    #![proptest_config(config(256))]

    /// `Epoll` refuses duplicates with EEXIST and loses registrations with the file.
    #[test]
    #[cfg_attr(miri, ignore = "Miri's pipes differ from Linux's in readiness (a read end reports writable), which the model follows")]
    fn epoll_follows_its_model(ops in proptest::collection::vec(epoll_model::op(), 1..48)) {
        epoll_model::run(ops)?;
    }
}

#[cfg(has_kqueue)]
proptest! {
    #![proptest_config(config(256))]

    /// `Kqueue` knotes follow the model (libkqueue's behaviour on Linux).
    #[test]
    fn kqueue_follows_its_model(ops in proptest::collection::vec(kqueue_model::op(), 1..48)) {
        kqueue_model::run(ops)?;
    }
}
