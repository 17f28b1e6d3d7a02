//! `KqueueSelector` against the shared `Selector` contract suite (select-core's
//! `testing::contract`); kqueue-specific behaviour lives in the `selector_*.rs` files.
#![cfg(any(
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_vendor = "apple",
    all(target_os = "linux", feature = "libkqueue")
))]

select_core::selector_contract!(|| select_kqueue::KqueueSelector::<u32>::new().unwrap());
