//! Issue #14 "public surface": the hand-written flag types answer the same methods with
//! the same meanings (`insert`/`remove`/`toggle` mutate; `union`/`difference`/
//! `intersection` return). Before, `Interest::remove` returned a new value while
//! `PollFlags::remove` mutated, so `interest.remove(READ);` silently did nothing.
#![cfg(unix)]

use select_facade::{Interest, PollFlags};

/// Runs the same checks on one flag type, given two distinct named bits `a` and `b` and
/// a raw bit that has no name.
macro_rules! uniform {
    ($t:ty, $a:expr, $b:expr, $unknown:expr) => {{
        let (a, b): ($t, $t) = ($a, $b);
        let name = stringify!($t);
        assert!(<$t>::empty().is_empty(), "{name}");
        assert!(<$t>::all().contains(a) && <$t>::all().contains(b), "{name}");
        let ab = a.union(b);
        assert!(
            ab.contains(a) && ab.contains(b) && ab.intersects(a),
            "{name}"
        );
        assert_eq!(ab.difference(a), b, "{name}");
        assert_eq!(ab.intersection(a), a, "{name}");
        assert!(!a.intersects(b), "{name}");
        // Mutators change the receiver.
        let mut m = ab;
        m.remove(a);
        assert_eq!(m, b, "{name}: remove mutates in place");
        m.insert(a);
        assert_eq!(m, ab, "{name}: insert mutates in place");
        m.toggle(b);
        assert_eq!(m, a, "{name}: toggle mutates in place");
        // from_bits refuses unknown bits, from_bits_truncate drops them.
        assert_eq!(<$t>::from_bits(ab.bits()), Some(ab), "{name}");
        assert_eq!(<$t>::from_bits(ab.bits() | $unknown), None, "{name}");
        assert_eq!(<$t>::from_bits_truncate(ab.bits() | $unknown), ab, "{name}");
        assert_eq!(
            <$t>::from_bits_truncate(<$t>::all().bits()),
            <$t>::all(),
            "{name}"
        );
    }};
}

#[test]
fn interest_poll_and_epoll_flags_agree() {
    uniform!(Interest, Interest::READ, Interest::WRITE, 0x40);
    uniform!(PollFlags, PollFlags::POLLIN, PollFlags::POLLOUT, i16::MIN);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    uniform!(
        select_facade::EpollFlags,
        select_facade::EpollFlags::EPOLLIN,
        select_facade::EpollFlags::EPOLLOUT,
        0x0800_0000
    );
}
