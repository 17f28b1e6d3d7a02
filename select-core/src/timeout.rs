//! Timeout conversions for the wait syscalls.
//!
//! Every wait in select-rs takes `Option<Duration>`: `None` blocks until something is
//! ready, `Some(Duration::ZERO)` polls, anything else waits at most that long. The
//! syscalls take milliseconds (`poll`, `epoll_wait`), a `timeval` (`select`) or a
//! `timespec` (`kevent`, `epoll_pwait2`); the helpers here round **up** to that
//! resolution, so a wait never returns before its timeout and a short timeout never
//! becomes a zero-timeout busy loop.
//!
//! Values too large for a syscall are clamped to [`MAX_WAIT_CHUNK`] rather than refused
//! or wrapped; the EINTR loop (`retry::wait`) resumes a clamped wait until the real
//! deadline, so `Duration::MAX` works as "very long".
//!
//! For code ported from Python, [`from_secs_f64`] and [`from_millis_f64`] accept float
//! timeouts with Python's validation, and [`from_poll_millis_f64`] and
//! [`from_epoll_secs_f64`] add the C `int` millisecond bound that CPython's `poll` and
//! `epoll` apply.
//!
//! # Which bound each object applies, and why
//!
//! CPython refuses timeouts its syscall cannot take in one call; select-rs takes any
//! `Duration` and, for waits longer than one call can take, makes several calls of at
//! most [`MAX_WAIT_CHUNK`] (24 days) each until the deadline (the EINTR loop does
//! this). A `Duration` is unsigned and cannot be NaN, so the only
//! CPython refusal a `Duration` could hit is "too large", and a Rust caller asking for a
//! very long wait (`Duration::MAX` as "practically forever") is better served by
//! waiting than by an error. The float converters are where Python's refusals live:
//!
//! | Python object | CPython refuses (`OverflowError`) | `Option<Duration>` here | float converter with CPython's bound |
//! | --- | --- | --- | --- |
//! | `select.select` (`select()`, `Select`) | beyond `_PyTime_t` (about 292 years) | any; chunked | [`from_secs_f64`]`(s, Negative::Refuse)` |
//! | `poll.poll` (`Poll`) | rounded-up ms above `INT_MAX` (2\*\*31 ms or more, about 24.8 days) | any; chunked | [`from_poll_millis_f64`]`(ms)` |
//! | `epoll.poll` (`Epoll`) | rounded-up ms above `INT_MAX` (e.g. 2.2e6 s) | any; chunked | [`from_epoll_secs_f64`]`(s)` |
//! | `kqueue.control` (`Kqueue`) | beyond `_PyTime_t` (about 292 years) | any; chunked | [`from_secs_f64`]`(s, Negative::Refuse)` |
//! | `selectors` `select(timeout)` | `inf` (poll/epoll: float-to-int conversion) | any; chunked | [`from_secs_f64`]`(s, Negative::Zero)`: a negative timeout polls |
//!
//! [`from_secs_f64`] and [`from_millis_f64`] themselves apply only the `_PyTime_t`
//! bound (the one every float timeout of CPython passes through); they do **not** apply
//! poll's and epoll's `INT_MAX` ms bound, so with them a `Poll` or `Epoll` accepts and
//! waits (in chunks) for timeouts CPython refuses.

use std::io;
use std::time::Duration;

use libc::c_int;

use crate::error::invalid_input;

/// The longest wait handed to one syscall: 24 days.
///
/// It fits every syscall's timeout type (`c_int` milliseconds reach 24.8 days) and stays
/// under the 10^8 seconds that the BSDs and macOS accept in a `timeval`/`timespec`.
/// Longer waits are resumed by the EINTR loop (`retry::wait`).
pub const MAX_WAIT_CHUNK: Duration = Duration::from_secs(24 * 24 * 60 * 60);

/// `timeout` as milliseconds for `poll(2)`/`epoll_wait(2)`, rounded **up**.
///
/// `None` gives `-1` (block), zero gives `0`, 1 ns and 500 µs give `1`, 1 ms + 1 ns gives
/// `2`. Values above [`MAX_WAIT_CHUNK`] are clamped to it.
///
/// ```
/// use std::time::Duration;
/// use select_core::timeout::to_millis_ceil;
/// assert_eq!(to_millis_ceil(None), -1);
/// assert_eq!(to_millis_ceil(Some(Duration::ZERO)), 0);
/// assert_eq!(to_millis_ceil(Some(Duration::from_nanos(1))), 1);
/// assert_eq!(to_millis_ceil(Some(Duration::from_millis(50))), 50);
/// ```
#[inline]
#[must_use]
pub fn to_millis_ceil(timeout: Option<Duration>) -> c_int {
    match timeout {
        None => -1,
        Some(d) => {
            let d = d.min(MAX_WAIT_CHUNK);
            let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
            // MAX_WAIT_CHUNK in ms fits c_int; the fallback is never taken.
            c_int::try_from(ms).unwrap_or(c_int::MAX)
        }
    }
}

/// `d` as a `timeval` for `select(2)`, rounded **up** to whole microseconds and clamped
/// to [`MAX_WAIT_CHUNK`].
///
/// ```
/// use std::time::Duration;
/// use select_core::timeout::to_timeval_ceil;
/// let tv = to_timeval_ceil(Duration::from_nanos(1_000_001));
/// assert_eq!((tv.tv_sec, tv.tv_usec), (0, 1001));
/// ```
#[inline]
#[must_use]
pub fn to_timeval_ceil(d: Duration) -> libc::timeval {
    let d = d.min(MAX_WAIT_CHUNK);
    let mut secs = d.as_secs();
    let mut micros = d.subsec_nanos().div_ceil(1000);
    if micros == 1_000_000 {
        secs += 1;
        micros = 0;
    }
    libc::timeval {
        // Bounded by MAX_WAIT_CHUNK (about 2e6 s), which fits every time_t (and the
        // 32-bit `long` fields of Winsock's timeval). Cast with `as _`: libc deprecates
        // naming `time_t`/`suseconds_t` on musl.
        tv_sec: secs as _,
        tv_usec: micros as _,
    }
}

/// `d` as a `timespec` for `kevent(2)`/`epoll_pwait2(2)`/`ppoll(2)`, exact to the
/// nanosecond and clamped to [`MAX_WAIT_CHUNK`].
///
/// ```
/// use std::time::Duration;
/// use select_core::timeout::to_timespec;
/// let ts = to_timespec(Duration::from_micros(200));
/// assert_eq!((ts.tv_sec, ts.tv_nsec), (0, 200_000));
/// ```
#[inline]
#[must_use]
pub fn to_timespec(d: Duration) -> libc::timespec {
    let d = d.min(MAX_WAIT_CHUNK);
    // timespec has private padding fields on some targets (x32), so it cannot be
    // built with a struct literal everywhere: start from zero and set the fields.
    let mut ts = crate::sys::zeroed_timespec();
    // Bounded by MAX_WAIT_CHUNK, which fits every time_t; nanoseconds fit c_long.
    ts.tv_sec = d.as_secs() as _;
    ts.tv_nsec = d.subsec_nanos() as _;
    ts
}

/// What a negative float timeout means, which differs between Python's APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negative {
    /// Refuse it, as `select.select` and `kqueue.control` do
    /// (`ValueError("timeout must be non-negative")`).
    Refuse,
    /// Block without limit, as `poll.poll` and `epoll.poll` do. A negative value is
    /// still bounded like a positive one (Python's `OverflowError` for `-inf`).
    Block,
    /// Poll without blocking (`Some(Duration::ZERO)`), as every `selectors` selector's
    /// `select(timeout)` does, so `sel.select(-1)` never blocks; any negative value is
    /// taken, `-inf` included (the selectors compare with 0 before converting).
    Zero,
}

/// The largest float timeout accepted: what fits in Python's `_PyTime_t`
/// (2^63 - 1 nanoseconds, about 292 years).
const MAX_FLOAT_SECS: f64 = 9_223_372_036.854_775;

/// A Python-style timeout in seconds, as `select.select(..., timeout)` and
/// `kqueue.control(..., timeout)` take it, rounded **up** to the nanosecond.
///
/// Its upper bound is CPython's `_PyTime_t` (2^63 - 1 ns, about 292 years), which is the
/// bound of `select.select` and `kqueue.control`. `epoll.poll` refuses far less
/// (milliseconds above `INT_MAX`): use [`from_epoll_secs_f64`] for its exact rules.
///
/// The nanoseconds are `ceil(secs * 1e9)` computed in floating point, as CPython's
/// `_PyTime_FromDouble` does, so `1.1` is exactly 1.1 s.
///
/// `-0.0` is zero. A negative value is refused, means "block" (`Ok(None)`) or means
/// "poll" (`Some(Duration::ZERO)`) according to `negative`.
///
/// # Errors
///
/// `InvalidInput`, naming the value, for NaN (Python's `ValueError`), for a negative value
/// under [`Negative::Refuse`], and for infinity or anything beyond about 292 years
/// (Python's `OverflowError`), on either side of zero except under [`Negative::Zero`].
///
/// ```
/// use std::time::Duration;
/// use select_core::timeout::{from_secs_f64, Negative};
/// assert_eq!(from_secs_f64(0.5, Negative::Refuse)?, Some(Duration::from_millis(500)));
/// assert_eq!(from_secs_f64(1.1, Negative::Refuse)?, Some(Duration::from_millis(1100)));
/// assert_eq!(from_secs_f64(-1.0, Negative::Block)?, None);
/// // A selectors-style `sel.select(-1)` polls.
/// assert_eq!(from_secs_f64(-1.0, Negative::Zero)?, Some(Duration::ZERO));
/// assert!(from_secs_f64(f64::NAN, Negative::Block).is_err());
/// assert!(from_secs_f64(f64::NEG_INFINITY, Negative::Block).is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn from_secs_f64(secs: f64, negative: Negative) -> io::Result<Option<Duration>> {
    from_float(secs, 1e9, negative)
}

/// A Python-style timeout in milliseconds, as `poll.poll(timeout)` takes it, rounded
/// **up** to the nanosecond (so `0.5` is 500 µs, which `poll(2)` then waits as 1 ms).
///
/// Bounded like [`from_secs_f64`] (about 292 years), **not** by poll's `INT_MAX` ms:
/// for CPython's exact `poll.poll` rules use [`from_poll_millis_f64`].
///
/// # Errors
///
/// As [`from_secs_f64`].
pub fn from_millis_f64(ms: f64, negative: Negative) -> io::Result<Option<Duration>> {
    from_float(ms, 1e6, negative)
}

/// The largest timeout CPython's `poll.poll` and `epoll.poll` take: `INT_MAX`
/// milliseconds (about 24.8 days), after rounding up to whole milliseconds.
pub const C_INT_MILLIS_MAX: Duration = Duration::from_millis(c_int::MAX as u64);

/// A `poll.poll(timeout)` float timeout in milliseconds with CPython's exact rules: a
/// negative value blocks (`Ok(None)`), NaN is refused, and so is any value that rounded
/// away from zero to whole milliseconds leaves the C `int` range (2\*\*31 ms or more,
/// below -2\*\*31 ms, and `±inf`), as `OverflowError("timeout is too large")`.
///
/// # Errors
///
/// `InvalidInput` naming the value: "Invalid value NaN (not a number)" (Python's
/// `ValueError`), "timeout is too large: ..." (Python's `OverflowError`).
///
/// ```
/// use std::time::Duration;
/// use select_core::timeout::from_poll_millis_f64;
/// assert_eq!(from_poll_millis_f64(0.5)?, Some(Duration::from_micros(500)));
/// assert_eq!(from_poll_millis_f64(-1.0)?, None);
/// assert!(from_poll_millis_f64(2147483647.0).is_ok());
/// assert!(from_poll_millis_f64(2147483648.0).is_err()); // 2**31 ms
/// assert!(from_poll_millis_f64(2147483647.5).is_err()); // rounds up to 2**31
/// assert_eq!(from_poll_millis_f64(-2147483648.0)?, None); // INT_MIN blocks
/// assert!(from_poll_millis_f64(-2147483649.0).is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn from_poll_millis_f64(ms: f64) -> io::Result<Option<Duration>> {
    c_int_millis(ms, ms)
}

/// An `epoll.poll(timeout)` float timeout in seconds with CPython's exact rules: the
/// value becomes nanoseconds (rounded away from zero), then milliseconds rounded
/// towards +infinity (`_PyTime_ROUND_CEILING`); those milliseconds must lie in the C
/// `int` range (else `OverflowError("timeout is too large")`: e.g. 2.2e6 s, -3e6 s,
/// `±inf`), and a negative result blocks (`Ok(None)`). So a small negative value whose
/// milliseconds round up to 0 polls (`-0.0005` is `Some(ZERO)`), and `-2147483.6485`
/// (`INT_MIN` ms after rounding up) blocks. NaN is refused.
///
/// The result keeps the nanoseconds (`Epoll` waits with `epoll_pwait2` to the
/// nanosecond where it can; CPython rounds up to whole milliseconds first).
///
/// # Errors
///
/// As [`from_poll_millis_f64`].
///
/// ```
/// use select_core::timeout::from_epoll_secs_f64;
/// assert_eq!(from_epoll_secs_f64(-0.1)?, None);
/// assert_eq!(from_epoll_secs_f64(-0.0005)?, Some(std::time::Duration::ZERO));
/// assert_eq!(from_epoll_secs_f64(-2147483.6485)?, None);
/// assert!(from_epoll_secs_f64(2147483.647).is_ok());
/// assert!(from_epoll_secs_f64(2.2e6).is_err());
/// assert!(from_epoll_secs_f64(-3e6).is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn from_epoll_secs_f64(secs: f64) -> io::Result<Option<Duration>> {
    if secs < 0.0 {
        // Away from zero to nanoseconds, then up to milliseconds (-inf stays -inf).
        let ms = ((secs * 1e9).floor() / 1e6).ceil();
        return if ms < f64::from(c_int::MIN) {
            Err(too_large_or_nan(secs))
        } else if ms < 0.0 {
            Ok(None)
        } else {
            Ok(Some(Duration::ZERO))
        };
    }
    let t = c_int_millis(secs * 1e3, secs)?;
    // Keep the nanoseconds of a positive value (the milliseconds only bounded it).
    match t {
        Some(_) => from_float(secs, 1e9, Negative::Block).map_err(|_| too_large_or_nan(secs)),
        None => Ok(None),
    }
}

/// `ms` (the caller's `value` in milliseconds) with the C `int` bound of CPython's
/// `poll.poll` and `epoll.poll`: rounded away from zero, it must lie in
/// `INT_MIN..=INT_MAX`; a negative value then blocks.
fn c_int_millis(ms: f64, value: f64) -> io::Result<Option<Duration>> {
    if ms.is_nan() {
        return Err(too_large_or_nan(value));
    }
    if ms < 0.0 {
        // -inf is caught here too.
        return if -ms > -f64::from(c_int::MIN) {
            Err(too_large_or_nan(value))
        } else {
            Ok(None)
        };
    }
    let t = from_float(ms, 1e6, Negative::Block).map_err(|_| too_large_or_nan(value))?;
    check_c_int_millis(t, value)
}

fn too_large_or_nan(value: f64) -> io::Error {
    if value.is_nan() {
        invalid_input("Invalid value NaN (not a number)")
    } else {
        invalid_input(format!("timeout is too large: {value}"))
    }
}

fn check_c_int_millis(t: Option<Duration>, value: f64) -> io::Result<Option<Duration>> {
    match t {
        Some(d) if d > C_INT_MILLIS_MAX => Err(too_large_or_nan(value)),
        other => Ok(other),
    }
}

fn from_float(value: f64, nanos_per_unit: f64, negative: Negative) -> io::Result<Option<Duration>> {
    if value.is_nan() {
        return Err(invalid_input("Invalid value NaN (not a number)"));
    }
    if value < 0.0 && negative == Negative::Zero {
        return Ok(Some(Duration::ZERO));
    }
    // CPython's order: the float becomes nanoseconds (refusing what does not fit),
    // and only then is the sign looked at.
    if (value * (nanos_per_unit / 1e9)).abs() > MAX_FLOAT_SECS {
        return Err(invalid_input(format!("timeout too large: {value}")));
    }
    if value < 0.0 {
        return match negative {
            Negative::Block => Ok(None),
            _ => Err(invalid_input(format!(
                "timeout must be non-negative, got {value}"
            ))),
        };
    }
    // Rounded up in floating point, as `_PyTime_FromDouble` does: at most about
    // 9.22e18 (MAX_FLOAT_SECS), so the cast is in range (and would saturate anyway).
    let nanos = (value * nanos_per_unit).ceil();
    Ok(Some(Duration::from_nanos(nanos as u64)))
}

// The conversions are no-ops on 64-bit Linux but not on every target.
#[cfg(test)]
#[allow(clippy::useless_conversion)]
mod tests {
    use super::*;

    #[test]
    fn poll_and_epoll_float_bounds_are_cpythons() {
        let max = c_int::MAX as f64;
        assert_eq!(
            from_poll_millis_f64(max).unwrap(),
            Some(Duration::from_millis(c_int::MAX as u64))
        );
        for bad in [max + 1.0, max + 0.5, 1e300, f64::INFINITY] {
            let e = from_poll_millis_f64(bad).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
            assert!(e.to_string().starts_with("timeout is too large"), "{e}");
        }
        assert!(from_poll_millis_f64(f64::NAN)
            .unwrap_err()
            .to_string()
            .contains("NaN"));
        for neg in [-1.0, -0.1, -1e-100, -2_147_483_648.0] {
            assert_eq!(from_poll_millis_f64(neg).unwrap(), None, "{neg}");
        }
        // epoll rounds the milliseconds up (CPython's _PyTime_ROUND_CEILING): those
        // below -1 ms block, down to INT_MIN after rounding; those that round to 0 poll.
        for neg in [-1.0, -0.1, -0.0010001, -2_147_483.648, -2_147_483.648_5] {
            assert_eq!(from_epoll_secs_f64(neg).unwrap(), None, "{neg}");
        }
        for poll in [-0.0, -1e-100, -0.0005, -0.0009999] {
            assert_eq!(
                from_epoll_secs_f64(poll).unwrap(),
                Some(Duration::ZERO),
                "{poll}"
            );
        }
        // Below INT_MIN ms once rounded away from zero, as CPython refuses them.
        for bad in [
            -2_147_483_649.0,
            -2_147_483_648.5,
            -1e18,
            -1e300,
            f64::NEG_INFINITY,
        ] {
            let e = from_poll_millis_f64(bad).unwrap_err();
            assert!(e.to_string().starts_with("timeout is too large"), "{e}");
        }
        for bad in [
            -2_147_483.649_5,
            -2_147_483.649,
            -3e6,
            -1e300,
            f64::NEG_INFINITY,
        ] {
            let e = from_epoll_secs_f64(bad).unwrap_err();
            assert!(e.to_string().starts_with("timeout is too large"), "{e}");
        }
        assert_eq!(
            from_epoll_secs_f64(0.0001).unwrap(),
            Some(Duration::from_micros(100))
        );
        assert!(from_epoll_secs_f64(2_147_483.0).is_ok());
        assert!(from_epoll_secs_f64(2_147_484.0).is_err());
        assert!(from_epoll_secs_f64(2.2e6).is_err());
        // The general converters keep the _PyTime_t bound only.
        assert!(from_millis_f64(max + 1.0, Negative::Block).is_ok());
        assert!(from_secs_f64(2.2e6, Negative::Block).is_ok());
    }

    const NS: Duration = Duration::from_nanos(1);

    #[test]
    fn millis_round_up() {
        let ms = |d| to_millis_ceil(Some(d));
        assert_eq!(to_millis_ceil(None), -1);
        assert_eq!(ms(Duration::ZERO), 0);
        assert_eq!(ms(NS), 1);
        assert_eq!(ms(Duration::from_micros(500)), 1);
        assert_eq!(ms(Duration::from_micros(999)), 1);
        assert_eq!(ms(Duration::from_millis(1)), 1);
        assert_eq!(ms(Duration::from_millis(1) + NS), 2);
        assert_eq!(ms(Duration::from_secs(3)), 3000);
        assert_eq!(ms(Duration::MAX), MAX_WAIT_CHUNK.as_millis() as c_int);
        assert!(ms(MAX_WAIT_CHUNK + NS) > 0);
    }

    #[test]
    fn timeval_round_up() {
        let tv = |d| {
            let t = to_timeval_ceil(d);
            (i64::from(t.tv_sec), i64::from(t.tv_usec))
        };
        assert_eq!(tv(Duration::ZERO), (0, 0));
        assert_eq!(tv(NS), (0, 1));
        assert_eq!(tv(Duration::from_micros(999)), (0, 999));
        assert_eq!(tv(Duration::from_millis(1) + NS), (0, 1001));
        assert_eq!(tv(Duration::from_nanos(999_999_999)), (1, 0));
        assert_eq!(tv(Duration::new(2, 1)), (2, 1));
        assert_eq!(tv(Duration::MAX), (MAX_WAIT_CHUNK.as_secs() as i64, 0));
    }

    #[test]
    fn timespec_exact_and_clamped() {
        let ts = |d| {
            let t = to_timespec(d);
            (i64::from(t.tv_sec), i64::from(t.tv_nsec))
        };
        assert_eq!(ts(Duration::ZERO), (0, 0));
        assert_eq!(ts(NS), (0, 1));
        assert_eq!(ts(Duration::from_micros(999)), (0, 999_000));
        assert_eq!(ts(Duration::from_millis(1) + NS), (0, 1_000_001));
        assert_eq!(ts(Duration::MAX), (MAX_WAIT_CHUNK.as_secs() as i64, 0));
    }

    #[test]
    fn chunk_fits_every_syscall() {
        assert!(MAX_WAIT_CHUNK.as_millis() < c_int::MAX as u128);
        assert!(MAX_WAIT_CHUNK.as_secs() < 100_000_000);
    }

    #[test]
    fn float_seconds() {
        let r = Negative::Refuse;
        assert_eq!(from_secs_f64(0.0, r).unwrap(), Some(Duration::ZERO));
        assert_eq!(from_secs_f64(-0.0, r).unwrap(), Some(Duration::ZERO));
        assert_eq!(
            from_secs_f64(1.5, r).unwrap(),
            Some(Duration::from_millis(1500))
        );
        // Sub-nanosecond fractions round up, like Python's ROUND_CEILING.
        assert_eq!(from_secs_f64(1e-10, r).unwrap(), Some(NS));
        assert_eq!(
            from_secs_f64(0.001, r).unwrap().unwrap(),
            Duration::from_millis(1)
        );
        assert_eq!(
            from_secs_f64(86_400.25, r).unwrap(),
            Some(Duration::from_secs(86_400) + Duration::from_millis(250))
        );
        assert_eq!(from_secs_f64(-1e-9, Negative::Block).unwrap(), None);
        assert!(from_secs_f64(-2.0e31, Negative::Block).is_err());
        // CPython's ceil(value * 1e9): no extra nanosecond from the fraction's float
        // error, for any value with two decimals.
        for cents in 1..10_000u64 {
            let v = cents as f64 / 100.0;
            let want = Duration::from_nanos((v * 1e9).ceil() as u64);
            assert_eq!(from_secs_f64(v, r).unwrap(), Some(want), "{v}");
        }
        assert_eq!(
            from_secs_f64(1.1, r).unwrap(),
            Some(Duration::from_millis(1100))
        );
        assert_eq!(
            from_epoll_secs_f64(1.1).unwrap(),
            Some(Duration::from_millis(1100))
        );
        // The selectors' rule: a negative timeout polls, -inf included; NaN and inf
        // are still refused.
        let z = Negative::Zero;
        for neg in [-1.0, -1e-9, -1e300, f64::NEG_INFINITY] {
            assert_eq!(
                from_secs_f64(neg, z).unwrap(),
                Some(Duration::ZERO),
                "{neg}"
            );
        }
        assert!(from_secs_f64(f64::NAN, z).is_err());
        assert!(from_secs_f64(f64::INFINITY, z).is_err());
        assert_eq!(
            from_secs_f64(0.25, z).unwrap(),
            Some(Duration::from_millis(250))
        );
    }

    #[test]
    fn float_seconds_refused() {
        let r = Negative::Refuse;
        for (v, needle) in [
            (f64::NAN, "NaN"),
            (-1e-9, "-0.000000001"),
            (-0.5, "-0.5"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (1e20, "100000000000000000000"),
            (9.3e9, "9300000000"),
        ] {
            let e = from_secs_f64(v, r).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{v}");
            assert!(e.to_string().contains(needle), "{v}: {e}");
        }
        assert!(from_secs_f64(f64::NAN, Negative::Block).is_err());
        assert!(from_secs_f64(f64::INFINITY, Negative::Block).is_err());
        // The largest accepted value does not panic and is about 292 years.
        let d = from_secs_f64(9.2e9, r).unwrap().unwrap();
        assert!(d > Duration::from_secs(9_000_000_000));
    }

    #[test]
    fn float_millis() {
        let b = Negative::Block;
        assert_eq!(
            from_millis_f64(0.5, b).unwrap(),
            Some(Duration::from_micros(500))
        );
        assert_eq!(to_millis_ceil(from_millis_f64(0.5, b).unwrap()), 1);
        assert_eq!(
            from_millis_f64(50.0, b).unwrap(),
            Some(Duration::from_millis(50))
        );
        assert_eq!(from_millis_f64(-1e-100, b).unwrap(), None);
        assert!(from_millis_f64(f64::NAN, b).is_err());
        assert!(from_millis_f64(f64::INFINITY, b).is_err());
        assert!(from_millis_f64(9.2e12, b).is_ok());
        assert!(from_millis_f64(2f64.powi(64), b).is_err());
    }
}
