//! Creation: close-on-exec, sizehint validation, fd traits.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::io::ErrorKind;
use std::os::fd::{AsRawFd, IntoRawFd};

use select_epoll::Epoll;

/// The `flags:` field of /proc/self/fdinfo/N (octal).
fn fd_flags(fd: i32) -> u32 {
    let info = std::fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).unwrap();
    let line = info.lines().find(|l| l.starts_with("flags:")).unwrap();
    u32::from_str_radix(line.split_whitespace().nth(1).unwrap(), 8).unwrap()
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri has no /proc (the test reads the fd's flags and link there)"
)]
fn new_is_close_on_exec() {
    let ep = Epoll::new().unwrap();
    let fd = ep.fileno().unwrap();
    assert!(fd > 0);
    assert_eq!(fd, ep.as_raw_fd());
    assert_eq!(fd, ep.try_as_fd().unwrap().as_raw_fd());
    assert_ne!(fd_flags(fd) & libc::O_CLOEXEC as u32, 0);
    assert!(!ep.closed());
    let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
    assert_eq!(link.to_str().unwrap(), "anon_inode:[eventpoll]");
}

#[test]
fn sizehint_is_validated_like_python() {
    for ok in [-1, 1, 2, 1000, i32::MAX] {
        let ep = Epoll::with_sizehint(ok).unwrap();
        // Natively only: Miri has no /proc.
        if cfg!(not(miri)) {
            assert_ne!(fd_flags(ep.fileno().unwrap()) & libc::O_CLOEXEC as u32, 0);
        }
    }
    for bad in [0, -2, -100, i32::MIN] {
        let e = Epoll::with_sizehint(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("negative sizehint"), "{e}");
        assert!(e.to_string().contains(&bad.to_string()), "{e}");
    }
}

#[test]
fn into_raw_fd_gives_up_ownership() {
    let ep = Epoll::new().unwrap();
    let raw = ep.as_raw_fd();
    let owned = ep.into_fd().unwrap();
    assert_eq!(owned.as_raw_fd(), raw);
    // The fd is handed over, not closed: it works as an epoll fd again.
    let ep = Epoll::from_fd(owned).unwrap();
    assert_eq!(ep.as_raw_fd(), raw);
    // into_raw_fd leaks the (open) fd on purpose: test that on a clone.
    let clone = Epoll::from_fd(ep.try_as_fd().unwrap().try_clone_to_owned().unwrap()).unwrap();
    let leaked = clone.into_raw_fd();
    assert!(select_core::testing::is_open(leaked));
    let mut closed = Epoll::new().unwrap();
    closed.close();
    assert_eq!(closed.into_raw_fd(), -1);
}

#[test]
fn debug_shows_fd_or_closed() {
    let mut ep = Epoll::new().unwrap();
    assert!(format!("{ep:?}").contains(&ep.as_raw_fd().to_string()));
    ep.close();
    assert!(format!("{ep:?}").contains("closed"));
    assert_eq!(ep.as_raw_fd(), -1);
}
