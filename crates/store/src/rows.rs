//! Encoding of the state's values as SQL column values, shared by every backend.

use sinch_contacts_callbacks::mirror::{MirroredContact, Removal};
use sinch_contacts_callbacks::optout::{Consent, ConsentRecord, ConsentSource};
use sinch_contacts_callbacks::store::{ContactState, StoreError, StoreErrorKind};
use sinch_contacts_callbacks::{Contact, DuplicatedIdentity, Timestamp};

pub(crate) fn corrupt(what: impl Into<String>, detail: impl std::fmt::Display) -> StoreError {
    StoreError::new(StoreErrorKind::Corrupt, what, detail.to_string())
}

/// A timestamp as text (RFC 3339, UTC), which parses back to the same instant.
pub(crate) fn time_text(at: Option<Timestamp>) -> Option<String> {
    at.map(|at| at.to_string())
}

pub(crate) fn time_of(text: Option<String>, column: &str) -> Result<Option<Timestamp>, StoreError> {
    text.map(|text| {
        text.parse::<Timestamp>()
            .map_err(|error| corrupt(format!("reading column {column}"), error))
    })
    .transpose()
}

pub(crate) fn consent_text(consent: Consent) -> Result<&'static str, StoreError> {
    match consent {
        Consent::OptedOut => Ok("opted_out"),
        Consent::OptedIn => Ok("opted_in"),
        other => Err(corrupt(
            "writing a consent",
            format!("no column value for {other:?}"),
        )),
    }
}

pub(crate) fn consent_of(text: &str) -> Result<Consent, StoreError> {
    match text {
        "opted_out" => Ok(Consent::OptedOut),
        "opted_in" => Ok(Consent::OptedIn),
        other => Err(corrupt(
            "reading column consent",
            format!("unknown value {other:?}"),
        )),
    }
}

pub(crate) fn source_text(source: ConsentSource) -> Result<&'static str, StoreError> {
    match source {
        ConsentSource::Keyword => Ok("keyword"),
        ConsentSource::OptCallback => Ok("opt_callback"),
        ConsentSource::Manual => Ok("manual"),
        other => Err(corrupt(
            "writing a consent source",
            format!("no column value for {other:?}"),
        )),
    }
}

pub(crate) fn source_of(text: &str) -> Result<ConsentSource, StoreError> {
    match text {
        "keyword" => Ok(ConsentSource::Keyword),
        "opt_callback" => Ok(ConsentSource::OptCallback),
        "manual" => Ok(ConsentSource::Manual),
        other => Err(corrupt(
            "reading column source",
            format!("unknown value {other:?}"),
        )),
    }
}

/// A consent row: (consent, changed_at, source).
pub(crate) fn consent_record(
    consent: &str,
    changed_at: Option<String>,
    source: &str,
) -> Result<ConsentRecord, StoreError> {
    Ok(ConsentRecord::new(
        consent_of(consent)?,
        time_of(changed_at, "changed_at")?,
        source_of(source)?,
    ))
}

/// The columns of a contacts row: state, contact_json, as_of, removed_at, merged_into.
pub(crate) struct ContactRow {
    pub(crate) state: &'static str,
    pub(crate) contact_json: Option<String>,
    pub(crate) as_of: Option<String>,
    pub(crate) removed_at: Option<String>,
    pub(crate) merged_into: Option<String>,
}

pub(crate) fn contact_row(state: &ContactState) -> Result<ContactRow, StoreError> {
    match state {
        ContactState::Live(entry) => Ok(ContactRow {
            state: "live",
            contact_json: Some(
                serde_json::to_string(&entry.contact)
                    .map_err(|error| corrupt("writing a contact as JSON", error))?,
            ),
            as_of: time_text(entry.as_of),
            removed_at: None,
            merged_into: None,
        }),
        ContactState::Removed(removal) => Ok(ContactRow {
            state: "removed",
            contact_json: None,
            as_of: None,
            removed_at: time_text(removal.at),
            merged_into: removal.merged_into.clone(),
        }),
        other => Err(corrupt(
            "writing a contact",
            format!("no row for {other:?}"),
        )),
    }
}

pub(crate) fn contact_state(
    id: &str,
    state: &str,
    contact_json: Option<String>,
    as_of: Option<String>,
    removed_at: Option<String>,
    merged_into: Option<String>,
) -> Result<ContactState, StoreError> {
    match state {
        "live" => {
            let json = contact_json.ok_or_else(|| {
                corrupt(format!("reading contact {id}"), "live without contact_json")
            })?;
            let contact: Contact = serde_json::from_str(&json)
                .map_err(|error| corrupt(format!("reading contact {id}"), error))?;
            Ok(ContactState::Live(MirroredContact::new(
                contact,
                time_of(as_of, "as_of")?,
            )))
        }
        "removed" => Ok(ContactState::Removed(Removal::new(
            time_of(removed_at, "removed_at")?,
            merged_into,
        ))),
        other => Err(corrupt(
            format!("reading contact {id}"),
            format!("unknown state {other:?}"),
        )),
    }
}

/// The contact of a live row, from its `contact_json`.
pub(crate) fn live_contact(id: &str, contact_json: &str) -> Result<Contact, StoreError> {
    serde_json::from_str(contact_json)
        .map_err(|error| corrupt(format!("reading contact {id}"), error))
}

/// A duplicated identity's key: its JSON (equal JSON text is equal value).
pub(crate) fn duplication_key(duplicate: &DuplicatedIdentity) -> Result<String, StoreError> {
    serde_json::to_string(duplicate)
        .map_err(|error| corrupt("writing a duplication as JSON", error))
}

pub(crate) fn duplication_of(json: &str) -> Result<DuplicatedIdentity, StoreError> {
    serde_json::from_str(json).map_err(|error| corrupt("reading a duplication", error))
}

/// The Unix time now, in seconds (the ledger's `applied_at`).
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}
