//! `KqueueSelector` against the shared `Selector` contract suite (select-core's
//! `testing::contract`); kqueue-specific behaviour lives in the `selector_*.rs` files.
#![cfg(has_kqueue)]

select_core::selector_contract!(|| select_kqueue::KqueueSelector::<u32>::new().unwrap());
