//! Shorthand constructors of [`Event`] for users' unit tests (polling's
//! `Event::readable`/`Event::writable`).

use crate::{Event, Interest, RawFd};

impl Event {
    /// `fd` ready for reading, no hang-up or error: `Event::new(fd, Interest::READ,
    /// false, false)`. For unit tests of event handlers.
    ///
    /// ```
    /// use select_core::{Event, Interest};
    ///
    /// // A handler under test, fed a made-up event instead of a real wait.
    /// fn on_event(e: &Event) -> &'static str {
    ///     if e.is_hangup() { "closed" } else if e.is_readable() { "read" } else { "write" }
    /// }
    /// assert_eq!(on_event(&Event::readable(3)), "read");
    /// assert_eq!(on_event(&Event::writable(3)), "write");
    /// assert_eq!(on_event(&Event::new(3, Interest::READ, true, false)), "closed");
    /// ```
    #[inline]
    #[must_use]
    pub const fn readable(fd: RawFd) -> Event {
        Event::new(fd, Interest::READ, false, false)
    }

    /// `fd` ready for writing, no hang-up or error: `Event::new(fd, Interest::WRITE,
    /// false, false)`. For unit tests of event handlers.
    ///
    /// ```
    /// use select_core::{Event, Interest};
    ///
    /// let e = Event::writable(4);
    /// assert_eq!((e.fd(), e.ready()), (4, Interest::WRITE));
    /// assert!(e.is_writable() && !e.is_readable() && !e.is_hangup() && !e.is_error());
    /// ```
    #[inline]
    #[must_use]
    pub const fn writable(fd: RawFd) -> Event {
        Event::new(fd, Interest::WRITE, false, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthands_are_new() {
        assert_eq!(
            Event::readable(5),
            Event::new(5, Interest::READ, false, false)
        );
        assert_eq!(
            Event::writable(5),
            Event::new(5, Interest::WRITE, false, false)
        );
        let e = Event::new(5, Interest::all(), true, true);
        assert_eq!(e.ready(), Interest::all());
        assert!(e.is_hangup() && e.is_error() && e.is_priority());
    }
}
