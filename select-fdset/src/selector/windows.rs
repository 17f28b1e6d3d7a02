//! `SelectSelector`'s mechanism on Windows: three master Winsock socket sets (counted
//! arrays) and their working copies.

use std::io;
use std::time::Duration;

use select_core::{__private::retry, InterruptCheck};
use select_core::{Interest, RawFd};

use super::SETS;
use crate::fdset::WorkSet;
use crate::sys::{self, Slot};

/// The Winsock half of [`SelectSelector`](crate::SelectSelector).
#[derive(Debug, Default)]
pub(crate) struct SelectMechanism {
    /// Registered sockets per set (`SETS` order); the wake socket is also in the read
    /// set.
    master: [WorkSet; 3],
    work: [WorkSet; 3],
    /// Kept for the same API on every platform; Winsock waits are never interrupted by
    /// signals, so it is never called.
    pub(super) check: Option<InterruptCheck>,
}

impl SelectMechanism {
    pub(crate) fn new() -> SelectMechanism {
        SelectMechanism::default()
    }
}

/// Which interests put a socket in each master set: the except set also takes WRITE,
/// as CPython's `SelectSelector` passes the write list as the except list on Windows,
/// because Winsock reports a failed non-blocking connect only there.
const MEMBER_OF: [Interest; 3] = [
    Interest::READ,
    Interest::WRITE,
    Interest::PRIORITY.union(Interest::WRITE),
];

/// Moves `fd` in the master sets from interest `old` to `new`.
fn apply(master: &mut [WorkSet; 3], fd: RawFd, old: Interest, new: Interest) -> io::Result<()> {
    for (set, interest) in master.iter_mut().zip(MEMBER_OF) {
        match (old.intersects(interest), new.intersects(interest)) {
            (false, true) => set.push(fd as Slot)?,
            (true, false) => {
                set.remove(fd);
            }
            _ => {}
        }
    }
    Ok(())
}

/// The platform half of the [`Mechanism`](select_core::__private::Mechanism) methods
/// (see `selector.rs`).
impl SelectMechanism {
    /// Checks that `fd` is an open socket, then adds it to the master sets.
    pub(super) fn register(&mut self, fd: RawFd, interest: Interest) -> io::Result<()> {
        sys::check_open(fd)?;
        apply(&mut self.master, fd, Interest::EMPTY, interest)
    }

    /// Checks that `fd` is still an open socket, then moves it in the master sets.
    pub(super) fn update(&mut self, fd: RawFd, old: Interest, new: Interest) -> io::Result<()> {
        sys::check_open(fd)?;
        apply(&mut self.master, fd, old, new)
    }

    /// Removes `fd`, registered for `old`, from the master sets: cannot fail for a
    /// registered socket.
    pub(super) fn unregister(&mut self, fd: RawFd, old: Interest) -> io::Result<()> {
        apply(&mut self.master, fd, old, Interest::EMPTY)
    }

    /// One Winsock `select` over copies of the master sets in use, resumed with the time
    /// left when Winsock ends it early (never interrupted by signals: no check runs).
    pub(super) fn wait_once(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        let active = self.master.each_ref().map(|s| !s.is_empty());
        let master = &self.master;
        let work = &mut self.work;
        retry::wait(timeout, |left| {
            for ((w, m), on) in work.iter_mut().zip(master).zip(active) {
                if on {
                    w.copy_from(m)?;
                } else {
                    w.clear();
                }
            }
            let [r, w, x] = &mut *work;
            sys::select(
                active[0].then(|| r.slots_mut()),
                active[1].then(|| w.slots_mut()),
                active[2].then(|| x.slots_mut()),
                left,
            )
        })
    }

    /// Sorts the working sets of the last wait and hands every ready socket, in
    /// ascending handle order, to `each` with the interests of the sets it is in and
    /// whether it has an error (one merged walk; Winsock's count is not needed). A
    /// socket in the except set with a pending error (`SO_ERROR`, read only then) is a
    /// failed connect: WRITE with the error flag, as the other platforms report it;
    /// without one, out-of-band data: PRIORITY.
    pub(super) fn scan(&mut self, _n: usize, mut each: impl FnMut(RawFd, Interest, bool)) {
        for set in &mut self.work {
            set.sort_dedup();
        }
        let sets = [
            self.work[0].sorted(),
            self.work[1].sorted(),
            self.work[2].sorted(),
        ];
        let mut idx = [0usize; 3];
        while let Some(next) = (0..3).filter_map(|k| sets[k].get(idx[k]).copied()).min() {
            let mut ready = Interest::EMPTY;
            let mut error = false;
            for k in 0..3 {
                if sets[k].get(idx[k]) == Some(&next) {
                    idx[k] += 1;
                    if SETS[k] == Interest::PRIORITY && sys::socket_error(next).unwrap_or(0) != 0 {
                        ready |= Interest::WRITE;
                        error = true;
                    } else {
                        ready |= SETS[k];
                    }
                }
            }
            each(next as RawFd, ready, error);
        }
    }

    /// Forgets every set and buffer.
    pub(super) fn release(&mut self) {
        self.master = Default::default();
        self.work = Default::default();
    }
}
