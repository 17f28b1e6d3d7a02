//! Turning Ctrl-C (SIGINT) and SIGTERM into a wake, for clean shutdown of a select loop.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::{sys, Waker};

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
