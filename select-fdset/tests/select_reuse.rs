//! A reused `Select` keeps nothing of an earlier call: after a wait, a timeout or an
//! error, the fds of that call are no longer watched, even once closed.
//!
//! Each test closes fds at numbers of its own (placed with `dup_at`, so no other test
//! in this binary reuses them) and then waits with an open fd above them: a stale bit
//! would reach the kernel and fail that wait with EBADF.
#![cfg(unix)]

use std::io::ErrorKind;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

use select_core::testing::{dup_at_or_skip, is_open, pipe};
use select_fdset::{Ready, Select};

mod common;
use common::{readable_pipe, LONG, ZERO};

/// One case: `calls` runs on a new `Select` and `Ready` (and ends with
/// [`check_clean`]), unless fds above 1024 cannot be used here; it returns `None` when it
/// could not place its fds (both said out loud).
fn reuse_case(calls: impl FnOnce(&mut Select, &mut Ready) -> Option<()>) {
    common::with_high_fds(|| calls(&mut Select::new(), &mut Ready::new()));
}

/// A readable pipe end duplicated to `at`, or `None` (said out loud) if the fd limit
/// keeps that number out of reach.
fn readable_at(at: RawFd) -> Option<OwnedFd> {
    let (r, _w) = readable_pipe();
    dup_at_or_skip(r.as_raw_fd(), at)
}

/// Waits on writers at a fresh low fd and at `high` (just above every number the test
/// closed, in the same word of the set, so the sets need not grow and be rebuilt): both
/// must be reported, and nothing else may trouble the kernel.
/// `None` if `high` is out of reach (said out loud).
fn check_clean(sel: &mut Select, ready: &mut Ready, high: RawFd) -> Option<()> {
    let (_r, w) = pipe();
    let hw = dup_at_or_skip(w.as_raw_fd(), high)?;
    let fds = [w.as_raw_fd(), hw.as_raw_fd()];
    let n = sel.select_into(&fds, &fds, &fds, LONG, ready).unwrap();
    assert_eq!((n, ready.write()), (2, &[0usize, 1][..]));
    assert!(ready.read().is_empty() && ready.except().is_empty());
    Some(())
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn ready_fds_of_an_earlier_call_are_forgotten() {
    reuse_case(|sel, ready| {
        let r = readable_at(3100)?;
        let fd = r.as_raw_fd();
        let n = sel.select_into(&[fd], &[fd], &[fd], LONG, ready).unwrap();
        assert_eq!((n, ready.read()), (1, &[0usize][..]));
        drop(r);
        assert!(!is_open(3100));
        check_clean(sel, ready, 3101)
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn fds_of_a_timed_out_call_are_forgotten() {
    reuse_case(|sel, ready| {
        let (r, _w) = pipe();
        let idle = dup_at_or_skip(r.as_raw_fd(), 3200)?;
        let n = sel
            .select_into(
                &[idle.as_raw_fd()],
                &[],
                &[idle.as_raw_fd()],
                Some(Duration::from_millis(5)),
                ready,
            )
            .unwrap();
        assert_eq!(n, 0);
        drop(idle);
        check_clean(sel, ready, 3201)
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn fds_of_a_call_refused_before_the_wait_are_forgotten() {
    reuse_case(|sel, ready| {
        let r = readable_at(3300)?;
        let fd = r.as_raw_fd();
        // Sets large enough for the fd, so that its bits are set as it is converted.
        assert_eq!(
            sel.select_into(&[fd], &[fd], &[fd], LONG, ready).unwrap(),
            1
        );
        // Converted (and its bits set), then a later element is refused.
        let e = sel
            .select_into(&[fd, fd], &[fd, -7], &[fd], LONG, ready)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(ready.is_empty());
        drop(r);
        check_clean(sel, ready, 3301)
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn fds_of_a_call_the_kernel_refused_are_forgotten() {
    reuse_case(|sel, ready| {
        let (Some(r), Some(gone), Some(top)) =
            (readable_at(3400), readable_at(3410), readable_at(3420))
        else {
            return None;
        };
        let gone_fd = gone.as_raw_fd();
        drop(gone);
        let fds = [r.as_raw_fd(), gone_fd, top.as_raw_fd()];
        let e = sel
            .select_into(&fds, &fds[..1], &fds[2..], LONG, ready)
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        assert!(ready.is_empty());
        drop((r, top));
        check_clean(sel, ready, 3421)
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn sets_grow_for_a_high_fd_and_shrink_back() {
    reuse_case(|sel, ready| {
        let (r, _w) = readable_pipe();
        let low = r.as_raw_fd();
        // Warm the sets on a low fd, then meet a high one in another list: that set grows.
        assert_eq!(sel.select_into(&[low], &[], &[], LONG, ready).unwrap(), 1);
        let high = readable_at(3500)?;
        let n = sel
            .select_into(&[low], &[], &[high.as_raw_fd(), low], LONG, ready)
            .unwrap();
        assert_eq!(
            (n, ready.read(), ready.except()),
            (1, &[0usize][..], &[][..])
        );
        let n = sel
            .select_into(&[high.as_raw_fd(), low], &[], &[], LONG, ready)
            .unwrap();
        assert_eq!((n, ready.read()), (2, &[0usize, 1][..]));
        drop(high);
        let n = sel.select_into(&[low], &[], &[], ZERO, ready).unwrap();
        assert_eq!((n, ready.read()), (1, &[0usize][..]));
        check_clean(sel, ready, 3501)
    });
}
