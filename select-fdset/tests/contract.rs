//! `SelectSelector` against the shared `Selector` contract suite (select-core's
//! `testing::contract`); select-specific behaviour lives in the `selector_*.rs` files.
//! Runs on Unix and, on loopback sockets, on Windows.

select_core::selector_contract!(
    || select_fdset::SelectSelector::<u32>::new().unwrap(),
    miri_ignore = "Miri does not emulate select(2)"
);
