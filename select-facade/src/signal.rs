//! Ctrl-C (SIGINT) and SIGTERM during a wait: turned into a wake
//! ([`wake_on_interrupt`]), or into an error out of the wait through a signal handler and
//! an interrupt check ([`stop_on_interrupt`]).

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use select_core::InterruptCheck;

use crate::waker::WakeSource;
use crate::{sys, Waker};

/// Installs a handler for SIGINT and SIGTERM that records the signal, and returns the
/// [`InterruptCheck`] that ends an interrupted wait with `ErrorKind::Interrupted`
/// ("interrupted by SIGINT" or "... SIGTERM") once one has arrived: Python's
/// `KeyboardInterrupt` out of `select()`, for objects given the check with
/// `set_interrupt_check`.
///
/// The handler is process-wide and replaces any earlier handler of those signals (it is
/// installed with `SA_RESTART`; `select`, `poll`, `epoll_wait` and `kevent` still fail
/// with EINTR after it runs). A process-directed signal interrupts one thread that does
/// not block it: wait in that thread, or block the signals in the others. A signal that
/// arrives while no wait is in progress is remembered: the next interrupted wait ends,
/// and [`interrupt_signal`] tells it was received. [`clear_interrupt`] forgets it.
///
/// # Errors
///
/// The errno of `sigaction(2)`.
///
/// # Examples
///
/// ```no_run
/// use std::io;
/// use select_facade::{stop_on_interrupt, DefaultSelector, Events, Selector};
///
/// let mut sel: DefaultSelector<u32> = DefaultSelector::new()?;
/// sel.set_interrupt_check(Some(stop_on_interrupt()?));
/// let mut events = Events::new();
/// match sel.select(&mut events, None) {
///     Err(e) if e.kind() == io::ErrorKind::Interrupted => println!("Ctrl-C: {e}"),
///     other => println!("{} ready", other?),
/// }
/// # Ok::<(), io::Error>(())
/// ```
pub fn stop_on_interrupt() -> io::Result<InterruptCheck> {
    sys::catch_interrupts()?;
    Ok(stop_if_interrupted)
}

/// The check of [`stop_on_interrupt`].
fn stop_if_interrupted() -> io::Result<()> {
    match interrupt_signal() {
        None => Ok(()),
        Some(sig) => Err(io::Error::new(
            io::ErrorKind::Interrupted,
            format!("interrupted by {}", signal_name(sig)),
        )),
    }
}

/// The signal (`SIGINT` or `SIGTERM`) caught by [`stop_on_interrupt`]'s handler, if
/// one arrived since it was installed or since [`clear_interrupt`].
pub fn interrupt_signal() -> Option<i32> {
    match sys::CAUGHT.load(Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

/// Forgets a signal caught by [`stop_on_interrupt`]'s handler, so waits go on again.
pub fn clear_interrupt() {
    sys::CAUGHT.store(0, Ordering::SeqCst);
}

fn signal_name(sig: i32) -> String {
    match sig {
        libc::SIGINT => "SIGINT".to_owned(),
        libc::SIGTERM => "SIGTERM".to_owned(),
        other => format!("signal {other}"),
    }
}

/// Reports whether SIGINT or SIGTERM arrived; made by [`wake_on_interrupt`].
#[derive(Debug, Clone)]
pub struct Interrupted {
    fired: Arc<AtomicBool>,
}

impl Interrupted {
    /// Whether SIGINT or SIGTERM has arrived since [`wake_on_interrupt`].
    #[must_use]
    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::Acquire)
    }
}

/// Blocks SIGINT and SIGTERM in the calling thread and registers `waker` with the
/// process's watcher thread, which waits for them with `sigwait(3)` (started by the
/// first call); each one sets [`Interrupted::fired`] and wakes `waker`, for every
/// registration alike: two selectors set up this way are both woken by one Ctrl-C.
///
/// Call it from `main` before spawning other threads, so they inherit the blocked mask
/// and the signal reaches only the watcher. Threads that already exist keep their own
/// mask: the system may hand a Ctrl-C to one of them that does not block it instead of
/// the watcher, and then that thread's handler or the default action (ending the
/// process) runs and no registration hears of it. Block the signals in those threads
/// too, or call this before creating them. No signal handler runs: nothing here is
/// limited to async-signal-safe code.
///
/// The watcher holds `waker` weakly: once the selector and every clone of its [`Waker`]
/// are dropped, the wake eventfd (or pipe, or kqueue) closes and the registration
/// lapses. It does not lapse when only the returned [`Interrupted`] is dropped: the
/// selector is still woken. Registrations do not outlive a `fork`: a child process
/// calls this again to be woken.
///
/// # Errors
///
/// The errno of `pthread_sigmask(3)`; the error of spawning the watcher thread (the
/// next call tries again).
pub fn wake_on_interrupt(waker: &Waker) -> io::Result<Interrupted> {
    sys::block_interrupts()?;
    let fired = Arc::new(AtomicBool::new(false));
    let mut watch = watch();
    let pid = std::process::id();
    if watch.watcher != Some(pid) {
        // None yet, or the one of the process this was forked from (threads do not
        // survive `fork`): its registrations wake the parent's fds, not this process's.
        watch.registrations.clear();
        std::thread::Builder::new()
            .name("select-interrupt".into())
            .spawn(watch_interrupts)?;
        watch.watcher = Some(pid);
    }
    // Lapsed registrations go here too, so they do not pile up while no signal comes.
    watch.registrations.retain(|r| r.waker.strong_count() > 0);
    watch.registrations.push(Registration {
        waker: Arc::downgrade(&waker.source),
        fired: fired.clone(),
    });
    Ok(Interrupted { fired })
}

/// One [`wake_on_interrupt`] call: the waker to wake, while its selector lives, and the
/// flag to set.
struct Registration {
    waker: Weak<WakeSource>,
    fired: Arc<AtomicBool>,
}

/// The registrations and the process (by id) whose watcher thread serves them.
struct Watch {
    watcher: Option<u32>,
    registrations: Vec<Registration>,
}

static WATCH: Mutex<Watch> = Mutex::new(Watch {
    watcher: None,
    registrations: Vec::new(),
});

fn watch() -> MutexGuard<'static, Watch> {
    WATCH.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The watcher thread: for each SIGINT/SIGTERM, sets every live registration's flag and
/// wakes its waker, and forgets the registrations whose waker is gone.
fn watch_interrupts() {
    while sys::wait_interrupt().is_ok() {
        watch().registrations.retain(|r| match r.waker.upgrade() {
            Some(source) => {
                r.fired.store(true, Ordering::Release);
                // A failed wake (not expected: the fd is held open here) leaves the
                // registration in place for the next signal.
                let _ = Waker { source }.wake();
                true
            }
            None => false,
        });
    }
    // sigwait failed (EINVAL, not expected): let the next call start a watcher again.
    watch().watcher = None;
}
