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

#[cfg(unix)]
mod poll {
    select_core::selector_contract!(|| super::on(super::Backend::Poll));
}

#[cfg(has_epoll)]
mod epoll {
    select_core::selector_contract!(|| super::on(super::Backend::Epoll));
}

#[cfg(has_kqueue)]
mod kqueue {
    select_core::selector_contract!(|| super::on(super::Backend::Kqueue));
}

#[cfg(windows)]
mod afd {
    select_core::selector_contract!(|| super::on(super::Backend::Afd));
}

mod default {
    select_core::selector_contract!(|| select_facade::DefaultSelector::<u32>::best().unwrap());
}
