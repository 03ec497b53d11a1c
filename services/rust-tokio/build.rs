// Writes rustc's version into the binary (LAB_RUSTC_VERSION): lab_info's runtime label says
// which compiler built the row, as the Go row's says which Go.
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc).arg("--version").output().ok().and_then(|o| String::from_utf8(o.stdout).ok()).unwrap_or_default();
    // "rustc 1.63.0" -> "1.63.0"
    let version = out.split_whitespace().nth(1).unwrap_or("unknown").to_string();
    println!("cargo:rustc-env=LAB_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-changed=build.rs");
}
