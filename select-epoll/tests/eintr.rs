//! EINTR (PEP 475): a storm of signals during a wait neither surfaces as an error nor
//! shortens the wait.
#![cfg(any(target_os = "linux", target_os = "android"))]

mod common;

use std::time::Duration;

use common::*;
use select_core::testing::{under_signal_storm, under_signal_storm_until_written};
use select_core::{Events, Interest, Selector};
use select_epoll::EpollSelector;

const STORM: Duration = Duration::from_micros(500);
const TIMEOUT: Duration = Duration::from_millis(200);

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_during_a_200ms_wait() {
    let (ep, _r, _w) = epoll_on_reader();
    let s = under_signal_storm(STORM, || ep.poll(Some(TIMEOUT), -1).unwrap());
    assert!(s.value.is_empty());
    s.assert_waited_out(TIMEOUT, SOON, 10);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_during_a_blocking_wait_ended_by_data() {
    let (ep, _r, w) = epoll_on_reader();
    let delay = Duration::from_millis(100);
    let s = under_signal_storm_until_written(STORM, delay, w, || ep.poll(None, -1).unwrap());
    assert!(s.sent > 0);
    assert_eq!(s.value.len(), 1);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_during_a_selector_wait() {
    let mut sel = EpollSelector::new().unwrap();
    let (r, _w) = pipe();
    sel.register(&r, Interest::READ, ()).unwrap();
    let mut events = Events::with_capacity(4);
    let s = under_signal_storm(STORM, || sel.select(&mut events, Some(TIMEOUT)).unwrap());
    assert_eq!(s.value, 0);
    s.assert_waited_out(TIMEOUT, SOON, 0);
}
