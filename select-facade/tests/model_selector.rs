//! One model of the `Selector` contract, run in lockstep against every backend this
//! build and machine have (`SelectSelector`, `PollSelector`, `EpollSelector`,
//! `KqueueSelector` with the `libkqueue` feature, and `DefaultSelector`): random
//! sequences of register / modify / unregister, of changes to the world of fds (write,
//! drain, close an fd, reuse its number for another file, keep a `dup` of a file, TCP
//! urgent data), of wakes through the facade's `Waker`, of waits with fewer `Events`
//! slots than ready fds or with a non-zero timeout, and of closing the selector; every
//! step ends with a zero-timeout wait. After every step each backend's result (value or
//! exact kind and errno), its keys and its reported events must equal the model's.
//!
//! The model states the specification (select-core's `Selector` docs, DESIGN.md and
//! each backend's documented behaviour), not any implementation: it keeps the
//! registry, and what the kernel holds only where the contract lets a backend's kernel
//! state show (a registered fd that was closed, or whose number was reused, without
//! `unregister`). A wait reports only registered fds, each with only the interests its
//! current key holds, never an fd after `unregister` whatever the kernel still holds.
//! The backends differ only through select-core's capability table
//! (`testing::contract::Capabilities`), which the model reads instead of branching on
//! the backend:
//!
//! * `flags_hangup`: select(2) has no hang-up/error flags; a hang-up shows in the read
//!   set, an error in both;
//! * `priority`: kqueue refuses `PRIORITY` with `InvalidInput`; the others report TCP
//!   urgent data as PRIORITY;
//! * `owner`: select and poll watch the number (a reused number is watched under the
//!   registration); epoll's registration belongs to the open file (it survives a close
//!   while a `dup` lives: the dup trap); kqueue's to the fd (dropped on close);
//! * `closed_fd`: a closed registered fd fails select's wait with EBADF, is reported by
//!   poll as an error (`POLLNVAL`), and is silent on epoll and kqueue;
//! * `per_interest_filters`: kqueue changes one filter per interest in `modify`.
#![cfg(unix)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpStream;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use common::{
    already, config, invalid, not_found, os, outcome, Facts, FileId, Outcome, Role, World,
};
use proptest::prelude::*;
use select_core::testing::contract::{Capabilities, ClosedFd, Owner};
use select_core::testing::{dup_at, send_oob, tcp_pair};
use select_facade::{Backend, DefaultSelector, Events, Interest, Selector, Waker};
use select_facade::{Poll, PollFlags, PollSelector, SelectSelector};

/// Fd numbers of this binary's worlds (clear of what the test harness uses).
const BASE: RawFd = 700;
/// Pipes in a world: slots `0..2 * PIPES`.
const PIPES: usize = 3;
const SLOTS: usize = 2 * PIPES;
/// The slot of the world's TCP socket (the server side of a loopback pair, at fd
/// `BASE + TCP`): never closed, always writable, PRIORITY-ready once urgent data came.
const TCP: usize = SLOTS;
/// The TCP socket's file identity (no pipe has this index).
const TCP_FILE: FileId = (usize::MAX, Role::Reader);

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

/// The world of pipes (slots `0..SLOTS`) plus one TCP socket (slot `TCP`).
struct Env {
    world: World,
    client: TcpStream,
    server: OwnedFd,
    urgent: bool,
}

impl Env {
    fn new() -> Env {
        let world = World::new(BASE, PIPES);
        let (client, server) = tcp_pair();
        let placed = dup_at(server.as_raw_fd(), BASE + TCP as RawFd).expect("place the TCP socket");
        Env {
            world,
            client,
            server: placed,
            urgent: false,
        }
    }

    fn fd(&self, slot: usize) -> RawFd {
        BASE + slot as RawFd
    }

    fn slot_of(&self, fd: RawFd) -> usize {
        let s = usize::try_from(fd - BASE).expect("a slot's fd");
        assert!(s <= TCP, "fd {fd} is no slot");
        s
    }

    /// The file the fd of `slot` names now.
    fn file(&self, slot: usize) -> Option<FileId> {
        if slot == TCP {
            Some(TCP_FILE)
        } else {
            self.world.file(slot)
        }
    }

    /// What the kernel knows about an open file, `None` once its last fd is closed.
    fn file_facts(&self, file: FileId) -> Option<Facts> {
        if file == TCP_FILE {
            Some(Facts {
                output: true,
                urgent: self.urgent,
                ..Facts::default()
            })
        } else {
            self.world.file_facts(file)
        }
    }

    fn facts(&self, slot: usize) -> Option<Facts> {
        self.file_facts(self.file(slot)?)
    }

    /// Sends one byte of urgent data (once per world) and waits, with a real poll(2),
    /// until the socket shows it.
    fn send_urgent(&mut self) -> bool {
        if self.urgent {
            return false;
        }
        send_oob(&self.client, b'!').expect("send urgent data");
        let mut p = Poll::new();
        p.register(&self.server, PollFlags::POLLPRI).unwrap();
        let got = p.poll(Some(Duration::from_secs(5))).unwrap();
        assert_eq!(got.len(), 1, "urgent data did not arrive: {got:?}");
        self.urgent = true;
        true
    }

    fn check_numbers(&self) {
        self.world.check_numbers();
        self.world.check_facts_with_poll();
        assert!(select_core::testing::is_open(self.server.as_raw_fd()));
    }
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
    /// Keep a `dup` of a slot's file (outside the slots).
    Dup(usize),
    /// Close every dup.
    DropDups,
    /// TCP urgent data on the socket of slot `TCP`.
    SendUrgent,
    /// `Waker::wake` on `DefaultSelector` (the others have no waker).
    Wake,
    /// Waits with an `Events` of this capacity until every ready fd was reported.
    SmallWaits(usize),
    /// A wait with a timeout of this many ms.
    TimedWait(u64),
    CloseSelector,
}

/// Whether the world may keep dups: libkqueue (kqueue emulated over epoll on Linux)
/// does not see closes, and its behaviour under dups is not documented.
const DUPS: bool = !cfg!(all(has_kqueue, target_os = "linux"));

fn op() -> impl Strategy<Value = Op> {
    let s = 0..SLOTS;
    let any_slot = 0..=TCP;
    prop_oneof![
        6 => (any_slot.clone(), 0u8..8, any::<u32>()).prop_map(|(s, b, d)| Op::Register(s, b, d)),
        4 => (any_slot.clone(), 0u8..8, any::<u32>()).prop_map(|(s, b, d)| Op::Modify(s, b, d)),
        3 => any_slot.prop_map(Op::Unregister),
        4 => s.clone().prop_map(Op::Write),
        2 => s.clone().prop_map(Op::Drain),
        2 => s.clone().prop_map(Op::CloseFd),
        2 => s.clone().prop_map(Op::Reopen),
        2 => s.prop_map(Op::Dup),
        1 => Just(Op::DropDups),
        1 => Just(Op::SendUrgent),
        1 => Just(Op::Wake),
        2 => (1usize..=8).prop_map(Op::SmallWaits),
        1 => (1u64..4).prop_map(Op::TimedWait),
        1 => Just(Op::CloseSelector),
    ]
}

/// `a` without the interests of `b`.
fn minus(a: Interest, b: Interest) -> Interest {
    Interest::from_bits_truncate(a.bits() & !b.bits())
}

/// One event as compared: (fd, ready, hang-up, error).
type Ev = (RawFd, Interest, bool, bool);

/// The model of one backend: the registry every backend shares the rules of, plus
/// what the kernel holds where that belongs to the file or the fd rather than the
/// number.
struct Model {
    caps: Capabilities,
    /// `DefaultSelector`, the one with a `Waker`.
    wakes: bool,
    closed: bool,
    reg: BTreeMap<RawFd, (Interest, u32)>,
    /// epoll/kqueue: per registered fd, the file the kernel watches and the interests
    /// (kqueue: filters) it watches for.
    kernel: BTreeMap<RawFd, (FileId, Interest)>,
    /// libkqueue only: filters of a closed fd that libkqueue still holds (it cannot see
    /// the close; a BSD kernel drops them). Adding a filter on a new file under that
    /// number then fails with ENOENT (libkqueue modifies its stale epoll entry) until
    /// the filters are deleted.
    ghosts: BTreeMap<RawFd, Interest>,
    /// A wake not yet seen by a wait.
    woken: bool,
}

const RW: Interest = Interest::READ.union(Interest::WRITE);

impl Model {
    fn new(backend: Backend, wakes: bool) -> Model {
        Model {
            caps: Capabilities::of(backend),
            wakes,
            closed: false,
            reg: BTreeMap::new(),
            kernel: BTreeMap::new(),
            ghosts: BTreeMap::new(),
            woken: false,
        }
    }

    fn register(
        &mut self,
        e: &Env,
        slot: usize,
        i: Interest,
        data: u32,
    ) -> Outcome<(Interest, u32)> {
        let fd = e.fd(slot);
        if self.closed || i.is_empty() {
            return invalid();
        }
        if self.reg.contains_key(&fd) {
            return already();
        }
        if !self.caps.priority && i.is_priority() {
            return invalid();
        }
        let Some(file) = e.file(slot) else {
            return os(libc::EBADF);
        };
        self.reg.insert(fd, (i, data));
        if self.caps.owner != Owner::Number {
            self.kernel.insert(fd, (file, i));
        }
        Ok((i, data))
    }

    fn modify(&mut self, e: &Env, slot: usize, i: Interest, data: u32) -> Outcome<(Interest, u32)> {
        let fd = e.fd(slot);
        if self.closed {
            return invalid();
        }
        // The fd is looked up before the interest is checked, as in CPython.
        let Some(&(old, _)) = self.reg.get(&fd) else {
            return not_found();
        };
        if i.is_empty() {
            return invalid();
        }
        if old != i {
            if !self.caps.priority && i.is_priority() {
                return invalid();
            }
            let current = e.file(slot);
            if self.caps.per_interest_filters {
                // Filters are added (on the fd's current file) and deleted one by one.
                let adds = minus(i, old);
                let drops = minus(old, i);
                if !adds.is_empty() && current.is_none() {
                    return os(libc::EBADF);
                }
                if !adds.is_empty() && self.ghosts.contains_key(&fd) {
                    return os(libc::ENOENT);
                }
                if let Some(g) = self.ghosts.get(&fd).map(|&g| minus(g, drops)) {
                    if g.is_empty() {
                        self.ghosts.remove(&fd);
                    } else {
                        self.ghosts.insert(fd, g);
                    }
                }
                let (file, k) = self
                    .kernel
                    .get(&fd)
                    .copied()
                    .unwrap_or((current.unwrap_or(TCP_FILE), Interest::EMPTY));
                let k = minus(k.union(adds), drops);
                if k.is_empty() {
                    self.kernel.remove(&fd);
                } else {
                    self.kernel.insert(fd, (current.unwrap_or(file), k));
                }
            } else if self.caps.modify_checks_fd {
                let Some(current) = current else {
                    return os(libc::EBADF);
                };
                if self.caps.owner == Owner::OpenFile {
                    // The kernel's registration is for (number, file): a new file on the
                    // number is not registered.
                    match self.kernel.get(&fd) {
                        Some(&(file, _)) if file == current => {
                            self.kernel.insert(fd, (file, i));
                        }
                        _ => return os(libc::ENOENT),
                    }
                }
            }
        }
        self.reg.insert(fd, (i, data));
        Ok((i, data))
    }

    fn unregister(&mut self, e: &Env, slot: usize) -> Outcome<(Interest, u32)> {
        let fd = e.fd(slot);
        if self.closed {
            return invalid();
        }
        // Whatever the kernel still holds (the dup trap), nothing of it may show again,
        // nor take the room of a live fd in a wait.
        self.kernel.remove(&fd);
        self.ghosts.remove(&fd);
        self.reg.remove(&fd).ok_or(()).or_else(|()| not_found())
    }

    /// The world closed the fd of `slot`.
    fn fd_closed(&mut self, e: &Env, slot: usize) {
        let fd = e.fd(slot);
        // epoll: the registration lives on with its file (while a dup does); the wait
        // reads the file's state. kqueue: filters go with the fd.
        if self.caps.owner == Owner::Descriptor {
            if let Some((_, k)) = self.kernel.remove(&fd) {
                if cfg!(target_os = "linux") {
                    self.ghosts.insert(fd, k);
                }
            }
        }
    }

    fn close(&mut self) {
        self.closed = true;
        self.reg.clear();
        self.kernel.clear();
        self.ghosts.clear();
    }

    fn wake(&mut self) {
        if self.wakes && !self.closed {
            self.woken = true;
        }
    }

    /// The events of a wait, sorted by fd, and whether it reports a wake.
    fn wait(&self, e: &Env) -> Outcome<(Vec<Ev>, bool)> {
        if self.closed {
            return invalid();
        }
        let mut out = Vec::new();
        for (&fd, &(i, _)) in &self.reg {
            let slot = e.slot_of(fd);
            let ev = match self.caps.owner {
                Owner::Number => match e.facts(slot) {
                    None => match self.caps.closed_fd {
                        ClosedFd::FailsWithEbadf => return os(libc::EBADF),
                        ClosedFd::ReportedAsError => {
                            Some((fd, level_ready(RW, i, true), false, true))
                        }
                        // AFD (Windows only) never runs in this Unix model.
                        ClosedFd::Silent | ClosedFd::HangupOnce => None,
                    },
                    Some(f) if self.caps.flags_hangup => level_event(fd, f, i),
                    Some(f) => select_event(fd, f, i),
                },
                Owner::OpenFile => self
                    .kernel
                    .get(&fd)
                    .and_then(|&(file, k)| level_event(fd, e.file_facts(file)?, k)),
                Owner::Descriptor => match (self.kernel.get(&fd), e.facts(slot)) {
                    (Some(&(_, k)), Some(f)) => kqueue_event(fd, f, k),
                    _ => None,
                },
            };
            // Only the interests the current key holds.
            out.extend(ev.and_then(|(fd, ready, h, x)| {
                let ready = ready & i;
                (!ready.is_empty()).then_some((fd, ready, h, x))
            }));
        }
        Ok((out, self.woken))
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

/// poll(2)/epoll translation of a file's state for a registration watching `k`.
fn level_event(fd: RawFd, f: Facts, k: Interest) -> Option<Ev> {
    let input = f.input && k.is_readable();
    let output = f.output && k.is_writable();
    let urgent = f.urgent && k.is_priority();
    if !(input || output || urgent || f.hup || f.err) {
        return None;
    }
    let mut raw = Interest::EMPTY;
    if input {
        raw |= Interest::READ;
    }
    if output {
        raw |= Interest::WRITE;
    }
    if urgent {
        raw |= Interest::PRIORITY;
    }
    if f.hup || f.err {
        raw |= RW;
    }
    Some((fd, level_ready(raw, k, f.hup || f.err), f.hup, f.err))
}

/// select(2): no flags; a hang-up is readability, an error both; urgent data is the
/// exceptional set.
fn select_event(fd: RawFd, f: Facts, i: Interest) -> Option<Ev> {
    let mut ready = Interest::EMPTY;
    if i.is_readable() && (f.input || f.hup || f.err) {
        ready |= Interest::READ;
    }
    if i.is_writable() && (f.output || f.err) {
        ready |= Interest::WRITE;
    }
    if i.is_priority() && f.urgent {
        ready |= Interest::PRIORITY;
    }
    (!ready.is_empty()).then_some((fd, ready, false, false))
}

/// kqueue: the read filter fires on data or EOF (EV_EOF; with the error in fflags for
/// a writer whose reader is gone, under libkqueue); the write filter on room, and under
/// libkqueue (epoll underneath) also on a reader whose writer is gone.
fn kqueue_event(fd: RawFd, f: Facts, k: Interest) -> Option<Ev> {
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
    (!ready.is_empty()).then_some((fd, ready, hangup, error))
}

fn key_outcome(r: std::io::Result<&select_facade::SelectorKey<u32>>) -> Outcome<(Interest, u32)> {
    outcome(r.map(|k| (k.interest, k.data)))
}

/// The events of `events` as compared, sorted by fd.
fn seen(events: &Events) -> Vec<Ev> {
    let mut v: Vec<Ev> = events
        .iter()
        .map(|e| (e.fd(), e.ready(), e.is_hangup(), e.is_error()))
        .collect();
    v.sort_unstable_by_key(|e| e.0);
    v
}

/// One wait of `sel` with `timeout`, as compared with [`Model::wait`].
fn wait_of(sel: &mut Any, events: &mut Events, timeout: Duration) -> Outcome<(Vec<Ev>, bool)> {
    outcome(on!(sel, x => x.select(events, Some(timeout)))).map(|n| {
        assert_eq!(n, events.len());
        (seen(events), events.woken())
    })
}

/// Waits with a capacity of `cap` until every ready fd was reported: each wait reports
/// only events the model expects, and within ceil(ready / cap) waits every expected
/// event came (no fd starves). Each wait fills the buffer (min(cap, ready) events),
/// whatever stale registrations the kernel may still hold (epoll's dup trap): they
/// never take the room of a live fd.
fn small_waits(sel: &mut Any, model: &mut Model, e: &Env, cap: usize) -> Result<(), TestCaseError> {
    let name = sel.name();
    let want = model.wait(e);
    let mut events = Events::with_capacity(cap);
    let Ok((want, woken)) = want else {
        let got = wait_of(sel, &mut events, Duration::ZERO);
        prop_assert_eq!(got, want, "{} small wait", name);
        return Ok(());
    };
    prop_assert!(!woken, "no wake is pending between steps");
    let rounds = want.len().div_ceil(cap).max(1);
    let mut union = BTreeSet::new();
    for round in 0..rounds {
        let (got, woken) = wait_of(sel, &mut events, Duration::ZERO)
            .map_err(|e| TestCaseError::fail(format!("{name} small wait: {e:?}")))?;
        prop_assert!(!woken);
        prop_assert_eq!(
            got.len(),
            want.len().min(cap),
            "{} round {}: {:?} of {:?}",
            name,
            round,
            got,
            want
        );
        prop_assert!(got.len() <= cap);
        for ev in got {
            prop_assert!(
                want.contains(&ev),
                "{} reported {:?}, not in {:?}",
                name,
                ev,
                want
            );
            union.insert((ev.0, ev.1.bits(), ev.2, ev.3));
        }
    }
    let want: BTreeSet<_> = want.iter().map(|e| (e.0, e.1.bits(), e.2, e.3)).collect();
    prop_assert_eq!(union, want, "{} starved an fd with capacity {}", name, cap);
    Ok(())
}

/// One world at a time: the worlds of this binary's tests live on the same fd numbers.
static ONE_WORLD: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let _world = ONE_WORLD.lock().unwrap_or_else(|e| e.into_inner());
    let mut env = Env::new();
    let mut sels = all_selectors();
    let mut models: Vec<Model> = sels
        .iter()
        .map(|s| Model::new(on!(s, s => s.backend()), matches!(s, Any::Default(_))))
        .collect();
    let wakers: Vec<Option<Waker>> = sels
        .iter_mut()
        .map(|s| match s {
            Any::Default(d) => Some(d.waker().unwrap()),
            _ => None,
        })
        .collect();
    let mut events = Events::with_capacity(64);
    for (step, op) in ops.iter().enumerate() {
        match *op {
            Op::Write(s) => {
                env.world.write(s);
            }
            Op::Drain(s) => {
                env.world.drain(s);
            }
            Op::CloseFd(s) if env.world.close(s) => {
                models.iter_mut().for_each(|m| m.fd_closed(&env, s));
            }
            Op::Reopen(s) => {
                env.world.reopen(s);
            }
            Op::Dup(s) if DUPS => {
                env.world.dup(s);
            }
            Op::DropDups => {
                env.world.drop_dups();
            }
            Op::SendUrgent => {
                env.send_urgent();
            }
            _ => {}
        }
        for ((sel, model), waker) in sels.iter_mut().zip(&mut models).zip(&wakers) {
            let name = sel.name();
            let fd_of = |s: usize| env.fd(s);
            let mut timeout = Duration::ZERO;
            match *op {
                Op::Register(s, bits, data) => {
                    let i = Interest::from_bits(bits).unwrap();
                    let got = key_outcome(on!(sel, x => x.register(&fd_of(s), i, data)));
                    let want = model.register(&env, s, i, data);
                    prop_assert_eq!(got, want, "{} step {}: {:?}", name, step, op);
                }
                Op::Modify(s, bits, data) => {
                    let i = Interest::from_bits(bits).unwrap();
                    let got = key_outcome(on!(sel, x => x.modify(&fd_of(s), i, data)));
                    let want = model.modify(&env, s, i, data);
                    prop_assert_eq!(got, want, "{} step {}: {:?}", name, step, op);
                }
                Op::Unregister(s) => {
                    let got = outcome(
                        on!(sel, x => x.unregister(&fd_of(s))).map(|k| (k.interest, k.data)),
                    );
                    let want = model.unregister(&env, s);
                    prop_assert_eq!(got, want, "{} step {}: {:?}", name, step, op);
                }
                Op::CloseSelector => {
                    on!(sel, x => x.close());
                    model.close();
                    prop_assert!(on!(sel, x => x.is_closed()));
                }
                Op::Wake => {
                    if let (Some(w), false) = (waker, model.closed) {
                        w.wake().unwrap();
                    }
                    model.wake();
                }
                Op::SmallWaits(cap) => small_waits(sel, model, &env, cap)?,
                Op::TimedWait(ms) => timeout = Duration::from_millis(ms),
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
            for s in 0..=TCP {
                let fd = env.fd(s);
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
            // The step's wait (zero timeout unless the step asks for one) reports
            // exactly the model's events, and a wake exactly when one is pending.
            let start = Instant::now();
            let got = wait_of(sel, &mut events, timeout);
            let took = start.elapsed();
            let want = model.wait(&env);
            prop_assert_eq!(&got, &want, "{} wait after step {}: {:?}", name, step, op);
            if let Ok((evs, woken)) = &want {
                if evs.is_empty() && !woken {
                    prop_assert!(
                        took >= timeout,
                        "{} returned after {:?} of {:?}",
                        name,
                        took,
                        timeout
                    );
                }
                model.woken = false;
            }
        }
        env.check_numbers();
    }
    // For CI's churn-model stage, which counts the cases and steps that ran.
    if std::env::var_os("SELECT_RS_MODEL_REPORT").is_some() {
        eprintln!("MODEL-CASE steps={} backends={}", ops.len(), sels.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    /// Every backend follows the model step by step.
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not emulate TCP sockets (the model's world has one), and its pipes' readiness differs from Linux's")]
    fn every_backend_follows_the_selector_model(ops in proptest::collection::vec(op(), 1..48)) {
        run(ops)?;
    }
}

/// #14 item 1, through the model: fd N registered for READ while a `dup` of its file
/// lives elsewhere; N closed; `unregister(N)` (the kernel delete fails: the dup trap);
/// a new pipe end takes number N and is registered for WRITE only; the old file becomes
/// readable. No backend may report READ for N (the key holds WRITE only), nor anything
/// from the unregistered registration.
///
/// Failed before the generation fix of #14 item 1 (EpollSelector reported `(N, READ)`
/// for the WRITE-only key).
#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate TCP sockets (the model's world has one), and its pipes' readiness differs from Linux's"
)]
fn no_stale_event_after_the_dup_trap_and_fd_reuse() {
    run(vec![
        Op::Register(0, Interest::READ.bits(), 1),
        Op::Dup(0),
        Op::CloseFd(0),
        Op::Unregister(0),
        Op::Reopen(0),
        Op::Register(0, Interest::WRITE.bits(), 2),
        Op::Write(1),
        Op::SmallWaits(1),
        Op::Register(1, Interest::WRITE.bits(), 3),
        Op::SmallWaits(1),
    ])
    .unwrap();
}

/// Urgent data is PRIORITY readiness wherever the backend takes PRIORITY, through the
/// model.
#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate TCP sockets")]
fn priority_readiness_through_the_model() {
    run(vec![
        Op::Register(TCP, Interest::PRIORITY.bits(), 1),
        Op::SendUrgent,
        Op::TimedWait(2),
        Op::Modify(TCP, Interest::ALL.bits(), 2),
        Op::SmallWaits(1),
    ])
    .unwrap();
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
