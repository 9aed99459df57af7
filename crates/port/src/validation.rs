//! Checks the model crate does not cover: ids used as path segments.

use sinch_contacts_model::{ValidationError, ViolationKind};

/// An id that goes into the URL path must not be empty or blank.
pub(crate) fn require_id(field: &str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::single(field, ViolationKind::Empty));
    }
    Ok(())
}
