//! `PollSelector` against the shared `Selector` contract suite (select-core's
//! `testing::contract`); poll-specific behaviour lives in `selector_contract.rs`.
#![cfg(unix)]

select_core::selector_contract!(|| select_poll::PollSelector::<u32>::new().unwrap());
