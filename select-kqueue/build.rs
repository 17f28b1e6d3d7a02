//! Names the targets where the crate has its items as `cfg(has_kqueue)`, so the crate and
//! its tests say that instead of repeating the list of systems; and links libkqueue when
//! the `libkqueue` feature is on and the target is Linux.
//!
//! `has_kqueue` is set for FreeBSD, NetBSD, OpenBSD, DragonFly BSD, the Apple systems,
//! and Linux with the `libkqueue` feature (the list the crate docs give).
//!
//! The library is looked up, in order, under `$LIBKQUEUE_DIR/lib` (and the usual
//! `lib64`, `lib/<multiarch>` variants), then through `pkg-config --libs libkqueue`,
//! then in the linker's default paths. Nothing is downloaded or built here.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LIBKQUEUE_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG");
    println!("cargo:rustc-check-cfg=cfg(has_kqueue)");

    let feature = env::var_os("CARGO_FEATURE_LIBKQUEUE").is_some();
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_vendor = env::var("CARGO_CFG_TARGET_VENDOR").unwrap_or_default();
    let native = matches!(
        target_os.as_str(),
        "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) || target_vendor == "apple";
    let linux = target_os == "linux";
    if native || (linux && feature) {
        println!("cargo:rustc-cfg=has_kqueue");
    }
    if !feature || !linux {
        return;
    }

    if let Some(dir) = env::var_os("LIBKQUEUE_DIR") {
        let prefix = PathBuf::from(dir);
        let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
        let env_abi = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
        let candidates = [
            prefix.join("lib"),
            prefix.join("lib64"),
            prefix.join("lib").join(format!("{arch}-linux-{env_abi}")),
        ];
        let found = candidates.iter().find(|d| has_libkqueue(d));
        match found {
            Some(d) => println!("cargo:rustc-link-search=native={}", d.display()),
            None => println!(
                "cargo:warning=LIBKQUEUE_DIR={} has no libkqueue under lib/, lib64/ or \
                 lib/<multiarch>/; relying on the linker's default paths",
                prefix.display()
            ),
        }
    } else if let Some(libs) = pkg_config_libs() {
        for flag in libs.split_whitespace() {
            if let Some(dir) = flag.strip_prefix("-L") {
                println!("cargo:rustc-link-search=native={dir}");
            }
        }
    }
    println!("cargo:rustc-link-lib=dylib=kqueue");
}

fn has_libkqueue(dir: &std::path::Path) -> bool {
    ["libkqueue.so", "libkqueue.a"]
        .iter()
        .any(|f| dir.join(f).exists())
}

fn pkg_config_libs() -> Option<String> {
    let pkg_config = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let out = Command::new(pkg_config)
        .args(["--libs", "libkqueue"])
        .output()
        .ok()?;
    if !out.status.success() {
        println!(
            "cargo:warning=pkg-config found no libkqueue; set LIBKQUEUE_DIR to its install prefix"
        );
        return None;
    }
    String::from_utf8(out.stdout).ok()
}
