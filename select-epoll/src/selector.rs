//! `EpollSelector`: the `selectors`-style layer on epoll.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::time::Duration;

use libc::epoll_event;
use select_core::__private::{BaseSelector, Mechanism, Report, Tag, WaitView};
use select_core::InterruptCheck;
use select_core::{Backend, Event, Events, Interest};

use crate::epoll::{kernel_buffer, MAX_MAXEVENTS};
use crate::Epoll;

// The epoll data word of every registration: the fd in the low 32 bits, the registered
// interest in bits 32..40, a wake tag in bit 40 and the fd number's generation
// (`Generations`) in bits 41..64, so a wait translates kernel events into `Event`s
// without looking anything up until a kernel delete has failed.
const INTEREST_SHIFT: u32 = 32;
const WAKE_TAG: u64 = 1 << 40;
const GEN_SHIFT: u32 = 41;
/// The generation bits the data word has room for.
const GEN_MASK: u32 = (1 << (64 - GEN_SHIFT)) - 1;

const IN: u32 = libc::EPOLLIN as u32;
const OUT: u32 = libc::EPOLLOUT as u32;
const PRI: u32 = libc::EPOLLPRI as u32;
const ERR: u32 = libc::EPOLLERR as u32;
const HUP: u32 = libc::EPOLLHUP as u32;
const RDHUP: u32 = libc::EPOLLRDHUP as u32;

#[inline]
fn pack(fd: RawFd, interest: Interest, gen: u32) -> u64 {
    u64::from(fd as u32)
        | (u64::from(interest.bits()) << INTEREST_SHIFT)
        | (u64::from(gen & GEN_MASK) << GEN_SHIFT)
}

/// The generation in a data word.
#[inline]
fn gen_of(data: u64) -> u32 {
    (data >> GEN_SHIFT) as u32
}

/// The kernel mask for an interest: READ asks for `EPOLLIN | EPOLLRDHUP` (so a peer's
/// half-close is seen as a hang-up), WRITE for `EPOLLOUT`, PRIORITY for `EPOLLPRI`.
/// Level-triggered.
#[inline]
fn mask(interest: Interest) -> u32 {
    let mut m = 0;
    if interest.is_readable() {
        m |= IN | RDHUP;
    }
    if interest.is_writable() {
        m |= OUT;
    }
    if interest.is_priority() {
        m |= PRI;
    }
    m
}

/// `out` when `x` has a bit of `mask`, else 0 (no branch).
#[inline(always)]
const fn bit(x: u32, mask: u32, out: u8) -> u8 {
    (x & mask != 0) as u8 * out
}

/// What kernel `bits` mean for a registration of the `registered` interests: the ready
/// interests (low byte), hang-up (bit 8) and error (bit 9); 0 for an event carrying no
/// registered interest, and always 0 for `registered == 0` (the wake fd's tag, whose
/// events the wait loop finds afterwards).
const fn translate_bits(bits: u32, registered: u8) -> u16 {
    if registered == 0 {
        return 0;
    }
    let hangup = bits & (HUP | RDHUP) != 0;
    let error = bits & ERR != 0;
    // HUP/ERR: everything; RDHUP alone (the peer shut down its writing half): reading
    // gives EOF, writing may still work.
    let ready =
        bit(bits, IN | RDHUP, 1) | bit(bits, OUT, 2) | bit(bits, PRI, 4) | bit(bits, HUP | ERR, 3);
    let mut ready = ready & registered;
    if ready == 0 {
        if !(hangup || error) {
            return 0;
        }
        // A hang-up or error on a PRIORITY-only registration: report what was
        // registered rather than hide a condition that makes every wait return at once.
        ready = registered;
    }
    ready as u16 | ((hangup as u16) << 8) | ((error as u16) << 9)
}

/// The six event bits [`translate_bits`] reads, squeezed into bits 0-5 of a table index
/// (IN, PRI, OUT, ERR, HUP are bits 0-4 in the kernel ABI; RDHUP is bit 13).
#[inline(always)]
const fn squeeze(bits: u32) -> usize {
    ((bits & 0x1f) | ((bits & RDHUP) >> 8)) as usize
}

// The kernel ABI [`squeeze`] relies on (the same on every Linux architecture).
const _: () = assert!(IN == 1 && PRI == 2 && OUT == 4 && ERR == 8 && HUP == 16 && RDHUP == 0x2000);

/// Inverse of [`squeeze`] for building [`TABLE`].
const fn unsqueeze(i: usize) -> u32 {
    (i as u32 & 0x1f) | ((i as u32 & 0x20) << 8)
}

/// [`translate_bits`] for every (registered interests, squeezed bits) pair: one load
/// per event instead of a dozen bit tests.
static TABLE: [u16; 512] = {
    let mut t = [0u16; 512];
    let mut i = 0;
    while i < 512 {
        t[i] = translate_bits(unsqueeze(i & 63), (i >> 6) as u8);
        i += 1;
    }
    t
};

/// Translates one kernel event into `Event`'s packed word; 0 for an event carrying no
/// registered interest and for the wake fd.
#[inline(always)]
fn translate_packed(ev: &epoll_event) -> (RawFd, u16) {
    // Copies out of a possibly packed struct.
    let (bits, data) = (ev.events, ev.u64);
    let registered = (data >> INTEREST_SHIFT) as usize & usize::from(Interest::ALL.bits());
    let out = TABLE
        .get((registered << 6) | squeeze(bits))
        .copied()
        .unwrap_or(0);
    (data as u32 as RawFd, out)
}

/// Translates one kernel event; `None` for an event carrying no registered interest.
#[cfg(test)]
fn translate(ev: &epoll_event) -> Option<Event> {
    let (fd, out) = translate_packed(ev);
    // `out` is in `Event`'s packed form (interests, hang-up bit 8, error bit 9).
    (out != 0).then(|| Event::from_packed(fd, out))
}

/// Python's `selectors.EpollSelector`: the [`Selector`](crate::Selector) contract on an [`Epoll`],
/// level-triggered, with O(ready fds) waits.
///
/// Each registration's interest is packed into the epoll data word next to the fd, so a
/// wait translates kernel events into [`Event`]s without a table lookup; the kernel
/// buffer lives in the selector, sized to the largest [`Events::capacity`] seen, so a
/// warm wait does not allocate.
///
/// READ registers `EPOLLIN | EPOLLRDHUP`, WRITE `EPOLLOUT`, PRIORITY `EPOLLPRI`.
/// `EPOLLHUP`/`EPOLLERR` make every registered READ/WRITE interest ready
/// ([`Event::is_hangup`], [`Event::is_error`]); `EPOLLRDHUP` (the peer's
/// `shutdown(SHUT_WR)`) makes READ ready with `is_hangup`.
///
/// `register` fails with the kernel's `EBADF` for a closed fd and `EPERM` for a regular
/// file; `modify` asks the kernel (`EPOLL_CTL_MOD`) and keeps the old key if it refuses.
/// `unregister` swallows the kernel's complaint about an fd closed (EBADF) or reused
/// (ENOENT) since registration, as CPython does. Because of epoll's `dup` trap (see
/// [`Epoll`]), such a registration may live on in the kernel, and its events would come
/// under the fd number, even after the number was reused and registered again for other
/// interests. So each registration carries its fd number's generation in the data word,
/// and a failed delete moves that number's generation on; from then on each wait drops,
/// with one O(1) check per event, events whose generation is not the current one or
/// whose fd is not registered. An fd is never reported after `unregister` returned, nor
/// for an interest its current key does not hold.
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::time::Duration;
/// use select_epoll::{EpollSelector, Events, Interest, Selector};
///
/// let mut sel = EpollSelector::new()?;
/// let (reader, mut writer) = std::io::pipe()?;
/// sel.register(&reader, Interest::READ, "pipe")?;
/// writer.write_all(b"x")?;
/// let mut events = Events::with_capacity(16);
/// assert_eq!(sel.select(&mut events, Some(Duration::from_secs(5)))?, 1);
/// let (key, ready) = sel.ready_keys(&events).next().unwrap();
/// assert_eq!((key.data, ready), ("pipe", Interest::READ));
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct EpollSelector<T>(BaseSelector<EpollMechanism, T>);

select_core::forward_selector!(EpollSelector);

impl<T> EpollSelector<T> {
    /// A new selector on a new epoll instance.
    ///
    /// # Errors
    ///
    /// As [`Epoll::new`].
    pub fn new() -> io::Result<EpollSelector<T>> {
        Ok(EpollSelector(BaseSelector::new(EpollMechanism {
            ep: Epoll::new()?,
            buf: Vec::new(),
        })))
    }

    /// The epoll fd (Python's `EpollSelector.fileno()`).
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](crate::Selector::close).
    pub fn fileno(&self) -> io::Result<RawFd> {
        self.0.check_open()?;
        self.0.mechanism().ep.fileno()
    }

    /// The epoll fd, borrowed: the selector's `AsFd` (see [`Epoll::try_as_fd`] for why
    /// there is no `AsFd` impl). A reactor can watch it: it is readable while events
    /// are pending.
    ///
    /// # Errors
    ///
    /// `InvalidInput` after [`close`](crate::Selector::close).
    pub fn try_as_fd(&self) -> io::Result<BorrowedFd<'_>> {
        self.0.check_open()?;
        self.0.mechanism().ep.try_as_fd()
    }
}

impl<T> AsRawFd for EpollSelector<T> {
    /// The epoll fd, `-1` after [`close`](crate::Selector::close).
    fn as_raw_fd(&self) -> RawFd {
        self.0.mechanism().ep.as_raw_fd()
    }
}

/// The epoll half of [`EpollSelector`]: the epoll instance and its kernel buffer.
#[derive(Debug)]
pub(crate) struct EpollMechanism {
    ep: Epoll,
    buf: Vec<epoll_event>,
}

impl EpollMechanism {
    #[cold]
    fn grow(&mut self, cap: usize) -> io::Result<()> {
        self.buf = kernel_buffer(cap)?;
        Ok(())
    }
}

/// The kernel mask and data word of a new entry (the wake fd: readable, and its tag).
#[inline]
fn entry(fd: RawFd, interest: Interest, tag: Tag) -> (u32, u64) {
    let bits = if tag.wake { IN } else { mask(interest) };
    (bits, word(fd, interest, tag))
}

/// The data word of a registration (the wake fd's carries the wake tag and no interest).
#[inline]
fn word(fd: RawFd, interest: Interest, tag: Tag) -> u64 {
    if tag.wake {
        u64::from(fd as u32) | WAKE_TAG | (u64::from(tag.gen & GEN_MASK) << GEN_SHIFT)
    } else {
        pack(fd, interest, tag.gen)
    }
}

impl Mechanism for EpollMechanism {
    const BACKEND: Backend = Backend::Epoll;
    const NAME: &'static str = "epoll";
    const GEN_MASK: u32 = GEN_MASK;

    #[inline(always)]
    fn add(&mut self, fd: RawFd, interest: Interest, tag: Tag) -> io::Result<()> {
        let (bits, data) = entry(fd, interest, tag);
        match self.ep.ctl(libc::EPOLL_CTL_ADD, fd, bits, data) {
            // The skeleton adds only fds it does not hold, so an entry for this number
            // and this very file is one a failed delete left behind (the dup trap, the
            // file back at its number): take it over, under the new tag.
            Err(e) if e.raw_os_error() == Some(libc::EEXIST) => self
                .ep
                .ctl(libc::EPOLL_CTL_MOD, fd, bits, data)
                .map_err(|_| e),
            done => done,
        }
    }

    #[inline(always)]
    fn modify(&mut self, fd: RawFd, _old: Interest, new: Interest, tag: Tag) -> io::Result<()> {
        self.ep
            .ctl(libc::EPOLL_CTL_MOD, fd, mask(new), word(fd, new, tag))
    }

    #[inline(always)]
    fn delete(&mut self, fd: RawFd, _old: Interest) -> io::Result<()> {
        // EBADF (closed) or ENOENT (number reused): nothing to remove under this number,
        // but a dup of the old file may keep the registration alive.
        self.ep.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0)
    }

    #[inline]
    fn kernel_slots(&self, capacity: usize, _registered: usize) -> usize {
        capacity.min(MAX_MAXEVENTS)
    }

    #[inline(always)]
    fn wait(&mut self, slots: usize, timeout: Option<Duration>) -> io::Result<usize> {
        if self.buf.len() < slots {
            self.grow(slots)?;
        }
        let buf = self.buf.get_mut(..slots).unwrap_or_default();
        self.ep.wait_raw(buf, timeout)
    }

    #[inline]
    fn fill<T>(&mut self, n: usize, events: &mut Events, _view: &WaitView<'_, T>) -> Option<usize> {
        let ready = self.buf.get(..n)?;
        let len = events.fill_with(|slots| {
            let mut k = 0;
            for ev in ready {
                let (fd, out) = translate_packed(ev);
                // Written whether or not it counts (no branch): `k <= ` this event's
                // index `< n <= slots.len()`, so the slot exists, and a slot past the
                // final count is never read.
                if let Some(slot) = slots.get_mut(k) {
                    *slot = Event::from_packed(fd, out);
                }
                k += usize::from(out != 0);
            }
            k
        });
        if len < n && ready.iter().any(|ev| ev.u64 & WAKE_TAG != 0) {
            // Something was dropped: the wake fd, or (rarely) an event carrying no
            // registered interest.
            events.set_woken();
        }
        Some(len)
    }

    fn for_each_ready<T, F: FnMut(Report)>(
        &mut self,
        n: usize,
        _view: &WaitView<'_, T>,
        mut report: F,
    ) {
        for ev in self.buf.get(..n).unwrap_or_default() {
            let (fd, packed) = translate_packed(ev);
            // The wake fd's entry translates to nothing; the skeleton knows its number.
            report(Report::Fd {
                fd,
                packed,
                gen: gen_of(ev.u64),
            });
        }
    }

    /// A fresh instance holding `live`, then moved onto this instance's fd number.
    fn evict_stale<I: Iterator<Item = (RawFd, Interest, Tag)>>(
        &mut self,
        live: I,
    ) -> io::Result<bool> {
        let fresh = Epoll::new()?;
        for (fd, interest, tag) in live {
            let (bits, data) = entry(fd, interest, tag);
            match fresh.ctl(libc::EPOLL_CTL_ADD, fd, bits, data) {
                Err(e) if e.raw_os_error() != Some(libc::EBADF) => return Err(e),
                _ => {}
            }
        }
        self.ep.take_instance(&fresh)?;
        Ok(true)
    }

    fn close(&mut self) {
        self.ep.close();
        self.buf = Vec::new();
    }

    #[inline]
    fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.ep.set_interrupt_check(check);
    }

    #[inline]
    fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.ep.interrupt_check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(bits: i32, fd: RawFd, interest: Interest) -> epoll_event {
        epoll_event {
            events: bits as u32,
            u64: pack(fd, interest, 0),
        }
    }

    #[test]
    fn translation_reports_only_registered_interests() {
        let rw = Interest::READ | Interest::WRITE;
        let e = translate(&ev(libc::EPOLLIN | libc::EPOLLOUT, 7, Interest::READ)).unwrap();
        assert_eq!((e.fd(), e.ready()), (7, Interest::READ));
        let e = translate(&ev(libc::EPOLLHUP, 8, rw)).unwrap();
        assert_eq!(e.ready(), rw);
        assert!(e.is_hangup() && !e.is_error());
        let e = translate(&ev(libc::EPOLLERR, 9, Interest::WRITE)).unwrap();
        assert_eq!(e.ready(), Interest::WRITE);
        assert!(e.is_error() && !e.is_hangup());
        let e = translate(&ev(libc::EPOLLIN | libc::EPOLLRDHUP, 10, rw)).unwrap();
        assert_eq!(e.ready(), Interest::READ);
        assert!(e.is_hangup());
        let e = translate(&ev(libc::EPOLLHUP, 11, Interest::PRIORITY)).unwrap();
        assert_eq!(e.ready(), Interest::PRIORITY);
        assert!(translate(&ev(libc::EPOLLOUT, 12, Interest::READ)).is_none());
        let e = translate(&ev(libc::EPOLLPRI, i32::MAX, Interest::ALL)).unwrap();
        assert_eq!((e.fd(), e.ready()), (i32::MAX, Interest::PRIORITY));
    }

    #[test]
    fn masks() {
        assert_eq!(mask(Interest::READ), IN | RDHUP);
        assert_eq!(mask(Interest::WRITE), OUT);
        assert_eq!(mask(Interest::ALL), IN | RDHUP | OUT | PRI);
        assert_eq!(pack(3, Interest::ALL, GEN_MASK) & WAKE_TAG, 0);
        assert_eq!(gen_of(pack(3, Interest::ALL, GEN_MASK)), GEN_MASK);
        assert_eq!(gen_of(pack(-1, Interest::ALL, u32::MAX)), GEN_MASK);
    }
}
