//! SelectSelector: after close() every call but close/is_closed fails clearly.
#![cfg(unix)]

use select_core::__private::WakeFd;
use std::io::ErrorKind;
use std::time::Duration;

use select_core::testing::pipe;
use select_fdset::{Events, Interest, SelectSelector, Selector};

#[test]
fn everything_fails_after_close() {
    let (r, w) = pipe();
    let mut sel = SelectSelector::new().unwrap();
    sel.register(&r, Interest::READ, "r").unwrap();
    assert!(!sel.is_closed());
    sel.close();
    assert!(sel.is_closed());
    sel.close(); // idempotent
    assert!(sel.is_closed());
    assert_eq!(sel.len(), 0);
    assert_eq!(sel.keys().count(), 0);

    let mut events = Events::with_capacity(4);
    let errors = [
        sel.register(&w, Interest::WRITE, "w").unwrap_err(),
        sel.modify(&r, Interest::WRITE, "r").unwrap_err(),
        sel.unregister(&r).unwrap_err(),
        sel.get_key(&r).unwrap_err(),
        sel.select(&mut events, Some(Duration::ZERO)).unwrap_err(),
        sel.select(&mut events, None).unwrap_err(),
        sel.set_wake_fd(Some(0)).unwrap_err(),
        sel.set_wake_fd(None).unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("closed"), "{e}");
    }
    assert_eq!(sel.ready_keys(&events).count(), 0);
}

#[test]
fn close_with_nothing_registered() {
    let mut sel = SelectSelector::<()>::new().unwrap();
    sel.close();
    let mut events = Events::new();
    assert!(sel.select(&mut events, None).is_err(), "must not block");
}
