//! [`SelectSelector`]: the uniform [`Selector`] contract on `select(2)`.

use std::io;
use std::ops::ControlFlow;
use std::os::fd::RawFd;
use std::time::Duration;

use select_core::__private::WakeFd;
use select_core::error::already_registered;
use select_core::retry::InterruptCheck;
use select_core::{
    retry, Backend, Event, Events, Interest, Registry, Selector, SelectorKey, Waitable,
};

use crate::fdset::{FdSet, WorkSet};
use crate::select::check_fd_limit;
use crate::sys::{self, Word, BITS};

/// Which interest each of the three sets stands for: read set, write set, except set.
const SETS: [Interest; 3] = [Interest::READ, Interest::WRITE, Interest::PRIORITY];

/// Python's `selectors.SelectSelector`, with the uniform contract of
/// [`Selector`](crate::Selector): a registration table plus three master fd sets
/// (read, write, exceptional) kept up to date by `register`/`modify`/`unregister`, so a
/// wait only copies the words of the sets in use, calls `select(2)` once and scans the
/// result until the kernel's count of ready bits is reached.
///
/// Interests map to the three sets: [`Interest::READ`] to the read set,
/// [`Interest::WRITE`] to the write set and [`Interest::PRIORITY`] to the exceptional set
/// (TCP out-of-band data). A wait reports only registered interests.
///
/// # Costs and limits
///
/// * A wait is O(highest registered fd / word bits) in user space plus the kernel's
///   O(highest fd) scan; registration is O(1) (amortised; the sets grow when a higher
///   fd is registered, and never shrink).
/// * [`Events`] is bounded: when more fds are ready than it holds, the next wait starts
///   scanning where the previous one stopped, so no ready fd is starved.
/// * `select(2)` does not tell hang-ups and errors apart from readiness:
///   [`Event::is_hangup`] and [`Event::is_error`] are always `false` here; a hung-up or
///   failed fd shows as ready for each of its registered interests that the kernel
///   reports.
/// * A regular file is always ready for reading and writing: `select(2)` cannot wait for
///   a file to grow.
/// * fds at or above `FD_SETSIZE` work where [`LARGE_FDS`](crate::LARGE_FDS) is true
///   (Linux, Android, the BSDs) and are refused elsewhere (macOS, iOS...).
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::time::Duration;
/// use select_fdset::{Events, Interest, SelectSelector, Selector};
///
/// let (reader, mut writer) = std::io::pipe()?;
/// let mut sel = SelectSelector::<&str>::new()?;
/// sel.register(&reader, Interest::READ, "reader")?;
/// let mut events = Events::with_capacity(16);
///
/// assert_eq!(sel.select(&mut events, Some(Duration::ZERO))?, 0);
/// writer.write_all(b"x")?;
/// assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
/// let (key, ready) = sel.ready_keys(&events).next().unwrap();
/// assert_eq!((key.data, ready), ("reader", Interest::READ));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct SelectSelector<T> {
    registry: Registry<T>,
    /// Registered fds per set (`SETS` order); the wake fd is also in the read set.
    master: [FdSet; 3],
    work: [WorkSet; 3],
    wake: Option<RawFd>,
    /// Where the next scan of the results starts (rotation when `Events` fills up).
    cursor: usize,
    /// What a wait needs to know of `master`; `None` once `master` changed, so the next
    /// wait recomputes it (a registration or removal costs one store here, however many
    /// follow each other).
    shape: Option<Shape>,
    check: Option<InterruptCheck>,
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

impl<T> SelectSelector<T> {
    /// The registration table, for `DefaultSelector`'s `ready_keys` (plumbing: not
    /// covered by semver).
    #[doc(hidden)]
    #[inline]
    pub fn registry(&self) -> &Registry<T> {
        &self.registry
    }

    /// A new, empty selector. Allocates nothing until fds are registered.
    ///
    /// # Errors
    ///
    /// None today (`select(2)` needs no kernel object); the `Result` keeps the
    /// constructor uniform with the other backends.
    pub fn new() -> io::Result<SelectSelector<T>> {
        Ok(SelectSelector {
            registry: Registry::new("select"),
            master: [FdSet::new(), FdSet::new(), FdSet::new()],
            work: [WorkSet::new(), WorkSet::new(), WorkSet::new()],
            wake: None,
            cursor: 0,
            shape: None,
            check: None,
        })
    }

    /// Sets what happens when a wait is interrupted by a signal (PEP 475's handler
    /// step): `None` (the default) resumes the wait with the remaining time; with
    /// `Some(check)`, `check` runs after each EINTR and its error, if any, ends the wait
    /// (see [`Select::set_interrupt_check`](crate::Select::set_interrupt_check)).
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.check = check;
    }

    /// The check set by [`set_interrupt_check`](SelectSelector::set_interrupt_check).
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.check
    }

    /// Fills `events` from the working sets after a wait that reported `n` set bits,
    /// starting at `self.cursor` and wrapping; stops as soon as those `n` bits are seen.
    fn collect(&mut self, n: usize, nwords: usize, active: [bool; 3], events: &mut Events) {
        if let Some(wake) = self.wake {
            if self.work[0].contains(wake) {
                events.set_woken();
            }
        }
        let start = if self.cursor < nwords * BITS {
            self.cursor
        } else {
            0
        };
        if start == 0 && active == [true, false, false] {
            // The usual case: read interest only, no rotation pending. A plain forward
            // scan of one set, as compact as a hand-written loop.
            self.cursor = scan_read(self.work[0].words(nwords), n, self.wake, events);
            return;
        }
        let mut scan = Scan {
            events,
            left: n,
            wake: self.wake,
        };
        let pick = |set: usize| -> &[Word] {
            if active[set] {
                self.work[set].words(nwords)
            } else {
                &[]
            }
        };
        let (r, w, x) = (pick(0), pick(1), pick(2));
        let at = |set: &[Word], i: usize| set.get(i).copied().unwrap_or(0);
        let flow = if !active[1] && !active[2] {
            // Read interest only, a rotation pending: a plain search through one set.
            scan.run(
                start,
                nwords,
                |from, to| {
                    let words = r.get(from..to)?;
                    Some(from + words.iter().position(|&w| w != 0)?)
                },
                |i| [at(r, i), 0, 0],
            )
        } else {
            scan.run(
                start,
                nwords,
                |from, to| (from..to).find(|&i| at(r, i) | at(w, i) | at(x, i) != 0),
                |i| [at(r, i), at(w, i), at(x, i)],
            )
        };
        self.cursor = match flow {
            ControlFlow::Break(Some(fd)) => fd as usize,
            _ => 0,
        };
    }
}

/// [`SelectSelector::collect`] for a read set alone from fd 0: reports its fds in order
/// until the kernel's count `left` is reached. Returns where the next scan starts: the
/// fd that did not fit in a full `events`, else 0.
#[inline(always)]
fn scan_read(words: &[Word], mut left: usize, wake: Option<RawFd>, events: &mut Events) -> usize {
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
            let fd = (i * BITS + bit) as RawFd;
            if Some(fd) == wake {
                continue;
            }
            if !events.push(Event::new(fd, Interest::READ, false, false)) {
                return fd as usize;
            }
        }
        if left == 0 {
            break;
        }
    }
    0
}

/// The state of one scan of the working sets by [`SelectSelector::collect`].
struct Scan<'e> {
    events: &'e mut Events,
    /// Set bits the kernel reported and the scan has not reached yet.
    left: usize,
    wake: Option<RawFd>,
}

impl Scan<'_> {
    /// Visits the words from the one holding fd `start` to the last (`nwords - 1`),
    /// then from word 0 back to `start`: every fd from `start` up, then every fd below
    /// it. `find(from, to)` gives the first word in `from..to` with a bit set in any
    /// set, `load(i)` word `i` of the read, write and except sets.
    ///
    /// Breaks with `Some(fd)` when `events` is full and `fd` did not fit, with `None`
    /// once every reported bit was seen.
    #[inline(always)]
    fn run<F, L>(
        &mut self,
        start: usize,
        nwords: usize,
        find: F,
        load: L,
    ) -> ControlFlow<Option<RawFd>>
    where
        F: Fn(usize, usize) -> Option<usize>,
        L: Fn(usize) -> [Word; 3],
    {
        let (first, shift) = (start / BITS, start % BITS);
        let high: Word = !0 << shift;
        self.word(first, load(first).map(|w| w & high))?;
        let mut from = first + 1;
        while let Some(i) = find(from, nwords) {
            self.word(i, load(i))?;
            from = i + 1;
        }
        let mut from = 0;
        while let Some(i) = find(from, first) {
            self.word(i, load(i))?;
            from = i + 1;
        }
        if shift != 0 {
            self.word(first, load(first).map(|w| w & !high))?;
        }
        ControlFlow::Continue(())
    }

    /// Reports the fds of word `i` set in any of `sets` (read, write, except).
    #[inline(always)]
    fn word(&mut self, i: usize, sets: [Word; 3]) -> ControlFlow<Option<RawFd>> {
        let mut any = sets[0] | sets[1] | sets[2];
        while any != 0 {
            let bit = any.trailing_zeros() as usize;
            any &= any - 1;
            let mut ready = Interest::EMPTY;
            for (set, interest) in sets.iter().zip(SETS) {
                if set & (1 << bit) != 0 {
                    ready |= interest;
                    // The kernel counts one per set.
                    self.left = self.left.saturating_sub(1);
                }
            }
            // Positions come from registered fds, so they fit a RawFd.
            let fd = (i * BITS + bit) as RawFd;
            if Some(fd) == self.wake {
                continue;
            }
            if !self.events.push(Event::new(fd, ready, false, false)) {
                return ControlFlow::Break(Some(fd));
            }
        }
        if self.left == 0 {
            ControlFlow::Break(None)
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// The error of a wait after `close` (kept out of the wait's hot path).
#[cold]
#[inline(never)]
fn closed_error<T>(registry: &Registry<T>) -> io::Error {
    match registry.check_open() {
        Err(e) => e,
        Ok(()) => select_core::error::closed("select selector"),
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
                set.insert(fd)?;
            }
        }
    }
    if del != 0 {
        for (set, interest) in master.iter_mut().zip(SETS) {
            if del & interest.bits() != 0 {
                set.remove(fd)?;
            }
        }
    }
    Ok(())
}

impl<T> Selector for SelectSelector<T> {
    type Data = T;

    fn backend(&self) -> Backend {
        Backend::Select
    }

    /// Registers `fd`: adds it to the read, write and/or exceptional master set.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for an empty or unknown interest, a negative fd, an fd beyond
    /// `FD_SETSIZE` where the platform cannot take it, or after `close`;
    /// `AlreadyExists` if registered (or the wake fd); `EBADF` if `fd` is not open
    /// (checked with `fcntl(F_GETFD)`, as epoll and kqueue refuse it in the kernel).
    fn register<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let wake = self.wake;
        let master = &mut self.master;
        let key = self.registry.register(fd, interest, data, |fd, interest| {
            if wake == Some(fd) {
                return Err(already_registered(fd));
            }
            check_fd_limit(fd)?;
            sys::check_open(fd)?;
            apply(master, fd, Interest::EMPTY, interest)
        })?;
        self.shape = None;
        Ok(key)
    }

    /// Changes the interest and data of a registered fd.
    ///
    /// # Errors
    ///
    /// `NotFound` if not registered; `InvalidInput` for an empty or unknown interest, a
    /// negative fd, or after `close`. On error the old registration stays. No syscall
    /// is made: a registered fd closed since makes the next wait fail with `EBADF`.
    fn modify<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let master = &mut self.master;
        // No syscall: a registered fd closed since makes the next wait fail with EBADF,
        // as it would without this call.
        let key = self.registry.modify(fd, interest, data, |fd, old, new| {
            apply(master, fd, old, new)
        });
        self.shape = None;
        key
    }

    /// Removes a registration; works after the fd was closed or its number reused.
    ///
    /// # Errors
    ///
    /// `NotFound` if not registered; `InvalidInput` for a negative fd or after `close`.
    fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<SelectorKey<T>> {
        let fd = fd.fileno()?;
        let master = &mut self.master;
        let key = self.registry.unregister(fd, |fd, old| {
            // Removal from the sets cannot fail for a registered (non-negative) fd.
            let _ = apply(master, fd, old, Interest::EMPTY);
        })?;
        self.shape = None;
        Ok(key)
    }

    /// Waits with `select(2)` and fills `events` with up to `events.capacity()` reports.
    ///
    /// # Errors
    ///
    /// The kernel's errno (`EBADF` if a registered fd was closed); `InvalidInput` after
    /// `close`. Never `Interrupted`, unless the interrupt check (`set_interrupt_check`) returns it.
    fn select(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        if self.registry.is_closed() {
            return Err(closed_error(&self.registry));
        }
        events.clear();
        let master = &self.master;
        let Shape { nfds, active } = *self.shape.get_or_insert_with(|| Shape::of(master));
        let nwords = nfds.div_ceil(BITS);
        let [r, w, x] = &mut self.work;
        for (set, on) in [(r, active[0]), (w, active[1]), (x, active[2])] {
            if on {
                set.prepare(nwords)?;
            }
        }
        let work = &mut self.work;
        // Inlined so that no extra call frame sits between the syscall and this function:
        // every return after a syscall is costly on machines whose kernel refills the
        // return-stack predictor.
        let n = retry::wait_checked(
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
        )?;
        if n > 0 {
            self.collect(n, nwords, active, events);
        }
        Ok(events.len())
    }

    fn get_key<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<&SelectorKey<T>> {
        self.registry.get(fd.fileno()?)
    }

    /// One O(1) table lookup per event ([`Registry::ready_keys`]).
    #[inline]
    fn ready_keys<'a>(
        &'a self,
        events: &'a Events,
    ) -> impl Iterator<Item = (&'a SelectorKey<T>, Interest)> {
        self.registry.ready_keys(events)
    }

    fn keys(&self) -> impl Iterator<Item = &SelectorKey<T>> {
        self.registry.iter()
    }

    fn len(&self) -> usize {
        self.registry.len()
    }

    fn close(&mut self) {
        self.registry.close();
        self.master = [FdSet::new(), FdSet::new(), FdSet::new()];
        for w in &mut self.work {
            w.release();
        }
        self.wake = None;
        self.cursor = 0;
        self.shape = None;
    }

    fn is_closed(&self) -> bool {
        self.registry.is_closed()
    }
}

impl<T> WakeFd for SelectSelector<T> {
    /// Watches `fd` in the read set outside the registrations; see
    /// `WakeFd::set_wake_fd`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a negative fd, an fd beyond `FD_SETSIZE` where the platform
    /// cannot take it, or after `close`; `AlreadyExists` if `fd` is registered; `EBADF`
    /// if it is not open.
    fn set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()> {
        self.registry.check_open()?;
        if let Some(fd) = fd {
            let fd = fd.fileno()?;
            check_fd_limit(fd)?;
            if self.registry.interest(fd).is_some() {
                return Err(already_registered(fd));
            }
            sys::check_open(fd)?;
            self.master[0].reserve(fd)?;
        }
        if let Some(old) = self.wake.take() {
            let _ = self.master[0].remove(old);
        }
        if let Some(fd) = fd {
            // Cannot fail: room was made above.
            let _ = self.master[0].insert(fd);
            self.wake = Some(fd);
        }
        self.shape = None;
        Ok(())
    }
}
