//! [`SelectSelector`] on Winsock: the uniform [`Selector`] contract over `select`.

use std::io;
use std::time::Duration;

use select_core::__private::{Registry, WakeFd};
use select_core::error::already_registered;
use select_core::retry::{self, InterruptCheck};
use select_core::{Backend, Event, Events, Interest, RawFd, Selector, SelectorKey, Waitable};

use crate::fdset::FdSet;
use crate::sys::{self, Slot};

/// Which interest each of the three sets stands for: read set, write set, except set.
const SETS: [Interest; 3] = [Interest::READ, Interest::WRITE, Interest::PRIORITY];

/// Python's `selectors.SelectSelector` on Windows, with the uniform contract of
/// [`Selector`](select_core::Selector): a registration table plus three master socket
/// sets (read, write, exceptional) kept up to date by `register`/`modify`/`unregister`;
/// a wait copies the sets in use, calls Winsock's `select` once and merges the ready
/// sockets of the three sets into one [`Event`] per socket.
///
/// Interests map to the sets as on Unix: [`Interest::READ`] to the read set,
/// [`Interest::WRITE`] to the write set and [`Interest::PRIORITY`] to the exceptional
/// set (TCP out-of-band data; on Windows the exceptional set also reports a failed
/// non-blocking `connect`).
///
/// # Costs and limits
///
/// * Only sockets can be registered: anything else is refused at `register` with
///   Winsock's `WSAENOTSOCK` (10038) as `raw_os_error()`.
/// * Any number of sockets (no `FD_SETSIZE` limit). A wait is O(registered) to copy the
///   sets plus O(k log k) to sort the k ready ones; `register` is O(1), `modify` and
///   `unregister` are O(registered) (a scan of the counted arrays).
/// * [`Events`] is bounded: when more sockets are ready than it holds, the next wait
///   starts where the previous one stopped, so none is starved.
/// * Hang-ups and errors are not told apart: [`Event::is_hangup`] and
///   [`Event::is_error`] are always `false`; a closed peer shows as readable.
/// * With nothing registered, a wait sleeps for its timeout (Winsock itself refuses an
///   empty call with `WSAEINVAL`).
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use select_fdset::{Events, Interest, SelectSelector, Selector};
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut client = TcpStream::connect(listener.local_addr()?)?;
/// let (server, _) = listener.accept()?;
/// let mut sel = SelectSelector::<&str>::new()?;
/// sel.register(&server, Interest::READ, "server")?;
/// let mut events = Events::with_capacity(16);
/// assert_eq!(sel.select(&mut events, Some(Duration::ZERO))?, 0);
/// client.write_all(b"x")?;
/// assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
/// let (key, ready) = sel.ready_keys(&events).next().unwrap();
/// assert_eq!((key.data, ready), ("server", Interest::READ));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct SelectSelector<T> {
    registry: Registry<T>,
    /// Registered sockets per set (`SETS` order); the wake socket is also in the read
    /// set.
    master: [FdSet; 3],
    work: [FdSet; 3],
    wake: Option<RawFd>,
    /// Where the next scan of the results starts (rotation when `Events` fills up): the
    /// lowest handle value to report first.
    cursor: Slot,
    check: Option<InterruptCheck>,
}

impl<T> SelectSelector<T> {
    /// A new, empty selector.
    ///
    /// # Errors
    ///
    /// None today (`select` needs no kernel object); the `Result` keeps the constructor
    /// uniform with the other backends.
    pub fn new() -> io::Result<SelectSelector<T>> {
        Ok(SelectSelector {
            registry: Registry::new("select"),
            master: Default::default(),
            work: Default::default(),
            wake: None,
            cursor: 0,
            check: None,
        })
    }

    /// The registration table, for `DefaultSelector`'s `ready_keys` (plumbing: not
    /// covered by semver).
    #[doc(hidden)]
    #[inline]
    pub fn registry(&self) -> &Registry<T> {
        &self.registry
    }

    /// Sets the interrupt check (PEP 475's handler step on Unix). Kept for the same API
    /// on every platform; Winsock waits are never interrupted by signals, so on Windows
    /// it is never called.
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.check = check;
    }

    /// The check set by [`set_interrupt_check`](SelectSelector::set_interrupt_check).
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.check
    }

    /// Fills `events` from the working sets after a wait.
    fn collect(&mut self, events: &mut Events) {
        for set in &mut self.work {
            set.sort_dedup();
        }
        if let Some(wake) = self.wake {
            if self.work[0].sorted_contains(wake as Slot) {
                events.set_woken();
            }
        }
        let sets = [
            self.work[0].sorted(),
            self.work[1].sorted(),
            self.work[2].sorted(),
        ];
        let wake = self.wake.map(|w| w as Slot);
        let stopped = walk(sets, self.cursor, None, wake, events)
            .or_else(|| walk(sets, 0, Some(self.cursor), wake, events));
        self.cursor = stopped.unwrap_or(0);
    }
}

/// Reports, in ascending handle order, the sockets of the sorted `sets` in
/// `[lo, hi)` (`hi` `None`: no upper bound), one [`Event`] per socket with the interests
/// of the sets it is in. Returns the socket that did not fit into `events`, if any.
fn walk(
    sets: [&[Slot]; 3],
    lo: Slot,
    hi: Option<Slot>,
    wake: Option<Slot>,
    events: &mut Events,
) -> Option<Slot> {
    let mut idx = sets.map(|s| s.partition_point(|&fd| fd < lo));
    loop {
        let next = (0..3)
            .filter_map(|k| sets[k].get(idx[k]).copied())
            .filter(|&fd| hi.is_none_or(|hi| fd < hi))
            .min()?;
        let mut ready = Interest::EMPTY;
        for k in 0..3 {
            if sets[k].get(idx[k]) == Some(&next) {
                ready |= SETS[k];
                idx[k] += 1;
            }
        }
        if Some(next) == wake {
            continue;
        }
        if !events.push(Event::new(next as RawFd, ready, false, false)) {
            return Some(next);
        }
    }
}

#[cold]
#[inline(never)]
fn closed_error<T>(registry: &Registry<T>) -> io::Error {
    match registry.check_open() {
        Err(e) => e,
        Ok(()) => select_core::error::closed("select selector"),
    }
}

fn apply(master: &mut [FdSet; 3], fd: RawFd, old: Interest, new: Interest) -> io::Result<()> {
    for (set, interest) in master.iter_mut().zip(SETS) {
        match (old.contains(interest), new.contains(interest)) {
            (false, true) => set.push(fd as Slot)?,
            (true, false) => {
                set.remove(fd)?;
            }
            _ => {}
        }
    }
    Ok(())
}

impl<T> Selector for SelectSelector<T> {
    type Data = T;

    fn backend(&self) -> Backend {
        Backend::Select
    }

    fn register<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let wake = self.wake;
        let master = &mut self.master;
        self.registry.register(fd, interest, data, |fd, interest| {
            if wake == Some(fd) {
                return Err(already_registered(fd));
            }
            sys::check_open(fd)?;
            apply(master, fd, Interest::EMPTY, interest)
        })
    }

    fn modify<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        let fd = fd.fileno()?;
        let master = &mut self.master;
        self.registry.modify(fd, interest, data, |fd, old, new| {
            sys::check_open(fd)?;
            apply(master, fd, old, new)
        })
    }

    fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<SelectorKey<T>> {
        let fd = fd.fileno()?;
        let master = &mut self.master;
        self.registry.unregister(fd, |fd, old| {
            // Removal from the sets cannot fail for a registered socket.
            let _ = apply(master, fd, old, Interest::EMPTY);
        })
    }

    fn select(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        if self.registry.is_closed() {
            return Err(closed_error(&self.registry));
        }
        events.clear();
        let active = self.master.each_ref().map(|s| !s.is_empty());
        let master = &self.master;
        let work = &mut self.work;
        let n = retry::wait(timeout, |left| {
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
        })?;
        if n > 0 {
            self.collect(events);
        }
        Ok(events.len())
    }

    fn get_key<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<&SelectorKey<T>> {
        self.registry.get(fd.fileno()?)
    }

    fn keys(&self) -> impl Iterator<Item = &SelectorKey<T>> {
        self.registry.iter()
    }

    fn len(&self) -> usize {
        self.registry.len()
    }

    fn close(&mut self) {
        self.registry.close();
        self.master = Default::default();
        self.work = Default::default();
        self.wake = None;
        self.cursor = 0;
    }

    fn is_closed(&self) -> bool {
        self.registry.is_closed()
    }
}

impl<T> WakeFd for SelectSelector<T> {
    /// Watches the socket `fd` in the read set outside the registrations; see
    /// `WakeFd::set_wake_fd`.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for `INVALID_SOCKET` or after `close`; `AlreadyExists` if `fd` is
    /// registered; Winsock's error if it is not an open socket.
    fn set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()> {
        self.registry.check_open()?;
        if let Some(fd) = fd {
            let fd = fd.fileno()?;
            if self.registry.interest(fd).is_some() {
                return Err(already_registered(fd));
            }
            sys::check_open(fd)?;
        }
        if let Some(old) = self.wake.take() {
            let _ = self.master[0].remove(old);
        }
        if let Some(fd) = fd {
            self.master[0].push(fd as Slot)?;
            self.wake = Some(fd);
        }
        Ok(())
    }
}
