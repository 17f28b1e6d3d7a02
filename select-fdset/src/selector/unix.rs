//! `SelectSelector`'s mechanism on Unix: three master `select(2)` bitmaps and their
//! working copies.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use select_core::Interest;
use select_core::{__private::retry, InterruptCheck};

use super::SETS;
use crate::fdset::{FdSet, WorkSet};
use crate::select::check_fd_limit;
use crate::sys::{self, Word, BITS};

/// The `select(2)` half of [`SelectSelector`](crate::SelectSelector): the master sets and the working copies a
/// wait hands to the kernel.
#[derive(Debug)]
pub(crate) struct SelectMechanism {
    /// Registered fds per set (`SETS` order); the wake fd is also in the read set.
    master: [FdSet; 3],
    work: [WorkSet; 3],
    /// What a wait needs to know of `master`; `None` once `master` changed, so the next
    /// wait recomputes it (a registration or removal costs one store here, however many
    /// follow each other).
    shape: Option<Shape>,
    /// The shape of the last wait, whose results `work` holds.
    last: Shape,
    pub(super) check: Option<InterruptCheck>,
}

impl SelectMechanism {
    pub(crate) fn new() -> SelectMechanism {
        SelectMechanism {
            master: [FdSet::new(), FdSet::new(), FdSet::new()],
            work: [WorkSet::new(), WorkSet::new(), WorkSet::new()],
            shape: None,
            last: Shape::EMPTY,
            check: None,
        }
    }
}

/// The summary of the master sets a wait works from.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// One above the highest watched fd (0 when none).
    nfds: usize,
    /// Which sets are watched (non-empty): only those are passed to the kernel (the
    /// others are null pointers), copied and scanned.
    active: [bool; 3],
}

impl Shape {
    const EMPTY: Shape = Shape {
        nfds: 0,
        active: [false; 3],
    };

    #[inline]
    fn of(master: &[FdSet; 3]) -> Shape {
        // `highest()` is `None` exactly for an empty set, so -1 stands for it here.
        let top = |s: &FdSet| s.highest().map_or(-1, i64::from);
        let highest = top(&master[0]).max(top(&master[1])).max(top(&master[2]));
        Shape {
            nfds: usize::try_from(highest + 1).unwrap_or(0),
            active: [
                !master[0].is_empty(),
                !master[1].is_empty(),
                !master[2].is_empty(),
            ],
        }
    }
}

/// Reports every fd set in the read, write and except `words` (the sets not in use are
/// empty), in fd order, with the interests of the sets it is in, until the kernel's count
/// `left` of set bits is reached.
#[inline(always)]
fn scan_all(
    sets: [&[Word]; 3],
    nwords: usize,
    mut left: usize,
    mut each: impl FnMut(RawFd, Interest),
) {
    let at = |set: &[Word], i: usize| set.get(i).copied().unwrap_or(0);
    for i in 0..nwords {
        let words = sets.map(|s| at(s, i));
        let mut any = words[0] | words[1] | words[2];
        while any != 0 {
            let bit = any.trailing_zeros() as usize;
            any &= any - 1;
            let mut ready = Interest::EMPTY;
            for (set, interest) in words.iter().zip(SETS) {
                if set & (1 << bit) != 0 {
                    ready |= interest;
                    // The kernel counts one per set.
                    left = left.saturating_sub(1);
                }
            }
            // Positions come from registered fds, so they fit a RawFd.
            each((i * BITS + bit) as RawFd, ready);
        }
        if left == 0 {
            return;
        }
    }
}

/// [`scan_all`] for a read set alone, the usual case, in its own loop: reports its fds
/// in order until the kernel's count `left` is reached.
#[inline(always)]
fn scan_read(words: &[Word], mut left: usize, mut each: impl FnMut(RawFd)) {
    for (i, &word) in words.iter().enumerate() {
        if word == 0 {
            continue;
        }
        let mut bits = word;
        while bits != 0 {
            let bit = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            left = left.saturating_sub(1);
            // Positions come from registered fds, so they fit a RawFd.
            each((i * BITS + bit) as RawFd);
        }
        if left == 0 {
            break;
        }
    }
}

impl SelectMechanism {
    /// The working sets of the last wait, those not in use empty.
    #[inline]
    fn results(&self) -> [&[Word]; 3] {
        let Shape { nfds, active } = self.last;
        let nwords = nfds.div_ceil(BITS);
        let pick = |i: usize| -> &[Word] {
            if active[i] {
                self.work[i].words(nwords)
            } else {
                &[]
            }
        };
        [pick(0), pick(1), pick(2)]
    }
}

/// Moves `fd` in the master sets from interest `old` to `new`, all-or-nothing: room is
/// made in every set that gains the fd before any set changes.
#[inline(always)]
fn apply(master: &mut [FdSet; 3], fd: RawFd, old: Interest, new: Interest) -> io::Result<()> {
    let (old, new) = (old.bits(), new.bits());
    let (add, del) = (new & !old, old & !new);
    // Room first, so that a failed allocation changes nothing (one added set needs no
    // such step: its `insert` either grows and adds, or fails having changed nothing).
    if add.count_ones() > 1 {
        for (set, interest) in master.iter_mut().zip(SETS) {
            if add & interest.bits() != 0 {
                set.reserve(fd)?;
            }
        }
    }
    // Additions before removals: a failed single addition has then changed nothing.
    if add != 0 {
        for (set, interest) in master.iter_mut().zip(SETS) {
            if add & interest.bits() != 0 {
                set.insert_checked(fd)?;
            }
        }
    }
    if del != 0 {
        for (set, interest) in master.iter_mut().zip(SETS) {
            if del & interest.bits() != 0 {
                set.remove_checked(fd);
            }
        }
    }
    Ok(())
}

/// The platform half of the [`Mechanism`](select_core::__private::Mechanism) methods
/// (see `selector.rs`).
impl SelectMechanism {
    /// Checks the fd against `FD_SETSIZE` where the platform needs it and that it is
    /// open (`fcntl(F_GETFD)`), then adds it to the master sets.
    #[inline(always)]
    pub(super) fn register(&mut self, fd: RawFd, interest: Interest) -> io::Result<()> {
        check_fd_limit(fd)?;
        sys::check_open(fd)?;
        self.update(fd, Interest::EMPTY, interest)
    }

    /// Moves `fd` in the master sets. No syscall: a registered fd closed since makes the
    /// next wait fail with EBADF, as it would without this call. Removal (to
    /// `Interest::EMPTY`) cannot fail for a registered (non-negative) fd.
    #[inline(always)]
    pub(super) fn update(&mut self, fd: RawFd, old: Interest, new: Interest) -> io::Result<()> {
        self.shape = None;
        apply(&mut self.master, fd, old, new)
    }

    /// Removes `fd`, registered for `old`, from the master sets.
    #[inline(always)]
    pub(super) fn unregister(&mut self, fd: RawFd, old: Interest) -> io::Result<()> {
        self.update(fd, old, Interest::EMPTY)
    }

    /// One `select(2)` over the working copies of the master sets in use, EINTR retried.
    #[inline(always)]
    pub(super) fn wait_once(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        let master = &self.master;
        let shape = *self.shape.get_or_insert_with(|| Shape::of(master));
        let Shape { nfds, active } = shape;
        let nwords = nfds.div_ceil(BITS);
        let [r, w, x] = &mut self.work;
        for (set, on) in [(r, active[0]), (w, active[1]), (x, active[2])] {
            if on {
                set.prepare(nwords)?;
            }
        }
        self.last = shape;
        // A closed highest fd beyond the kernel's fd table would be silently ignored
        // (e.g. in a forked child, whose table may be smaller): EBADF, as the free
        // `select()` gives. One relaxed load while the fd is known to be inside.
        if let Some(highest) = nfds.checked_sub(1) {
            sys::check_in_table(highest as RawFd)?;
        }
        let work = &mut self.work;
        // Inlined so that no extra call frame sits between the syscall and this function:
        // every return after a syscall is costly on machines whose kernel refills the
        // return-stack predictor.
        retry::wait_checked(
            timeout,
            self.check,
            #[inline(always)]
            |left| {
                let [r, w, x] = &mut *work;
                sys::select(
                    nfds,
                    active[0].then(|| r.load(&master[0], nwords)),
                    active[1].then(|| w.load(&master[1], nwords)),
                    active[2].then(|| x.load(&master[2], nwords)),
                    left,
                )
            },
        )
    }

    /// Hands every fd the last wait found ready (the kernel's count was `n`), in fd
    /// order, to `each` with the interests of the sets it is in: one forward scan; the
    /// read set alone is the usual case and has its own loop.
    #[inline(always)]
    pub(super) fn scan(&mut self, n: usize, mut each: impl FnMut(RawFd, Interest, bool)) {
        let sets = self.results();
        if self.last.active == [true, false, false] {
            scan_read(sets[0], n, |fd| each(fd, Interest::READ, false));
        } else {
            let nwords = self.last.nfds.div_ceil(BITS);
            scan_all(sets, nwords, n, |fd, r| each(fd, r, false));
        }
    }

    /// Forgets every set and buffer.
    pub(super) fn release(&mut self) {
        self.master = [FdSet::new(), FdSet::new(), FdSet::new()];
        for w in &mut self.work {
            w.release();
        }
        self.shape = None;
        self.last = Shape::EMPTY;
    }
}
