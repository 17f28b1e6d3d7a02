//! The action flags: `EV_ONESHOT`, `EV_CLEAR`, `EV_DISABLE`/`EV_ENABLE`, `EV_DELETE`,
//! `EV_DISPATCH` and `EV_RECEIPT`.
#![cfg(has_kqueue)]

mod common;

use std::io::{PipeReader, PipeWriter, Write};
use std::time::Duration;

use common::*;
use select_core::testing::{drain, pipe};
use select_kqueue::*;

/// A new kqueue and a readable pipe, with what adding the pipe's read filter with
/// `EV_ADD | flags` reports (room for one event, waiting at most `timeout`).
fn add_readable(
    flags: Flags,
    timeout: Option<Duration>,
) -> (Kqueue, PipeReader, PipeWriter, Vec<KEvent>) {
    let kq = Kqueue::new().unwrap();
    let (r, w) = ready_pipe();
    let ev = kq.control(&[change(&r, KQ_EV_ADD | flags)], 1, timeout);
    (kq, r, w, ev.unwrap())
}

/// `EV_ENABLE` on the read filter of the readable `r` reports it (again).
fn assert_enable_reports(kq: &Kqueue, r: &PipeReader) {
    let enable = change(r, KQ_EV_ENABLE);
    assert_eq!(kq.control(&[enable], 1, SOON).unwrap().len(), 1);
}

#[test]
fn oneshot_fires_once_then_is_gone() {
    let (kq, r, _w, ev) = add_readable(KQ_EV_ONESHOT, SOON);
    assert_eq!(ev.len(), 1);
    assert_ne!(ev[0].flags() & KQ_EV_ONESHOT, 0, "{:?}", ev[0]);
    // Still readable, but the event deleted itself.
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    assert_enoent(&kq, change(&r, KQ_EV_DELETE));
}

#[test]
fn clear_reports_each_change_once() {
    let (kq, _r, mut w, ev) = add_readable(KQ_EV_CLEAR, SOON);
    assert_eq!(ev.len(), 1);
    // No new data: nothing, though the byte is still unread.
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    w.write_all(b"y").unwrap();
    let ev = kq.control(&[], 1, SOON).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].data(), 2);
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
}

#[test]
fn disable_and_enable() {
    let (r, _w) = ready_pipe();
    let kq = kqueue_watching(&r);
    let disable = change(&r, KQ_EV_DISABLE);
    assert!(kq.control(&[disable], 1, NOW).unwrap().is_empty());
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    assert_enable_reports(&kq, &r);
    assert!(kq.control(&[disable], 1, NOW).unwrap().is_empty());
    assert_enable_reports(&kq, &r);
}

#[test]
fn add_disabled_then_enable() {
    let (kq, r, _w, ev) = add_readable(KQ_EV_DISABLE, NOW);
    // libkqueue deviation: EV_ADD | EV_DISABLE leaves the filter enabled (it arms the
    // filter and does not apply the EV_DISABLE), so a ready fd is reported at once.
    if !cfg!(target_os = "linux") {
        assert!(ev.is_empty(), "{ev:?}");
        assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    }
    assert_enable_reports(&kq, &r);
}

#[test]
fn delete_removes_and_a_second_delete_is_enoent() {
    let (r, _w) = ready_pipe();
    let kq = kqueue_watching(&r);
    assert_eq!(kq.control(&[], 1, SOON).unwrap().len(), 1);
    let del = change(&r, KQ_EV_DELETE);
    assert!(kq.control(&[del], 1, NOW).unwrap().is_empty());
    // Nothing left: with room, the refusal comes back as an EV_ERROR event...
    let ev = kq.control(&[del], 1, NOW).unwrap();
    assert_eq!(ev.len(), 1);
    assert!(ev[0].is_error());
    assert_eq!(ev[0].data(), libc::ENOENT as Data);
    assert_eq!(ev[0].error().unwrap().kind(), std::io::ErrorKind::NotFound);
    // ...and without room, as the call's error.
    assert_enoent(&kq, del);
}

#[test]
fn dispatch_disables_after_each_report() {
    let (kq, r, _w, ev) = add_readable(KQ_EV_DISPATCH, SOON);
    assert_eq!(ev.len(), 1);
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    assert_enable_reports(&kq, &r);
}

#[test]
fn receipt_acknowledges_without_draining() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = ready_pipe();
    let (r2, _w2) = pipe();
    let changes = [
        change(&r, KQ_EV_ADD | KQ_EV_RECEIPT),
        change(&r2, KQ_EV_ADD | KQ_EV_RECEIPT),
    ];
    let ev = kq.control(&changes, 2, NOW).unwrap();
    assert_eq!(ev.len(), 2, "{ev:?}");
    for (e, ch) in ev.iter().zip(&changes) {
        assert!(e.is_error(), "{e:?}");
        assert_eq!(e.data(), 0);
        assert!(e.error().is_none());
        assert_eq!(e.ident(), ch.ident());
    }
    // The readable pipe is reported by the next call.
    let ev = kq.control(&[], 2, SOON).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(drain(&r), 1);
}
