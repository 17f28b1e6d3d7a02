//! PEP 475's handler step: a real signal ends a wait when the interrupt check says stop,
//! and does not when it says go on (select-core's `interrupt_check_contract`).
#![cfg(unix)]

use std::io::PipeReader;

use select_core::testing::{interrupt_check_contract, selector_interrupt_check_contract};
use select_fdset::{Ready, Select, SelectSelector};

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn select_object() {
    interrupt_check_contract(
        |r: &PipeReader| (r.try_clone().unwrap(), Select::new(), Ready::new()),
        |(r, sel, ready), check, timeout| {
            sel.set_interrupt_check(check);
            sel.select_into(&[&*r], &[], &[], timeout, ready)
        },
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn select_function_form() {
    // `Select::with_interrupt_check(c).select(...)`: the free function with the hook.
    interrupt_check_contract(
        |r: &PipeReader| r.try_clone().unwrap(),
        |r, check, timeout| {
            let mut sel = match check {
                Some(c) => Select::with_interrupt_check(c),
                None => Select::new(),
            };
            let (readable, _, _) = sel.select(&[&*r], &[], &[], timeout)?;
            Ok(readable.len())
        },
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri does not emulate signals (sigaction, pthread_kill)"
)]
fn select_selector() {
    selector_interrupt_check_contract(
        SelectSelector::new,
        SelectSelector::set_interrupt_check,
        SelectSelector::interrupt_check,
    );
}
