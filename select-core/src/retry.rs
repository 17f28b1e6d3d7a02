//! Running a wait syscall again after EINTR, with the remaining time (PEP 475).
//!
//! [`wait`] takes the deadline once, from the monotonic clock, before the first call.
//! Each time the syscall is interrupted it is called again with what is left of the
//! timeout; when nothing is left it reports "nothing ready" (`Ok(0)`), as CPython does.
//! An interrupted wait therefore never surfaces [`ErrorKind::Interrupted`], never returns
//! before its timeout, and never waits longer in total than asked (beyond scheduling
//! slack and the syscall's rounding up).
//!
//! It also resumes waits longer than [`MAX_WAIT_CHUNK`]: each call gets at most that
//! much, and a call that timed out while more time remains is made again.
//!
//! [`ErrorKind::Interrupted`]: std::io::ErrorKind::Interrupted

use std::io;
use std::time::{Duration, Instant};

use crate::error::is_interrupted;
use crate::timeout::MAX_WAIT_CHUNK;

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
/// use select_core::retry;
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
#[inline]
pub fn wait<F>(timeout: Option<Duration>, mut call: F) -> io::Result<usize>
where
    F: FnMut(Option<Duration>) -> io::Result<usize>,
{
    match timeout {
        None => loop {
            match call(None) {
                Err(e) if is_interrupted(&e) => continue,
                other => return other,
            }
        },
        Some(Duration::ZERO) => match call(Some(Duration::ZERO)) {
            // The deadline has passed: "nothing ready".
            Err(e) if is_interrupted(&e) => Ok(0),
            other => other,
        },
        Some(t) => wait_until(t, call),
    }
}

#[cold]
fn wait_until<F>(timeout: Duration, mut call: F) -> io::Result<usize>
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
            Err(e) if is_interrupted(&e) => {}
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

    #[test]
    fn blocking_wait_is_retried_forever_with_none() {
        let mut calls = 0;
        let n = wait(None, |t| {
            assert_eq!(t, None);
            calls += 1;
            if calls < 5 {
                Err(eintr())
            } else {
                Ok(2)
            }
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
