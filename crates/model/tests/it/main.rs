//! Integration tests of the model crate: laws checked with generated values, the examples of
//! the source documents, and the wording of validation errors.

mod conflict_laws;
mod duplicate_members;
mod enum_laws;
mod error_shapes;
mod json_laws;
mod merge_examples;
mod merge_laws;
mod patch_laws;
mod seed_examples;
mod strategies;
mod sync_laws;
mod text_limits;
mod unknown_member_text;
mod validation_laws;
mod validation_messages;
