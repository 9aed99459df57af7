//! `cargo xtask codegen`: OpenAPI description in, Rust wire types out.
//!
//! The pipeline is `spec` (load, apply `overlay`s, follow references) → `select` (which schemas) → `lower`
//! (schemas to the `ir`) → `cycles` (box recursive fields) → `emit` (Rust source, formatted by
//! prettyplease) → `write` (write or check). Output is a pure function of the input: maps are
//! sorted and no time, path or environment goes into it.

mod cycles;
mod docs;
mod emit;
mod error;
mod ir;
mod lower;
mod naming;
mod overlay;
mod select;
mod spec;
mod write;

use std::path::{Path, PathBuf};

pub(crate) use emit::OutputFile;
pub(crate) use error::CodegenError;

/// Write the files, or only check that they are up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    Check,
}

/// Which component schemas to generate (always with everything they reference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selection {
    /// Every schema of the description.
    All,
    /// Schemas whose name mentions contacts and the schemas the contacts operations use.
    ContactRelated,
    /// These schemas.
    Named(Vec<String>),
}

/// One generation job: a description and the module directory it is written to.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) spec: PathBuf,
    pub(crate) out: PathBuf,
    /// Overlay documents applied to the description, in order, before selection.
    pub(crate) overlays: Vec<PathBuf>,
    pub(crate) selection: Selection,
    pub(crate) lenient: bool,
}

/// The workspace root (the xtask lives one level below it).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The targets whose output is committed: the model crate, and the generator's golden outputs
/// (compiled by the `codegen-golden` crate so that every build type-checks them).
pub(crate) fn committed_targets() -> Vec<Target> {
    let root = workspace_root();
    let fixtures = root.join("xtask/tests/fixtures");
    let golden = root.join("tests/codegen-golden/src");
    vec![
        Target {
            spec: root.join("openapi/contacts.yaml"),
            out: root.join("crates/model/src/generated"),
            overlays: Vec::new(),
            selection: Selection::All,
            lenient: false,
        },
        Target {
            spec: fixtures.join("conversation-full.yaml"),
            out: golden.join("full_contacts"),
            overlays: Vec::new(),
            selection: Selection::ContactRelated,
            lenient: false,
        },
        Target {
            spec: fixtures.join("conversation-full.yaml"),
            out: golden.join("full_all"),
            overlays: Vec::new(),
            selection: Selection::All,
            lenient: false,
        },
        Target {
            spec: fixtures.join("conversation-published.yaml"),
            out: golden.join("published_fixed"),
            overlays: vec![root.join("openapi/overlays/published-fixes.yaml")],
            selection: Selection::ContactRelated,
            lenient: false,
        },
        Target {
            spec: fixtures.join("edge-cases.yaml"),
            out: golden.join("edge_cases"),
            overlays: Vec::new(),
            selection: Selection::All,
            lenient: false,
        },
        Target {
            spec: fixtures.join("small.yaml"),
            out: golden.join("small"),
            overlays: Vec::new(),
            selection: Selection::All,
            lenient: false,
        },
    ]
}

/// What one target produced.
#[derive(Debug)]
pub(crate) struct Generated {
    pub(crate) files: Vec<OutputFile>,
    pub(crate) type_count: usize,
    pub(crate) schema_count: usize,
    pub(crate) warnings: Vec<String>,
    /// The overlays applied, in order, as `file "title"` (and what each says it extends).
    pub(crate) overlays: Vec<String>,
}

/// Generates the files of one description, without touching the disk.
#[cfg(test)]
pub(crate) fn generate(
    spec_path: &Path,
    selection: &Selection,
    lenient: bool,
) -> Result<Generated, CodegenError> {
    generate_with_overlays(spec_path, &[], selection, lenient)
}

/// Generates the files of one description with overlays applied in order, without touching the
/// disk.
pub(crate) fn generate_with_overlays(
    spec_path: &Path,
    overlay_paths: &[PathBuf],
    selection: &Selection,
    lenient: bool,
) -> Result<Generated, CodegenError> {
    let overlays = overlay_paths
        .iter()
        .map(|path| overlay::Overlay::load(path))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|message| CodegenError::single(error::Problem::document(message)))?;
    let spec = spec::Spec::load_with_overlays(spec_path, &overlays)?;
    let mut label = file_label(spec_path);
    for overlay in &overlays {
        label.push_str(" + overlay ");
        label.push_str(&overlay.label);
    }
    let mut generated = generate_from(&spec, &label, selection, lenient)?;
    generated.overlays = overlays.iter().map(overlay::Overlay::summary).collect();
    Ok(generated)
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Generates from the text of a description (tests use this).
#[cfg(test)]
pub(crate) fn generate_from_text(
    text: &str,
    label: &str,
    selection: &Selection,
    lenient: bool,
) -> Result<Generated, CodegenError> {
    let spec = spec::Spec::parse(text)
        .map_err(|message| CodegenError::single(error::Problem::document(message)))?;
    generate_from(&spec, label, selection, lenient)
}

fn generate_from(
    spec: &spec::Spec,
    label: &str,
    selection: &Selection,
    lenient: bool,
) -> Result<Generated, CodegenError> {
    let selected = select::select(spec, selection).map_err(CodegenError::Problems)?;
    let lowered = lower::lower(spec, &selected, lenient).map_err(CodegenError::Problems)?;
    let files = emit::emit(&lowered.defs, label)?;
    Ok(Generated {
        files,
        type_count: lowered.defs.len(),
        schema_count: selected.len(),
        warnings: lowered.warnings.iter().map(ToString::to_string).collect(),
        overlays: Vec::new(),
    })
}

/// Runs every target; in check mode fails with the list of stale files.
pub(crate) fn run(targets: &[Target], mode: Mode) -> Result<(), CodegenError> {
    let mut stale = Vec::new();
    for target in targets {
        let generated = generate_with_overlays(
            &target.spec,
            &target.overlays,
            &target.selection,
            target.lenient,
        )?;
        for warning in &generated.warnings {
            eprintln!("warning: {warning}");
        }
        let changed = write::sync_dir(&target.out, &generated.files, mode)?;
        if mode == Mode::Write {
            for overlay in &generated.overlays {
                eprintln!("applied overlay {overlay}");
            }
            eprintln!(
                "{}: {} schemas, {} types, {} files ({} changed) in {}",
                target.spec.display(),
                generated.schema_count,
                generated.type_count,
                generated.files.len(),
                changed.len(),
                target.out.display()
            );
        }
        stale.extend(changed.into_iter().map(|path| path.display().to_string()));
    }
    if mode == Mode::Check && !stale.is_empty() {
        return Err(CodegenError::Stale(stale));
    }
    Ok(())
}

#[cfg(test)]
mod overlay_generation_tests;
#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
mod self_containing_tests;
#[cfg(test)]
mod tests;
