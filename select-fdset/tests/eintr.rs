//! PEP 475: a signal storm neither shortens a timed select nor makes it fail.
#![cfg(unix)]

use std::io::Write;
use std::time::{Duration, Instant};

use select_core::testing::{pipe, SignalStorm};
use select_fdset::{select, Events, Interest, Ready, Select, SelectSelector, Selector};

const TIMEOUT: Duration = Duration::from_millis(200);
const STORM: Duration = Duration::from_micros(300);

fn check_elapsed(start: Instant, sent: usize) {
    let elapsed = start.elapsed();
    assert!(sent > 10, "the storm sent only {sent} signals");
    assert!(elapsed >= TIMEOUT, "returned early after {elapsed:?}");
    assert!(elapsed < TIMEOUT + Duration::from_secs(3), "{elapsed:?}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_does_not_shorten_select() {
    let (r, _w) = pipe();
    let storm = SignalStorm::start(STORM).unwrap();
    let start = Instant::now();
    let (rr, ww, xx) = select(&[&r], &[], &[&r], Some(TIMEOUT)).unwrap();
    let sent = storm.stop();
    assert!(rr.is_empty() && ww.is_empty() && xx.is_empty());
    check_elapsed(start, sent);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn storm_does_not_shorten_empty_sleep() {
    let storm = SignalStorm::start(STORM).unwrap();
    let start = Instant::now();
    let none: [&i32; 0] = [];
    let (rr, _, _) = select(&none, &none, &none, Some(TIMEOUT)).unwrap();
    let sent = storm.stop();
    assert!(rr.is_empty());
    check_elapsed(start, sent);
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
    let storm = SignalStorm::start(STORM).unwrap();
    let start = Instant::now();
    let n = sel
        .select_into(&[&r], &[], &[], Some(TIMEOUT), &mut ready)
        .unwrap();
    let sent = storm.stop();
    assert_eq!(n, 0);
    check_elapsed(start, sent);

    let mut selector = SelectSelector::new().unwrap();
    selector.register(&r, Interest::READ, ()).unwrap();
    let mut events = Events::with_capacity(4);
    let storm = SignalStorm::start(STORM).unwrap();
    let start = Instant::now();
    let n = selector.select(&mut events, Some(TIMEOUT)).unwrap();
    let sent = storm.stop();
    assert_eq!(n, 0);
    check_elapsed(start, sent);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn blocking_select_survives_a_storm_until_ready() {
    let (r, mut w) = pipe();
    let storm = SignalStorm::start(STORM).unwrap();
    let (rr, _, _) = std::thread::scope(|s| {
        s.spawn(move || {
            // Let the storm hit the blocked select for a while before ending it.
            std::thread::sleep(Duration::from_millis(50));
            w.write_all(b"x").unwrap();
        });
        select(&[&r], &[], &[], None).unwrap()
    });
    let sent = storm.stop();
    assert_eq!(rr.len(), 1);
    assert!(sent > 0);
}
