#![doc = include_str!("../README.md")]
//!
//! # Crate organization
//!
//! - Wire types ([`Contact`], [`ChannelIdentity`], [`ConversationChannel`], requests and
//!   responses of every contacts operation, the error envelope) are generated from
//!   `openapi/contacts.yaml` by `cargo xtask codegen`. Enums the API sends are open: a value
//!   this version does not know is kept (`Unrecognized`), never an error. Optional fields
//!   tolerate absence and `null`. [`Contact`] and [`ChannelIdentity`] keep members this crate
//!   does not know in `additional_properties`, each as its exact JSON text ([`RawJson`]), so a
//!   contact read and written back loses nothing and an unknown member never fails a parse.
//! - [`merge_contacts`] and [`plan_conversation_merge`]: the documented merge rules.
//! - [`ContactPatch`], [`UpdateMask`], [`apply_patch`]: partial updates with a tri-state per
//!   field and a mask derived from what was set.
//! - [`validate_create`] and friends, [`ListContactsQuery`]: validation with typed errors that
//!   name the field.
//! - [`find_duplicated_identities`], [`find_identity_conflicts`]: identities shared by contacts.
//! - [`plan`]: the changes that make Sinch's contacts equal to a source of truth ([`SyncPlan`]).
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;

mod channel;
mod conflicts;
mod merge;
mod patch;
mod query;
mod recipient;
mod sync;
mod trigger;
mod validate;

pub use conflicts::{DuplicatedIdentity, find_duplicated_identities, find_identity_conflicts};
pub use generated::*;
pub use merge::{
    ConversationMove, ConversationRef, MergeError, MergeOutcome, merge_contacts,
    plan_conversation_merge,
};
pub use patch::{
    ContactField, ContactPatch, MaskError, Patch, PatchBodyError, UpdateMask, apply_patch,
};
pub use query::{ContactFilter, IdentityConflictsQuery, ListContactsQuery};
pub use sync::{
    ApplyOrder, CheckedSource, Columns, Conflict, Delete, DesiredContact, FieldChange, PlanError,
    PlanOptions, Stage, Step, SyncPlan, Update, apply_order, check_source, plan,
};
pub use validate::{
    METADATA_MAX_CHARS, PAGE_SIZE_MAX, PAGE_SIZE_MIN, TEXT_MAX_CHARS, ValidationError, Violation,
    ViolationKind, validate_capability_query, validate_channel_profile_request, validate_contact,
    validate_create, validate_merge, validate_page_size, validate_patch,
};
