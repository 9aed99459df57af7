//! Writing generated files, or checking that the committed ones are up to date.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::Mode;
use super::emit::{OutputFile, PREAMBLE_MARKER};
use super::error::CodegenError;

/// Brings `dir` in line with `files`: writes what differs and removes generated files that are no
/// longer produced (only files that start with the generator's marker are ever removed). In check
/// mode nothing is written; the paths that would change are returned instead.
pub(crate) fn sync_dir(
    dir: &Path,
    files: &[OutputFile],
    mode: Mode,
) -> Result<Vec<PathBuf>, CodegenError> {
    let mut changed = Vec::new();
    if mode == Mode::Write {
        std::fs::create_dir_all(dir)
            .map_err(|error| CodegenError::io(format!("cannot create {}", dir.display()), error))?;
    }
    let wanted: BTreeSet<&str> = files.iter().map(|file| file.name.as_str()).collect();
    for file in files {
        let path = dir.join(&file.name);
        let current = std::fs::read_to_string(&path)
            .ok()
            .map(|text| text.replace("\r\n", "\n"));
        if current.as_deref() != Some(file.contents.as_str()) {
            if mode == Mode::Write {
                std::fs::write(&path, &file.contents).map_err(|error| {
                    CodegenError::io(format!("cannot write {}", path.display()), error)
                })?;
            }
            changed.push(path);
        }
    }
    for stale in generated_files_in(dir)? {
        let name = stale
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        if !wanted.contains(name) {
            if mode == Mode::Write {
                std::fs::remove_file(&stale).map_err(|error| {
                    CodegenError::io(format!("cannot remove {}", stale.display()), error)
                })?;
            }
            changed.push(stale);
        }
    }
    Ok(changed)
}

/// The `.rs` files of `dir` that this generator wrote.
fn generated_files_in(dir: &Path) -> Result<Vec<PathBuf>, CodegenError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(CodegenError::io(
                format!("cannot list {}", dir.display()),
                error,
            ));
        }
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|error| CodegenError::io(format!("cannot list {}", dir.display()), error))?
            .path();
        if path.extension().is_some_and(|extension| extension == "rs")
            && std::fs::read_to_string(&path).is_ok_and(|text| text.starts_with(PREAMBLE_MARKER))
        {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}
