//! `DefaultSelector`: the best available backend, chosen at run time.

use std::io;
use std::sync::Arc;
use std::time::Duration;

#[cfg(has_afd)]
use select_afd::AfdSelector;
use select_core::error::invalid_input;
use select_core::InterruptCheck;
use select_core::{Backend, Events, Interest, RawFd, Selector, SelectorKey, Waitable};
use select_fdset::SelectSelector;
#[cfg(has_devpoll)]
use select_poll::DevpollSelector;
#[cfg(has_poll)]
use select_poll::PollSelector;

#[cfg(has_epoll)]
use select_epoll::EpollSelector;
#[cfg(has_kqueue)]
use select_kqueue::KqueueSelector;

use crate::waker::{WakeSource, Waker};

// The backend's own fd (`try_as_fd`, `fileno`), where it has one.
#[cfg(unix)]
mod fd;

cfg_if::cfg_if! {
    if #[cfg(select_force_backend = "select")] {
        /// The order in which [`DefaultSelector::new`] tries backends on this target.
        pub const PREFERENCE: &[Backend] = &[Backend::Select];
    } else if #[cfg(select_force_backend = "poll")] {
        /// The order in which [`DefaultSelector::new`] tries backends on this target.
        pub const PREFERENCE: &[Backend] = &[Backend::Poll, Backend::Select];
    } else if #[cfg(all(has_epoll, has_kqueue))] {
        /// The order in which [`DefaultSelector::new`] tries backends on this target
        /// (the native epoll before libkqueue's emulation).
        pub const PREFERENCE: &[Backend] =
            &[Backend::Epoll, Backend::Kqueue, Backend::Poll, Backend::Select];
    } else if #[cfg(has_epoll)] {
        /// The order in which [`DefaultSelector::new`] tries backends on this target.
        pub const PREFERENCE: &[Backend] = &[Backend::Epoll, Backend::Poll, Backend::Select];
    } else if #[cfg(has_kqueue)] {
        /// The order in which [`DefaultSelector::new`] tries backends on this target.
        pub const PREFERENCE: &[Backend] = &[Backend::Kqueue, Backend::Poll, Backend::Select];
    } else if #[cfg(has_devpoll)] {
        /// The order in which [`DefaultSelector::new`] tries backends on this target
        /// (illumos and Solaris: Python's `DefaultSelector` is `DevpollSelector` there).
        pub const PREFERENCE: &[Backend] = &[Backend::Devpoll, Backend::Poll, Backend::Select];
    } else if #[cfg(has_afd)] {
        /// The order in which [`DefaultSelector::new`] tries backends on this target
        /// (Windows: AFD polling, as mio, polling and libuv; else Winsock's select, as
        /// in CPython).
        pub const PREFERENCE: &[Backend] = &[Backend::Afd, Backend::Select];
    } else if #[cfg(not(has_poll))] {
        /// The order in which [`DefaultSelector::new`] tries backends on this target.
        pub const PREFERENCE: &[Backend] = &[Backend::Select];
    } else {
        /// The order in which [`DefaultSelector::new`] tries backends on this target.
        pub const PREFERENCE: &[Backend] = &[Backend::Poll, Backend::Select];
    }
}

/// Which backends this build has and this machine can create:
/// `Backend::available()` once this trait is in scope.
pub trait Availability: Sized {
    /// The backends compiled into this build, strongest first.
    fn compiled() -> Vec<Self>;
    /// The compiled backends whose creation succeeds here now, strongest first (each is
    /// created and closed once, as CPython's `_can_use` does).
    fn available() -> Vec<Self>;
    /// Whether this backend is compiled into this build.
    fn is_compiled(&self) -> bool;
}

const ALL_STRONGEST_FIRST: [Backend; 6] = [
    Backend::Epoll,
    Backend::Kqueue,
    Backend::Afd,
    Backend::Devpoll,
    Backend::Poll,
    Backend::Select,
];

impl Availability for Backend {
    fn compiled() -> Vec<Backend> {
        ALL_STRONGEST_FIRST
            .into_iter()
            .filter(|b| b.is_compiled())
            .collect()
    }

    fn available() -> Vec<Backend> {
        Self::compiled()
            .into_iter()
            .filter(|b| Inner::<()>::create(*b).is_ok())
            .collect()
    }

    fn is_compiled(&self) -> bool {
        match self {
            Backend::Select => true,
            Backend::Poll => cfg!(has_poll),
            Backend::Epoll => cfg!(has_epoll),
            Backend::Kqueue => cfg!(has_kqueue),
            Backend::Devpoll => cfg!(has_devpoll),
            Backend::Afd => cfg!(has_afd),
            // A backend added to select-core before this crate learnt of it.
            _ => false,
        }
    }
}

// One selector lives per DefaultSelector, so the variants' size difference costs a
// little memory once; boxing would add an indirection to every call.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Inner<T> {
    #[cfg(has_epoll)]
    Epoll(EpollSelector<T>),
    #[cfg(has_kqueue)]
    Kqueue(KqueueSelector<T>),
    #[cfg(has_devpoll)]
    Devpoll(DevpollSelector<T>),
    #[cfg(has_poll)]
    Poll(PollSelector<T>),
    #[cfg(has_afd)]
    Afd(AfdSelector<T>),
    Select(SelectSelector<T>),
}

/// Runs `$body` with `$s` bound to the backend selector, whichever it is.
macro_rules! dispatch {
    ($inner:expr, $s:ident => $body:expr) => {
        match $inner {
            #[cfg(has_epoll)]
            Inner::Epoll($s) => $body,
            #[cfg(has_kqueue)]
            Inner::Kqueue($s) => $body,
            #[cfg(has_devpoll)]
            Inner::Devpoll($s) => $body,
            #[cfg(has_poll)]
            Inner::Poll($s) => $body,
            #[cfg(has_afd)]
            Inner::Afd($s) => $body,
            Inner::Select($s) => $body,
        }
    };
}

impl<T> Inner<T> {
    fn create(backend: Backend) -> io::Result<Inner<T>> {
        match backend {
            #[cfg(has_epoll)]
            Backend::Epoll => Ok(Inner::Epoll(EpollSelector::new()?)),
            #[cfg(has_kqueue)]
            Backend::Kqueue => Ok(Inner::Kqueue(KqueueSelector::new()?)),
            #[cfg(has_devpoll)]
            Backend::Devpoll => Ok(Inner::Devpoll(DevpollSelector::new()?)),
            #[cfg(has_poll)]
            Backend::Poll => Ok(Inner::Poll(PollSelector::new()?)),
            // Probed as a whole: the device opens and a socket's base handle is known
            // (a layered provider may refuse it), else the caller falls back.
            #[cfg(has_afd)]
            Backend::Afd => {
                select_afd::probe()?;
                Ok(Inner::Afd(AfdSelector::new()?))
            }
            Backend::Select => Ok(Inner::Select(SelectSelector::new()?)),
            other => Err(unavailable(other)),
        }
    }
}

fn unavailable(backend: Backend) -> io::Error {
    let names: Vec<&str> = Backend::compiled().iter().map(|b| b.name()).collect();
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!(
            "backend {backend} is not available on this platform; available: {}",
            names.join(", ")
        ),
    )
}

/// The environment variable that overrides [`DefaultSelector::new`]'s choice.
pub const BACKEND_ENV: &str = "SELECT_BACKEND";

/// Python's `selectors.DefaultSelector`: the best available backend, probed at run time.
///
/// See the [crate docs](crate) for the choice rules. It implements [`Selector`] with
/// exactly the contract of the backend selectors (documented on the trait), by enum
/// dispatch: no boxing, no allocation per wait.
#[derive(Debug)]
pub struct DefaultSelector<T = ()> {
    inner: Inner<T>,
    wake: Option<Arc<WakeSource>>,
}

impl<T> DefaultSelector<T> {
    /// The backend named by `SELECT_BACKEND` if it is set (and not empty), otherwise the
    /// first backend of [`PREFERENCE`] that can be created here.
    ///
    /// # Errors
    ///
    /// For `SELECT_BACKEND`: `InvalidInput` for an unknown name, `Unsupported` for a
    /// backend this build lacks (both list what is available), or the creation error.
    /// Otherwise the last creation error if no backend can be created.
    pub fn new() -> io::Result<DefaultSelector<T>> {
        match std::env::var(BACKEND_ENV) {
            Ok(name) if !name.trim().is_empty() => {
                let backend: Backend = name.parse().map_err(|_| {
                    let names: Vec<&str> = Backend::compiled().iter().map(|b| b.name()).collect();
                    invalid_input(format!(
                        "{BACKEND_ENV}={name:?} names no backend; available: {}",
                        names.join(", ")
                    ))
                })?;
                Self::with_backend(backend)
            }
            _ => Self::best(),
        }
    }

    /// The first backend of [`PREFERENCE`] that can be created, ignoring `SELECT_BACKEND`.
    ///
    /// # Errors
    ///
    /// The last creation error if none can be created.
    pub fn best() -> io::Result<DefaultSelector<T>> {
        let mut last = None;
        for &b in PREFERENCE {
            match Inner::create(b) {
                Ok(inner) => return Ok(Self::from_inner(inner)),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("no backend compiled")))
    }

    /// Exactly `backend`, without fallback.
    ///
    /// # Errors
    ///
    /// `Unsupported` (listing what is available) if this build lacks it, or the error of
    /// creating it (e.g. `epoll_create1`'s errno in a sandbox that forbids it).
    pub fn with_backend(backend: Backend) -> io::Result<DefaultSelector<T>> {
        Inner::create(backend).map(Self::from_inner)
    }

    fn from_inner(inner: Inner<T>) -> DefaultSelector<T> {
        DefaultSelector { inner, wake: None }
    }

    /// A [`Waker`] for this selector (made on first call; later calls return clones of
    /// the same one).
    ///
    /// # Errors
    ///
    /// The errno of creating the eventfd/pipe/user event (on Windows with the select
    /// backend, the Winsock error of creating the loopback socket pair) or of watching
    /// it;
    /// `InvalidInput` after `close`.
    pub fn waker(&mut self) -> io::Result<Waker> {
        if let Some(source) = &self.wake {
            return Ok(Waker {
                source: source.clone(),
            });
        }
        let source = self.new_wake_source()?;
        let source = Arc::new(source);
        self.wake = Some(source.clone());
        Ok(Waker { source })
    }

    fn new_wake_source(&mut self) -> io::Result<WakeSource> {
        #[cfg(kqueue_user_waker)]
        if let Inner::Kqueue(k) = &mut self.inner {
            return Ok(WakeSource::User(k.user_waker()?));
        }
        #[cfg(has_afd)]
        if let Inner::Afd(a) = &self.inner {
            return Ok(WakeSource::Port(a.waker()?));
        }
        let source = WakeSource::new()?;
        self.inner_set_wake_fd(source.fd())?;
        Ok(source)
    }

    /// Sets what happens when a wait is interrupted by a signal (PEP 475's handler
    /// step), on whichever backend this selector runs.
    ///
    /// `None` (the default) resumes the wait with the remaining time, as CPython does
    /// when no handler raises. With `Some(check)`, `check` runs after each EINTR: `Ok`
    /// resumes the wait, an error ends it with that error, which
    /// [`select`](Selector::select) returns. See [`InterruptCheck`] and the crate docs'
    /// "Ctrl-C during a wait".
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io;
    /// use std::sync::atomic::{AtomicBool, Ordering};
    /// use select_facade::DefaultSelector;
    ///
    /// static STOP: AtomicBool = AtomicBool::new(false); // set by a signal handler
    /// fn stop_requested() -> io::Result<()> {
    ///     if STOP.load(Ordering::Relaxed) {
    ///         Err(io::Error::new(io::ErrorKind::Interrupted, "stop requested"))
    ///     } else {
    ///         Ok(())
    ///     }
    /// }
    /// let mut sel: DefaultSelector<u32> = DefaultSelector::new()?;
    /// sel.set_interrupt_check(Some(stop_requested));
    /// assert!(sel.interrupt_check().is_some());
    /// # Ok::<(), io::Error>(())
    /// ```
    #[inline]
    pub fn set_interrupt_check(&mut self, check: Option<InterruptCheck>) {
        dispatch!(&mut self.inner, s => s.set_interrupt_check(check))
    }

    /// The check set by [`set_interrupt_check`](DefaultSelector::set_interrupt_check).
    #[inline]
    pub fn interrupt_check(&self) -> Option<InterruptCheck> {
        dispatch!(&self.inner, s => s.interrupt_check())
    }

    fn inner_set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()> {
        use select_core::__private::WakeFd;
        dispatch!(&mut self.inner, s => s.set_wake_fd(fd))
    }
}

impl<T> Selector for DefaultSelector<T> {
    type Data = T;

    #[inline]
    fn backend(&self) -> Backend {
        dispatch!(&self.inner, s => s.backend())
    }

    #[inline(always)]
    fn register<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        dispatch!(&mut self.inner, s => s.register(fd, interest, data))
    }

    #[inline(always)]
    fn modify<W: Waitable + ?Sized>(
        &mut self,
        fd: &W,
        interest: Interest,
        data: T,
    ) -> io::Result<&SelectorKey<T>> {
        dispatch!(&mut self.inner, s => s.modify(fd, interest, data))
    }

    #[inline(always)]
    fn unregister<W: Waitable + ?Sized>(&mut self, fd: &W) -> io::Result<SelectorKey<T>> {
        dispatch!(&mut self.inner, s => s.unregister(fd))
    }

    #[inline(always)]
    fn select(&mut self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        let n = dispatch!(&mut self.inner, s => s.select(events, timeout))?;
        if events.woken() {
            if let Some(w) = &self.wake {
                w.drain();
            }
        }
        Ok(n)
    }

    #[inline]
    fn get_key<W: Waitable + ?Sized>(&self, fd: &W) -> io::Result<&SelectorKey<T>> {
        dispatch!(&self.inner, s => s.get_key(fd))
    }

    /// One dispatch per call, then one O(1) table lookup per event.
    #[inline]
    fn ready_keys<'a>(
        &'a self,
        events: &'a Events,
    ) -> impl Iterator<Item = (&'a SelectorKey<T>, Interest)> {
        dispatch!(&self.inner, s => s.registry()).ready_keys(events)
    }

    fn keys(&self) -> impl Iterator<Item = &SelectorKey<T>> {
        // One boxed iterator per call (not per wait): the variants' iterator types differ.
        let it: Box<dyn Iterator<Item = &SelectorKey<T>> + '_> =
            dispatch!(&self.inner, s => Box::new(s.keys()));
        it
    }

    #[inline]
    fn len(&self) -> usize {
        dispatch!(&self.inner, s => s.len())
    }

    fn close(&mut self) {
        dispatch!(&mut self.inner, s => s.close());
        self.wake = None;
    }

    #[inline]
    fn is_closed(&self) -> bool {
        dispatch!(&self.inner, s => s.is_closed())
    }
}

/// The wake-fd hook (plumbing, hidden: see `select_core::__private`). Setting a wake fd
/// of one's own detaches the selector's [`Waker`] (it is no longer drained or watched),
/// but only once the backend has accepted the change: a failed call leaves the selector
/// exactly as it was, waker included.
impl<T> select_core::__private::WakeFd for DefaultSelector<T> {
    fn set_wake_fd(&mut self, fd: Option<RawFd>) -> io::Result<()> {
        if fd.is_some() && self.wake.as_ref().and_then(|w| w.fd()) == fd {
            // The waker's own fd: nothing changes (and the waker stays, to drain it).
            return self.inner_set_wake_fd(fd);
        }
        self.inner_set_wake_fd(fd)?;
        self.wake = None;
        Ok(())
    }
}
