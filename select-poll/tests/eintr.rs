//! EINTR: a wait interrupted by signals is resumed with the remaining time (PEP 475).
#![cfg(unix)]

mod common;

use std::os::fd::AsRawFd;
use std::time::Duration;

use common::poll_on_reader;
use select_core::testing::{pipe, under_signal_storm, under_signal_storm_until_written};
use select_core::{Events, Interest, Selector};
use select_poll::{PollFlags, PollSelector};

const STORM: Duration = Duration::from_micros(500);
const TIMEOUT: Duration = Duration::from_millis(200);
const UNDER: Duration = Duration::from_secs(5);

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn poll_waits_its_full_timeout_through_a_signal_storm() {
    let (mut p, _r, _w) = poll_on_reader();
    let s = under_signal_storm(STORM, || p.poll(Some(TIMEOUT)).unwrap());
    assert!(s.value.is_empty());
    s.assert_waited_out(TIMEOUT, UNDER, 0);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn a_blocking_poll_survives_a_storm_and_sees_the_write() {
    let (mut p, r, w) = poll_on_reader();
    // `w` kept open: a hang-up must not be what ends the wait.
    let delay = Duration::from_millis(100);
    let s = under_signal_storm_until_written(STORM, delay, w, || p.poll(None).unwrap());
    assert!(s.sent > 0);
    assert_eq!(s.value, vec![(r.as_raw_fd(), PollFlags::POLLIN)]);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn the_selector_waits_its_full_timeout_through_a_signal_storm() {
    let (r, _w) = pipe();
    let mut sel = PollSelector::new().unwrap();
    sel.register(&r, Interest::READ, ()).unwrap();
    let mut events = Events::with_capacity(8);
    let s = under_signal_storm(STORM, || sel.select(&mut events, Some(TIMEOUT)).unwrap());
    assert_eq!(s.value, 0);
    assert!(events.is_empty());
    s.assert_waited_out(TIMEOUT, UNDER, 0);
}
