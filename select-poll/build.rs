//! Names which optional poll(2) constants the target's libc defines, so `flags.rs` says
//! `cfg(poll_rdband)` instead of repeating lists of operating systems, and whether the
//! target has `/dev/poll` (`has_devpoll`: illumos and Solaris).

fn main() {
    for name in [
        "poll_rdband",
        "poll_wrband",
        "poll_rdhup",
        "poll_msg",
        "has_devpoll",
    ] {
        println!("cargo::rustc-check-cfg=cfg({name})");
    }
    println!("cargo::rerun-if-changed=build.rs");
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let (os, vendor, env, arch) = (
        var("CARGO_CFG_TARGET_OS"),
        var("CARGO_CFG_TARGET_VENDOR"),
        var("CARGO_CFG_TARGET_ENV"),
        var("CARGO_CFG_TARGET_ARCH"),
    );
    let linux = os == "linux" || os == "android";
    let bsd = matches!(os.as_str(), "freebsd" | "dragonfly" | "netbsd" | "openbsd");
    let apple = vendor == "apple";
    let solarish = os == "illumos" || os == "solaris";
    // POLLRDNORM / POLLRDBAND.
    if linux || bsd || apple || solarish {
        println!("cargo::rustc-cfg=poll_rdband");
    }
    // POLLWRNORM / POLLWRBAND: libc lacks them for uclibc on x86_64.
    if (linux && !(os == "linux" && env == "uclibc" && arch == "x86_64"))
        || bsd
        || apple
        || solarish
    {
        println!("cargo::rustc-cfg=poll_wrband");
    }
    if linux || os == "freebsd" {
        println!("cargo::rustc-cfg=poll_rdhup");
    }
    // POLLMSG: from libc on AIX, from the kernel's uapi value on Linux and Android.
    if linux || os == "aix" {
        println!("cargo::rustc-cfg=poll_msg");
    }
    if solarish {
        println!("cargo::rustc-cfg=has_devpoll");
    }
}
