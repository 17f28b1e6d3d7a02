//! select(): results are subsets of the caller's own objects, in the caller's order,
//! duplicates kept; the reusable Select and its index form agree.
#![cfg(unix)]

use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd};

use select_core::testing::{drain, pipe, socketpair};
use select_fdset::{select, Ready, Select, Waitable};

mod common;
use common::{assert_just, readable_pipe, LONG, ZERO};

fn same<T: ?Sized>(a: &[&T], b: &[&T]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| std::ptr::addr_eq(*x, *y))
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn subset_in_caller_order() {
    let pipes: Vec<_> = (0..5).map(|_| pipe()).collect();
    for i in [1, 3, 4] {
        (&pipes[i].1).write_all(b"x").unwrap();
    }
    let readers: Vec<_> = pipes.iter().map(|p| &p.0).collect();
    let (r, w, x) = select(&readers, &[], &[], LONG).unwrap();
    assert!(same(&r, &[readers[1], readers[3], readers[4]]));
    assert!(w.is_empty() && x.is_empty());

    let reversed: Vec<_> = readers.iter().rev().copied().collect();
    let (r, _, _) = select(&reversed, &[], &[], LONG).unwrap();
    assert!(same(&r, &[readers[4], readers[3], readers[1]]));
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn duplicates_are_returned_as_often_as_listed() {
    let (r, mut w) = pipe();
    let (r2, _w2) = pipe();
    // Python: select([], [w, w, w], [], 0) == ([], [w, w, w], [])
    let (rr, ww, xx) = select(&[], &[&w, &w, &w], &[], ZERO).unwrap();
    assert!(rr.is_empty() && xx.is_empty());
    assert!(same(&ww, &[&w, &w, &w]));

    w.write_all(b"x").unwrap();
    let list = [&r, &r2, &r, &r2, &r];
    let (rr, _, _) = select(&list, &[], &[], LONG).unwrap();
    assert!(same(&rr, &[&r, &r, &r]));
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn same_object_in_several_lists() {
    let (a, mut b) = socketpair();
    b.write_all(b"x").unwrap();
    let (r, w, x) = select(&[&a], &[&a], &[&a], LONG).unwrap();
    assert!(same(&r, &[&a]) && same(&w, &[&a]));
    assert!(x.is_empty());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn only_ready_objects_and_none_on_timeout() {
    let (r, _w) = pipe();
    let (r2, _w2) = pipe();
    let (rr, ww, xx) = select(&[&r, &r2], &[], &[&r, &r2], ZERO).unwrap();
    assert!(rr.is_empty() && ww.is_empty() && xx.is_empty());
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn reusable_select_and_indices() {
    let pipes: Vec<_> = (0..4).map(|_| pipe()).collect();
    let readers: Vec<BorrowedFd<'_>> = pipes.iter().map(|p| p.0.as_fd()).collect();
    let writers: Vec<BorrowedFd<'_>> = pipes.iter().map(|p| p.1.as_fd()).collect();
    let mut sel = Select::new();
    let mut ready = Ready::new();

    let n = sel
        .select_into(&readers, &[], &[], ZERO, &mut ready)
        .unwrap();
    assert_eq!(n, 0);
    assert!(ready.is_empty());

    for (round, i) in [2usize, 0, 3].into_iter().enumerate() {
        (&pipes[i].1).write_all(b"x").unwrap();
        let n = sel
            .select_into(&readers, &writers, &[], LONG, &mut ready)
            .unwrap();
        assert_eq!(ready.read(), [i]);
        assert_eq!(ready.write(), [0, 1, 2, 3]);
        assert!(ready.except().is_empty());
        assert_eq!(n, 5);
        assert_eq!(ready.len(), n, "round {round}");
        drain(&pipes[i].0);
    }

    // The lists may change between calls, including to shorter and lower ones.
    let n = sel
        .select_into(&writers[1..2], &[], &[], ZERO, &mut ready)
        .unwrap();
    assert_eq!(n, 0, "a writer is never readable");
    let n = sel
        .select_into(&[], &writers[3..], &[], ZERO, &mut ready)
        .unwrap();
    assert_eq!((n, ready.write()), (1, &[0usize][..]));

    // The Python-shaped form on the same object.
    (&pipes[1].1).write_all(b"x").unwrap();
    let refs: Vec<&dyn Waitable> = pipes.iter().map(|p| &p.0 as &dyn Waitable).collect();
    let (r, _, _) = sel.select(&refs, &[], &[], LONG).unwrap();
    assert_just(&r, &pipes[1].0);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn ready_buffer_is_cleared_on_error() {
    let (r, _w) = readable_pipe();
    let mut sel = Select::new();
    let mut ready = Ready::new();
    sel.select_into(&[r.as_fd()], &[], &[], LONG, &mut ready)
        .unwrap();
    assert_eq!(ready.read(), [0]);
    let e = sel
        .select_into(&[0, -1], &[], &[], LONG, &mut ready)
        .unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert!(ready.is_empty());
}
