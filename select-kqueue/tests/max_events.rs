//! `max_events`: fewer slots than ready events, fairness across calls, and 0.
#![cfg(has_kqueue)]

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::*;
use select_kqueue::*;

#[test]
fn fewer_slots_than_ready_events_and_every_one_gets_a_turn() {
    let kq = Kqueue::new().unwrap();
    let pipes = ready_pipes(10);
    let changes: Vec<KEvent> = pipes
        .iter()
        .map(|(r, _)| KEvent::for_fd(r).unwrap())
        .collect();
    kq.control(&changes, 0, None).unwrap();
    let mut seen = HashSet::new();
    for _ in 0..4 {
        let ev = kq.control(&[], 3, SOON).unwrap();
        assert_eq!(ev.len(), 3, "never more than max_events");
        seen.extend(ev.iter().map(KEvent::ident));
    }
    // Level-triggered events go back behind the others: 4 calls of 3 cover all 10.
    assert_eq!(seen.len(), 10, "starved: {seen:?}");
    assert_eq!(kq.control(&[], 64, SOON).unwrap().len(), 10);
}

#[test]
fn zero_max_events_applies_changes_and_returns_at_once() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = ready_pipe();
    let start = Instant::now();
    // Python's bpo-29255: with maxevents 0 the timeout, even None, does not block.
    let ev = kq.control(&[KEvent::for_fd(&r).unwrap()], 0, None).unwrap();
    assert!(ev.is_empty());
    assert!(kq.control(&[], 0, None).unwrap().is_empty());
    assert!(kq
        .control(&[], 0, Some(Duration::from_secs(10)))
        .unwrap()
        .is_empty());
    assert!(start.elapsed() < Duration::from_secs(2));
    // The change was applied.
    assert_eq!(kq.control(&[], 1, SOON).unwrap().len(), 1);
}

#[test]
fn empty_changelist_with_events() {
    let kq = Kqueue::new().unwrap();
    assert!(kq.control(&[], 8, NOW).unwrap().is_empty());
}
