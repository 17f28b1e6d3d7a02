//! `SelectSelector`'s mechanism on Windows: three master Winsock socket sets (counted
//! arrays) and their working copies.

use std::io;
use std::time::Duration;

use select_core::__private::{Mechanism, Report, Tag, WaitView};
use select_core::retry::{self, InterruptCheck};
use select_core::{Backend, Event, Events, Interest, RawFd};

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
    check: Option<InterruptCheck>,
}

impl SelectMechanism {
    pub(crate) fn new() -> SelectMechanism {
        SelectMechanism::default()
    }

    /// Sorts the working sets of the last wait and hands every ready socket, in
    /// ascending handle order, to `each` with the interests of the sets it is in.
    fn walk(&mut self, mut each: impl FnMut(RawFd, Interest)) {
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
            for k in 0..3 {
                if sets[k].get(idx[k]) == Some(&next) {
                    ready |= SETS[k];
                    idx[k] += 1;
                }
            }
            each(next as RawFd, ready);
        }
    }
}

/// Moves `fd` in the master sets from interest `old` to `new`.
fn apply(master: &mut [WorkSet; 3], fd: RawFd, old: Interest, new: Interest) -> io::Result<()> {
    for (set, interest) in master.iter_mut().zip(SETS) {
        match (old.contains(interest), new.contains(interest)) {
            (false, true) => set.push(fd as Slot)?,
            (true, false) => {
                set.remove(fd);
            }
            _ => {}
        }
    }
    Ok(())
}

impl Mechanism for SelectMechanism {
    const BACKEND: Backend = Backend::Select;
    const NAME: &'static str = "select";
    const GEN_MASK: u32 = 0;

    /// Checks that `fd` is an open socket, then adds it to the master sets.
    fn add(&mut self, fd: RawFd, interest: Interest, _tag: Tag) -> io::Result<()> {
        sys::check_open(fd)?;
        apply(&mut self.master, fd, Interest::EMPTY, interest)
    }

    fn modify(&mut self, fd: RawFd, old: Interest, new: Interest, _tag: Tag) -> io::Result<()> {
        sys::check_open(fd)?;
        apply(&mut self.master, fd, old, new)
    }

    /// Removal from the sets cannot fail for a registered socket.
    fn delete(&mut self, fd: RawFd, old: Interest) -> io::Result<()> {
        apply(&mut self.master, fd, old, Interest::EMPTY)
    }

    fn wait(&mut self, _slots: usize, timeout: Option<Duration>) -> io::Result<usize> {
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

    /// Everything fits (Winsock's count, one per set a socket is in, is at most the
    /// capacity): one merged walk.
    fn fill<T>(&mut self, n: usize, events: &mut Events, view: &WaitView<'_, T>) -> Option<usize> {
        if n > events.capacity() {
            return None;
        }
        self.walk(|fd, ready| view.push(events, Event::new(fd, ready, false, false)));
        Some(events.len())
    }

    fn for_each_ready<T, F: FnMut(Report)>(
        &mut self,
        _n: usize,
        _view: &WaitView<'_, T>,
        mut report: F,
    ) {
        self.walk(|fd, ready| {
            report(Report::Fd {
                fd,
                packed: u16::from(ready.bits()),
                gen: 0,
            });
        });
    }

    fn close(&mut self) {
        self.master = Default::default();
        self.work = Default::default();
    }

    fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.check = check;
    }

    fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.check
    }
}
