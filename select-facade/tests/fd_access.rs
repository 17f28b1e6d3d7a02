//! The backend's own fd through `DefaultSelector::try_as_fd`/`fileno`, and through the
//! backend selectors and objects (`try_as_fd`, `AsRawFd`, `into_fd`), before and after
//! `close` (#27): an error, never a panic; `AsRawFd` gives -1 after close.
#![cfg(unix)]

use std::io::ErrorKind;
use std::os::fd::AsRawFd;

use select_facade::{Availability, Backend, DefaultSelector, Selector};

fn has_fd(b: Backend) -> bool {
    matches!(b, Backend::Epoll | Backend::Kqueue | Backend::Devpoll)
}

#[test]
fn default_selector_lends_its_backends_fd() {
    for b in Backend::compiled() {
        let mut sel: DefaultSelector<u8> = match DefaultSelector::with_backend(b) {
            Ok(s) => s,
            Err(e) if e.kind() == ErrorKind::Unsupported => continue,
            Err(e) => panic!("{b:?}: {e}"),
        };
        if has_fd(b) {
            let fd = sel.try_as_fd().unwrap();
            assert_eq!(sel.fileno().unwrap(), fd.as_raw_fd(), "{b:?}");
            // A real, open fd: a dup of it succeeds.
            let copy = fd.try_clone_to_owned().unwrap();
            assert_ne!(copy.as_raw_fd(), sel.fileno().unwrap());
            sel.close();
            let e = sel.try_as_fd().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{b:?}");
            assert_eq!(sel.fileno().unwrap_err().kind(), ErrorKind::InvalidInput);
        } else {
            for _ in 0..2 {
                let e = sel.try_as_fd().unwrap_err();
                assert_eq!(e.kind(), ErrorKind::Unsupported, "{b:?}");
                assert!(e.to_string().contains(b.name()), "{e}");
                assert_eq!(sel.fileno().unwrap_err().kind(), ErrorKind::Unsupported);
                sel.close();
            }
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn epoll_objects_lend_and_give_up_their_fd() {
    use select_facade::{Epoll, EpollSelector};

    let mut sel: EpollSelector<()> = EpollSelector::new().unwrap();
    let raw = sel.as_raw_fd();
    assert_eq!(sel.try_as_fd().unwrap().as_raw_fd(), raw);
    assert_eq!(sel.fileno().unwrap(), raw);
    sel.close();
    assert_eq!(sel.as_raw_fd(), -1);
    assert_eq!(sel.try_as_fd().unwrap_err().kind(), ErrorKind::InvalidInput);

    let ep = Epoll::new().unwrap();
    let raw = ep.as_raw_fd();
    let owned = ep.into_fd().unwrap();
    assert_eq!(owned.as_raw_fd(), raw);
    let mut ep = Epoll::from_fd(owned).unwrap();
    assert_eq!(ep.try_as_fd().unwrap().as_raw_fd(), raw);
    ep.close();
    assert_eq!(ep.as_raw_fd(), -1);
    assert_eq!(ep.try_as_fd().unwrap_err().kind(), ErrorKind::InvalidInput);
    assert_eq!(ep.into_fd().unwrap_err().kind(), ErrorKind::InvalidInput);
}
