//! The action flags: `EV_ONESHOT`, `EV_CLEAR`, `EV_DISABLE`/`EV_ENABLE`, `EV_DELETE`,
//! `EV_DISPATCH` and `EV_RECEIPT`.
#![cfg(any(
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_vendor = "apple",
    all(target_os = "linux", feature = "libkqueue")
))]

use std::io::Write;
use std::time::Duration;

use select_core::testing::{drain, pipe};
use select_kqueue::*;

const LONG: Option<Duration> = Some(Duration::from_secs(5));
const NOW: Option<Duration> = Some(Duration::ZERO);

fn ready_pipe() -> (std::io::PipeReader, std::io::PipeWriter) {
    let (r, mut w) = pipe();
    w.write_all(b"x").unwrap();
    (r, w)
}

#[test]
fn oneshot_fires_once_then_is_gone() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = ready_pipe();
    let add = KEvent::for_fd(&r)
        .unwrap()
        .with_flags(KQ_EV_ADD | KQ_EV_ONESHOT);
    let ev = kq.control(&[add], 1, LONG).unwrap();
    assert_eq!(ev.len(), 1);
    assert_ne!(ev[0].flags() & KQ_EV_ONESHOT, 0, "{:?}", ev[0]);
    // Still readable, but the event deleted itself.
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    let del = KEvent::for_fd(&r).unwrap().with_flags(KQ_EV_DELETE);
    let e = kq.control(&[del], 0, None).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
}

#[test]
fn clear_reports_each_change_once() {
    let kq = Kqueue::new().unwrap();
    let (r, mut w) = ready_pipe();
    let add = KEvent::for_fd(&r)
        .unwrap()
        .with_flags(KQ_EV_ADD | KQ_EV_CLEAR);
    assert_eq!(kq.control(&[add], 1, LONG).unwrap().len(), 1);
    // No new data: nothing, though the byte is still unread.
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    w.write_all(b"y").unwrap();
    let ev = kq.control(&[], 1, LONG).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].data(), 2);
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
}

#[test]
fn disable_and_enable() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = ready_pipe();
    kq.control(&[KEvent::for_fd(&r).unwrap()], 0, None).unwrap();
    let disable = KEvent::for_fd(&r).unwrap().with_flags(KQ_EV_DISABLE);
    assert!(kq.control(&[disable], 1, NOW).unwrap().is_empty());
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    let enable = KEvent::for_fd(&r).unwrap().with_flags(KQ_EV_ENABLE);
    assert_eq!(kq.control(&[enable], 1, LONG).unwrap().len(), 1);
    assert!(kq.control(&[disable], 1, NOW).unwrap().is_empty());
    assert_eq!(kq.control(&[enable], 1, LONG).unwrap().len(), 1);
}

#[test]
fn add_disabled_then_enable() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = ready_pipe();
    let add = KEvent::for_fd(&r)
        .unwrap()
        .with_flags(KQ_EV_ADD | KQ_EV_DISABLE);
    let ev = kq.control(&[add], 1, NOW).unwrap();
    // libkqueue deviation: EV_ADD | EV_DISABLE leaves the filter enabled (it arms the
    // filter and does not apply the EV_DISABLE), so a ready fd is reported at once.
    if !cfg!(target_os = "linux") {
        assert!(ev.is_empty(), "{ev:?}");
        assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    }
    let enable = KEvent::for_fd(&r).unwrap().with_flags(KQ_EV_ENABLE);
    assert_eq!(kq.control(&[enable], 1, LONG).unwrap().len(), 1);
}

#[test]
fn delete_removes_and_a_second_delete_is_enoent() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = ready_pipe();
    kq.control(&[KEvent::for_fd(&r).unwrap()], 0, None).unwrap();
    assert_eq!(kq.control(&[], 1, LONG).unwrap().len(), 1);
    let del = KEvent::for_fd(&r).unwrap().with_flags(KQ_EV_DELETE);
    assert!(kq.control(&[del], 1, NOW).unwrap().is_empty());
    // Nothing left: with room, the refusal comes back as an EV_ERROR event...
    let ev = kq.control(&[del], 1, NOW).unwrap();
    assert_eq!(ev.len(), 1);
    assert!(ev[0].is_error());
    assert_eq!(ev[0].data(), libc::ENOENT as Data);
    assert_eq!(ev[0].error().unwrap().kind(), std::io::ErrorKind::NotFound);
    // ...and without room, as the call's error.
    let e = kq.control(&[del], 0, None).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
}

#[test]
fn dispatch_disables_after_each_report() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = ready_pipe();
    let add = KEvent::for_fd(&r)
        .unwrap()
        .with_flags(KQ_EV_ADD | KQ_EV_DISPATCH);
    assert_eq!(kq.control(&[add], 1, LONG).unwrap().len(), 1);
    assert!(kq.control(&[], 1, NOW).unwrap().is_empty());
    let enable = KEvent::for_fd(&r).unwrap().with_flags(KQ_EV_ENABLE);
    assert_eq!(kq.control(&[enable], 1, LONG).unwrap().len(), 1);
}

#[test]
fn receipt_acknowledges_without_draining() {
    let kq = Kqueue::new().unwrap();
    let (r, _w) = ready_pipe();
    let (r2, _w2) = pipe();
    let changes = [
        KEvent::for_fd(&r)
            .unwrap()
            .with_flags(KQ_EV_ADD | KQ_EV_RECEIPT),
        KEvent::for_fd(&r2)
            .unwrap()
            .with_flags(KQ_EV_ADD | KQ_EV_RECEIPT),
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
    let ev = kq.control(&[], 2, LONG).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(drain(&r), 1);
}
