//! The `Selector` contract of DESIGN.md (select-core's shared suite,
//! `testing::contract`) run through `DefaultSelector` on every backend this build has,
//! and on the default choice (which CI also forces to poll and select with
//! `--cfg select_force_backend`). Each backend crate runs the same suite on its own
//! selector type.

use select_facade::{Backend, DefaultSelector};

fn on(backend: Backend) -> DefaultSelector<u32> {
    DefaultSelector::with_backend(backend).unwrap()
}

mod select {
    select_core::selector_contract!(
        || super::on(super::Backend::Select),
        miri_ignore = "Miri does not emulate select(2)"
    );
}

/// One module of the suite per backend, built where the backend is.
macro_rules! on_backends {
    ($($(#[$cfg:meta])* $name:ident: $backend:ident;)*) => {
        $(
            $(#[$cfg])*
            mod $name {
                select_core::selector_contract!(|| super::on(super::Backend::$backend));
            }
        )*
    };
}

on_backends! {
    #[cfg(unix)]
    poll: Poll;
    #[cfg(has_epoll)]
    epoll: Epoll;
    #[cfg(has_kqueue)]
    kqueue: Kqueue;
    #[cfg(windows)]
    afd: Afd;
}

mod default {
    select_core::selector_contract!(|| select_facade::DefaultSelector::<u32>::best().unwrap());
}
