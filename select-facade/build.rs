//! Names the mechanisms the target has as cfgs, so the crate says `cfg(has_epoll)`
//! instead of repeating lists of operating systems.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_poll)");
    println!("cargo::rustc-check-cfg=cfg(has_epoll)");
    println!("cargo::rustc-check-cfg=cfg(has_kqueue)");
    println!("cargo::rustc-check-cfg=cfg(kqueue_user_waker)");
    println!("cargo::rustc-check-cfg=cfg(has_devpoll)");
    println!("cargo::rustc-check-cfg=cfg(has_afd)");
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let libkqueue = std::env::var_os("CARGO_FEATURE_LIBKQUEUE").is_some();
    let native_kqueue = matches!(
        os.as_str(),
        "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "macos" | "ios" | "tvos" | "watchos"
    );
    // poll(2) on every Unix; Windows has Winsock's select only.
    if std::env::var_os("CARGO_CFG_UNIX").is_some() {
        println!("cargo::rustc-cfg=has_poll");
    }
    // AFD polling: Windows (select-afd).
    if os == "windows" {
        println!("cargo::rustc-cfg=has_afd");
    }
    if matches!(os.as_str(), "linux" | "android") {
        println!("cargo::rustc-cfg=has_epoll");
    }
    // /dev/poll: illumos and Solaris (select-poll's DevPoll, under the same cfg there).
    if matches!(os.as_str(), "illumos" | "solaris") {
        println!("cargo::rustc-cfg=has_devpoll");
    }
    if native_kqueue || (os == "linux" && libkqueue) {
        println!("cargo::rustc-cfg=has_kqueue");
    }
    // EVFILT_USER: FreeBSD, NetBSD 10+, DragonFly, Apple, libkqueue; not OpenBSD.
    if (native_kqueue && os != "openbsd") || (os == "linux" && libkqueue) {
        println!("cargo::rustc-cfg=kqueue_user_waker");
    }
}
