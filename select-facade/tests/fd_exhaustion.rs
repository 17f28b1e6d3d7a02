//! fd exhaustion, in its own test binary (it fills the whole fd table): with every fd
//! taken, each call that needs a new fd fails with a clear EMFILE, objects made before
//! keep working, and everything works again once fds are freed.
#![cfg(unix)]

use std::fs::File;
use std::io::Write;
use std::time::Duration;

use select_core::testing::{pipe, raise_fd_limit};
use select_facade::{
    select, Backend, DefaultSelector, Events, Interest, Poll, PollFlags, PollSelector, Selector,
};

const ZERO: Option<Duration> = Some(Duration::ZERO);

#[track_caller]
fn emfile<T: std::fmt::Debug>(what: &str, r: std::io::Result<T>) {
    let e = r.expect_err(what);
    assert_eq!(e.raw_os_error(), Some(libc::EMFILE), "{what}: {e}");
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri has no fd limit (RLIMIT_NOFILE), so EMFILE cannot be provoked"
)]
fn full_fd_table_gives_emfile_and_recovers() {
    let limit = raise_fd_limit(20_000).unwrap();
    // Objects made before the table fills up.
    let (r, mut w) = pipe();
    let mut poll_sel = PollSelector::<u8>::new().unwrap();
    poll_sel.register(&r, Interest::READ, 1).unwrap();
    #[cfg(has_epoll)]
    let mut ep_sel = {
        let mut s = select_facade::EpollSelector::<u8>::new().unwrap();
        s.register(&r, Interest::READ, 2).unwrap();
        s
    };
    let mut def = DefaultSelector::<u8>::new().unwrap();
    def.register(&r, Interest::READ, 3).unwrap();

    // Fill the table.
    let mut hogs = Vec::new();
    let err = loop {
        match File::open("/dev/null") {
            Ok(f) => hogs.push(f),
            Err(e) => break e,
        }
        assert!(
            hogs.len() as u64 <= limit,
            "no EMFILE after {} files",
            hogs.len()
        );
    };
    assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err}");
    assert!(hogs.len() > 1000);
    let held = hogs.len();

    // Every call that needs a new fd fails clearly; none panics.
    emfile("pipe", std::io::pipe());
    #[cfg(has_epoll)]
    {
        emfile("Epoll::new", select_facade::Epoll::new());
        emfile(
            "EpollSelector::new",
            select_facade::EpollSelector::<u8>::new(),
        );
        emfile("eventfd", select_core::testing::eventfd());
    }
    #[cfg(has_kqueue)]
    {
        emfile("Kqueue::new", select_facade::Kqueue::new());
        emfile(
            "KqueueSelector::new",
            select_facade::KqueueSelector::<u8>::new(),
        );
    }
    // The waker needs an fd (an eventfd or a pipe) except on kqueue, whose EVFILT_USER
    // waker is a kernel filter: there it is made, and wakes, with the table full
    // (libkqueue, which emulates EVFILT_USER with an eventfd, needs one on Linux).
    if def.backend() == Backend::Kqueue && !cfg!(target_os = "linux") {
        let waker = def.waker().expect("kqueue's waker needs no fd");
        waker.wake().unwrap();
        let mut events = Events::with_capacity(4);
        def.select(&mut events, Some(Duration::from_secs(5)))
            .unwrap();
        assert!(events.woken());
    } else if def.backend() == Backend::Kqueue {
        // libkqueue's eventfd fails, and it reports EBADF rather than EMFILE (listed in
        // select-kqueue's notes as libkqueue's own).
        assert!(
            def.waker().is_err(),
            "libkqueue made a waker with no fd left"
        );
    } else {
        emfile("waker", def.waker());
    }
    // DefaultSelector falls through to a backend that needs no fd (documented probing).
    let fallback = DefaultSelector::<u8>::best().unwrap();
    let fd_free = select_facade::PREFERENCE
        .iter()
        .find(|b| matches!(b, Backend::Poll | Backend::Select));
    assert_eq!(Some(&fallback.backend()), fd_free);
    #[cfg(has_epoll)]
    emfile(
        "with_backend(epoll)",
        DefaultSelector::<u8>::with_backend(Backend::Epoll),
    );

    // Objects made before keep working, fd-free objects are made fine.
    w.write_all(b"x").unwrap();
    let mut ev = Events::with_capacity(8);
    assert_eq!(poll_sel.select(&mut ev, ZERO).unwrap(), 1);
    #[cfg(has_epoll)]
    assert_eq!(ep_sel.select(&mut ev, ZERO).unwrap(), 1);
    assert_eq!(def.select(&mut ev, ZERO).unwrap(), 1);
    assert_eq!(select(&[&r], &[], &[], ZERO).unwrap().0.len(), 1);
    let mut p = Poll::new();
    p.register(&r, PollFlags::POLLIN).unwrap();
    assert_eq!(p.poll(ZERO).unwrap().len(), 1);

    // Free some fds: everything works again.
    hogs.truncate(held - 16);
    let (r2, mut w2) = std::io::pipe().unwrap();
    #[cfg(has_epoll)]
    {
        let mut s = select_facade::EpollSelector::<u8>::new().unwrap();
        s.register(&r2, Interest::READ, 0).unwrap();
        w2.write_all(b"y").unwrap();
        assert_eq!(s.select(&mut ev, ZERO).unwrap(), 1);
    }
    #[cfg(not(has_epoll))]
    w2.write_all(b"y").unwrap();
    let waker = def.waker().unwrap();
    waker.wake().unwrap();
    def.select(&mut ev, ZERO).unwrap();
    assert!(ev.woken());
    let mut best = DefaultSelector::<u8>::best().unwrap();
    best.register(&r2, Interest::READ, 0).unwrap();
    assert_eq!(best.select(&mut ev, ZERO).unwrap(), 1);
    drop(hogs);
    println!("held {held} fds at EMFILE (limit {limit})");
}
