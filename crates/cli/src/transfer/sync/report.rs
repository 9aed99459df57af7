//! `sync --json`: one document with the plan (and, with `--apply`, what was applied). Its shape
//! is documented in docs/cli.md and kept stable: members are only ever added.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use sinch_contacts_model::{ChannelIdentity, Conflict, ContactCreateRequest, SyncPlan};

use super::current::Origin;
use super::render::Counts;
use super::source::Source;

/// The document.
#[derive(Debug, Serialize)]
pub struct Document<'a> {
    /// `plan` or `apply`.
    pub mode: &'static str,
    /// The source file.
    pub file: String,
    /// Its rows.
    pub rows: usize,
    /// The contact fields it has columns for, in schema order.
    pub columns: Vec<&'static str>,
    /// Where the current contacts came from, and how many there were.
    pub current: CurrentInfo,
    /// `--delete-missing`.
    pub delete_missing: bool,
    /// The plan's counts.
    pub summary: Counts,
    /// The contacts to create.
    pub creates: Vec<CreateEntry<'a>>,
    /// The contacts to update.
    pub updates: Vec<UpdateEntry<'a>>,
    /// The contacts to delete.
    pub deletes: Vec<DeleteEntry<'a>>,
    /// What was left alone.
    pub conflicts: Vec<ConflictEntry<'a>>,
    /// Seconds spent in each phase.
    pub timings: Timings,
    /// With `--apply`: what was done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<super::apply::Applied>,
}

/// Where the current contacts came from.
#[derive(Debug, Serialize)]
pub struct CurrentInfo {
    /// `listing` or `mirror`.
    pub from: Origin,
    /// How many contacts.
    pub contacts: usize,
}

/// A create.
#[derive(Debug, Serialize)]
pub struct CreateEntry<'a> {
    /// The row's key.
    pub external_id: &'a str,
    /// The row's line.
    pub line: Option<u64>,
    /// The create request, as sent.
    pub contact: &'a ContactCreateRequest,
}

/// An update.
#[derive(Debug, Serialize)]
pub struct UpdateEntry<'a> {
    /// The row's key.
    pub external_id: &'a str,
    /// The row's line.
    pub line: Option<u64>,
    /// The contact updated.
    pub contact_id: &'a str,
    /// The update mask sent: exactly the fields that change, comma-separated.
    pub update_mask: String,
    /// Each field that changes.
    pub changes: Vec<ChangeEntry<'a>>,
}

/// One field an update changes.
#[derive(Debug, Serialize)]
pub struct ChangeEntry<'a> {
    /// The field's JSON name.
    pub field: &'static str,
    /// In Sinch now (`null` when empty).
    pub old: &'a Value,
    /// In the source (`null` when empty).
    pub new: &'a Value,
}

/// A delete.
#[derive(Debug, Serialize)]
pub struct DeleteEntry<'a> {
    /// The contact's key, which no row has.
    pub external_id: &'a str,
    /// The contact deleted.
    pub contact_id: &'a str,
}

/// A conflict: `shared_external_id` or `identity_held`.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConflictEntry<'a> {
    /// Several contacts carry one external id.
    SharedExternalId {
        /// The key.
        external_id: &'a str,
        /// The contacts carrying it.
        contact_ids: &'a [String],
    },
    /// A row's identity is held by another contact.
    IdentityHeld {
        /// The row's key.
        external_id: &'a str,
        /// The row's line.
        line: u64,
        /// The identity held.
        identity: &'a ChannelIdentity,
        /// The contact holding it.
        holder_id: &'a str,
        /// That contact's key, if it has one.
        holder_external_id: Option<&'a str>,
    },
    /// A conflict this version does not know.
    Other {
        /// The conflict, as Rust prints it.
        description: String,
    },
}

/// Seconds spent reading the file, getting the current contacts, planning and applying.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Timings {
    /// Reading and checking the file.
    pub read_seconds: f64,
    /// Listing the current contacts, or reading the mirror.
    pub current_seconds: f64,
    /// Planning.
    pub plan_seconds: f64,
    /// Applying (with `--apply`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply_seconds: Option<f64>,
}

/// Seconds, to the millisecond.
pub fn seconds(elapsed: std::time::Duration) -> f64 {
    (elapsed.as_secs_f64() * 1000.0).round() / 1000.0
}

/// The plan's part of the document.
pub fn document<'a>(
    mode: &'static str,
    plan: &'a SyncPlan,
    source: &Source,
    current: CurrentInfo,
    delete_missing: bool,
) -> Document<'a> {
    let lines: HashMap<&str, u64> = source
        .rows
        .iter()
        .zip(&source.lines)
        .filter_map(|(row, line)| row.external_id.as_deref().map(|key| (key, *line)))
        .collect();
    Document {
        mode,
        file: String::new(),
        rows: source.rows.len(),
        columns: source.columns.iter().map(|field| field.as_str()).collect(),
        current,
        delete_missing,
        summary: Counts::of(plan),
        creates: plan
            .creates
            .iter()
            .map(|create| {
                let key = create.external_id.as_deref().unwrap_or_default();
                CreateEntry {
                    external_id: key,
                    line: lines.get(key).copied(),
                    contact: create,
                }
            })
            .collect(),
        updates: plan
            .updates
            .iter()
            .map(|update| UpdateEntry {
                external_id: &update.external_id,
                line: lines.get(update.external_id.as_str()).copied(),
                contact_id: &update.contact_id,
                update_mask: update.patch.mask().to_query_value(),
                changes: update
                    .changes
                    .iter()
                    .map(|change| ChangeEntry {
                        field: change.field.as_str(),
                        old: &change.old,
                        new: &change.new,
                    })
                    .collect(),
            })
            .collect(),
        deletes: plan
            .deletes
            .iter()
            .map(|delete| DeleteEntry {
                external_id: &delete.external_id,
                contact_id: &delete.contact_id,
            })
            .collect(),
        conflicts: plan
            .conflicts
            .iter()
            .map(|conflict| conflict_entry(conflict, source))
            .collect(),
        timings: Timings::default(),
        applied: None,
    }
}

fn conflict_entry<'a>(conflict: &'a Conflict, source: &Source) -> ConflictEntry<'a> {
    match conflict {
        Conflict::SharedExternalId {
            external_id,
            contact_ids,
        } => ConflictEntry::SharedExternalId {
            external_id,
            contact_ids,
        },
        Conflict::IdentityHeld {
            row,
            external_id,
            identity,
            holder_id,
            holder_external_id,
        } => ConflictEntry::IdentityHeld {
            external_id,
            line: source.line(*row),
            identity,
            holder_id,
            holder_external_id: holder_external_id.as_deref(),
        },
        other => ConflictEntry::Other {
            description: format!("{other:?}"),
        },
    }
}
