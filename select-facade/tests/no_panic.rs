//! Issue #14 item 4: no safe public call panics, whatever its input.
//!
//! One property per object drives its public constructors and methods with arbitrary
//! integers, fd numbers, sizes, masks, strings and durations, in arbitrary order, and
//! asserts that every call returns (an error or a success) and a few invariants that
//! hold whatever happened. A panic anywhere fails the property with the case that
//! caused it.
//!
//! The fds mix the case's own pipe and socket ends (open, so calls get past the checks),
//! small numbers (stdio, the harness's fds, closed ones), numbers around `FD_SETSIZE`,
//! and the extremes (`-1`, `i32::MIN`, `i32::MAX`, any `i32`). Calls never close or
//! write to an fd they do not own, so a stray number is harmless.
//!
//! **Waits are capped** so that no case blocks: every timeout the generator hands to a
//! wait is zero or at most 500 µs. `None` (block) and `Duration::MAX` are driven through
//! the conversion functions (`timeout::*`), which take any duration, and blocking waits
//! with an fd made ready first are in `bad_inputs.rs`.
//!
//! CI runs `PROPTEST_CASES` cases per object (proptest's default, 256, when unset);
//! `PROPTEST_CASES=10000 cargo test -p select-facade --test no_panic` is the long run.
#![cfg(unix)]

use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

use proptest::prelude::*;
use select_core::__private::WakeFd;
use select_core::testing;
use select_facade::timeout::{self, Negative};
use select_facade::{
    select, Backend, DefaultSelector, Events, FdSet, Interest, Poll, PollFlags, PollSelector,
    Ready, Select, SelectSelector, Selector, Waitable, FD_SETSIZE,
};

/// An fd argument: one of the case's own open fds, or a raw number.
#[derive(Debug, Clone, Copy)]
enum Fd {
    Own(usize),
    Raw(RawFd),
}

/// The case's own fds: a pipe and a socket pair; the writer and one socket start
/// writable, the reader readable after a byte.
struct Pool {
    _keep: Vec<OwnedFd>,
    fds: Vec<RawFd>,
}

impl Pool {
    fn new() -> Pool {
        let (r, mut w) = testing::pipe();
        w.write_all(b"x").unwrap();
        let (a, b) = testing::socketpair();
        let keep: Vec<OwnedFd> = vec![r.into(), w.into(), a.into(), b.into()];
        let fds = keep.iter().map(AsRawFd::as_raw_fd).collect();
        Pool { _keep: keep, fds }
    }

    fn fd(&self, fd: Fd) -> RawFd {
        match fd {
            Fd::Own(i) => self.fds[i % self.fds.len()],
            Fd::Raw(n) => n,
        }
    }
}

/// Any fd. The largest positive numbers are rare and few (`i32::MAX`, `i32::MAX - 1`,
/// 2^24 + 3): an fd set sized for `i32::MAX` takes 256 MiB, which a case may allocate
/// but not often if 10,000 cases are to run in minutes.
fn fd() -> impl Strategy<Value = Fd> {
    let setsize = FD_SETSIZE as RawFd;
    prop_oneof![
        80 => (0usize..4).prop_map(Fd::Own),
        40 => (0..64).prop_map(Fd::Raw),
        20 => (setsize - 2..=setsize + 2).prop_map(Fd::Raw),
        20 => prop_oneof![Just(-1), Just(i32::MIN), (i32::MIN..0)].prop_map(Fd::Raw),
        10 => (64..100_000).prop_map(Fd::Raw),
        1 => prop_oneof![Just(i32::MAX), Just(i32::MAX - 1), Just((1 << 24) + 3)]
            .prop_map(Fd::Raw),
    ]
}

/// A `maxevents`: small (mostly), or any `i32` (up to `MAX_MAXEVENTS`, about 178
/// million, allocates a buffer of that many events, as Python does: rare).
#[cfg(has_epoll)]
fn maxevents() -> impl Strategy<Value = i32> {
    prop_oneof![40 => -3i32..70, 1 => any::<i32>()]
}

/// A wait's timeout: zero (mostly) or at most 500 µs, so that no case blocks long.
fn wait() -> impl Strategy<Value = Option<Duration>> {
    prop_oneof![
        6 => Just(Some(Duration::ZERO)),
        1 => (0u32..1000).prop_map(|ns| Some(Duration::from_nanos(ns.into()))),
        1 => (1u64..=500).prop_map(|us| Some(Duration::from_micros(us))),
    ]
}

/// Any duration at all (for the conversions, which never wait).
fn any_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        Just(Duration::MAX),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
        (0u64..10_000_000).prop_map(Duration::from_nanos),
    ]
}

/// A buffer size: small (mostly) or anything.
fn size() -> impl Strategy<Value = usize> {
    if cfg!(miri) {
        // Interpreted, a huge size (clamped to `Events::MAX_CAPACITY`, whose slots are
        // filled up front) costs minutes per case; the clamp itself is checked natively.
        (0usize..70).boxed()
    } else {
        prop_oneof![9 => 0usize..70, 1 => any::<usize>()].boxed()
    }
}

/// Any float, the special values included.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        any::<f64>(),
        -10.0f64..10.0,
    ]
}

fn cases() -> ProptestConfig {
    // PROPTEST_CASES (read by the default config) sets the number of cases.
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------
// The select() function, Select and FdSet.

#[derive(Debug, Clone)]
enum SetOp {
    Insert(Fd),
    Remove(Fd),
    Contains(Fd),
    Reserve(Fd),
    Clear,
    Inspect,
}

fn set_op() -> impl Strategy<Value = SetOp> {
    prop_oneof![
        4 => fd().prop_map(SetOp::Insert),
        2 => fd().prop_map(SetOp::Remove),
        2 => fd().prop_map(SetOp::Contains),
        1 => fd().prop_map(SetOp::Reserve),
        1 => Just(SetOp::Clear),
        2 => Just(SetOp::Inspect),
    ]
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    #[cfg_attr(miri, ignore = "too slow under Miri: cases grow fd sets to 256 MiB (fd i32::MAX)")]
    fn fd_set_never_panics(
        init in prop::collection::vec(fd(), 0..4),
        max in fd(),
        ops in prop::collection::vec(set_op(), 0..12),
    ) {
        let pool = Pool::new();
        let init: Vec<RawFd> = init.into_iter().map(|f| pool.fd(f)).collect();
        let _ = FdSet::from_fds(init.iter().copied());
        let _ = FdSet::with_max_fd(pool.fd(max));
        let mut set = FdSet::new();
        for op in ops {
            match op {
                SetOp::Insert(f) => { let _ = set.insert(pool.fd(f)); }
                SetOp::Remove(f) => { let _ = set.remove(pool.fd(f)); }
                SetOp::Contains(f) => { let _ = set.contains(pool.fd(f)); }
                SetOp::Reserve(f) => { let _ = set.reserve(pool.fd(f)); }
                SetOp::Clear => set.clear(),
                SetOp::Inspect => {}
            }
            // Invariants whatever happened (the member walk only for sets of at most
            // 2^20 bits: a walk over 2^31 bits takes seconds in a debug build).
            if set.highest().is_none_or(|h| h < 1 << 20) {
                let members: Vec<RawFd> = set.iter().collect();
                prop_assert_eq!(members.len(), set.len());
                prop_assert_eq!(set.is_empty(), members.is_empty());
                prop_assert_eq!(set.highest(), members.last().copied());
            }
            prop_assert_eq!(set.is_empty(), set.highest().is_none());
            prop_assert!(set.as_words().len() * (Word::BITS as usize) == set.capacity());
            prop_assert!(set.capacity() >= FD_SETSIZE);
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
    fn select_function_and_object_never_panic(
        r in prop::collection::vec(fd(), 0..4),
        w in prop::collection::vec(fd(), 0..4),
        x in prop::collection::vec(fd(), 0..3),
        t in wait(),
    ) {
        let pool = Pool::new();
        let [r, w, x] = [r, w, x].map(|l| l.into_iter().map(|f| pool.fd(f)).collect::<Vec<_>>());
        let (rr_, wr_, xr_) = (refs(&r), refs(&w), refs(&x));
        if let Ok((rr, ww, xx)) = select(&rr_, &wr_, &xr_, t) {
            // Subsets of the caller's own lists.
            prop_assert!(rr.iter().all(|f| r.contains(f)));
            prop_assert!(ww.iter().all(|f| w.contains(f)));
            prop_assert!(xx.iter().all(|f| x.contains(f)));
            prop_assert!(rr.len() <= r.len() && ww.len() <= w.len() && xx.len() <= x.len());
        }
        let mut sel = Select::new();
        let _ = sel.select(&rr_, &wr_, &xr_, t);
        let mut ready = Ready::new();
        if sel.select_into(&r, &w, &x, t, &mut ready).is_ok() {
            prop_assert!(ready.read().iter().all(|&i| i < r.len()));
            prop_assert!(ready.write().iter().all(|&i| i < w.len()));
            prop_assert!(ready.except().iter().all(|&i| i < x.len()));
            prop_assert_eq!(
                ready.len(),
                ready.read().len() + ready.write().len() + ready.except().len()
            );
        }
        ready.clear();
        prop_assert!(ready.is_empty());
    }
}

type Word = select_fdset::Word;

fn refs(l: &[RawFd]) -> Vec<&RawFd> {
    l.iter().collect()
}

// ---------------------------------------------------------------------------------
// poll and its flags.

#[derive(Debug, Clone)]
enum PollOp {
    Register(Fd, i16),
    Modify(Fd, i16),
    Unregister(Fd),
    Poll(Option<Duration>),
    PollInto(Option<Duration>),
    Query(Fd),
}

fn poll_op() -> impl Strategy<Value = PollOp> {
    prop_oneof![
        3 => (fd(), any::<i16>()).prop_map(|(f, m)| PollOp::Register(f, m)),
        2 => (fd(), any::<i16>()).prop_map(|(f, m)| PollOp::Modify(f, m)),
        2 => fd().prop_map(PollOp::Unregister),
        2 => wait().prop_map(PollOp::Poll),
        1 => wait().prop_map(PollOp::PollInto),
        1 => fd().prop_map(PollOp::Query),
    ]
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    #[cfg_attr(miri, ignore = "Miri aborts on flags it does not emulate (POLLPRI, EPOLLPRI, unknown bits), which the test passes at random")]
    fn poll_never_panics(cap in size(), ops in prop::collection::vec(poll_op(), 0..12)) {
        let pool = Pool::new();
        let mut p = Poll::with_capacity(cap);
        let mut out = Vec::new();
        for op in ops {
            match op {
                PollOp::Register(f, m) => {
                    let _ = p.register(&pool.fd(f), PollFlags::from_bits_retain(m));
                }
                PollOp::Modify(f, m) => {
                    let _ = p.modify(&pool.fd(f), PollFlags::from_bits_retain(m));
                }
                PollOp::Unregister(f) => { let _ = p.unregister(&pool.fd(f)); }
                PollOp::Poll(t) => {
                    if let Ok(v) = p.poll(t) {
                        prop_assert!(v.iter().all(|(fd, _)| p.contains(*fd)));
                    }
                }
                PollOp::PollInto(t) => { let _ = p.poll_into(&mut out, t); }
                PollOp::Query(f) => {
                    let fd = pool.fd(f);
                    prop_assert_eq!(p.contains(fd), p.mask(fd).is_some());
                }
            }
            prop_assert_eq!(p.iter().count(), p.len());
            prop_assert_eq!(p.is_empty(), p.iter().next().is_none());
        }
        prop_assert!(Poll::new().is_empty());
    }

    #[test]
    fn flag_types_never_panic(a in any::<u32>(), b in any::<u32>(), d in any::<u8>(), e in any::<u8>()) {
        // Interest
        let (i, j) = (Interest::from_bits_truncate(d), Interest::from_bits_truncate(e));
        let _ = (Interest::from_bits(d), Interest::try_from_bits(d), i.validate());
        let _ = (i.union(j), i.intersection(j), i.difference(j), i | j, i & j);
        let _ = (i.contains(j), i.intersects(j), i.bits(), i.is_empty(), format!("{i:?}"));
        let mut m = i;
        m.insert(j);
        m.remove(j);
        m.toggle(j);
        prop_assert_eq!(m, i.difference(j).union(j));
        // PollFlags
        let (p, q) = (PollFlags::from_bits_retain(a as i16), PollFlags::from_bits_retain(b as i16));
        let _ = (PollFlags::from_bits(a as i16), PollFlags::from_bits_truncate(a as i16));
        let _ = (p.union(q), p.intersection(q), p.difference(q), p.bits_u16());
        let _ = (p | q, p & q, p ^ q, p - q, !p, format!("{p:?} {p:x} {p:X} {p:b}"));
        let mut m = p;
        m.insert(q);
        m.remove(q);
        m.toggle(q);
        prop_assert_eq!(m, p.difference(q).union(q));
        #[cfg(has_epoll)]
        {
            use select_facade::EpollFlags;
            let (p, q) = (EpollFlags::from_bits_retain(a), EpollFlags::from_bits_retain(b));
            let _ = (EpollFlags::from_bits(a), EpollFlags::from_bits_truncate(a));
            let _ = (p.union(q), p.intersection(q), p.difference(q), u32::from(p));
            let _ = (p | q, p & q, !p, format!("{p:?} {p:x} {p:b}"));
            let mut m = p;
            m.insert(q);
            m.remove(q);
            m.toggle(q);
            prop_assert_eq!(m, p.difference(q).union(q));
        }
    }

    #[test]
    fn conversions_never_panic(
        d in any_duration(),
        s in any_f64(),
        name in "\\PC{0,12}",
        raw in any::<i32>(),
        cap in size(),
    ) {
        let ms = timeout::to_millis_ceil(Some(d));
        prop_assert!(ms >= 0);
        prop_assert_eq!(timeout::to_millis_ceil(None), -1);
        let _ = timeout::to_timeval_ceil(d);
        let _ = timeout::to_timespec(d);
        for neg in [Negative::Block, Negative::Refuse, Negative::Zero] {
            let _ = timeout::from_secs_f64(s, neg);
            let _ = timeout::from_millis_f64(s, neg);
        }
        let _ = name.parse::<Backend>();
        prop_assert_eq!(raw.fileno().is_ok(), raw >= 0);
        let e = Events::with_capacity(cap);
        prop_assert!(e.capacity() >= 1 && e.capacity() <= Events::MAX_CAPACITY);
        prop_assert_eq!(Events::try_with_capacity(cap).is_ok(), cap <= Events::MAX_CAPACITY);
    }
}

// ---------------------------------------------------------------------------------
// epoll.

#[cfg(has_epoll)]
mod epoll {
    use super::*;
    use select_facade::{Epoll, EpollEvents, EpollFlags};

    #[derive(Debug, Clone)]
    enum Op {
        Register(Fd, u32),
        RegisterDefault(Fd),
        Modify(Fd, u32),
        Unregister(Fd),
        Poll(Option<Duration>, i32),
        PollInto(Option<Duration>),
        Get(usize),
        Close,
        Inspect,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (fd(), any::<u32>()).prop_map(|(f, m)| Op::Register(f, m)),
            1 => fd().prop_map(Op::RegisterDefault),
            2 => (fd(), any::<u32>()).prop_map(|(f, m)| Op::Modify(f, m)),
            2 => fd().prop_map(Op::Unregister),
            2 => (wait(), maxevents()).prop_map(|(t, m)| Op::Poll(t, m)),
            1 => wait().prop_map(Op::PollInto),
            1 => size().prop_map(Op::Get),
            1 => Just(Op::Close),
            1 => Just(Op::Inspect),
        ]
    }

    proptest! {
        #![proptest_config(cases())]

        #[test]
        #[cfg_attr(miri, ignore = "Miri aborts on flags it does not emulate (POLLPRI, EPOLLPRI, unknown bits), which the test passes at random")]
        fn epoll_never_panics(
            hint in any::<i32>(),
            maxevents in maxevents(),
            cap in size(),
            ops in prop::collection::vec(op(), 0..12),
        ) {
            let pool = Pool::new();
            let _ = Epoll::with_sizehint(hint);
            let _ = EpollEvents::new(maxevents);
            let mut buf = match EpollEvents::with_capacity(cap) {
                Ok(b) => b,
                Err(_) => EpollEvents::new(8).unwrap(),
            };
            // from_fd of something that is not an epoll fd: an error, and the fd is
            // the call's to close.
            let (r, _w) = testing::pipe();
            prop_assert!(Epoll::from_fd(r.into()).is_err());
            let mut ep = Epoll::new().unwrap();
            for op in ops {
                match op {
                    Op::Register(f, m) => {
                        let _ = ep.register(&pool.fd(f), EpollFlags::from_bits_retain(m));
                    }
                    Op::RegisterDefault(f) => { let _ = ep.register_default(&pool.fd(f)); }
                    Op::Modify(f, m) => {
                        let _ = ep.modify(&pool.fd(f), EpollFlags::from_bits_retain(m));
                    }
                    Op::Unregister(f) => { let _ = ep.unregister(&pool.fd(f)); }
                    Op::Poll(t, m) => { let _ = ep.poll(t, m); }
                    Op::PollInto(t) => {
                        if let Ok(n) = ep.poll_into(t, &mut buf) {
                            prop_assert_eq!(n, buf.len());
                            prop_assert!(n <= buf.capacity());
                        }
                    }
                    Op::Get(i) => {
                        prop_assert_eq!(buf.get(i).is_some(), i < buf.len());
                        prop_assert_eq!(buf.iter().count(), buf.len());
                    }
                    Op::Close => ep.close(),
                    Op::Inspect => {
                        prop_assert_eq!(ep.fileno().is_err(), ep.closed());
                        prop_assert_eq!(ep.try_as_fd().is_err(), ep.closed());
                        prop_assert_eq!(ep.as_raw_fd() == -1, ep.closed());
                        let _ = format!("{ep:?} {buf:?}");
                    }
                }
            }
            buf.clear();
            prop_assert!(buf.is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------
// kqueue (compiled where the facade has it; type-checked for the BSDs and macOS).

#[cfg(has_kqueue)]
mod kqueue {
    use super::*;
    use select_facade::{KEvent, Kqueue};

    /// The number the non-kqueue fd of `kqueue_never_panics` is placed at: above what
    /// this binary's other fds reach, below the 4,096 of the skip-policy run.
    const NOT_A_KQUEUE_FD: i32 = 3_917;

    proptest! {
        #![proptest_config(cases())]

        #[test]
        fn kqueue_never_panics(
            events in prop::collection::vec(
                (fd(), any::<i16>(), any::<u16>(), any::<u32>(), any::<i32>()), 0..6),
            max in size(),
            t in wait(),
            close_first in any::<bool>(),
        ) {
            let pool = Pool::new();
            let mut kq = Kqueue::new().unwrap();
            let (r, _w) = testing::pipe();
            // At a number no kqueue of this binary has had: libkqueue takes a fresh fd
            // at a just-closed kqueue's number for that kqueue for a while
            // (select-kqueue's NOTES.md, item 2), and an earlier case's kqueue is closed.
            let r = testing::dup_at(std::os::fd::AsRawFd::as_raw_fd(&r), NOT_A_KQUEUE_FD)
                .expect("a pipe at a number of its own");
            prop_assert!(Kqueue::from_fd(r).is_err());
            if close_first {
                kq.close();
            }
            let changes: Vec<KEvent> = events
                .iter()
                .map(|&(f, filter, flags, fflags, data)| {
                    // Every field from the generator, except udata (a pointer-sized
                    // tag that the kernel only hands back).
                    KEvent::new(pool.fd(f) as usize)
                        .with_filter(filter as _)
                        .with_flags(flags as _)
                        .with_fflags(fflags as _)
                        .with_data(data as _)
                })
                .collect();
            for e in &changes {
                let _ = (e.error(), e.is_eof(), e.is_error(), format!("{e:?}"));
                let _ = KEvent::for_fd(&pool.fd(Fd::Own(0)));
            }
            let _ = kq.control(&changes, max.min(64), t);
            let _ = kq.control(&[], max, t);
            prop_assert_eq!(kq.fileno().is_err(), kq.closed());
            prop_assert_eq!(kq.try_as_fd().is_err(), kq.closed());
        }
    }
}

// ---------------------------------------------------------------------------------
// The selectors, the DefaultSelector and its Waker.

#[derive(Debug, Clone)]
enum SelOp {
    Register(Fd, u8, u8),
    Modify(Fd, u8, u8),
    Unregister(Fd),
    GetKey(Fd),
    Select(usize, Option<Duration>),
    SetWakeFd(Option<Fd>),
    Waker(u8),
    Close,
}

fn sel_op() -> impl Strategy<Value = SelOp> {
    prop_oneof![
        4 => (fd(), any::<u8>(), any::<u8>()).prop_map(|(f, i, d)| SelOp::Register(f, i, d)),
        2 => (fd(), any::<u8>(), any::<u8>()).prop_map(|(f, i, d)| SelOp::Modify(f, i, d)),
        2 => fd().prop_map(SelOp::Unregister),
        1 => fd().prop_map(SelOp::GetKey),
        3 => (size(), wait()).prop_map(|(c, t)| SelOp::Select(c, t)),
        1 => prop::option::of(fd()).prop_map(SelOp::SetWakeFd),
        1 => (0u8..4).prop_map(SelOp::Waker),
        1 => Just(SelOp::Close),
    ]
}

/// Runs `ops` on `sel`; `waker` makes (and wakes) the facade's waker where there is one.
fn drive<S: Selector<Data = u8> + WakeFd>(
    mut sel: S,
    ops: Vec<SelOp>,
    mut waker: impl FnMut(&mut S, u8),
) -> Result<(), TestCaseError> {
    let pool = Pool::new();
    for op in ops {
        match op {
            SelOp::Register(f, i, d) => {
                let fd = pool.fd(f);
                let interest = Interest::from_bits_truncate(i);
                if let Ok(k) = sel.register(&fd, interest, d) {
                    prop_assert_eq!((k.fd, k.interest, k.data), (fd, interest, d));
                }
            }
            SelOp::Modify(f, i, d) => {
                let _ = sel.modify(&pool.fd(f), Interest::from_bits_truncate(i), d);
            }
            SelOp::Unregister(f) => {
                let _ = sel.unregister(&pool.fd(f));
            }
            SelOp::GetKey(f) => {
                let _ = sel.get_key(&pool.fd(f));
            }
            SelOp::Select(cap, t) => {
                let mut events = Events::with_capacity(cap);
                if let Ok(n) = sel.select(&mut events, t) {
                    prop_assert_eq!(n, events.len());
                    prop_assert!(n <= events.capacity());
                    // Only registered interests, of registered fds.
                    for (key, ready) in sel.ready_keys(&events) {
                        prop_assert!(key.interest.contains(ready), "{:?} {:?}", key, ready);
                    }
                    for ev in &events {
                        prop_assert!(!ev.ready().is_empty());
                    }
                }
            }
            SelOp::SetWakeFd(f) => {
                let _ = sel.set_wake_fd(f.map(|f| pool.fd(f)));
            }
            SelOp::Waker(n) => waker(&mut sel, n),
            SelOp::Close => sel.close(),
        }
        prop_assert_eq!(sel.keys().count(), sel.len());
        prop_assert_eq!(sel.is_empty(), sel.len() == 0);
        if sel.is_closed() {
            prop_assert!(sel.is_empty());
        }
        let _ = sel.backend();
    }
    Ok(())
}

fn no_waker<S>(_: &mut S, _: u8) {}

proptest! {
    #![proptest_config(cases())]

    #[test]
    #[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
    fn select_selector_never_panics(ops in prop::collection::vec(sel_op(), 0..14)) {
        drive(SelectSelector::<u8>::new().unwrap(), ops, no_waker)?;
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri aborts on flags it does not emulate (POLLPRI, EPOLLPRI, unknown bits), which the test passes at random")]
    fn poll_selector_never_panics(ops in prop::collection::vec(sel_op(), 0..14)) {
        drive(PollSelector::<u8>::new().unwrap(), ops, no_waker)?;
    }

    #[test]
    #[cfg_attr(miri, ignore = "Miri aborts on flags it does not emulate (POLLPRI, EPOLLPRI, unknown bits), which the test passes at random")]
    fn default_selector_never_panics(
        // (Under Miri, which does not emulate select(2), the select backend sits out.)
        backend in prop::sample::select(
            <Backend as select_facade::Availability>::available()
                .into_iter()
                .filter(|&b| cfg!(not(miri)) || b != Backend::Select)
                .collect::<Vec<_>>()),
        ops in prop::collection::vec(sel_op(), 0..14),
    ) {
        let sel = DefaultSelector::<u8>::with_backend(backend).unwrap();
        drive(sel, ops, |s: &mut DefaultSelector<u8>, n| {
            if let Ok(w) = s.waker() {
                for _ in 0..n {
                    let _ = w.wake();
                }
            }
        })?;
    }
}

#[cfg(has_epoll)]
proptest! {
    #![proptest_config(cases())]

    #[test]
    #[cfg_attr(miri, ignore = "Miri aborts on flags it does not emulate (POLLPRI, EPOLLPRI, unknown bits), which the test passes at random")]
    fn epoll_selector_never_panics(ops in prop::collection::vec(sel_op(), 0..14)) {
        let sel = select_facade::EpollSelector::<u8>::new().unwrap();
        let _ = sel.fileno();
        drive(sel, ops, no_waker)?;
    }
}

#[cfg(has_kqueue)]
proptest! {
    #![proptest_config(cases())]

    #[test]
    fn kqueue_selector_never_panics(ops in prop::collection::vec(sel_op(), 0..14)) {
        drive(select_facade::KqueueSelector::<u8>::new().unwrap(), ops, |s, n| {
            if let Ok(w) = s.user_waker() {
                for _ in 0..n {
                    let _ = w.wake();
                }
            }
        })?;
    }
}
