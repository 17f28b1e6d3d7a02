//! PEP 475's handler step on `DefaultSelector` (whichever backend it runs on; CI runs
//! this file on poll and select too): a real signal ends a wait when the interrupt check
//! says stop, and does not when it says go on.
#![cfg(unix)]

use std::io::PipeReader;

use select_core::testing::{interrupt_check_contract, selector_interrupt_check_contract};
use select_facade::{DefaultSelector, Events, Interest, Selector};

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn default_selector() {
    selector_interrupt_check_contract(
        DefaultSelector::new,
        DefaultSelector::set_interrupt_check,
        DefaultSelector::interrupt_check,
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn default_selector_with_a_waker() {
    // The waker's fd is watched too; the check still decides what an EINTR does.
    interrupt_check_contract(
        |r: &PipeReader| {
            let mut sel = DefaultSelector::new().unwrap();
            sel.register(r, Interest::READ, ()).unwrap();
            let waker = sel.waker().unwrap();
            (sel, Events::with_capacity(8), waker)
        },
        |(sel, events, _waker), check, timeout| {
            sel.set_interrupt_check(check);
            sel.select(events, timeout)
        },
    );
}
