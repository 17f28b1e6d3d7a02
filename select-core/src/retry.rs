//! Running a wait syscall again after EINTR, with the remaining time (PEP 475).
//!
//! [`wait`] takes the deadline once, from the monotonic clock, before the first call.
//! Each time the syscall is interrupted it is called again with what is left of the
//! timeout; when nothing is left it reports "nothing ready" (`Ok(0)`), as CPython does.
//! Without an [`InterruptCheck`], an interrupted wait therefore never surfaces
//! [`ErrorKind::Interrupted`], never returns before its timeout, and never waits longer
//! in total than asked (beyond scheduling slack and the syscall's rounding up).
//!
//! It also resumes waits longer than [`MAX_WAIT_CHUNK`]: each call gets at most that
//! much, and a call that timed out while more time remains is made again.
//!
//! # The handler step: [`InterruptCheck`]
//!
//! PEP 475 has two steps after EINTR: run the signal handlers, and if one raised, the
//! wait raises; otherwise retry. Rust has no handlers that raise, so the caller supplies
//! the first step as an [`InterruptCheck`]: a plain `fn() -> io::Result<()>` run after
//! each EINTR (and only then). `Ok(())` resumes the wait with the remaining time; an
//! error ends the wait with that error. [`wait_checked`] takes one; [`wait`] is
//! `wait_checked` without one (the default everywhere: retry, never end early). Every
//! mechanism object and selector stores one through its `set_interrupt_check` method.
//!
//! A function pointer rather than a closure: it is `Copy`, needs no allocation, can be
//! stored in any object (and `Send + Sync` ones stay so), and a signal handler can only
//! talk to it through statics (an `AtomicBool`) anyway. Without EINTR it is never called,
//! so the wait path makes no extra syscall and reads no extra memory.
//!
//! ```
//! use std::io;
//! use std::sync::atomic::{AtomicBool, Ordering};
//! use select_core::{__private::retry, InterruptCheck};
//!
//! // Set by a signal handler (e.g. `signal_hook::flag::register(SIGINT, ...)`).
//! static STOP: AtomicBool = AtomicBool::new(false);
//!
//! fn stop_requested() -> io::Result<()> {
//!     if STOP.load(Ordering::Relaxed) {
//!         Err(io::Error::new(io::ErrorKind::Interrupted, "stop requested by a signal"))
//!     } else {
//!         Ok(())
//!     }
//! }
//! let check: InterruptCheck = stop_requested;
//!
//! // A "syscall" interrupted by a signal whose handler set STOP: the wait ends.
//! let e = retry::wait_checked(None, Some(check), |_| {
//!     STOP.store(true, Ordering::Relaxed); // what the handler did
//!     Err(io::ErrorKind::Interrupted.into())
//! })
//! .unwrap_err();
//! assert_eq!(e.kind(), io::ErrorKind::Interrupted);
//! assert_eq!(e.to_string(), "stop requested by a signal");
//! ```
//!
//! [`ErrorKind::Interrupted`]: std::io::ErrorKind::Interrupted

use std::io;
use std::time::{Duration, Instant};

use crate::__private::is_interrupted;
use crate::timeout::MAX_WAIT_CHUNK;

/// What to do after a wait was interrupted by a signal (EINTR): PEP 475's "run the
/// signal handlers" step.
///
/// Called once after each EINTR, before the wait is resumed. `Ok(())` resumes it with
/// the remaining time (or reports "nothing ready" if the deadline has passed); an error
/// ends the wait and is returned to the caller unchanged. Typically it reads an
/// `AtomicBool` that a signal handler sets and returns an
/// [`ErrorKind::Interrupted`](std::io::ErrorKind::Interrupted) error when set. It runs
/// in the waiting thread in normal context (not in the signal handler), so it may do
/// anything; it should be quick, as it delays the resumed wait.
///
/// A function pointer rather than a closure: it is `Copy`, needs no allocation, can be
/// stored in any object (and `Send + Sync` ones stay so), and a signal handler can only
/// talk to it through statics anyway. Every mechanism object and selector stores one
/// through its `set_interrupt_check` method; without EINTR it is never called.
///
/// ```
/// use std::io;
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use select_core::InterruptCheck;
///
/// // Set by a signal handler (e.g. `signal_hook::flag::register(SIGINT, ...)`).
/// static STOP: AtomicBool = AtomicBool::new(false);
///
/// fn stop_requested() -> io::Result<()> {
///     if STOP.load(Ordering::Relaxed) {
///         Err(io::Error::new(io::ErrorKind::Interrupted, "stop requested by a signal"))
///     } else {
///         Ok(())
///     }
/// }
/// let check: InterruptCheck = stop_requested;
/// assert!(check().is_ok()); // an interrupted wait resumes
/// STOP.store(true, Ordering::Relaxed); // what the handler does
/// assert_eq!(check().unwrap_err().kind(), io::ErrorKind::Interrupted); // it ends
/// ```
pub type InterruptCheck = fn() -> io::Result<()>;

/// Runs `call` until it is not interrupted, passing each time the remaining timeout.
///
/// `call` receives `None` (block), `Some(Duration::ZERO)` (poll) or the time left, never
/// more than [`MAX_WAIT_CHUNK`]; it must re-arm whatever the syscall overwrote (fd sets,
/// output buffers) and return the syscall's count of ready entries, `0` meaning "timed
/// out". The clock is read only for finite non-zero timeouts, so zero-timeout polls and
/// blocking waits cost nothing extra.
///
/// # Errors
///
/// Whatever `call` returns other than `Interrupted`.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use select_core::__private::retry;
///
/// // A "syscall" interrupted twice: the helper calls it again with less time each time.
/// let mut seen = Vec::new();
/// let start = Instant::now();
/// let n = retry::wait(Some(Duration::from_millis(20)), |left| {
///     seen.push(left);
///     if seen.len() < 3 {
///         Err(std::io::ErrorKind::Interrupted.into())
///     } else {
///         std::thread::sleep(left.unwrap());
///         Ok(0)
///     }
/// })?;
/// assert_eq!(n, 0);
/// assert_eq!(seen[0], Some(Duration::from_millis(20)));
/// assert!(seen[2] <= seen[1] && seen[1] <= seen[0]);
/// assert!(start.elapsed() >= Duration::from_millis(20));
/// # Ok::<(), std::io::Error>(())
/// ```
#[inline(always)]
pub fn wait<F>(timeout: Option<Duration>, call: F) -> io::Result<usize>
where
    F: FnMut(Option<Duration>) -> io::Result<usize>,
{
    wait_checked(timeout, None, call)
}

/// [`wait`] with PEP 475's handler step: after each EINTR, `check` (if any) decides
/// whether the wait resumes (`Ok`) or ends with the check's error.
///
/// With `None` this is exactly [`wait`]. The check runs after every EINTR, also after
/// the one that ends a zero-timeout poll or comes after the deadline (as CPython runs
/// the handlers before it looks at the clock); if it passes, such a wait reports
/// "nothing ready" (`Ok(0)`). It never runs when the syscall was not interrupted.
///
/// # Errors
///
/// Whatever `call` returns other than `Interrupted`, or the error of `check`.
///
/// # Examples
///
/// ```
/// use std::io;
/// use std::time::Duration;
/// use select_core::__private::retry;
///
/// fn go_on() -> io::Result<()> {
///     Ok(())
/// }
/// // Interrupted once, the check lets the wait resume: the second call reports readiness.
/// let mut calls = 0;
/// let n = retry::wait_checked(Some(Duration::from_secs(1)), Some(go_on), |_| {
///     calls += 1;
///     if calls == 1 { Err(io::ErrorKind::Interrupted.into()) } else { Ok(1) }
/// })?;
/// assert_eq!((n, calls), (1, 2));
/// # Ok::<(), io::Error>(())
/// ```
#[inline(always)]
pub fn wait_checked<F>(
    timeout: Option<Duration>,
    check: Option<InterruptCheck>,
    mut call: F,
) -> io::Result<usize>
where
    F: FnMut(Option<Duration>) -> io::Result<usize>,
{
    match timeout {
        None => loop {
            match call(None) {
                Err(e) if is_interrupted(&e) => run_check(check)?,
                other => return other,
            }
        },
        Some(Duration::ZERO) => match call(Some(Duration::ZERO)) {
            // The deadline has passed: "nothing ready" (unless the check says stop).
            Err(e) if is_interrupted(&e) => run_check(check).map(|()| 0),
            other => other,
        },
        Some(t) => wait_until(t, check, call),
    }
}

/// The handler step after one EINTR. Out of line and cold: only interrupted waits get
/// here.
#[cold]
#[inline(never)]
fn run_check(check: Option<InterruptCheck>) -> io::Result<()> {
    match check {
        Some(check) => check(),
        None => Ok(()),
    }
}

#[cold]
fn wait_until<F>(timeout: Duration, check: Option<InterruptCheck>, mut call: F) -> io::Result<usize>
where
    F: FnMut(Option<Duration>) -> io::Result<usize>,
{
    let start = Instant::now();
    // A deadline beyond what Instant can hold is as good as no deadline; chunks keep
    // every single call within the syscalls' limits either way.
    let deadline = start.checked_add(timeout);
    let mut left = timeout;
    loop {
        let chunk = left.min(MAX_WAIT_CHUNK);
        match call(Some(chunk)) {
            Ok(0) if left > MAX_WAIT_CHUNK || deadline.is_none() => {}
            Err(e) if is_interrupted(&e) => run_check(check)?,
            other => return other,
        }
        if let Some(deadline) = deadline {
            left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(0);
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn eintr() -> io::Error {
        io::Error::from_raw_os_error(libc::EINTR)
    }

    /// A syscall's result on its `calls`-th call (counted here): EINTR before the
    /// `succeeds_at`-th, then `Ok(n)`.
    fn eintr_until(calls: &mut usize, succeeds_at: usize, n: usize) -> io::Result<usize> {
        *calls += 1;
        if *calls < succeeds_at {
            Err(eintr())
        } else {
            Ok(n)
        }
    }

    #[test]
    fn blocking_wait_is_retried_forever_with_none() {
        let mut calls = 0;
        let n = wait(None, |t| {
            assert_eq!(t, None);
            eintr_until(&mut calls, 5, 2)
        })
        .unwrap();
        assert_eq!((n, calls), (2, 5));
    }

    #[test]
    fn zero_timeout_interrupted_reports_nothing_ready() {
        let mut calls = 0;
        let n = wait(Some(Duration::ZERO), |t| {
            assert_eq!(t, Some(Duration::ZERO));
            calls += 1;
            Err(eintr())
        })
        .unwrap();
        assert_eq!((n, calls), (0, 1));
    }

    #[test]
    fn other_errors_pass_through() {
        let e = wait(Some(Duration::from_secs(1)), |_| {
            Err(io::Error::from_raw_os_error(libc::EBADF))
        })
        .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        let e = wait(None, |_| Err(io::Error::from_raw_os_error(libc::EINVAL))).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
    }

    #[test]
    fn long_waits_are_chunked_and_resumed() {
        let mut chunks = Vec::new();
        let n = wait(Some(MAX_WAIT_CHUNK * 3), |t| {
            chunks.push(t.unwrap());
            // Pretend each chunk timed out until the third, which reports readiness.
            Ok(usize::from(chunks.len() == 3))
        })
        .unwrap();
        assert_eq!(n, 1);
        assert_eq!(chunks.len(), 3);
        assert!(chunks.iter().all(|c| *c <= MAX_WAIT_CHUNK));
        // Duration::MAX is accepted and chunked the same way.
        let mut calls = 0;
        let n = wait(Some(Duration::MAX), |t| {
            assert_eq!(t, Some(MAX_WAIT_CHUNK));
            calls += 1;
            Ok(usize::from(calls == 2))
        })
        .unwrap();
        assert_eq!((n, calls), (1, 2));
    }

    fn stop() -> io::Result<()> {
        Err(io::Error::new(io::ErrorKind::Interrupted, "stop"))
    }

    fn go_on() -> io::Result<()> {
        Ok(())
    }

    #[test]
    fn check_that_stops_ends_every_kind_of_wait() {
        for timeout in [None, Some(Duration::ZERO), Some(Duration::from_secs(60))] {
            let mut calls = 0;
            let e = wait_checked(timeout, Some(stop), |_| {
                calls += 1;
                Err(eintr())
            })
            .unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::Interrupted, "{timeout:?}");
            assert_eq!(e.to_string(), "stop");
            assert_eq!(calls, 1, "{timeout:?}");
        }
    }

    #[test]
    fn check_that_goes_on_keeps_pep_475() {
        let mut calls = 0;
        let n = wait_checked(None, Some(go_on), |_| eintr_until(&mut calls, 4, 1)).unwrap();
        assert_eq!((n, calls), (1, 4));
        let n = wait_checked(Some(Duration::ZERO), Some(go_on), |_| Err(eintr())).unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn check_is_not_run_without_eintr() {
        fn never() -> io::Result<()> {
            panic!("the check ran without an EINTR")
        }
        for timeout in [None, Some(Duration::ZERO), Some(Duration::from_millis(5))] {
            assert_eq!(wait_checked(timeout, Some(never), |_| Ok(1)).unwrap(), 1);
        }
        let e = wait_checked(None, Some(never), |_| {
            Err(io::Error::from_raw_os_error(libc::EBADF))
        })
        .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EBADF));
    }

    #[test]
    fn timed_out_short_wait_returns_at_once() {
        let mut calls = 0;
        let n = wait(Some(Duration::from_millis(5)), |_| {
            calls += 1;
            Ok(0)
        })
        .unwrap();
        assert_eq!((n, calls), (0, 1));
    }

    #[test]
    fn remaining_time_shrinks_and_deadline_is_kept() {
        let start = Instant::now();
        let total = Duration::from_millis(60);
        let mut lefts = Vec::new();
        let n = wait(Some(total), |t| {
            let t = t.unwrap();
            lefts.push(t);
            // Sleep a little, then report an interruption, as a signal would.
            std::thread::sleep(Duration::from_millis(1).min(t));
            Err(eintr())
        })
        .unwrap();
        let elapsed = start.elapsed();
        assert_eq!(n, 0);
        assert!(elapsed >= total, "returned early after {elapsed:?}");
        assert!(elapsed < total + Duration::from_secs(2), "{elapsed:?}");
        assert!(lefts.len() >= 2);
        assert!(lefts.windows(2).all(|w| w[1] < w[0]), "{lefts:?}");
    }
}
