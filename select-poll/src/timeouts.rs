//! Python's float-millisecond timeout rules that differ from `select_core::timeout`'s.
//! Plain arithmetic, compiled (and unit-tested) on every target, used where `/dev/poll`
//! exists.
#![cfg_attr(not(has_devpoll), allow(dead_code))]

use std::io;
use std::time::Duration;

use select_core::error::invalid_input;
use select_core::timeout::{from_millis_f64, Negative};

/// `devpoll.poll(ms)`: CPython rounds the value away from zero to whole milliseconds,
/// then refuses anything outside `-1..=INT_MAX` with `OverflowError("timeout is too
/// large")`; `-1` blocks.
pub(crate) fn devpoll_millis(ms: f64) -> io::Result<Option<Duration>> {
    if ms.is_nan() {
        return Err(invalid_input("Invalid value NaN (not a number)"));
    }
    let rounded = if ms < 0.0 { ms.floor() } else { ms.ceil() };
    if rounded < -1.0 || rounded > f64::from(i32::MAX) {
        return Err(invalid_input(format!("timeout is too large: {ms} ms")));
    }
    if rounded == -1.0 {
        return Ok(None);
    }
    from_millis_f64(ms.max(0.0), Negative::Block)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devpoll_timeout_rules() {
        assert_eq!(devpoll_millis(-1.0).unwrap(), None);
        assert_eq!(
            devpoll_millis(-0.5).unwrap(),
            None,
            "rounds away from zero to -1"
        );
        assert_eq!(devpoll_millis(0.0).unwrap(), Some(Duration::ZERO));
        assert_eq!(devpoll_millis(-0.0).unwrap(), Some(Duration::ZERO));
        assert_eq!(devpoll_millis(2.0).unwrap(), Some(Duration::from_millis(2)));
        let d = devpoll_millis(0.25).unwrap().unwrap();
        assert!(d > Duration::ZERO && d <= Duration::from_millis(1));
        let max = f64::from(i32::MAX);
        assert_eq!(
            devpoll_millis(max).unwrap(),
            Some(Duration::from_millis(i32::MAX as u64))
        );
        for bad in [
            -1.5,
            -2.0,
            -5.0,
            max + 0.5,
            max + 1.0,
            f64::INFINITY,
            -f64::INFINITY,
        ] {
            let e = devpoll_millis(bad).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{bad}");
            assert!(e.to_string().contains("timeout is too large"), "{bad}: {e}");
        }
        let e = devpoll_millis(f64::NAN).unwrap_err();
        assert!(e.to_string().contains("NaN"));
    }
}
