//! One model of the `Selector` contract, run in lockstep against every backend this
//! build and machine have (`SelectSelector`, `PollSelector`, `EpollSelector`,
//! `KqueueSelector` with the `libkqueue` feature, and `DefaultSelector`): random
//! sequences of register / modify / unregister / write / drain / close an fd / reuse
//! its number / close the selector, each followed by a zero-timeout wait. After every
//! step each backend's result (value or exact kind and errno), its keys and its
//! reported events must equal the model's.
//!
//! The model is one registry for all; the only branches are the differences the
//! backends document for a registered fd that was **closed** (or whose number was
//! reused) without being unregistered, for what `select(2)` can tell, and for kqueue's
//! refusal of `PRIORITY`:
//!
//! * select(2): a closed registered fd fails the wait with EBADF; a reused number is
//!   watched under the registration; no hang-up/error flags, a hang-up shows only in
//!   the read set (SelectSelector docs);
//! * poll(2): a closed registered fd is reported with `POLLNVAL` as an error; a reused
//!   number is watched (PollSelector docs);
//! * epoll and kqueue: the registration belongs to the file and vanishes with it; a
//!   `modify` that must touch the kernel then gets the kernel's answer (epoll: EBADF,
//!   or ENOENT for a reused number; kqueue re-adds filters on the new file);
//! * kqueue refuses `PRIORITY` with `InvalidInput` (KqueueSelector docs).

mod common;

use std::collections::BTreeMap;
use std::os::fd::RawFd;
use std::time::Duration;

use common::{already, config, invalid, not_found, os, outcome, Facts, Outcome, World};
use proptest::prelude::*;
use select_facade::{Backend, DefaultSelector, Events, Interest, Selector};
use select_facade::{PollSelector, SelectSelector};

/// Fd numbers of this binary's worlds (clear of what the test harness uses).
const BASE: RawFd = 700;
/// Pipes in a world: slots `0..2 * PIPES`.
const PIPES: usize = 3;
const SLOTS: usize = 2 * PIPES;

/// A selector of any backend, for lockstep runs.
enum Any {
    Select(SelectSelector<u32>),
    Poll(PollSelector<u32>),
    #[cfg(has_epoll)]
    Epoll(select_facade::EpollSelector<u32>),
    #[cfg(has_kqueue)]
    Kqueue(select_facade::KqueueSelector<u32>),
    Default(DefaultSelector<u32>),
}

macro_rules! on {
    ($any:expr, $s:ident => $body:expr) => {
        match $any {
            Any::Select($s) => $body,
            Any::Poll($s) => $body,
            #[cfg(has_epoll)]
            Any::Epoll($s) => $body,
            #[cfg(has_kqueue)]
            Any::Kqueue($s) => $body,
            Any::Default($s) => $body,
        }
    };
}

impl Any {
    fn name(&self) -> String {
        match self {
            Any::Default(s) => format!("DefaultSelector({})", s.backend()),
            Any::Select(_) => "SelectSelector".into(),
            Any::Poll(_) => "PollSelector".into(),
            #[cfg(has_epoll)]
            Any::Epoll(_) => "EpollSelector".into(),
            #[cfg(has_kqueue)]
            Any::Kqueue(_) => "KqueueSelector".into(),
        }
    }
}

/// Every selector to run: one per available backend, plus `DefaultSelector`.
fn all_selectors() -> Vec<Any> {
    let mut v = vec![
        Any::Select(SelectSelector::new().unwrap()),
        Any::Poll(PollSelector::new().unwrap()),
    ];
    #[cfg(has_epoll)]
    v.push(Any::Epoll(select_facade::EpollSelector::new().unwrap()));
    #[cfg(has_kqueue)]
    v.push(Any::Kqueue(select_facade::KqueueSelector::new().unwrap()));
    v.push(Any::Default(DefaultSelector::new().unwrap()));
    v
}

#[derive(Debug, Clone)]
enum Op {
    Register(usize, u8, u32),
    Modify(usize, u8, u32),
    Unregister(usize),
    Write(usize),
    Drain(usize),
    CloseFd(usize),
    Reopen(usize),
    CloseSelector,
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..SLOTS;
    prop_oneof![
        6 => (s.clone(), 0u8..8, any::<u32>()).prop_map(|(s, b, d)| Op::Register(s, b, d)),
        4 => (s.clone(), 0u8..8, any::<u32>()).prop_map(|(s, b, d)| Op::Modify(s, b, d)),
        3 => s.clone().prop_map(Op::Unregister),
        4 => s.clone().prop_map(Op::Write),
        2 => s.clone().prop_map(Op::Drain),
        2 => s.clone().prop_map(Op::CloseFd),
        2 => s.prop_map(Op::Reopen),
        1 => Just(Op::CloseSelector),
    ]
}

/// The model of one backend: the registry every backend shares the rules of, plus
/// what the kernel watches where that belongs to the file rather than the number.
struct Model {
    backend: Backend,
    closed: bool,
    reg: BTreeMap<RawFd, (Interest, u32)>,
    /// epoll/kqueue: the interests (kqueue: filters) the kernel watches per fd.
    kernel: BTreeMap<RawFd, Interest>,
    /// libkqueue only: filters of a closed fd that libkqueue still holds (it cannot see
    /// the close; a BSD kernel drops them). Adding a filter on a new file under that
    /// number then fails with ENOENT (libkqueue modifies its stale epoll entry) until
    /// the filters are deleted.
    ghosts: BTreeMap<RawFd, Interest>,
}

const RW: Interest = Interest::READ.union(Interest::WRITE);

impl Model {
    fn new(backend: Backend) -> Model {
        Model {
            backend,
            closed: false,
            reg: BTreeMap::new(),
            kernel: BTreeMap::new(),
            ghosts: BTreeMap::new(),
        }
    }

    fn by_file(&self) -> bool {
        matches!(self.backend, Backend::Epoll | Backend::Kqueue)
    }

    fn register(
        &mut self,
        w: &World,
        slot: usize,
        i: Interest,
        data: u32,
    ) -> Outcome<(Interest, u32)> {
        let fd = w.fd(slot);
        if self.closed || i.is_empty() {
            return invalid();
        }
        if self.reg.contains_key(&fd) {
            return already();
        }
        if self.backend == Backend::Kqueue && i.is_priority() {
            return invalid();
        }
        if !w.is_open(slot) {
            return os(libc::EBADF);
        }
        self.reg.insert(fd, (i, data));
        if self.by_file() {
            self.kernel.insert(fd, i);
        }
        Ok((i, data))
    }

    fn modify(
        &mut self,
        w: &World,
        slot: usize,
        i: Interest,
        data: u32,
    ) -> Outcome<(Interest, u32)> {
        let fd = w.fd(slot);
        if self.closed || i.is_empty() {
            return invalid();
        }
        let Some(&(old, _)) = self.reg.get(&fd) else {
            return not_found();
        };
        if old != i {
            match self.backend {
                // /dev/poll (illumos/Solaris, never run here) checks as poll does.
                Backend::Select | Backend::Poll | Backend::Devpoll => {
                    if !w.is_open(slot) {
                        return os(libc::EBADF);
                    }
                }
                Backend::Epoll => {
                    if !w.is_open(slot) {
                        return os(libc::EBADF);
                    }
                    if !self.kernel.contains_key(&fd) {
                        return os(libc::ENOENT);
                    }
                    self.kernel.insert(fd, i);
                }
                Backend::Kqueue => {
                    if i.is_priority() {
                        return invalid();
                    }
                    let adds = i.remove(old);
                    if !adds.is_empty() && !w.is_open(slot) {
                        return os(libc::EBADF);
                    }
                    if !adds.is_empty() && self.ghosts.contains_key(&fd) {
                        return os(libc::ENOENT);
                    }
                    if let Some(g) = self.ghosts.get(&fd).map(|g| g.remove(old.remove(i))) {
                        if g.is_empty() {
                            self.ghosts.remove(&fd);
                        } else {
                            self.ghosts.insert(fd, g);
                        }
                    }
                    let k = self.kernel.get(&fd).copied().unwrap_or_default();
                    let k = k.union(adds).remove(old.remove(i));
                    if k.is_empty() {
                        self.kernel.remove(&fd);
                    } else {
                        self.kernel.insert(fd, k);
                    }
                }
            }
        }
        self.reg.insert(fd, (i, data));
        Ok((i, data))
    }

    fn unregister(&mut self, w: &World, slot: usize) -> Outcome<(Interest, u32)> {
        let fd = w.fd(slot);
        if self.closed {
            return invalid();
        }
        self.kernel.remove(&fd);
        self.ghosts.remove(&fd);
        self.reg.remove(&fd).ok_or(()).or_else(|()| not_found())
    }

    /// The world closed the fd of `slot`: registrations of its file are gone.
    fn fd_closed(&mut self, w: &World, slot: usize) {
        let fd = w.fd(slot);
        if let Some(k) = self.kernel.remove(&fd) {
            if self.backend == Backend::Kqueue && cfg!(target_os = "linux") {
                self.ghosts.insert(fd, k);
            }
        }
    }

    fn close(&mut self) {
        self.closed = true;
        self.reg.clear();
        self.kernel.clear();
        self.ghosts.clear();
    }

    /// The events of a zero-timeout wait, sorted by fd: (fd, ready, hangup, error).
    fn wait(&self, w: &World) -> Outcome<Vec<(RawFd, Interest, bool, bool)>> {
        if self.closed {
            return invalid();
        }
        let mut out = Vec::new();
        for (&fd, &(i, _)) in &self.reg {
            let slot = w.slot_of(fd).expect("registered fds are slots");
            let facts = w.facts(slot);
            let ev = match self.backend {
                Backend::Select => {
                    let Some(f) = facts else {
                        return os(libc::EBADF);
                    };
                    let mut ready = Interest::EMPTY;
                    if i.is_readable() && (f.input || f.hup || f.err) {
                        ready |= Interest::READ;
                    }
                    if i.is_writable() && (f.output || f.err) {
                        ready |= Interest::WRITE;
                    }
                    (!ready.is_empty()).then_some((fd, ready, false, false))
                }
                // /dev/poll (illumos/Solaris, never run here): modelled as poll.
                Backend::Poll | Backend::Devpoll => match facts {
                    None => Some((fd, level_ready(RW, i, true), false, true)),
                    Some(f) => level_event(fd, f, i),
                },
                Backend::Epoll => match (self.kernel.get(&fd), facts) {
                    (Some(&k), Some(f)) => level_event(fd, f, k),
                    _ => None,
                },
                Backend::Kqueue => match (self.kernel.get(&fd), facts) {
                    (Some(&k), Some(f)) => {
                        // The read filter fires on data or EOF (EV_EOF; with the
                        // error in fflags for a writer whose reader is gone, under
                        // libkqueue); the write filter on room, and under libkqueue
                        // (epoll underneath) also on a reader whose writer is gone.
                        let (mut ready, mut hangup, mut error) = (Interest::EMPTY, false, false);
                        if k.is_readable() && (f.input || f.hup || f.err) {
                            ready |= Interest::READ;
                            hangup |= f.hup || f.err;
                            error |= f.err;
                        }
                        if k.is_writable() && (f.output || f.hup) {
                            ready |= Interest::WRITE;
                            error |= f.err;
                        }
                        let ready = ready & i;
                        (!ready.is_empty()).then_some((fd, ready, hangup, error))
                    }
                    _ => None,
                },
            };
            out.extend(ev);
        }
        Ok(out)
    }
}

/// `raw` (what the kernel reported as readiness) masked by `i`, or all of `i` when that
/// is empty but a condition must be reported.
fn level_ready(raw: Interest, i: Interest, condition: bool) -> Interest {
    let r = raw & i;
    if r.is_empty() && condition {
        i
    } else {
        r
    }
}

/// poll(2)/epoll translation of a pipe end's state for a registration watching `k`.
fn level_event(fd: RawFd, f: Facts, k: Interest) -> Option<(RawFd, Interest, bool, bool)> {
    let input = f.input && k.is_readable();
    let output = f.output && k.is_writable();
    if !(input || output || f.hup || f.err) {
        return None;
    }
    let mut raw = Interest::EMPTY;
    if input {
        raw |= Interest::READ;
    }
    if output {
        raw |= Interest::WRITE;
    }
    if f.hup || f.err {
        raw |= RW;
    }
    Some((fd, level_ready(raw, k, f.hup || f.err), f.hup, f.err))
}

fn key_outcome(r: std::io::Result<&select_facade::SelectorKey<u32>>) -> Outcome<(Interest, u32)> {
    outcome(r.map(|k| (k.interest, k.data)))
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut world = World::new(BASE, PIPES);
    let mut sels = all_selectors();
    let mut models: Vec<Model> = sels
        .iter()
        .map(|s| Model::new(on!(s, s => s.backend())))
        .collect();
    let mut events = Events::with_capacity(64);
    for (step, op) in ops.iter().enumerate() {
        match *op {
            Op::Write(s) => {
                world.write(s);
            }
            Op::Drain(s) => {
                world.drain(s);
            }
            Op::CloseFd(s) if world.close(s) => {
                models.iter_mut().for_each(|m| m.fd_closed(&world, s));
            }
            Op::Reopen(s) => {
                world.reopen(s);
            }
            _ => {}
        }
        for (sel, model) in sels.iter_mut().zip(&mut models) {
            let name = sel.name();
            let fd_of = |s: usize| world.fd(s);
            match *op {
                Op::Register(s, bits, data) => {
                    let i = Interest::from_bits(bits).unwrap();
                    let got = key_outcome(on!(sel, x => x.register(&fd_of(s), i, data)));
                    let want = model.register(&world, s, i, data);
                    prop_assert_eq!(got, want, "{} step {}: {:?}", name, step, op);
                }
                Op::Modify(s, bits, data) => {
                    let i = Interest::from_bits(bits).unwrap();
                    let got = key_outcome(on!(sel, x => x.modify(&fd_of(s), i, data)));
                    let want = model.modify(&world, s, i, data);
                    prop_assert_eq!(got, want, "{} step {}: {:?}", name, step, op);
                }
                Op::Unregister(s) => {
                    let got = outcome(
                        on!(sel, x => x.unregister(&fd_of(s))).map(|k| (k.interest, k.data)),
                    );
                    let want = model.unregister(&world, s);
                    prop_assert_eq!(got, want, "{} step {}: {:?}", name, step, op);
                }
                Op::CloseSelector => {
                    on!(sel, x => x.close());
                    model.close();
                    prop_assert!(on!(sel, x => x.is_closed()));
                }
                _ => {}
            }
            // Keys, lengths and get_key agree with the model's registry.
            let mut keys: Vec<(RawFd, Interest, u32)> =
                on!(sel, x => x.keys().map(|k| (k.fd, k.interest, k.data)).collect());
            keys.sort_unstable_by_key(|k| k.0);
            let want: Vec<(RawFd, Interest, u32)> =
                model.reg.iter().map(|(&fd, &(i, d))| (fd, i, d)).collect();
            prop_assert_eq!(&keys, &want, "{} keys after step {}: {:?}", name, step, op);
            prop_assert_eq!(on!(sel, x => x.len()), want.len());
            for s in 0..SLOTS {
                let fd = world.fd(s);
                let got = key_outcome(on!(sel, x => x.get_key(&fd)));
                let want = if model.closed {
                    invalid()
                } else {
                    model
                        .reg
                        .get(&fd)
                        .copied()
                        .ok_or(())
                        .or_else(|()| not_found())
                };
                prop_assert_eq!(got, want, "{} get_key({}) after step {}", name, fd, step);
            }
            // A zero-timeout wait reports exactly the model's events.
            let got =
                outcome(on!(sel, x => x.select(&mut events, Some(Duration::ZERO)))).map(|n| {
                    assert_eq!(n, events.len());
                    let mut v: Vec<_> = events
                        .iter()
                        .map(|e| (e.fd(), e.ready(), e.is_hangup(), e.is_error()))
                        .collect();
                    v.sort_unstable_by_key(|e| e.0);
                    v
                });
            let want = model.wait(&world);
            prop_assert_eq!(got, want, "{} wait after step {}: {:?}", name, step, op);
        }
        world.check_numbers();
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    /// Every backend follows the model step by step.
    #[test]
    fn every_backend_follows_the_selector_model(ops in proptest::collection::vec(op(), 1..48)) {
        run(ops)?;
    }
}

/// The lockstep really covers every backend this build has.
#[test]
fn lockstep_covers_every_available_backend() {
    use select_facade::Availability;
    let names: Vec<Backend> = all_selectors()
        .iter()
        .filter(|s| !matches!(s, Any::Default(_)))
        .map(|s| on!(s, x => x.backend()))
        .collect();
    let mut available = Backend::available();
    available.sort();
    let mut names_sorted = names.clone();
    names_sorted.sort();
    assert_eq!(names_sorted, available);
}
