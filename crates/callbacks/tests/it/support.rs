//! Shared test support: fixture loading and the conformance directory.

use std::path::PathBuf;

/// The crate's own fixtures directory.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Reads a fixture as raw bytes.
pub fn fixture(relative: &str) -> Vec<u8> {
    let path = fixtures_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every `.json` file of a directory, sorted by name, as (file name, bytes).
pub fn json_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

/// The conformance directory from `SINCH_CONFORMANCE_DIR`, or `None` (after printing that the
/// caller is skipped) when the variable is unset.
pub fn conformance_dir(test: &str) -> Option<PathBuf> {
    match std::env::var_os("SINCH_CONFORMANCE_DIR") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!("{test}: skipped, SINCH_CONFORMANCE_DIR is not set");
            None
        }
    }
}

/// Every callback body under the conformance directory, recursively, as (path relative to the
/// directory, bytes): every `.json` file except signature-vector files (`signatures.json`, or a
/// top-level `vectors` member), sorted by path.
pub fn conformance_callbacks(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| name != "signatures.json")
        })
        .map(|path| {
            (
                path.strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(&path).unwrap(),
            )
        })
        .filter(|(_, bytes)| {
            serde_json::from_slice::<serde_json::Value>(bytes)
                .map_or(true, |value| value.get("vectors").is_none())
        })
        .collect()
}
