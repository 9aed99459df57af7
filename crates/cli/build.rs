//! Names, for `sinch-contacts --version`, the versions of the workspace crates the binary is
//! built from (read from `Cargo.lock`) and the OpenAPI description the model crate is generated
//! from (`openapi/contacts.yaml`: its `info.title`, `info.version` and the SHA-256 of its bytes;
//! CI's `cargo xtask codegen --check` keeps the model generated from exactly that file).
//!
//! Both are found from this crate's directory, so the published package builds the same way as
//! the repository: `openapi/contacts.yaml` here is a symbolic link to the repository's file,
//! which `cargo package` stores as the file itself, and the package carries its own
//! `Cargo.lock` (in the repository the workspace's, two directories up, is used).

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

/// The workspace crates the binary links, in the order printed.
const CRATES: [&str; 6] = [
    "sinch-contacts-model",
    "sinch-contacts-port",
    "sinch-contacts-callbacks",
    "sinch-contacts-reqwest",
    "sinch-contacts-emulator",
    "sinch-contacts-store",
];

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let manifest = Path::new(&manifest);
    // The package's own lock file, else the workspace's.
    let package_lock = manifest.join("Cargo.lock");
    let lock = if package_lock.is_file() {
        package_lock
    } else {
        manifest.join("../../Cargo.lock")
    };
    let description = manifest.join("openapi/contacts.yaml");
    println!("cargo:rerun-if-changed={}", lock.display());
    println!("cargo:rerun-if-changed={}", description.display());

    let lock = std::fs::read_to_string(&lock).unwrap_or_default();
    let versions: Vec<String> = CRATES
        .iter()
        .map(|name| format!("{name} {}", locked_version(&lock, name).unwrap_or("?")))
        .collect();
    println!(
        "cargo:rustc-env=SINCH_CRATE_VERSIONS={}",
        versions.join(", ")
    );

    let bytes = std::fs::read(&description).unwrap_or_else(|error| {
        panic!(
            "{} (the OpenAPI description --version names): {error}",
            description.display()
        )
    });
    let text = String::from_utf8_lossy(&bytes);
    let title = info_field(&text, "title").unwrap_or_else(|| "?".to_owned());
    let version = info_field(&text, "version").unwrap_or_else(|| "?".to_owned());
    let mut sha256 = String::new();
    for byte in Sha256::digest(&bytes) {
        let _ = write!(sha256, "{byte:02x}");
    }
    println!("cargo:rustc-env=SINCH_OPENAPI_TITLE={title}");
    println!("cargo:rustc-env=SINCH_OPENAPI_VERSION={version}");
    println!("cargo:rustc-env=SINCH_OPENAPI_SHA256={sha256}");
}

/// The version of the package `name` in a `Cargo.lock`.
fn locked_version<'a>(lock: &'a str, name: &str) -> Option<&'a str> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            return lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"');
        }
    }
    None
}

/// A scalar of the top-level `info:` mapping (two-space indented), quotes removed.
fn info_field(yaml: &str, key: &str) -> Option<String> {
    let mut in_info = false;
    for line in yaml.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() && !line.starts_with('#') {
            in_info = line.trim_end() == "info:";
            continue;
        }
        if let Some(value) = line
            .strip_prefix("  ")
            .filter(|_| in_info)
            .and_then(|rest| rest.strip_prefix(key))
            .and_then(|rest| rest.strip_prefix(':'))
        {
            return Some(value.trim().trim_matches('"').trim_matches('\'').to_owned());
        }
    }
    None
}
