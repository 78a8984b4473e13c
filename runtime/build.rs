//! Records the compiler version for the User-Agent header, as the official helpers send the
//! language version beside the library's.
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=TWILIO_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
