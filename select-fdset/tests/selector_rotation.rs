//! SelectSelector: a bounded Events buffer is filled in rotation, so no ready fd starves.
#![cfg(unix)]

use select_core::__private::WakeFd;
use std::collections::BTreeSet;
use std::io::Write;
use std::os::fd::AsRawFd;

use select_core::testing::pipe;
use select_fdset::{Events, Interest, SelectSelector, Selector};

mod common;
use common::{registered_pipes, LONG};

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn capacity_one_rotates_across_three_ready_fds() {
    let (pipes, mut sel) = registered_pipes(3, true);
    let mut fds: Vec<_> = pipes.iter().map(|p| p.0.as_raw_fd()).collect();
    fds.sort();
    let mut events = Events::with_capacity(1);
    let mut seen = Vec::new();
    for _ in 0..6 {
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
        seen.push(events.as_slice()[0].fd());
    }
    // Every ready fd in turn, twice round.
    assert_eq!(seen, [fds[0], fds[1], fds[2], fds[0], fds[1], fds[2]]);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn capacity_two_over_five_reports_everyone_within_three_waits() {
    let (_pipes, mut sel) = registered_pipes(5, true);
    let mut events = Events::with_capacity(2);
    let mut seen = BTreeSet::new();
    for _ in 0..3 {
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 2);
        seen.extend(events.iter().map(|e| e.fd()));
    }
    assert_eq!(seen.len(), 5);
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn rotation_survives_the_ready_set_changing() {
    let (pipes, mut sel) = registered_pipes(3, false);
    let mut events = Events::with_capacity(1);
    (&pipes[2].1).write_all(b"x").unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    // The cursor now points past the highest ready fd; a lower one is still found.
    sel.unregister(&pipes[2].0).unwrap();
    (&pipes[0].1).write_all(b"x").unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    assert_eq!(events.as_slice()[0].fd(), pipes[0].0.as_raw_fd());
}

/// The rotation as documented: each wait reports the ready fds from the cursor up, then
/// those below it, in fd order, as many as fit; if some did not fit the next wait starts
/// at the first of them, otherwise at 0.
fn model_wait(ready: &[(i32, Interest)], cursor: &mut i32, cap: usize) -> Vec<(i32, Interest)> {
    let order: Vec<_> = ready
        .iter()
        .filter(|e| e.0 >= *cursor)
        .chain(ready.iter().filter(|e| e.0 < *cursor))
        .copied()
        .collect();
    *cursor = order.get(cap).map_or(0, |e| e.0);
    order.into_iter().take(cap).collect()
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn rotation_across_words_and_sets_matches_the_model() {
    use select_core::testing::{dup_at, socketpair};
    use std::os::fd::{AsFd, OwnedFd};
    // Read ends, write ends and a socket watched for both, at fd numbers on both sides
    // of word boundaries (64-bit and 32-bit words alike), plus whatever pipe() gives.
    let mut keep: Vec<OwnedFd> = Vec::new();
    let mut regs: Vec<(i32, Interest)> = Vec::new();
    let place = |fd: std::os::fd::BorrowedFd<'_>, at: i32, keep: &mut Vec<OwnedFd>| {
        // No other test of this binary places fds this high: a clash is a bug.
        keep.push(dup_at(fd.as_raw_fd(), at).unwrap_or_else(|e| panic!("dup_at({at}): {e}")));
        keep.last().unwrap().as_raw_fd()
    };
    let pipes: Vec<_> = (0..4).map(|_| pipe()).collect();
    for (i, (r, w)) in pipes.iter().enumerate() {
        (&*w).write_all(b"x").unwrap();
        let rfd = place(r.as_fd(), [700, 703, 767, 801][i], &mut keep);
        regs.push((rfd, Interest::READ));
        let wfd = place(w.as_fd(), [704, 736, 768, 895][i], &mut keep);
        regs.push((wfd, Interest::WRITE));
    }
    let (a, b) = socketpair();
    (&b).write_all(b"x").unwrap();
    let afd = place(a.as_fd(), 735, &mut keep);
    regs.push((afd, Interest::READ | Interest::WRITE));
    // Low fds straight from pipe(), below the placed ones.
    let (lr, lw) = pipe();
    (&lw).write_all(b"x").unwrap();
    regs.push((lr.as_raw_fd(), Interest::READ));
    regs.push((lw.as_raw_fd(), Interest::WRITE));
    // An idle read end: never reported.
    let (idle, _idle_w) = pipe();
    // A readable wake fd among them: never an event, but always `woken`.
    let (wr, ww) = pipe();
    (&ww).write_all(b"x").unwrap();
    let wake = place(wr.as_fd(), 740, &mut keep);

    // All three sets in use, and the read set alone.
    let read_only: Vec<_> = regs
        .iter()
        .filter(|e| e.1 == Interest::READ)
        .copied()
        .collect();
    for regs in [regs, read_only] {
        let mut ready = regs.clone();
        ready.sort_by_key(|e| e.0);
        for cap in [1, 2, 3, 5, ready.len(), ready.len() + 1] {
            let mut sel = SelectSelector::new().unwrap();
            for &(fd, interest) in &regs {
                sel.register(&fd, interest, ()).unwrap();
            }
            sel.register(&idle, Interest::READ, ()).unwrap();
            sel.set_wake_fd(Some(wake)).unwrap();
            let mut events = Events::with_capacity(cap);
            let mut cursor = 0;
            for round in 0..2 * ready.len() {
                let want = model_wait(&ready, &mut cursor, cap);
                let n = sel.select(&mut events, LONG).unwrap();
                let got: Vec<_> = events.iter().map(|e| (e.fd(), e.ready())).collect();
                assert_eq!(n, got.len());
                assert!(events.woken());
                assert_eq!(
                    got,
                    want,
                    "capacity {cap}, wait {round}, {} fds",
                    regs.len()
                );
            }
        }
    }
}
