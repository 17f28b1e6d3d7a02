//! `KEvent` is the platform's `struct kevent`, byte for byte.
#![cfg(has_kqueue)]

use std::mem::{align_of, offset_of, size_of};

use select_kqueue::{KEvent, RawKEvent};

/// The C struct our wrapper is checked against: the libc crate's on the BSDs and
/// macOS, the classic layout of libkqueue's header on Linux.
#[cfg(not(target_os = "linux"))]
type C = libc::kevent;
#[cfg(target_os = "linux")]
type C = RawKEvent;

#[test]
fn wrapper_is_transparent() {
    assert_eq!(size_of::<KEvent>(), size_of::<C>());
    assert_eq!(align_of::<KEvent>(), align_of::<C>());
    assert_eq!(size_of::<RawKEvent>(), size_of::<C>());
    assert_eq!(size_of::<[KEvent; 3]>(), 3 * size_of::<C>());
}

#[test]
fn raw_offsets_match_the_c_struct() {
    assert_eq!(offset_of!(RawKEvent, ident), offset_of!(C, ident));
    assert_eq!(offset_of!(RawKEvent, filter), offset_of!(C, filter));
    assert_eq!(offset_of!(RawKEvent, flags), offset_of!(C, flags));
    assert_eq!(offset_of!(RawKEvent, fflags), offset_of!(C, fflags));
    assert_eq!(offset_of!(RawKEvent, data), offset_of!(C, data));
    assert_eq!(offset_of!(RawKEvent, udata), offset_of!(C, udata));
}

/// The field offsets and size each C header gives on 64-bit targets:
/// (ident, filter, flags, fflags, data, udata, size).
#[cfg(target_pointer_width = "64")]
#[test]
fn offsets_match_the_headers_on_64_bit() {
    let expected: (usize, usize, usize, usize, usize, usize, usize) = if cfg!(target_os = "netbsd")
    {
        // uintptr_t ident; uint32_t filter; uint32_t flags; uint32_t fflags;
        // int64_t data; void *udata;
        (0, 8, 12, 16, 24, 32, 40)
    } else if cfg!(target_os = "freebsd") {
        // ... int64_t data; void *udata; uint64_t ext[4];
        (0, 8, 10, 12, 16, 24, 64)
    } else {
        // The classic layout: macOS, OpenBSD, DragonFly, libkqueue.
        (0, 8, 10, 12, 16, 24, 32)
    };
    let got = (
        offset_of!(C, ident),
        offset_of!(C, filter),
        offset_of!(C, flags),
        offset_of!(C, fflags),
        offset_of!(C, data),
        offset_of!(C, udata),
        size_of::<C>(),
    );
    assert_eq!(got, expected);
    assert_eq!(size_of::<KEvent>(), expected.6);
}

#[cfg(target_os = "freebsd")]
#[test]
fn freebsd_ext_words() {
    assert_eq!(offset_of!(C, ext), 32);
    let ev = KEvent::new(1);
    assert_eq!(ev.ext(), [0; 4]);
    let mut ev = ev;
    ev.set_ext([1, 2, 3, 4]);
    assert_eq!(ev.ext(), [1, 2, 3, 4]);
    assert_eq!(ev.into_raw().ext, [1, 2, 3, 4]);
}

#[test]
fn accessors_read_the_c_fields() {
    let ev = KEvent::new(0x1234)
        .with_flags(0x21)
        .with_fflags(0x5678)
        .with_data(-9)
        .with_udata(0x42);
    let raw = ev.into_raw();
    // Read by value: macOS packs `struct kevent` to 4 bytes (`#pragma pack(4)`), so its
    // 8-byte fields may not be borrowed in place.
    assert_eq!({ raw.ident }, 0x1234);
    assert_eq!({ raw.filter }, select_kqueue::KQ_FILTER_READ);
    assert_eq!({ raw.flags }, 0x21);
    assert_eq!({ raw.fflags }, 0x5678);
    assert_eq!({ raw.data }, -9);
    assert_eq!({ raw.udata } as usize, 0x42);
}
