//! select(): negative fds, closed fds and the platform's fd limit give clear errors.
#![cfg(unix)]

use std::io::ErrorKind;
use std::os::fd::{AsFd, AsRawFd};

use select_core::testing::{is_open, pipe};
use select_fdset::{select, Ready, Select};

mod common;
use common::{at, with_high_fds, LONG};

#[test]
fn negative_fd_is_invalid_input_naming_it() {
    let (r, _w) = pipe();
    let raw = r.as_raw_fd();
    for (rl, wl, xl) in [
        (vec![&-1], vec![], vec![]),
        (vec![&raw], vec![&-5], vec![]),
        (vec![], vec![], vec![&raw, &-12345]),
    ] {
        let e = select(&rl, &wl, &xl, LONG).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let bad = rl.iter().chain(&wl).chain(&xl).find(|f| ***f < 0).unwrap();
        assert!(e.to_string().contains(&bad.to_string()), "{e}");
        assert!(e.to_string().contains("negative"), "{e}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn closed_fd_is_ebadf() {
    with_high_fds(|| {
        // A number inside the fd table: the kernel itself refuses it.
        let (r, _w) = pipe();
        let keep = at(r.as_fd(), 3100)?;
        let gone = at(r.as_fd(), 3000)?;
        drop(gone);
        assert!(!is_open(3000));
        let e = select(&[&3000, &keep.as_raw_fd()], &[], &[], LONG).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        let e = select(&[&keep.as_raw_fd()], &[&3000], &[], LONG).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        Some(())
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn never_opened_high_fd_is_ebadf_too() {
    // Beyond the fd table the kernel would silently ignore the fd; it must not.
    for fd in [19_999, 1 << 20, i32::MAX] {
        if is_open(fd) {
            continue;
        }
        let e = select(&[&fd], &[], &[], LONG).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF), "fd {fd}");
        let (mut sel, mut ready) = (Select::new(), Ready::new());
        let e = sel
            .select_into(&[], &[], &[fd], None, &mut ready)
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF), "fd {fd}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn errors_leave_the_select_object_usable() {
    let (r, w) = pipe();
    let (mut sel, mut ready) = (Select::new(), Ready::new());
    assert!(sel.select_into(&[-1], &[], &[], LONG, &mut ready).is_err());
    assert!(
        sel.select_into(&[19_998], &[], &[], LONG, &mut ready)
            .is_err()
            || is_open(19_998)
    );
    let n = sel
        .select_into(&[r.as_raw_fd()], &[w.as_raw_fd()], &[], LONG, &mut ready)
        .unwrap();
    assert_eq!((n, ready.write()), (1, &[0usize][..]));
}
