//! The bad-input catalogue: one test per kind of bad input, on every object that takes
//! it. Each asserts the exact error kind (and errno where the kernel decides) and, for
//! our own validation, that the message names the offending value. None may panic or
//! hang: every call here returns at once.
#![cfg(unix)]

use select_core::__private::WakeFd;
use std::io::{ErrorKind, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

use select_core::testing::{dup_at, pipe, raise_fd_limit};
use select_facade::timeout::{from_millis_f64, from_secs_f64, Negative};
use select_facade::{
    select, DefaultSelector, Events, Interest, Poll, PollFlags, PollSelector, SelectSelector,
    Selector,
};

const ZERO: Option<Duration> = Some(Duration::ZERO);

/// Runs the generic function `$f` on a fresh selector of every available backend (but
/// select under Miri, which does not emulate select(2)).
macro_rules! each_selector {
    ($f:ident) => {{
        #[cfg(not(miri))]
        $f("select", SelectSelector::<u8>::new().unwrap());
        $f("poll", PollSelector::<u8>::new().unwrap());
        #[cfg(has_epoll)]
        $f("epoll", select_facade::EpollSelector::<u8>::new().unwrap());
        #[cfg(has_kqueue)]
        $f(
            "kqueue",
            select_facade::KqueueSelector::<u8>::new().unwrap(),
        );
        $f("default", DefaultSelector::<u8>::new().unwrap());
    }};
}

#[track_caller]
fn assert_err<T: std::fmt::Debug>(r: std::io::Result<T>, kind: ErrorKind, names: &str) {
    let e = r.expect_err("expected an error");
    assert_eq!(e.kind(), kind, "{e}");
    assert!(e.to_string().contains(names), "{e:?} does not name {names}");
}

#[track_caller]
fn assert_errno<T: std::fmt::Debug>(r: std::io::Result<T>, errno: i32) {
    let e = r.expect_err("expected an error");
    assert_eq!(e.raw_os_error(), Some(errno), "{e}");
}

/// An fd number no file has: above the process's open-files limit.
fn past_rlimit() -> RawFd {
    let limit = raise_fd_limit(0).unwrap();
    RawFd::try_from(limit + 1000).unwrap_or(RawFd::MAX)
}

#[test]
fn negative_fd() {
    fn on<S: Selector<Data = u8> + WakeFd>(name: &str, mut s: S) {
        for fd in [-1, -7, RawFd::MIN] {
            let n = fd.to_string();
            assert_err(
                s.register(&fd, Interest::READ, 0).map(drop),
                ErrorKind::InvalidInput,
                &n,
            );
            assert_err(
                s.modify(&fd, Interest::READ, 0).map(drop),
                ErrorKind::InvalidInput,
                &n,
            );
            assert_err(s.unregister(&fd).map(drop), ErrorKind::InvalidInput, &n);
            assert_err(s.get_key(&fd).map(drop), ErrorKind::InvalidInput, &n);
            assert_err(s.set_wake_fd(Some(fd)), ErrorKind::InvalidInput, &n);
        }
        assert!(s.is_empty(), "{name}");
    }
    each_selector!(on);
    let mut p = Poll::new();
    assert_err(
        p.register(&-3, PollFlags::POLLIN),
        ErrorKind::InvalidInput,
        "-3",
    );
    assert_err(
        p.modify(&-3, PollFlags::POLLIN),
        ErrorKind::InvalidInput,
        "-3",
    );
    assert_err(p.unregister(&-3), ErrorKind::InvalidInput, "-3");
    assert_err(
        select(&[&-4], &[], &[], ZERO),
        ErrorKind::InvalidInput,
        "-4",
    );
    assert_err(
        select(&[], &[], &[&-5], ZERO),
        ErrorKind::InvalidInput,
        "-5",
    );
    #[cfg(has_epoll)]
    {
        let ep = select_facade::Epoll::new().unwrap();
        use select_facade::EpollFlags as F;
        assert_err(ep.register(&-6, F::EPOLLIN), ErrorKind::InvalidInput, "-6");
        assert_err(ep.modify(&-6, F::EPOLLIN), ErrorKind::InvalidInput, "-6");
        assert_err(ep.unregister(&-6), ErrorKind::InvalidInput, "-6");
    }
    #[cfg(has_kqueue)]
    assert_err(
        select_facade::KEvent::for_fd(&-8),
        ErrorKind::InvalidInput,
        "-8",
    );
}

#[test]
fn fd_past_rlimit() {
    let fd = past_rlimit();
    fn on<S: Selector<Data = u8> + WakeFd>(name: &str, mut s: S) {
        let fd = past_rlimit();
        assert_errno(s.register(&fd, Interest::READ, 0).map(drop), libc::EBADF);
        assert!(s.is_empty(), "{name}");
        assert_eq!(s.select(&mut Events::with_capacity(4), ZERO).unwrap(), 0);
    }
    each_selector!(on);
    // select(2) natively only: Miri does not emulate it.
    if cfg!(not(miri)) {
        assert_errno(select(&[&fd], &[], &[], ZERO), libc::EBADF);
    }
    // Python's poll accepts any number and reports it invalid.
    let mut p = Poll::new();
    p.register(&fd, PollFlags::POLLIN).unwrap();
    assert_eq!(p.poll(ZERO).unwrap(), vec![(fd, PollFlags::POLLNVAL)]);
    #[cfg(has_epoll)]
    {
        let ep = select_facade::Epoll::new().unwrap();
        assert_errno(
            ep.register(&fd, select_facade::EpollFlags::EPOLLIN),
            libc::EBADF,
        );
    }
}

#[test]
fn closed_fd() {
    fn on<S: Selector<Data = u8> + WakeFd>(name: &str, mut s: S) {
        // A number of this test's own (no parallel test can take it in between),
        // opened and closed again.
        let (r, _w) = pipe();
        let fd = select_core::testing::contract::fd_number();
        drop(dup_at(r.as_raw_fd(), fd).unwrap());
        assert!(!select_core::testing::is_open(fd));
        assert_errno(s.register(&fd, Interest::READ, 0).map(drop), libc::EBADF);
        assert!(s.is_empty(), "{name}");
    }
    each_selector!(on);
    let (r, _w) = pipe();
    // A number near the limit, where no other test's fds are.
    let near_limit = RawFd::try_from(raise_fd_limit(0).unwrap()).unwrap() - 4;
    let fd = dup_at(r.as_raw_fd(), near_limit).unwrap();
    let n = fd.as_raw_fd();
    drop(fd);
    // select(2) natively only: Miri does not emulate it.
    if cfg!(not(miri)) {
        assert_errno(select(&[&n], &[], &[], ZERO), libc::EBADF);
    }
}

#[test]
fn fd_reused_after_close() {
    if !select_core::testing::high_fds_usable() {
        return;
    }
    fn on<S: Selector<Data = u8> + WakeFd>(name: &str, mut s: S) {
        let target = 1900 + name.len() as RawFd * 7;
        let (r1, w1) = pipe();
        let fd = dup_at(r1.as_raw_fd(), target).unwrap();
        drop(r1);
        s.register(&fd, Interest::READ, 1).unwrap();
        drop(fd); // closed while registered
        let (r2, mut w2) = pipe();
        let reused = dup_at(r2.as_raw_fd(), target).unwrap();
        drop(w1);
        // The registration is for the number: it is still there, and a second register
        // is refused whatever the file.
        assert_err(
            s.register(&reused, Interest::READ, 2).map(drop),
            ErrorKind::AlreadyExists,
            &target.to_string(),
        );
        // unregister works and forgets it; the new file registers cleanly.
        assert_eq!(s.unregister(&target).unwrap().data, 1, "{name}");
        s.register(&reused, Interest::READ, 3).unwrap();
        w2.write_all(b"x").unwrap();
        let mut ev = Events::with_capacity(4);
        assert_eq!(
            s.select(&mut ev, Some(Duration::from_secs(5))).unwrap(),
            1,
            "{name}"
        );
        assert_eq!(ev.as_slice()[0].fd(), target);
        s.unregister(&target).unwrap();
    }
    each_selector!(on);
}

#[test]
fn nan_negative_infinite_and_overflowing_float_timeouts() {
    for (v, names) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (1e300, "1000000000000"),
        (9.3e9, "9300000000"),
    ] {
        for neg in [Negative::Refuse, Negative::Block, Negative::Zero] {
            if v == f64::NEG_INFINITY && neg == Negative::Zero {
                // The selectors compare with 0 first: any negative value polls.
                assert_eq!(from_secs_f64(v, neg).unwrap(), Some(Duration::ZERO));
                continue;
            }
            // -inf too: CPython's OverflowError comes before the sign is looked at.
            assert_err(from_secs_f64(v, neg), ErrorKind::InvalidInput, names);
        }
    }
    assert_err(
        from_secs_f64(-0.5, Negative::Refuse),
        ErrorKind::InvalidInput,
        "-0.5",
    );
    assert_eq!(from_secs_f64(-0.5, Negative::Block).unwrap(), None);
    assert_err(
        from_millis_f64(f64::NAN, Negative::Block),
        ErrorKind::InvalidInput,
        "NaN",
    );
    assert_err(
        from_millis_f64(f64::INFINITY, Negative::Block),
        ErrorKind::InvalidInput,
        "inf",
    );
    assert_err(
        from_millis_f64(1e300, Negative::Block),
        ErrorKind::InvalidInput,
        "1000000000",
    );
    assert_err(
        from_millis_f64(-1.0, Negative::Refuse),
        ErrorKind::InvalidInput,
        "-1",
    );
}

#[test]
fn duration_max_timeout() {
    fn on<S: Selector<Data = u8> + WakeFd>(name: &str, mut s: S) {
        let (r, mut w) = pipe();
        s.register(&r, Interest::READ, 0).unwrap();
        w.write_all(b"x").unwrap();
        let t = Instant::now();
        assert_eq!(
            s.select(&mut Events::with_capacity(4), Some(Duration::MAX))
                .unwrap(),
            1,
            "{name}"
        );
        assert!(t.elapsed() < Duration::from_secs(5));
    }
    each_selector!(on);
    let (r, mut w) = pipe();
    w.write_all(b"x").unwrap();
    // select(2) natively only: Miri does not emulate it.
    if cfg!(not(miri)) {
        assert_eq!(
            select(&[&r], &[], &[], Some(Duration::MAX))
                .unwrap()
                .0
                .len(),
            1
        );
    }
    let mut p = Poll::new();
    p.register(&r, PollFlags::POLLIN).unwrap();
    assert_eq!(p.poll(Some(Duration::MAX)).unwrap().len(), 1);
    #[cfg(has_epoll)]
    {
        let ep = select_facade::Epoll::new().unwrap();
        ep.register(&r, select_facade::EpollFlags::EPOLLIN).unwrap();
        assert_eq!(ep.poll(Some(Duration::MAX), -1).unwrap().len(), 1);
    }
    #[cfg(has_kqueue)]
    {
        let kq = select_facade::Kqueue::new().unwrap();
        let add = select_facade::KEvent::for_fd(&r).unwrap();
        assert_eq!(kq.control(&[add], 4, Some(Duration::MAX)).unwrap().len(), 1);
    }
}

#[test]
fn maxevents_zero_negative_and_huge() {
    // The selectors' buffer: capacity 0 is taken as 1 (documented), never an error.
    assert_eq!(Events::with_capacity(0).capacity(), 1);
    #[cfg(has_epoll)]
    {
        use select_facade::Epoll;
        let ep = Epoll::new().unwrap();
        for m in [0, -2, -100, i32::MIN] {
            assert_err(ep.poll(ZERO, m), ErrorKind::InvalidInput, &m.to_string());
            assert_err(
                select_epoll::EpollEvents::new(m),
                ErrorKind::InvalidInput,
                &m.to_string(),
            );
        }
        assert_eq!(ep.poll(ZERO, -1).unwrap(), vec![]);
        // Above the kernel's limit: EINVAL, as epoll_wait (and so CPython) says.
        let e = ep.poll(ZERO, i32::MAX).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
        let e = ep.poll(ZERO, 200_000_000).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
        let huge = select_epoll::MAX_MAXEVENTS + 1;
        let e = select_epoll::EpollEvents::with_capacity(huge).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
        // A selector asked for more than the kernel takes clamps, it does not fail.
        // (A smaller "large" buffer under Miri, which interprets every byte it zeroes.)
        let large = if cfg!(miri) { 1 << 12 } else { 1 << 20 };
        let mut s = select_facade::EpollSelector::<()>::new().unwrap();
        let (_r, w) = pipe();
        s.register(&w, Interest::WRITE, ()).unwrap();
        assert_eq!(
            s.select(&mut Events::with_capacity(large), ZERO).unwrap(),
            1
        );
    }
    #[cfg(has_kqueue)]
    {
        let kq = select_facade::Kqueue::new().unwrap();
        let huge = i32::MAX as usize + 1;
        assert_err(
            kq.control(&[], huge, ZERO),
            ErrorKind::InvalidInput,
            &huge.to_string(),
        );
        assert_eq!(
            kq.control(&[], 0, None).unwrap().len(),
            0,
            "0 returns at once"
        );
    }
}

#[test]
fn empty_interest() {
    fn on<S: Selector<Data = u8> + WakeFd>(name: &str, mut s: S) {
        let (r, _w) = pipe();
        assert_err(
            s.register(&r, Interest::EMPTY, 0).map(drop),
            ErrorKind::InvalidInput,
            "Invalid events: 0",
        );
        assert!(s.is_empty(), "{name}");
        s.register(&r, Interest::READ, 0).unwrap();
        assert_err(
            s.modify(&r, Interest::EMPTY, 1).map(drop),
            ErrorKind::InvalidInput,
            "Invalid events: 0",
        );
        assert_eq!(s.get_key(&r).unwrap().interest, Interest::READ, "{name}");
    }
    each_selector!(on);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri aborts on flag bits Linux ignores (and on EPOLLEXCLUSIVE) instead of passing or refusing them"
)]
fn unknown_flag_bits() {
    for bits in [8u8, 0x10, 0x80, 0xff] {
        assert_err(
            Interest::try_from_bits(bits),
            ErrorKind::InvalidInput,
            &format!("Invalid events: {bits}"),
        );
    }
    #[cfg(has_epoll)]
    {
        // Python passes the mask bitwise, and so do we: Linux ignores bits it does not
        // know (epoll_ctl(2) only refuses bad combinations, with EINVAL).
        use select_facade::EpollFlags as F;
        let ep = select_facade::Epoll::new().unwrap();
        let (r, _w) = pipe();
        let unknown = F::from_bits_retain(1 << 20);
        assert!(F::from_bits(1 << 20).is_none());
        ep.register(&r, F::EPOLLIN | unknown).unwrap();
        assert_eq!(ep.poll(ZERO, -1).unwrap(), vec![]);
        let (r2, _w2) = pipe();
        assert_errno(
            ep.register(&r2, F::EPOLLEXCLUSIVE | F::EPOLLONESHOT | F::EPOLLIN),
            libc::EINVAL,
        );
    }
    // poll keeps unknown bits (as Python does) and the kernel ignores them.
    let mut p = Poll::new();
    let (_r, w) = pipe();
    p.register(&w, PollFlags::from_bits_retain(0x4000 | libc::POLLOUT))
        .unwrap();
    assert_eq!(
        p.poll(ZERO).unwrap(),
        vec![(w.as_raw_fd(), PollFlags::POLLOUT)]
    );
}

#[test]
fn every_operation_on_a_closed_object() {
    fn on<S: Selector<Data = u8> + WakeFd>(name: &str, mut s: S) {
        let (r, _w) = pipe();
        s.register(&r, Interest::READ, 0).unwrap();
        s.close();
        assert!(s.is_closed() && s.is_empty(), "{name}");
        let closed = "I/O operation on closed";
        assert_err(
            s.register(&r, Interest::READ, 0).map(drop),
            ErrorKind::InvalidInput,
            closed,
        );
        assert_err(
            s.modify(&r, Interest::READ, 0).map(drop),
            ErrorKind::InvalidInput,
            closed,
        );
        assert_err(s.unregister(&r).map(drop), ErrorKind::InvalidInput, closed);
        assert_err(s.get_key(&r).map(drop), ErrorKind::InvalidInput, closed);
        assert_err(
            s.select(&mut Events::new(), ZERO),
            ErrorKind::InvalidInput,
            closed,
        );
        assert_err(
            s.select(&mut Events::new(), None),
            ErrorKind::InvalidInput,
            closed,
        );
        assert_err(
            s.set_wake_fd(Some(r.as_raw_fd())),
            ErrorKind::InvalidInput,
            closed,
        );
        assert_eq!(s.keys().count(), 0);
    }
    each_selector!(on);
    #[cfg(has_epoll)]
    {
        let mut ep = select_facade::Epoll::new().unwrap();
        let (r, _w) = pipe();
        ep.close();
        let msg = "I/O operation on closed epoll object";
        use select_facade::EpollFlags as F;
        assert_err(ep.register(&r, F::EPOLLIN), ErrorKind::InvalidInput, msg);
        assert_err(ep.modify(&r, F::EPOLLIN), ErrorKind::InvalidInput, msg);
        assert_err(ep.unregister(&r), ErrorKind::InvalidInput, msg);
        assert_err(ep.poll(None, -1), ErrorKind::InvalidInput, msg);
        assert_err(ep.poll(ZERO, 0), ErrorKind::InvalidInput, msg); // closed first
        assert_err(ep.fileno(), ErrorKind::InvalidInput, msg);
        let mut evs = select_epoll::EpollEvents::new(4).unwrap();
        assert_err(ep.poll_into(None, &mut evs), ErrorKind::InvalidInput, msg);
        assert_eq!(ep.as_raw_fd(), -1);
    }
    #[cfg(has_kqueue)]
    {
        let mut kq = select_facade::Kqueue::new().unwrap();
        kq.close();
        let msg = "I/O operation on closed kqueue object";
        assert_err(kq.control(&[], 1, None), ErrorKind::InvalidInput, msg);
        assert_err(kq.fileno(), ErrorKind::InvalidInput, msg);
        let mut v = Vec::with_capacity(1);
        assert_err(
            kq.control_into(&[], &mut v, None),
            ErrorKind::InvalidInput,
            msg,
        );
    }
}

#[test]
fn double_close() {
    fn on<S: Selector<Data = u8> + WakeFd>(name: &str, mut s: S) {
        s.close();
        s.close();
        assert!(s.is_closed(), "{name}");
    }
    each_selector!(on);
    #[cfg(has_epoll)]
    {
        let mut ep = select_facade::Epoll::new().unwrap();
        ep.close();
        ep.close();
        assert!(ep.closed());
    }
    #[cfg(has_kqueue)]
    {
        let mut kq = select_facade::Kqueue::new().unwrap();
        kq.close();
        kq.close();
        assert!(kq.closed());
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri aborts on epoll_ctl of a non-epoll fd instead of failing with EINVAL (the probe from_fd relies on)"
)]
fn from_fd_of_a_pipe() {
    #[cfg(has_epoll)]
    refuses_a_pipe(select_facade::Epoll::from_fd);
    #[cfg(has_kqueue)]
    refuses_a_pipe(select_facade::Kqueue::from_fd);
}

/// `from_fd` of a pipe's read end fails with `InvalidInput`, naming the fd.
#[cfg(any(has_epoll, has_kqueue))]
fn refuses_a_pipe<T: std::fmt::Debug>(
    from_fd: impl FnOnce(std::os::fd::OwnedFd) -> std::io::Result<T>,
) {
    let (r, _w) = pipe();
    let n = r.as_raw_fd();
    let e = from_fd(std::os::fd::OwnedFd::from(r)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains(&n.to_string()), "{e}");
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn select_past_fd_setsize() {
    if !select_core::testing::high_fds_usable() {
        return;
    }
    let (r, mut w) = pipe();
    let high = dup_at(r.as_raw_fd(), select_fdset::FD_SETSIZE as RawFd + 500).unwrap();
    w.write_all(b"x").unwrap();
    let n = high.as_raw_fd();
    let mut s = SelectSelector::<u8>::new().unwrap();
    if select_fdset::LARGE_FDS {
        // Linux and the BSDs take larger sets: it works.
        assert_eq!(select(&[&n], &[], &[], ZERO).unwrap().0, vec![&n]);
        s.register(&n, Interest::READ, 0).unwrap();
        assert_eq!(s.select(&mut Events::new(), ZERO).unwrap(), 1);
    } else {
        let msg = "filedescriptor out of range in select()";
        assert_err(select(&[&n], &[], &[], ZERO), ErrorKind::InvalidInput, msg);
        assert_err(
            select(&[&n], &[], &[], ZERO),
            ErrorKind::InvalidInput,
            &n.to_string(),
        );
        assert_err(
            s.register(&n, Interest::READ, 0).map(drop),
            ErrorKind::InvalidInput,
            msg,
        );
    }
}

/// Issue #14 item 4: the largest fd number, which the fd set must hold without
/// overflowing `highest + 1` (it used to panic: overflow in debug, a slice range in
/// release).
#[test]
#[cfg_attr(
    miri,
    ignore = "too slow under Miri: a 256 MiB fd set (and select(2), which Miri does not emulate)"
)]
fn fd_set_with_fd_i32_max() {
    use select_facade::FdSet;
    let mut set = FdSet::new();
    match set.insert(i32::MAX) {
        Ok(added) => {
            assert!(added);
            assert!(set.contains(i32::MAX));
            assert_eq!(set.highest(), Some(i32::MAX));
            assert_eq!(set.len(), 1);
            // (No walk over the 2^31 bits: seconds under valgrind.)
            assert!(set.capacity() > i32::MAX as usize);
            set.clear();
            assert!(set.is_empty() && !set.contains(i32::MAX));
        }
        // A machine that cannot spare the 256 MiB gets a clear error instead.
        Err(e) => assert_eq!(e.kind(), ErrorKind::OutOfMemory, "{e}"),
    }
    let mut set = FdSet::new();
    assert!(!set.remove(i32::MAX).unwrap());
    assert!(!set.contains(i32::MAX));
    assert_err(
        set.insert(i32::MIN),
        ErrorKind::InvalidInput,
        &i32::MIN.to_string(),
    );
    // select() with it: the fd is not open (EBADF), never a panic.
    assert_errno(select(&[&i32::MAX], &[], &[], ZERO), libc::EBADF);
}

/// Issue #14 item 4: a closed epoll/kqueue object has no fd to lend; the accessor is
/// fallible (`AsFd` used to panic).
#[test]
fn borrowing_the_fd_of_a_closed_epoll_or_kqueue() {
    #[cfg(has_epoll)]
    {
        let mut ep = select_facade::Epoll::new().unwrap();
        assert_eq!(ep.try_as_fd().unwrap().as_raw_fd(), ep.fileno().unwrap());
        ep.close();
        let e = ep.try_as_fd().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.to_string(), "I/O operation on closed epoll object");
        assert_eq!(ep.as_raw_fd(), -1);
    }
    #[cfg(has_kqueue)]
    {
        let mut kq = select_facade::Kqueue::new().unwrap();
        kq.close();
        let e = kq.try_as_fd().unwrap_err();
        assert_eq!(e.to_string(), "I/O operation on closed kqueue object");
    }
}

/// Issue #14 item 4: an `Events` buffer of any requested size: the fallible constructor
/// names the value, the infallible one clamps (it used to abort on capacity overflow).
#[test]
#[cfg_attr(
    miri,
    ignore = "fills four 2^20-slot Events buffers: about 10 minutes interpreted"
)]
fn events_capacity_usize_max() {
    for cap in [usize::MAX, isize::MAX as usize, Events::MAX_CAPACITY + 1] {
        assert_err(
            Events::try_with_capacity(cap),
            ErrorKind::InvalidInput,
            &cap.to_string(),
        );
        assert_eq!(Events::with_capacity(cap).capacity(), Events::MAX_CAPACITY);
    }
    assert_eq!(Events::try_with_capacity(0).unwrap().capacity(), 1);
    let mut events = Events::try_with_capacity(Events::MAX_CAPACITY).unwrap();
    let mut s = PollSelector::<()>::new().unwrap();
    let (_r, w) = pipe();
    s.register(&w, Interest::WRITE, ()).unwrap();
    assert_eq!(s.select(&mut events, ZERO).unwrap(), 1);
}
