//! `KEvent`: Python's `select.kevent` defaults, raw round-trips, ordering and `Debug`.
#![cfg(has_kqueue)]

use std::collections::HashSet;
use std::io;

use proptest::prelude::*;
use select_kqueue::*;

#[test]
fn python_defaults() {
    let ev = KEvent::new(5);
    assert_eq!(ev.ident(), 5);
    assert_eq!(ev.filter(), KQ_FILTER_READ);
    assert_eq!(ev.flags(), KQ_EV_ADD);
    assert_eq!(ev.fflags(), 0);
    assert_eq!(ev.data(), 0);
    assert_eq!(ev.udata(), 0);
    assert!(!ev.is_error() && !ev.is_eof() && ev.error().is_none());
}

#[test]
fn ident_from_waitables() {
    let (r, w) = std::io::pipe().unwrap();
    use std::os::fd::{AsFd, AsRawFd};
    let fd = r.as_raw_fd();
    assert_eq!(KEvent::for_fd(&r).unwrap().ident(), fd as usize);
    assert_eq!(KEvent::for_fd(&r.as_fd()).unwrap().ident(), fd as usize);
    assert_eq!(KEvent::for_fd(&fd).unwrap(), KEvent::new(fd as usize));
    assert_eq!(KEvent::for_fd(&w).unwrap().ident(), w.as_raw_fd() as usize);
    let e = KEvent::for_fd(&-1).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("-1"), "{e}");
    // Large identifiers (pids, timer ids) are plain integers.
    assert_eq!(KEvent::new(usize::MAX).ident(), usize::MAX);
}

#[test]
fn every_field_round_trips_raw() {
    let ev = KEvent::new(1)
        .with_ident(77)
        .with_filter(123 as Filter) // no such filter: kept as is
        .with_flags(Flags::MAX)
        .with_fflags(u32::MAX)
        .with_data(Data::MIN)
        .with_udata(usize::MAX);
    assert_eq!(ev.ident(), 77);
    assert_eq!(ev.filter(), 123 as Filter);
    assert_eq!(ev.flags(), Flags::MAX);
    assert_eq!(ev.fflags(), 0xffff_ffff);
    assert_eq!(ev.data(), Data::MIN);
    assert_eq!(ev.udata(), usize::MAX);

    let mut m = ev;
    m.set_ident(3);
    m.set_filter(KQ_FILTER_TIMER);
    m.set_flags(KQ_EV_ADD | KQ_EV_ONESHOT);
    m.set_fflags(KQ_NOTE_TRIGGER);
    m.set_data(Data::MAX);
    m.set_udata(0xdead_beef);
    assert_eq!(
        (
            m.ident(),
            m.filter(),
            m.flags(),
            m.fflags(),
            m.data(),
            m.udata()
        ),
        (
            3,
            KQ_FILTER_TIMER,
            KQ_EV_ADD | KQ_EV_ONESHOT,
            KQ_NOTE_TRIGGER,
            Data::MAX,
            0xdead_beef
        )
    );
    // Through the C struct and back.
    let raw: RawKEvent = m.into_raw();
    assert_eq!({ raw.ident }, 3); // by value: packed on macOS
    assert_eq!(KEvent::from_raw(raw), m);
    assert_eq!(KEvent::from(RawKEvent::from(m)), m);
    assert_eq!(m.as_raw().fflags, KQ_NOTE_TRIGGER);
}

#[test]
fn python_issue_11973_full_width_flags() {
    // kevent(0, 1, 0xffff) and kevent(0, 1, 2, 0xffffffff)
    let ev = KEvent::new(0).with_filter(1 as Filter).with_flags(0xffff);
    assert_eq!(ev.flags(), 0xffff);
    let ev = KEvent::new(0)
        .with_filter(1 as Filter)
        .with_flags(2)
        .with_fflags(0xffff_ffff);
    assert_eq!(ev.fflags(), 0xffff_ffff);
}

#[test]
fn ordering_is_lexicographic_on_the_field_tuple() {
    let base = KEvent::new(10)
        .with_filter(KQ_FILTER_READ)
        .with_flags(1)
        .with_fflags(1)
        .with_data(1)
        .with_udata(1);
    assert_eq!(base, base);
    assert!(KEvent::new(3) < KEvent::new(1000));
    // Each field decides when the earlier ones are equal.
    assert!(base < base.with_ident(11));
    assert!(base < base.with_flags(2));
    assert!(base < base.with_fflags(2));
    assert!(base < base.with_data(2));
    assert!(base < base.with_udata(2));
    assert!(base.with_ident(9).with_data(100) < base);
    assert!(base.with_data(0).with_udata(100) < base);
    // udata compares as a signed intptr_t: "-1" sorts first.
    assert!(base.with_udata(usize::MAX) < base.with_udata(0));
    assert!(base.with_udata(usize::MAX) != base.with_udata(0));
    // The filter compares in its own C type.
    let (lo, hi) = if KQ_FILTER_WRITE < KQ_FILTER_READ {
        (KQ_FILTER_WRITE, KQ_FILTER_READ)
    } else {
        (KQ_FILTER_READ, KQ_FILTER_WRITE)
    };
    assert!(base.with_filter(lo) < base.with_filter(hi));
    // Sorting and hashing agree with equality.
    let mut v = [base.with_ident(3), base.with_ident(1), base.with_ident(2)];
    v.sort();
    assert_eq!(
        v.iter().map(KEvent::ident).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    let set: HashSet<KEvent> = [base, base, base.with_data(5)].into_iter().collect();
    assert_eq!(set.len(), 2);
}

#[test]
fn debug_prints_names() {
    let ev = KEvent::new(5)
        .with_flags(KQ_EV_ADD | KQ_EV_ONESHOT)
        .with_udata(0x10);
    let s = format!("{ev:?}");
    assert!(s.starts_with("KEvent { ident: 5, filter: READ"), "{s}");
    assert!(s.contains("flags: ADD | ONESHOT"), "{s}");
    assert!(s.contains("udata: 0x10"), "{s}");
    let s = format!("{:?}", KEvent::new(1).with_filter(KQ_FILTER_TIMER));
    assert!(s.contains("filter: TIMER"), "{s}");
    let s = format!("{:?}", KEvent::new(1).with_filter(KQ_FILTER_USER));
    assert!(s.contains("filter: USER"), "{s}");
}

#[test]
fn send_and_sync() {
    fn check<T: Send + Sync + Copy + 'static>() {}
    check::<KEvent>();
    let ev = KEvent::new(1).with_udata(9);
    let back = std::thread::spawn(move || ev.udata()).join().unwrap();
    assert_eq!(back, 9);
}

fn key(e: &KEvent) -> (usize, Filter, Flags, FFlags, Data, isize) {
    (
        e.ident(),
        e.filter(),
        e.flags(),
        e.fflags(),
        e.data(),
        e.udata() as isize,
    )
}

fn arb_kevent() -> impl Strategy<Value = KEvent> {
    (
        0usize..4,
        0u8..3,
        0u8..3,
        0u32..3,
        -2i32..2,
        prop_oneof![Just(0usize), Just(1), Just(usize::MAX)],
    )
        .prop_map(|(i, f, fl, ff, d, u)| {
            KEvent::new(i)
                .with_filter(Filter::from(f))
                .with_flags(Flags::from(fl))
                .with_fflags(ff)
                .with_data(d as Data)
                .with_udata(u)
        })
}

proptest! {
    #[test]
    fn order_matches_python_tuple_order(a in arb_kevent(), b in arb_kevent()) {
        prop_assert_eq!(a.cmp(&b), key(&a).cmp(&key(&b)));
        prop_assert_eq!(a == b, key(&a) == key(&b));
    }
}
