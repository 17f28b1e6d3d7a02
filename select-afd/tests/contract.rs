//! The shared `Selector` contract suite on `AfdSelector`.
#![cfg(windows)]

select_core::selector_contract!(|| select_afd::AfdSelector::<u32>::new().unwrap());
