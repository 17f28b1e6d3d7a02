//! PEP 475's handler step: a real signal ends a wait when the interrupt check says stop,
//! and does not when it says go on (select-core's `interrupt_check_contract`).
#![cfg(has_kqueue)]

mod common;

use std::io::PipeReader;

use common::kqueue_watching;
use select_core::testing::{interrupt_check_contract, selector_interrupt_check_contract};
use select_kqueue::KqueueSelector;

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn kqueue_object() {
    interrupt_check_contract(
        |r: &PipeReader| (kqueue_watching(r), Vec::with_capacity(4)),
        |(kq, out), check, timeout| {
            kq.set_interrupt_check(check);
            assert_eq!(kq.interrupt_check().is_some(), check.is_some());
            kq.control_into(&[], out, timeout)
        },
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn kqueue_selector() {
    selector_interrupt_check_contract(
        KqueueSelector::new,
        KqueueSelector::set_interrupt_check,
        KqueueSelector::interrupt_check,
    );
}
