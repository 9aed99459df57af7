//! The code `cargo xtask codegen` writes for the generator's fixture descriptions, compiled by
//! every build so that generator output is always type-checked. The modules are written only by
//! the xtask; `cargo xtask codegen --check` keeps them current.
#![forbid(unsafe_code)]

/// Every schema of `xtask/tests/fixtures/edge-cases.yaml`.
#[rustfmt::skip]
pub mod edge_cases;

/// Every schema of `xtask/tests/fixtures/conversation-full.yaml`.
#[rustfmt::skip]
pub mod full_all;

/// The contact-related schemas of `xtask/tests/fixtures/conversation-full.yaml` (the default
/// selection for `--spec`).
#[rustfmt::skip]
pub mod full_contacts;

/// The contact-related schemas of `xtask/tests/fixtures/conversation-published.yaml` (the
/// published description's shape, defects included) with `openapi/overlays/published-fixes.yaml`
/// applied.
#[rustfmt::skip]
pub mod published_fixed;

/// Every schema of `xtask/tests/fixtures/small.yaml`.
#[rustfmt::skip]
pub mod small;
