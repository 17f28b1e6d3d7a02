//! The one selector skeleton: [`BaseSelector`] implements the [`Selector`] contract once,
//! over a small [`Mechanism`] that each backend crate supplies (epoll, kqueue, poll,
//! `/dev/poll`, select). Plumbing (hidden, not covered by semver): users meet it only
//! through the backend selectors (`EpollSelector`, `PollSelector`...), each a thin
//! newtype around a `BaseSelector` (see [`forward_selector!`](crate::forward_selector)).
//!
//! What lives here, written once for every backend:
//!
//! * the registration table and its rules ([`Registry`]): open, interest valid, fd (not)
//!   registered, kernel step before the table changes;
//! * the wake fd: set, replace and clear, the new one added to the kernel before the old
//!   one leaves, so a failed change leaves selector and kernel as they were;
//! * generations ([`Generations`]): a kernel delete that fails (epoll's dup trap, a
//!   reused number) moves the fd number on, and every later wait drops the stale entry's
//!   events by one O(1) check;
//! * the closed state;
//! * fairness when [`Events`] is smaller than the ready set: one rotation rule by fd
//!   number ([`Rotation`]), immune to registrations changing between waits.
//!
//! What a mechanism supplies: the kernel's add / modify / delete, one wait into its own
//! buffer, how many kernel slots a wait needs for a given capacity (two per fd on kqueue),
//! and the translation of its results, as a specialised fast fill for the common case
//! (everything fits, nothing stale) and as a stream of [`Report`]s for the general one.

use std::fmt;
use std::io;
use std::time::{Duration, Instant};

use crate::error::{already_registered, closed};
use crate::registry::{Generations, Registry};
use crate::selector::Rotation;
use crate::InterruptCheck;
use crate::{Backend, Event, Events, Interest, RawFd, Selector, SelectorKey, Waitable};

/// What the kernel's user-data word of one registration carries, for mechanisms that
/// have one (epoll's `data`, kqueue's `udata`): the fd number's generation and whether
/// the entry is the wake fd's. Mechanisms without user data ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// The fd number's generation when the entry was made ([`Generations::current`]);
    /// a mechanism keeps the bits of [`Mechanism::GEN_MASK`].
    pub gen: u32,
    /// The entry is the wake fd's (never reported as an [`Event`]).
    pub wake: bool,
}

/// One ready report of a wait, as a mechanism hands it to the skeleton's general path
/// ([`Mechanism::for_each_ready`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// `fd` is ready: `packed` is [`Event`]'s packed word (ready interests in bits 0-2,
    /// hang-up in bit 8, error in bit 9), `gen` the generation the kernel's entry carries
    /// (masked with [`Mechanism::GEN_MASK`]; 0 where the mechanism keeps none). The
    /// skeleton drops it when the generation is stale, when `fd` is the wake fd (it sets
    /// [`Events::woken`] instead) or not registered, and masks it with the registered
    /// interest.
    Fd {
        /// The ready fd.
        fd: RawFd,
        /// The event's packed word.
        packed: u16,
        /// The generation of the kernel entry that reported it.
        gen: u32,
    },
    /// A wake that has no fd (kqueue's `EVFILT_USER`): sets [`Events::woken`].
    Woken,
}

/// What a mechanism may look at while it translates a wait: the registered interests and
/// the wake fd.
#[derive(Debug)]
pub struct WaitView<'a, T> {
    registry: &'a Registry<T>,
    wake: Option<RawFd>,
}

impl<T> WaitView<'_, T> {
    /// The registered interest of `fd`, if it is registered.
    #[inline]
    #[must_use]
    pub fn interest(&self, fd: RawFd) -> Option<Interest> {
        self.registry.interest(fd)
    }

    /// The wake fd, if one is set.
    #[inline]
    #[must_use]
    pub fn wake(&self) -> Option<RawFd> {
        self.wake
    }

    /// For a mechanism's fast fill: records a wake if `event` is the wake fd's, else
    /// appends it (the caller has checked that everything fits).
    #[inline(always)]
    pub fn push(&self, events: &mut Events, event: Event) {
        if Some(event.fd()) == self.wake {
            events.set_woken();
        } else {
            events.push(event);
        }
    }
}

/// The kernel-facing half of a backend selector: what [`BaseSelector`] needs from epoll,
/// kqueue, poll, `/dev/poll` or select. Static dispatch only: every method is called on
/// a concrete type and inlined where it matters.
///
/// Contract for implementors:
///
/// * [`add`](Mechanism::add) / [`modify`](Mechanism::modify) either succeed or leave the
///   kernel as it was (the skeleton changes its table only after they succeed);
/// * [`delete`](Mechanism::delete) reports whether the kernel may still hold an entry
///   (an error: the fd was closed, its number reused, a dup keeps the file alive); the
///   skeleton swallows the error, as CPython does, and retires the number's generation;
/// * [`fill`](Mechanism::fill) reports only registered interests of registered fds, and
///   returns `None` whenever it cannot report every ready fd into `events` (then the
///   skeleton takes [`for_each_ready`](Mechanism::for_each_ready)).
pub trait Mechanism {
    /// Which backend this is.
    const BACKEND: Backend;
    /// The name in the closed error: `"I/O operation on closed {NAME} selector object"`.
    const NAME: &'static str;
    /// The generation bits the kernel's user data keeps (0: no user data, so nothing
    /// can be told apart by generation; such mechanisms hold entries by number).
    const GEN_MASK: u32;

    /// Adds `fd` for `interest` to the kernel (for the wake fd: READ, with
    /// `tag.wake`). Called after the skeleton's checks; `fd` is non-negative and
    /// neither registered nor the wake fd.
    ///
    /// # Errors
    ///
    /// The kernel's refusal (e.g. `EBADF`), with nothing left in the kernel.
    fn add(&mut self, fd: RawFd, interest: Interest, tag: Tag) -> io::Result<()>;

    /// Changes a registered fd from `old` to `new` (never equal).
    ///
    /// # Errors
    ///
    /// The kernel's refusal, with the `old` registration left in place.
    fn modify(&mut self, fd: RawFd, old: Interest, new: Interest, tag: Tag) -> io::Result<()>;

    /// Removes `fd`, registered for `old`, from the kernel.
    ///
    /// # Errors
    ///
    /// Any failure, meaning the kernel may still hold an entry for the fd under its old
    /// tag. The skeleton never passes it on.
    fn delete(&mut self, fd: RawFd, old: Interest) -> io::Result<()>;

    /// How many kernel slots one wait asks for when `events` holds `capacity` events and
    /// `registered` fds are registered (the wake fd not counted).
    #[inline]
    fn kernel_slots(&self, capacity: usize, registered: usize) -> usize {
        let _ = registered;
        capacity
    }

    /// One wait for at most `slots` kernel results, EINTR retried (PEP 475, with the
    /// interrupt check); returns the kernel's count.
    ///
    /// # Errors
    ///
    /// The kernel's errno, or the interrupt check's error.
    fn wait(&mut self, slots: usize, timeout: Option<Duration>) -> io::Result<usize>;

    /// The fast translation of the last wait's `n` results into `events`, for the case
    /// where nothing stale can be among them (the skeleton calls it only then): `None`
    /// when it cannot report every ready fd (more than fit, or a case it does not
    /// specialise), and the skeleton then takes the general path.
    #[inline]
    fn fill<T>(&mut self, n: usize, events: &mut Events, view: &WaitView<'_, T>) -> Option<usize> {
        let _ = (n, events, view);
        None
    }

    /// Hands every result of the last wait (the kernel's count was `n`) to `report`,
    /// one [`Report`] per fd (a mechanism that gets one kernel result per filter merges
    /// them first).
    fn for_each_ready<T, F: FnMut(Report)>(&mut self, n: usize, view: &WaitView<'_, T>, report: F);

    /// Drops every entry the kernel kept after a failed [`delete`](Mechanism::delete)
    /// (epoll's dup trap) by rebuilding the kernel object from `live`: every registered fd
    /// with its interest and tag, and the wake fd (READ, `tag.wake`). The skeleton calls it
    /// only after a wait met a stale entry's event (rare), so it may be O(registered);
    /// every `live` tag has generation 0, as the skeleton forgets its generations after a
    /// success. A live fd the kernel refuses as closed (EBADF) is left out: it would
    /// report nothing anyway.
    ///
    /// `Ok(false)` (the default): the mechanism cannot, and stale events stay filtered.
    ///
    /// # Errors
    ///
    /// Any failure to build the new object (e.g. EMFILE, ENOMEM), with the old one kept
    /// as it was.
    #[inline]
    fn evict_stale<I: Iterator<Item = (RawFd, Interest, Tag)>>(
        &mut self,
        live: I,
    ) -> io::Result<bool> {
        let _ = live;
        Ok(false)
    }

    /// Whether the kernel object is not this process's: held by a forked child that the
    /// kernel did not pass it to (a BSD kqueue). The selector then behaves as closed, and
    /// its first `&mut` call closes it (the mechanism's `close` must then release
    /// nothing the child owns). The default, `false`, costs nothing.
    #[inline]
    fn inherited(&self) -> bool {
        false
    }

    /// Releases the kernel object and every buffer. Idempotent.
    fn close(&mut self);

    /// Sets the interrupt check used by [`wait`](Mechanism::wait).
    fn set_interrupt_check(&mut self, check: Option<InterruptCheck>);

    /// The interrupt check used by [`wait`](Mechanism::wait).
    fn interrupt_check(&self) -> Option<InterruptCheck>;
}

/// The [`Selector`] contract written once over a [`Mechanism`] `M`: registry and
/// generations, wake fd, closed state, rotation. Every backend selector is a newtype
/// around one.
pub struct BaseSelector<M, T> {
    mech: M,
    registry: Registry<T>,
    wake: Option<RawFd>,
    /// Moved on for an fd number whose kernel delete failed.
    gens: Generations,
    /// The last fd reported by a wait that could not report every ready fd: the next
    /// such wait reports the ready fds that follow it first (see [`Rotation`]).
    cursor: Option<RawFd>,
}

impl<M: Mechanism, T> BaseSelector<M, T> {
    /// An empty, open selector over `mech`.
    #[must_use]
    pub fn new(mech: M) -> BaseSelector<M, T> {
        BaseSelector {
            mech,
            registry: Registry::new(M::NAME),
            wake: None,
            gens: Generations::new(),
            cursor: None,
        }
    }

    /// The mechanism.
    #[inline]
    pub fn mechanism(&self) -> &M {
        &self.mech
    }

    /// The mechanism, mutable (for a backend's own extras, e.g. kqueue's user waker).
    #[inline]
    pub fn mechanism_mut(&mut self) -> &mut M {
        &mut self.mech
    }

    /// The registration table.
    #[inline]
    pub fn registry(&self) -> &Registry<T> {
        &self.registry
    }

    /// `Ok` while open.
    ///
    /// # Errors
    ///
    /// `InvalidInput` "I/O operation on closed {NAME} selector object" after `close`,
    /// or in a forked child that did not inherit the kernel object
    /// ([`Mechanism::inherited`]).
    #[inline]
    pub fn check_open(&self) -> io::Result<()> {
        if self.mech.inherited() {
            return Err(closed(&format!("{} selector", M::NAME)));
        }
        self.registry.check_open()
    }

    /// In a forked child that did not inherit the kernel object, closes the selector
    /// (as `close` does), so that it answers as closed from then on. Every `&mut`
    /// operation calls it first; a backend's own `&mut` extras should too.
    #[inline]
    pub fn settle(&mut self) {
        if self.mech.inherited() {
            Selector::close(self);
        }
    }

    /// Sets the interrupt check of the mechanism's waits.
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        self.mech.set_interrupt_check(check);
    }

    /// The interrupt check of the mechanism's waits.
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        self.mech.interrupt_check()
    }

    #[inline]
    fn tag(&self, fd: RawFd, wake: bool) -> Tag {
        Tag {
            gen: self.gens.current(fd) & M::GEN_MASK,
            wake,
        }
    }

    /// The wake-fd hook (see [`WakeFd`](crate::__private::WakeFd)): the new fd is added
    /// to the kernel first, then the old one removed, then the change recorded, so a
    /// refused fd leaves the old wake fd watched and known.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a negative fd or after `close`; `AlreadyExists` if `fd` is a
    /// registered user fd; the mechanism's refusal (e.g. `EBADF`).
    pub fn set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()> {
        self.settle();
        self.registry.check_open()?;
        let new = match fd {
            Some(fd) => Some(fd.fileno()?),
            None => None,
        };
        if new == self.wake {
            return Ok(());
        }
        if let Some(fd) = new {
            if self.registry.interest(fd).is_some() {
                return Err(already_registered(fd));
            }
            let tag = self.tag(fd, true);
            self.mech.add(fd, Interest::READ, tag)?;
        }
        if let Some(old) = self.wake.take() {
            if self.mech.delete(old, Interest::READ).is_err() {
                self.gens.retire(old);
            }
        }
        self.wake = new;
        Ok(())
    }

    /// The general translation: every report of the wait, filtered (stale generation,
    /// wake fd, not registered), masked with the registered interest and rotated.
    /// Returns the events' count and whether a stale entry reported.
    #[inline(never)]
    fn collect(&mut self, n: usize, events: &mut Events) -> (usize, bool) {
        let (registry, gens, wake) = (&self.registry, &self.gens, self.wake);
        let check_gen = M::GEN_MASK != 0 && gens.any();
        let view = WaitView { registry, wake };
        let mut rotation = Rotation::new(events, self.cursor);
        let mut stale = false;
        self.mech.for_each_ready(n, &view, |report| match report {
            Report::Woken => rotation.set_woken(),
            Report::Fd { fd, packed, gen } => {
                if check_gen && !gens.is_current(fd, gen, M::GEN_MASK) {
                    stale = true;
                    return;
                }
                if wake == Some(fd) {
                    rotation.set_woken();
                    return;
                }
                let Some(interest) = registry.interest(fd) else {
                    return;
                };
                let ready = packed & u16::from(interest.bits());
                if ready != 0 {
                    rotation.offer(Event::from_packed(fd, (packed & !7) | ready));
                }
            }
        });
        self.cursor = rotation.finish();
        (events.len(), stale)
    }

    /// A wait while the kernel may hold stale entries (a delete failed: epoll's dup trap).
    /// Out of line, so the common wait pays nothing for it. The kernel is asked for room
    /// for the stale entries on top of `events`' capacity, so they cannot crowd out a
    /// live fd; a wait that met a stale event evicts the stale entries (see
    /// [`Mechanism::evict_stale`]); and a wait whose every result was stale waits again
    /// with the time left, so a stale entry never ends a wait early.
    #[cold]
    #[inline(never)]
    fn select_past_stale(
        &mut self,
        events: &mut Events,
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        // `None` (no deadline) for a blocking wait, and for one too long to have a
        // deadline, which then waits out its whole length again after a stale wake.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut left = timeout;
        loop {
            let room = events.capacity().saturating_add(self.gens.retired());
            let slots = self.mech.kernel_slots(room, self.registry.len());
            let n = self.mech.wait(slots, left)?;
            if n == 0 {
                return Ok(0);
            }
            let (len, stale) = self.collect(n, events);
            if stale {
                self.evict();
            }
            if len > 0 || events.woken() || !stale {
                return Ok(len);
            }
            if let Some(deadline) = deadline {
                let now = Instant::now();
                if now >= deadline {
                    return Ok(0);
                }
                left = Some(deadline - now);
            }
        }
    }

    /// Rebuilds the kernel object without its stale entries, and forgets the
    /// generations once that worked (every live entry then carries generation 0). A
    /// failure keeps filtering the stale events, as before.
    fn evict(&mut self) {
        let zero = |wake| Tag { gen: 0, wake };
        let live = self
            .registry
            .iter()
            .map(|k| (k.fd, k.interest, zero(false)))
            .chain(self.wake.map(|fd| (fd, Interest::READ, zero(true))));
        if let Ok(true) = self.mech.evict_stale(live) {
            self.gens.clear();
        }
    }

    /// `Debug` for the newtype named `name` around this selector.
    ///
    /// # Errors
    ///
    /// The formatter's.
    pub fn debug_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result
    where
        M: fmt::Debug,
    {
        f.debug_struct(name)
            .field("mechanism", &self.mech)
            .field("registered", &self.registry.len())
            .field("wake_fd", &self.wake)
            .field("closed", &Selector::is_closed(self))
            .finish()
    }
}

impl<M: Mechanism + fmt::Debug, T> fmt::Debug for BaseSelector<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.debug_as("BaseSelector", f)
    }
}

impl<M: Mechanism, T> Selector for BaseSelector<M, T> {
    type Data = T;

    #[inline]
    fn backend(&self) -> Backend {
        M::BACKEND
    }

    #[inline(always)]
    fn register<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        self.settle();
        let fd = fd.fileno()?;
        let tag = self.tag(fd, false);
        let (mech, wake) = (&mut self.mech, self.wake);
        self.registry.register(
            fd,
            interest,
            data,
            #[inline(always)]
            |fd, interest| {
                if wake == Some(fd) {
                    return Err(wake_fd_error(fd));
                }
                mech.add(fd, interest, tag)
            },
        )
    }

    #[inline(always)]
    fn modify<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        self.settle();
        let fd = fd.fileno()?;
        let tag = self.tag(fd, false);
        let mech = &mut self.mech;
        self.registry.modify(
            fd,
            interest,
            data,
            #[inline(always)]
            |fd, old, new| mech.modify(fd, old, new, tag),
        )
    }

    #[inline(always)]
    fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<SelectorKey<T>> {
        self.settle();
        let fd = fd.fileno()?;
        let (mech, gens) = (&mut self.mech, &mut self.gens);
        self.registry.unregister(
            fd,
            #[inline(always)]
            |fd, old| {
                // A refused delete: the fd was closed or its number reused, and the kernel
                // may keep the entry (a dup holds the file open): its events are stale.
                if mech.delete(fd, old).is_err() {
                    gens.retire(fd);
                }
            },
        )
    }

    // Always inlined into the caller: the wait ends in a syscall, and on machines whose
    // kernel refills the return-stack buffer at syscall exit every `ret` after it
    // mispredicts; one fewer frame between the syscall and the caller's loop took the
    // one-ready EpollSelector wait from 1.07x to 1.01x of the raw call (ARCHITECTURE.md).
    #[inline(always)]
    fn select(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        events.clear();
        self.settle();
        self.registry.check_open()?;
        if M::GEN_MASK != 0 && self.gens.any() {
            return self.select_past_stale(events, timeout);
        }
        let slots = self
            .mech
            .kernel_slots(events.capacity(), self.registry.len());
        let n = self.mech.wait(slots, timeout)?;
        if n == 0 {
            return Ok(0);
        }
        // With generations in the kernel data, `gens.any()` was false above and a wait
        // cannot change it: no second look.
        if M::GEN_MASK != 0 || !self.gens.any() {
            let view = WaitView {
                registry: &self.registry,
                wake: self.wake,
            };
            if let Some(len) = self.mech.fill(n, events, &view) {
                self.cursor = None;
                return Ok(len);
            }
        }
        Ok(self.collect(n, events).0)
    }

    #[inline]
    fn get_key<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<&SelectorKey<T>> {
        if self.mech.inherited() {
            self.check_open()?;
        }
        self.registry.get(fd.fileno()?)
    }

    /// One O(1) table lookup per event.
    #[inline]
    fn ready_keys<'a>(
        &'a self,
        events: &'a Events,
    ) -> impl Iterator<Item = (&'a SelectorKey<T>, Interest)> {
        let inherited = self.mech.inherited();
        self.registry.ready_keys(events).filter(move |_| !inherited)
    }

    fn keys(&self) -> impl Iterator<Item = &SelectorKey<T>> {
        let inherited = self.mech.inherited();
        self.registry.iter().filter(move |_| !inherited)
    }

    #[inline]
    fn len(&self) -> usize {
        if self.mech.inherited() {
            return 0;
        }
        self.registry.len()
    }

    fn close(&mut self) {
        self.registry.close();
        self.mech.close();
        self.wake = None;
        self.gens.clear();
        self.cursor = None;
    }

    #[inline]
    fn is_closed(&self) -> bool {
        self.registry.is_closed() || self.mech.inherited()
    }
}

/// `AlreadyExists` for a `register` of the wake fd.
#[cold]
fn wake_fd_error(fd: RawFd) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("file descriptor {fd} is the selector's wake fd"),
    )
}

/// Implements [`Selector`], the hidden `WakeFd` hook, `Debug` and the interrupt-check
/// methods for a newtype `$name<T>(BaseSelector<M, T>)` by forwarding to the
/// [`BaseSelector`] in field 0: what every backend selector needs beyond its own
/// constructor and extras. Plumbing (hidden, not covered by semver).
#[doc(hidden)]
#[macro_export]
macro_rules! forward_selector {
    ($name:ident) => {
        impl<T> $crate::Selector for $name<T> {
            type Data = T;

            #[inline]
            fn backend(&self) -> $crate::Backend {
                $crate::Selector::backend(&self.0)
            }

            #[inline(always)]
            fn register<W: $crate::Waitable + ?Sized>(
                &mut self,
                fd: &W,
                interest: $crate::Interest,
                data: T,
            ) -> ::std::io::Result<&$crate::SelectorKey<T>> {
                $crate::Selector::register(&mut self.0, fd, interest, data)
            }

            #[inline(always)]
            fn modify<W: $crate::Waitable + ?Sized>(
                &mut self,
                fd: &W,
                interest: $crate::Interest,
                data: T,
            ) -> ::std::io::Result<&$crate::SelectorKey<T>> {
                $crate::Selector::modify(&mut self.0, fd, interest, data)
            }

            #[inline(always)]
            fn unregister<W: $crate::Waitable + ?Sized>(
                &mut self,
                fd: &W,
            ) -> ::std::io::Result<$crate::SelectorKey<T>> {
                $crate::Selector::unregister(&mut self.0, fd)
            }

            #[inline(always)]
            fn select(
                &mut self,
                events: &mut $crate::Events,
                timeout: ::std::option::Option<::std::time::Duration>,
            ) -> ::std::io::Result<usize> {
                $crate::Selector::select(&mut self.0, events, timeout)
            }

            #[inline]
            fn get_key<W: $crate::Waitable + ?Sized>(
                &self,
                fd: &W,
            ) -> ::std::io::Result<&$crate::SelectorKey<T>> {
                $crate::Selector::get_key(&self.0, fd)
            }

            /// One O(1) table lookup per event.
            #[inline]
            fn ready_keys<'a>(
                &'a self,
                events: &'a $crate::Events,
            ) -> impl Iterator<Item = (&'a $crate::SelectorKey<T>, $crate::Interest)> {
                $crate::Selector::ready_keys(&self.0, events)
            }

            fn keys(&self) -> impl Iterator<Item = &$crate::SelectorKey<T>> {
                $crate::Selector::keys(&self.0)
            }

            #[inline]
            fn len(&self) -> usize {
                $crate::Selector::len(&self.0)
            }

            fn close(&mut self) {
                $crate::Selector::close(&mut self.0)
            }

            #[inline]
            fn is_closed(&self) -> bool {
                $crate::Selector::is_closed(&self.0)
            }
        }

        impl<T> $crate::__private::WakeFd for $name<T> {
            fn set_wake_fd(
                &mut self,
                fd: ::std::option::Option<$crate::RawFd>,
            ) -> ::std::io::Result<()> {
                self.0.set_wake_fd(fd)
            }
        }

        impl<T> ::std::fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.debug_as(stringify!($name), f)
            }
        }

        impl<T> $name<T> {
            /// The registration table, for `DefaultSelector`'s `ready_keys` (plumbing: not
            /// covered by semver).
            #[doc(hidden)]
            #[inline]
            pub fn registry(&self) -> &$crate::__private::Registry<T> {
                self.0.registry()
            }

            /// Sets what happens when a wait is interrupted by a signal (PEP 475's
            /// handler step): `None` (the default) resumes the wait with the remaining
            /// time; with `Some(check)`, `check` runs after each EINTR and its error, if
            /// any, ends the wait, which `select` then returns.
            #[inline]
            pub fn set_interrupt_check(
                &mut self,
                check: ::std::option::Option<$crate::InterruptCheck>,
            ) {
                self.0.set_interrupt_check(check)
            }

            /// The check set by `set_interrupt_check`.
            #[inline]
            pub fn interrupt_check(&self) -> ::std::option::Option<$crate::InterruptCheck> {
                self.0.interrupt_check()
            }
        }
    };
}
