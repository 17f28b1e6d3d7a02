//! Per-change errors: `EV_ERROR` events when there is room, the call's error when not;
//! and bad arguments.
#![cfg(has_kqueue)]

mod common;

use std::io;

use common::*;
use select_core::testing::pipe;
use select_kqueue::*;

/// An fd number above the open-files hard limit: never open, so `EBADF`.
const BAD_FD: usize = 100_000;

/// A new kqueue, and the result of adding the read filter of [`BAD_FD`] to it with room
/// for `max_events` events (without waiting).
fn add_bad_fd(max_events: usize) -> (Kqueue, io::Result<Vec<KEvent>>) {
    let kq = Kqueue::new().unwrap();
    let result = kq.control(&[KEvent::new(BAD_FD)], max_events, NOW);
    (kq, result)
}

#[test]
fn adding_a_closed_fd_gives_an_ev_error_event() {
    let ev = add_bad_fd(1).1.unwrap();
    assert_eq!(ev.len(), 1);
    let e = ev[0];
    assert!(e.is_error(), "{e:?}");
    assert_eq!(e.ident(), BAD_FD);
    assert_eq!(e.filter(), KQ_FILTER_READ);
    assert_eq!(e.data(), libc::EBADF as Data);
    assert_eq!(e.error().unwrap().raw_os_error(), Some(libc::EBADF));
}

#[test]
fn without_room_the_error_is_the_calls() {
    let (kq, result) = add_bad_fd(0);
    assert_eq!(result.unwrap_err().raw_os_error(), Some(libc::EBADF));
    let mut buf = Vec::new();
    let e = kq
        .control_into(&[KEvent::new(BAD_FD)], &mut buf, None)
        .unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EBADF));
}

#[test]
fn good_and_bad_changes_in_one_list() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = pipe();
    let changes = [KEvent::new(BAD_FD), KEvent::for_fd(&r).unwrap()];
    let ev = kq.control(&changes, 2, NOW).unwrap();
    // libkqueue deviation: when the eventlist has room left after the EV_ERROR entries
    // and the wait then times out, it returns 0 and the error entries are lost.
    if !cfg!(target_os = "linux") {
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(ev[0].ident(), BAD_FD);
        assert!(ev[0].is_error());
    }
    // The good change after the bad one was applied.
    let del = change(&r, KQ_EV_DELETE);
    kq.control(&[del], 0, None).unwrap();
}

#[test]
fn deleting_an_unknown_event_is_enoent() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = pipe();
    assert_enoent(&kq, change(&r, KQ_EV_DELETE));
}

#[test]
fn unknown_filter_is_einval() {
    let kq = Kqueue::new().unwrap();
    let weird = KEvent::new(0).with_filter(-100i16 as Filter);
    let ev = kq.control(&[weird], 1, NOW).unwrap();
    assert_eq!(ev.len(), 1);
    assert!(ev[0].is_error());
    assert_eq!(ev[0].data(), libc::EINVAL as Data);
}

#[test]
fn max_events_beyond_c_int_is_refused() {
    let kq = Kqueue::new().unwrap();
    let e = kq.control(&[], i32::MAX as usize + 1, NOW).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("2147483648"), "{e}");
    let e = kq.control(&[], usize::MAX, NOW).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
}
