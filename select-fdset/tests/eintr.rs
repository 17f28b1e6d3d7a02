//! PEP 475: a signal storm neither shortens a timed select nor makes it fail.
#![cfg(unix)]

use std::time::Duration;

use select_core::testing::{pipe, under_signal_storm, under_signal_storm_until_written, Stormed};
use select_fdset::{select, Events, Interest, Ready, Select, SelectSelector, Selector};

const TIMEOUT: Duration = Duration::from_millis(200);
const STORM: Duration = Duration::from_micros(300);

#[track_caller]
fn check_elapsed<T>(s: &Stormed<T>) {
    s.assert_waited_out(TIMEOUT, TIMEOUT + Duration::from_secs(3), 10);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_does_not_shorten_select() {
    let (r, _w) = pipe();
    let s = under_signal_storm(STORM, || select(&[&r], &[], &[&r], Some(TIMEOUT)).unwrap());
    let (rr, ww, xx) = &s.value;
    assert!(rr.is_empty() && ww.is_empty() && xx.is_empty());
    check_elapsed(&s);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_does_not_shorten_empty_sleep() {
    let none: [&i32; 0] = [];
    let s = under_signal_storm(STORM, || {
        select(&none, &none, &none, Some(TIMEOUT)).unwrap()
    });
    assert!(s.value.0.is_empty());
    check_elapsed(&s);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_does_not_shorten_select_object_or_selector() {
    let (r, _w) = pipe();
    let mut sel = Select::new();
    let mut ready = Ready::new();
    let s = under_signal_storm(STORM, || {
        sel.select_into(&[&r], &[], &[], Some(TIMEOUT), &mut ready)
            .unwrap()
    });
    assert_eq!(s.value, 0);
    check_elapsed(&s);

    let mut selector = SelectSelector::new().unwrap();
    selector.register(&r, Interest::READ, ()).unwrap();
    let mut events = Events::with_capacity(4);
    let s = under_signal_storm(STORM, || {
        selector.select(&mut events, Some(TIMEOUT)).unwrap()
    });
    assert_eq!(s.value, 0);
    check_elapsed(&s);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn blocking_select_survives_a_storm_until_ready() {
    let (r, w) = pipe();
    // Let the storm hit the blocked select for a while before ending it.
    let delay = Duration::from_millis(50);
    let s = under_signal_storm_until_written(STORM, delay, w, || {
        select(&[&r], &[], &[], None).unwrap().0.len()
    });
    assert_eq!(s.value, 1);
    assert!(s.sent > 0);
}
