//! DefaultSelector's fallback on Windows: AFD first, Winsock's `select` when AFD cannot
//! be used — no `\Device\Afd` to open, or `SIO_BASE_HANDLE` refused as a layered service
//! provider refuses it. Neither can be arranged on a real machine from a test, so the
//! failures come from the fault seam of select-afd's `sys` module (`--cfg select_faults`,
//! run by the Windows stage of `.ci/run`): the named call fails with the planned Windows
//! error instead of reaching the system, and everything after it is real.
//!
//! Each test first checks that without the fault this machine picks AFD, so a pass says
//! that the fault, and nothing else, changed the choice.
#![cfg(all(windows, select_faults))]

use std::io::{self, Write};
use std::time::Duration;

use select_core::fault;
use select_core::testing::{drain, tcp_pair};
use select_facade::{
    AfdSelector, Backend, DefaultSelector, Events, Interest, Selector, BACKEND_ENV,
};

/// The fault site of `NtCreateFile` on `\Device\Afd` (select-afd's sys module).
const OPEN_DEVICE: &str = "NtCreateFile(\\Device\\Afd)";
/// The fault site of `WSAIoctl(SIO_BASE_HANDLE)`.
const BASE_HANDLE: &str = "WSAIoctl(SIO_BASE_HANDLE)";
/// `ERROR_FILE_NOT_FOUND`: what opening a device that is not there gives.
const ERROR_FILE_NOT_FOUND: i32 = 2;
/// `WSAEOPNOTSUPP`: what a layered provider answers to `SIO_BASE_HANDLE`.
const WSAEOPNOTSUPP: i32 = 10045;

const LONG: Option<Duration> = Some(Duration::from_secs(5));

/// AFD is what this machine picks when nothing fails (and `SELECT_BACKEND` is unset,
/// as the fallback rule is about the probe, not the override).
fn afd_is_the_default_here() {
    assert!(
        std::env::var_os(BACKEND_ENV).is_none_or(|v| v.is_empty()),
        "{BACKEND_ENV} is set: this suite checks the probe, run it without the override"
    );
    fault::reset();
    let sel = DefaultSelector::<u8>::new().unwrap();
    assert_eq!(sel.backend(), Backend::Afd, "the control: no fault, AFD");
}

/// What `sel` reports for one wait: (key data, interest) of each ready key.
fn ready(sel: &mut DefaultSelector<u8>, events: &mut Events) -> Vec<(u8, Interest)> {
    sel.select(events, LONG).unwrap();
    sel.ready_keys(events).map(|(k, i)| (k.data, i)).collect()
}

/// `sel` serves a TCP pair end to end: writable at once, readable after the peer writes.
fn serves_a_connection(sel: &mut DefaultSelector<u8>) {
    let (a, mut b) = tcp_pair();
    let mut events = Events::with_capacity(4);
    sel.register(&a, Interest::READ | Interest::WRITE, 7)
        .unwrap();
    assert_eq!(ready(sel, &mut events), [(7, Interest::WRITE)]);
    b.write_all(b"x").unwrap();
    sel.modify(&a, Interest::READ, 8).unwrap();
    assert_eq!(ready(sel, &mut events), [(8, Interest::READ)]);
    assert_eq!(drain(&a), 1);
    sel.unregister(&a).unwrap();
    assert_eq!(sel.len(), 0);
}

/// Asserts `e` is the planned Windows error, its code kept for callers to match.
fn is_planned(e: &io::Error, code: i32) {
    assert_eq!(e.raw_os_error(), Some(code), "{e}");
}

#[test]
fn no_afd_device_falls_back_to_select() {
    afd_is_the_default_here();

    fault::fail_next(OPEN_DEVICE, ERROR_FILE_NOT_FOUND);
    let mut sel = DefaultSelector::<u8>::new().unwrap();
    assert!(
        fault::unfired().is_empty(),
        "the probe never opened the device"
    );
    assert_eq!(sel.backend(), Backend::Select);
    serves_a_connection(&mut sel);

    // Asked for by name, AFD is not replaced: its error comes back.
    fault::fail_next(OPEN_DEVICE, ERROR_FILE_NOT_FOUND);
    let e = DefaultSelector::<u8>::with_backend(Backend::Afd).unwrap_err();
    is_planned(&e, ERROR_FILE_NOT_FOUND);
    fault::fail_next(OPEN_DEVICE, ERROR_FILE_NOT_FOUND);
    let e = AfdSelector::<u8>::new().unwrap_err();
    is_planned(&e, ERROR_FILE_NOT_FOUND);
    assert!(fault::unfired().is_empty());

    // The device is back: AFD again.
    afd_is_the_default_here();
}

#[test]
fn a_refused_base_handle_falls_back_to_select() {
    afd_is_the_default_here();

    fault::fail_next(BASE_HANDLE, WSAEOPNOTSUPP);
    let mut sel = DefaultSelector::<u8>::new().unwrap();
    assert!(
        fault::unfired().is_empty(),
        "the probe never asked for a base handle"
    );
    assert_eq!(sel.backend(), Backend::Select);
    serves_a_connection(&mut sel);

    fault::fail_next(BASE_HANDLE, WSAEOPNOTSUPP);
    let e = DefaultSelector::<u8>::with_backend(Backend::Afd).unwrap_err();
    is_planned(&e, WSAEOPNOTSUPP);
    afd_is_the_default_here();
}

/// A socket whose base handle is refused after the selector was made (a provider
/// installed for some sockets only): that registration fails with Winsock's error and
/// leaves the selector as it was; the next one goes through.
#[test]
fn a_refused_base_handle_at_register_leaves_the_selector_as_it_was() {
    afd_is_the_default_here();
    let mut sel = DefaultSelector::<u8>::new().unwrap();
    let (a, mut b) = tcp_pair();

    fault::fail_next(BASE_HANDLE, WSAEOPNOTSUPP);
    let e = sel.register(&a, Interest::READ, 1).unwrap_err();
    is_planned(&e, WSAEOPNOTSUPP);
    assert_eq!(sel.len(), 0);
    assert_eq!(sel.get_key(&a).unwrap_err().kind(), io::ErrorKind::NotFound);
    b.write_all(b"x").unwrap();
    let mut events = Events::with_capacity(4);
    let short = Some(Duration::from_millis(50));
    assert_eq!(
        sel.select(&mut events, short).unwrap(),
        0,
        "a refused registration is reported"
    );

    sel.register(&a, Interest::READ, 2).unwrap();
    assert_eq!(ready(&mut sel, &mut events), [(2, Interest::READ)]);

    // A refused modify keeps the old registration, in the selector and in the kernel.
    fault::fail_next(BASE_HANDLE, WSAEOPNOTSUPP);
    let e = sel.modify(&a, Interest::WRITE, 3).unwrap_err();
    is_planned(&e, WSAEOPNOTSUPP);
    assert_eq!(sel.get_key(&a).unwrap().data, 2);
    assert_eq!(ready(&mut sel, &mut events), [(2, Interest::READ)]);
}
