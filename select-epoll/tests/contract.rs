//! `EpollSelector` against the shared `Selector` contract suite (select-core's
//! `testing::contract`); epoll-specific behaviour lives in `selector_contract.rs`.
#![cfg(any(target_os = "linux", target_os = "android"))]

select_core::selector_contract!(|| select_epoll::EpollSelector::<u32>::new().unwrap());
