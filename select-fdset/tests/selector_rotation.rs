//! SelectSelector: a bounded Events buffer is filled in rotation, so no ready fd starves.

use std::collections::BTreeSet;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::Duration;

use select_core::testing::pipe;
use select_fdset::{Events, Interest, SelectSelector, Selector};

const LONG: Option<Duration> = Some(Duration::from_secs(5));

#[test]
fn capacity_one_rotates_across_three_ready_fds() {
    let pipes: Vec<_> = (0..3).map(|_| pipe()).collect();
    let mut sel = SelectSelector::new().unwrap();
    for (r, w) in &pipes {
        sel.register(r, Interest::READ, ()).unwrap();
        (&*w).write_all(b"x").unwrap();
    }
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
fn capacity_two_over_five_reports_everyone_within_three_waits() {
    let pipes: Vec<_> = (0..5).map(|_| pipe()).collect();
    let mut sel = SelectSelector::new().unwrap();
    for (r, w) in &pipes {
        sel.register(r, Interest::READ, ()).unwrap();
        (&*w).write_all(b"x").unwrap();
    }
    let mut events = Events::with_capacity(2);
    let mut seen = BTreeSet::new();
    for _ in 0..3 {
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 2);
        seen.extend(events.iter().map(|e| e.fd()));
    }
    assert_eq!(seen.len(), 5);
}

#[test]
fn rotation_survives_the_ready_set_changing() {
    let pipes: Vec<_> = (0..3).map(|_| pipe()).collect();
    let mut sel = SelectSelector::new().unwrap();
    for (r, _) in &pipes {
        sel.register(r, Interest::READ, ()).unwrap();
    }
    let mut events = Events::with_capacity(1);
    (&pipes[2].1).write_all(b"x").unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    // The cursor now points past the highest ready fd; a lower one is still found.
    sel.unregister(&pipes[2].0).unwrap();
    (&pipes[0].1).write_all(b"x").unwrap();
    assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
    assert_eq!(events.as_slice()[0].fd(), pipes[0].0.as_raw_fd());
}
