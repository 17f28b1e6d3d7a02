//! Names as a cfg the targets where the package measures kqueue, so the code says
//! `cfg(has_kqueue)` instead of repeating the list of operating systems.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_kqueue)");
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    // The same list as the target-specific select-kqueue dependency in Cargo.toml
    // (Cargo cannot use a build script's cfg there).
    if matches!(
        os.as_str(),
        "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "macos"
    ) {
        println!("cargo::rustc-cfg=has_kqueue");
    }
}
