//! Ctrl-C (SIGINT) and SIGTERM during a wait: turned into a wake
//! ([`wake_on_interrupt`]), or into an error out of the wait through a signal handler and
//! an interrupt check ([`stop_on_interrupt`]).

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use select_core::retry::InterruptCheck;

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

/// Blocks SIGINT and SIGTERM in the calling thread and starts a thread that waits for
/// them with `sigwait(3)`; each one sets [`Interrupted::fired`] and wakes `waker`.
///
/// Call it from `main` before spawning other threads, so they inherit the blocked mask
/// and the signal reaches only the watcher. No signal handler runs: nothing here is
/// limited to async-signal-safe code.
///
/// # Errors
///
/// The errno of `pthread_sigmask(3)`.
pub fn wake_on_interrupt(waker: &Waker) -> io::Result<Interrupted> {
    sys::block_interrupts()?;
    let fired = Arc::new(AtomicBool::new(false));
    let flag = fired.clone();
    let waker = waker.clone();
    std::thread::Builder::new()
        .name("select-interrupt".into())
        .spawn(move || {
            while sys::wait_interrupt().is_ok() {
                flag.store(true, Ordering::Release);
                if waker.wake().is_err() {
                    break;
                }
            }
        })?;
    Ok(Interrupted { fired })
}
