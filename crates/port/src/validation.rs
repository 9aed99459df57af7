//! Checks the model crate does not cover: ids used as path segments or as
//! references to other contacts.

use std::error::Error as StdError;
use std::fmt;

use sinch_contacts_model::{ValidationError, ViolationKind};

use crate::error::Error;

/// An id must not be empty or blank (a [`ValidationError`] naming the
/// field), nor a dot segment `.` or `..` (an [`InvalidIdError`]): percent-
/// encoding leaves dots alone, and URL resolution (in proxies, HTTP stacks
/// and servers) would turn `contacts/..` into another resource.
pub(crate) fn require_id(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(ValidationError::single(field, ViolationKind::Empty).into());
    }
    if is_dot_segment(value) {
        return Err(InvalidIdError::dot_segment(field, value).into());
    }
    Ok(())
}

/// `.` or `..`, the two segments RFC 3986 path resolution removes.
pub(crate) fn is_dot_segment(value: &str) -> bool {
    matches!(value, "." | "..")
}

/// An id that can never name a resource, such as the dot segment `..`;
/// nothing was sent.
///
/// Empty and blank ids are [`ValidationError`]s (`Empty`) like every other
/// empty field; this error covers ids that are not empty but still unusable.
///
/// ```
/// use sinch_contacts_port::operations::{DeleteContact, Operation};
/// use sinch_contacts_port::{Endpoint, Error, Region};
///
/// let endpoint = Endpoint::for_region(Region::Eu, "project");
/// let Err(Error::InvalidId(error)) = DeleteContact::new("..").build(&endpoint) else {
///     panic!("a dot segment was accepted");
/// };
/// assert_eq!(error.field(), "contact_id");
/// assert_eq!(error.value(), "..");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidIdError {
    field: &'static str,
    value: String,
}

impl InvalidIdError {
    pub(crate) fn dot_segment(field: &'static str, value: &str) -> Self {
        Self {
            field,
            value: value.to_owned(),
        }
    }

    /// The field the id was given for: `contact_id`, `destination_id`,
    /// `source_id` or `project_id`.
    pub fn field(&self) -> &str {
        self.field
    }

    /// The id as given.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for InvalidIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} {:?}: `.` and `..` are path dot segments, not ids",
            self.field, self.value
        )
    }
}

impl StdError for InvalidIdError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_and_blanks_are_refused_other_dots_are_ids() {
        for bad in [".", ".."] {
            let Err(Error::InvalidId(error)) = require_id("contact_id", bad) else {
                panic!("{bad} accepted");
            };
            assert_eq!(
                error.to_string(),
                format!("invalid contact_id {bad:?}: `.` and `..` are path dot segments, not ids")
            );
        }
        for blank in ["", " ", "\t\n"] {
            assert!(matches!(
                require_id("source_id", blank),
                Err(Error::Validation(_))
            ));
        }
        for fine in ["...", ".a", "a.", "a..b", " .. ", "01H"] {
            assert!(require_id("contact_id", fine).is_ok(), "{fine}");
        }
    }
}
