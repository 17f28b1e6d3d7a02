//! FdSet: the set operations, growth past FD_SETSIZE, and a model check.
#![cfg(unix)]

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::os::fd::RawFd;

use proptest::prelude::*;
use select_fdset::{FdSet, FD_SETSIZE};

#[test]
fn insert_remove_contains() {
    let mut s = FdSet::new();
    assert!(s.is_empty());
    assert_eq!(s.len(), 0);
    assert_eq!(s.highest(), None);
    assert!(s.insert(0).unwrap());
    assert!(s.insert(63).unwrap());
    assert!(s.insert(64).unwrap());
    assert!(!s.insert(64).unwrap());
    assert_eq!(s.len(), 3);
    assert!(s.contains(0) && s.contains(63) && s.contains(64));
    assert!(!s.contains(1) && !s.contains(65) && !s.contains(100_000));
    assert_eq!(s.highest(), Some(64));
    assert!(s.remove(63).unwrap());
    assert!(!s.remove(63).unwrap());
    assert!(
        !s.remove(1_000_000).unwrap(),
        "beyond the buffer: simply absent"
    );
    assert_eq!(s.iter().collect::<Vec<_>>(), [0, 64]);
    assert_eq!(format!("{s:?}"), "{0, 64}");
    s.clear();
    assert!(s.is_empty() && s.highest().is_none());
    assert_eq!(s.iter().next(), None);
}

#[test]
fn negative_fds_are_refused_by_name() {
    let mut s = FdSet::new();
    for fd in [-1, -7, RawFd::MIN] {
        let e = s.insert(fd).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains(&fd.to_string()), "{e}");
        let e = s.remove(fd).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains(&fd.to_string()), "{e}");
        assert!(!s.contains(fd));
        assert_eq!(s.reserve(fd).unwrap_err().kind(), ErrorKind::InvalidInput);
    }
    let e = FdSet::from_fds([1, 2, -3]).unwrap_err();
    assert!(e.to_string().contains("-3"));
    assert!(s.is_empty());
}

#[test]
fn grows_past_fd_setsize_and_keeps_its_buffer() {
    let mut s = FdSet::new();
    assert_eq!(s.capacity(), FD_SETSIZE);
    assert_eq!(
        s.as_words().len() * select_fdset::Word::BITS as usize,
        FD_SETSIZE
    );
    let big = 15_000;
    s.insert(3).unwrap();
    s.insert(big).unwrap();
    assert!(s.capacity() > big as usize);
    assert!(s.contains(3) && s.contains(big));
    assert_eq!(s.iter().collect::<Vec<_>>(), [3, big]);
    let cap = s.capacity();
    s.clear();
    assert_eq!(s.capacity(), cap, "clear keeps the heap buffer");
    s.insert(big - 1).unwrap();
    assert_eq!(s.capacity(), cap);

    let r = FdSet::with_max_fd(5000).unwrap();
    assert!(r.capacity() > 5000 && r.is_empty());
}

#[test]
fn equality_ignores_capacity() {
    let a = FdSet::from_fds([1, 2, 3]).unwrap();
    let mut b = FdSet::with_max_fd(10_000).unwrap();
    for fd in [3, 2, 1] {
        b.insert(fd).unwrap();
    }
    assert_eq!(a, b);
    b.insert(9000).unwrap();
    assert_ne!(a, b);
    b.remove(9000).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.clone(), a);
    assert_eq!(FdSet::default(), FdSet::new());
}

#[derive(Debug, Clone)]
enum Op {
    Insert(RawFd),
    Remove(RawFd),
    Clear,
}

fn fd() -> impl Strategy<Value = RawFd> {
    prop_oneof![0..130, 0..2100, 1000..1100, -3..0]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => fd().prop_map(Op::Insert),
        4 => fd().prop_map(Op::Remove),
        1 => Just(Op::Clear),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 128 }))]

    /// FdSet behaves as an ordered set of non-negative integers.
    #[test]
    // (Shorter sequences under Miri, which interprets every step.)
    fn behaves_like_an_ordered_set(
        ops in proptest::collection::vec(op(), 0..if cfg!(miri) { 24 } else { 80 })
    ) {
        let mut set = FdSet::new();
        let mut model = BTreeSet::new();
        for op in ops {
            match op {
                Op::Insert(fd) => match set.insert(fd) {
                    Ok(new) => prop_assert_eq!(new, model.insert(fd)),
                    Err(e) => {
                        prop_assert!(fd < 0);
                        prop_assert_eq!(e.kind(), ErrorKind::InvalidInput);
                    }
                },
                Op::Remove(fd) => match set.remove(fd) {
                    Ok(was) => prop_assert_eq!(was, model.remove(&fd)),
                    Err(_) => prop_assert!(fd < 0),
                },
                Op::Clear => {
                    set.clear();
                    model.clear();
                }
            }
            prop_assert_eq!(set.len(), model.len());
            prop_assert_eq!(set.highest(), model.last().copied());
            prop_assert_eq!(set.iter().collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
            for probe in [-1, 0, 1, 63, 64, 1023, 1024, 2099] {
                prop_assert_eq!(set.contains(probe), model.contains(&probe));
            }
        }
    }
}
