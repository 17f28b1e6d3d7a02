//! PEP 475's handler step: a real signal ends a wait when the interrupt check says stop,
//! and does not when it says go on (select-core's `interrupt_check_contract`).
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::io::PipeReader;

use select_core::testing::{interrupt_check_contract, selector_interrupt_check_contract};
use select_epoll::{Epoll, EpollEvents, EpollFlags, EpollSelector};

/// The contract on an `Epoll` watching the contract's pipe reader for `EPOLLIN`.
fn epoll_object_contract() {
    interrupt_check_contract(
        |r: &PipeReader| {
            let ep = Epoll::new().unwrap();
            ep.register(r, EpollFlags::EPOLLIN).unwrap();
            (ep, EpollEvents::new(4).unwrap())
        },
        |(ep, events), check, timeout| {
            ep.set_interrupt_check(check);
            assert_eq!(ep.interrupt_check().is_some(), check.is_some());
            ep.poll_into(timeout, events)
        },
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn epoll_object() {
    epoll_object_contract();
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn epoll_object_on_the_epoll_wait_fallback() {
    // The same through plain epoll_wait (ms timeouts) instead of epoll_pwait2.
    select_epoll::__private::__force_epoll_wait_fallback(true);
    epoll_object_contract();
    select_epoll::__private::__force_epoll_wait_fallback(false);
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn epoll_selector() {
    selector_interrupt_check_contract(
        EpollSelector::new,
        EpollSelector::set_interrupt_check,
        EpollSelector::interrupt_check,
    );
}
