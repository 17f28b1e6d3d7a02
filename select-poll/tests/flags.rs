//! `PollFlags`: the platform's constants, names in `Debug`, unknown bits kept.
#![cfg(unix)]

use select_poll::PollFlags;

#[test]
fn python_values_on_every_platform() {
    assert_eq!(PollFlags::POLLIN.bits(), 0x1);
    assert_eq!(PollFlags::POLLPRI.bits(), 0x2);
    assert_eq!(PollFlags::POLLOUT.bits(), 0x4);
    assert_eq!(PollFlags::POLLERR.bits(), 0x8);
    assert_eq!(PollFlags::POLLHUP.bits(), 0x10);
    assert_eq!(PollFlags::POLLNVAL.bits(), 0x20);
    assert_eq!(PollFlags::DEFAULT_MASK.bits(), 7);
}

#[cfg(all(
    target_os = "linux",
    not(any(target_arch = "sparc", target_arch = "sparc64", target_arch = "mips"))
))]
#[test]
fn linux_values_match_python() {
    assert_eq!(PollFlags::POLLRDNORM.bits(), 0x40);
    assert_eq!(PollFlags::POLLRDBAND.bits(), 0x80);
    assert_eq!(PollFlags::POLLWRNORM.bits(), 0x100);
    assert_eq!(PollFlags::POLLWRBAND.bits(), 0x200);
    assert_eq!(PollFlags::POLLRDHUP.bits(), 0x2000);
    assert_eq!(
        format!("{:?}", PollFlags::all()),
        "POLLIN | POLLPRI | POLLOUT | POLLERR | POLLHUP | POLLNVAL | POLLRDNORM | \
         POLLRDBAND | POLLWRNORM | POLLWRBAND | POLLMSG | POLLRDHUP"
    );
    // Python's select.POLLMSG on Linux (the kernel's uapi value on x86).
    assert_eq!(PollFlags::POLLMSG.bits(), 0x400);
    // Bits with no name are kept and shown in hex.
    assert_eq!(
        format!(
            "{:?}",
            PollFlags::from_bits_retain(0x4000) | PollFlags::POLLIN
        ),
        "POLLIN | 0x4000"
    );
}

#[cfg(any(
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_vendor = "apple"
))]
#[test]
fn bsd_wrnorm_is_pollout_and_printed_once() {
    assert_eq!(PollFlags::POLLWRNORM, PollFlags::POLLOUT);
    assert_eq!(PollFlags::POLLWRBAND.bits(), 0x100);
    assert_eq!(format!("{:?}", PollFlags::POLLWRNORM), "POLLOUT");
}

#[test]
fn debug_names_every_named_constant() {
    for (name, flag) in PollFlags::NAMED {
        let shown = format!("{flag:?}");
        // An alias prints under the first name of its bit.
        let first = PollFlags::NAMED
            .iter()
            .find(|(_, f)| f.bits() == flag.bits())
            .unwrap()
            .0;
        assert_eq!(shown, first, "{name}");
    }
    assert_eq!(format!("{:?}", PollFlags::empty()), "(empty)");
    assert_eq!(
        format!("{:?}", PollFlags::default()),
        "POLLIN | POLLPRI | POLLOUT"
    );
}

#[test]
fn unknown_bits_are_kept_through_operations() {
    let odd = PollFlags::from_bits_retain(i16::MIN) | PollFlags::POLLHUP;
    assert_eq!(odd.bits_u16(), 0x8010);
    assert_eq!(format!("{odd:?}"), "POLLHUP | 0x8000");
    assert_eq!(format!("{odd:#06x}"), "0x8010");
    assert!(odd.contains(PollFlags::POLLHUP));
    assert_eq!(
        odd - PollFlags::POLLHUP,
        PollFlags::from_bits_retain(i16::MIN)
    );
    assert_eq!((odd & PollFlags::POLLHUP), PollFlags::POLLHUP);
    assert!(!PollFlags::all().contains(odd));
}
