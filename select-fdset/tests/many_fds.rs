//! fds at and beyond FD_SETSIZE: reported where the kernel allows them (Linux, the
//! BSDs), refused with Python's "filedescriptor out of range in select()" elsewhere.
#![cfg(unix)]

use std::io::{ErrorKind, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use select_core::testing::{drain, pipe};
use select_fdset::{
    select, Events, Interest, Ready, Select, SelectSelector, Selector, Waitable, FD_SETSIZE,
    LARGE_FDS,
};

mod common;
use common::{assert_just, at, readable_pipe, with_high_fds, LONG, ZERO};

/// Asserts Python's "filedescriptor out of range in select()" naming `fd`; `Some`, so
/// that a test can end with it.
fn assert_out_of_range(e: std::io::Error, fd: i32) -> Option<()> {
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let msg = e.to_string();
    assert!(
        msg.contains("filedescriptor out of range in select()"),
        "{msg}"
    );
    assert!(msg.contains(&fd.to_string()), "{msg}");
    Some(())
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn high_fds_reported_by_select() {
    with_high_fds(|| {
        let (r, mut w) = pipe();
        let (low_r, _low_w) = pipe();
        let r5000 = at(r.as_fd(), 5000)?;
        let w15000 = at(w.as_fd(), 15_000)?;
        assert_eq!((r5000.as_raw_fd(), w15000.as_raw_fd()), (5000, 15_000));
        let result = select(
            &[&r5000 as &dyn Waitable, &low_r],
            &[&w15000],
            &[&r5000],
            ZERO,
        );
        if !LARGE_FDS {
            return assert_out_of_range(result.err().unwrap(), 5000);
        }
        let Ok((rr, ww, xx)) = result else {
            panic!("select on fds 5000 and 15000 failed: {:?}", result.err());
        };
        assert!(rr.is_empty() && xx.is_empty());
        assert_just(&ww, &w15000);

        w.write_all(b"x").unwrap();
        let (rr, _, _) = select(&[&low_r as &dyn Waitable, &r5000], &[], &[], LONG).unwrap();
        assert_just(&rr, &r5000);

        // The same through the 15000 reader: the kernel scans all 15001 bits.
        let r15001 = at(r.as_fd(), 15_001)?;
        let (rr, _, _) = select(&[&r15001], &[], &[], LONG).unwrap();
        assert_eq!(rr.len(), 1);
        Some(())
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn select_object_reused_across_high_and_low_fds() {
    with_high_fds(|| {
        let (r, mut w) = pipe();
        let high = at(r.as_fd(), 12_000)?;
        let (mut sel, mut ready) = (Select::new(), Ready::new());
        let lists: [&[BorrowedFd<'_>]; 3] =
            [&[high.as_fd()], &[r.as_fd()], &[r.as_fd(), high.as_fd()]];
        w.write_all(b"x").unwrap();
        for _ in 0..2 {
            for list in lists {
                let res = sel.select_into(list, &[], &[], LONG, &mut ready);
                if !LARGE_FDS && list.iter().any(|f| f.as_raw_fd() as usize >= FD_SETSIZE) {
                    assert_out_of_range(res.unwrap_err(), 12_000);
                    continue;
                }
                assert_eq!(res.unwrap(), list.len());
                assert_eq!(ready.read().len(), list.len());
            }
        }
        drain(&r);
        let n = sel
            .select_into(&[high.as_fd(), r.as_fd()], &[], &[], ZERO, &mut ready)
            .unwrap_or(0);
        assert_eq!(n, 0);
        Some(())
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn high_fds_in_the_selector() {
    with_high_fds(|| {
        let (r, mut w) = pipe();
        let r9000 = at(r.as_fd(), 9000)?;
        let w14000 = at(w.as_fd(), 14_000)?;
        let mut sel = SelectSelector::new().unwrap();
        let res = sel.register(&r9000, Interest::READ, "r9000");
        if !LARGE_FDS {
            return assert_out_of_range(res.unwrap_err(), 9000);
        }
        res.unwrap();
        sel.register(&w14000, Interest::WRITE, "w14000").unwrap();
        sel.register(&r, Interest::READ, "r").unwrap();
        let mut events = Events::with_capacity(8);
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
        assert_eq!(events.as_slice()[0].fd(), 14_000);
        w.write_all(b"x").unwrap();
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 3);
        let fds: Vec<_> = events.iter().map(|e| e.fd()).collect();
        assert_eq!(fds, [r.as_raw_fd(), 9000, 14_000]);
        sel.unregister(&w14000).unwrap();
        sel.unregister(&r9000).unwrap();
        assert_eq!(sel.select(&mut events, LONG).unwrap(), 1);
        assert_eq!(events.as_slice()[0].fd(), r.as_raw_fd());
        Some(())
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri does not emulate select(2)")]
fn fd_setsize_boundary() {
    with_high_fds(|| {
        let (r, _w) = readable_pipe();
        let edge = FD_SETSIZE as i32;
        let below = at(r.as_fd(), edge - 1)?;
        let (rr, _, _) = select(&[&below], &[], &[], LONG).unwrap();
        assert_eq!(rr.len(), 1, "FD_SETSIZE - 1 works everywhere");
        let exact = at(r.as_fd(), edge)?;
        let result = select(&[&exact], &[], &[], LONG);
        if LARGE_FDS {
            assert_eq!(result.unwrap().0.len(), 1);
        } else {
            assert_out_of_range(result.unwrap_err(), edge);
        }
        Some(())
    });
}
