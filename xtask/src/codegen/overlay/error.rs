//! What goes wrong with an overlay: a malformed document, a target that matches nothing, or a
//! change Overlay 1.0 does not define.

use std::fmt;

/// Why an overlay could not be read or applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OverlayError {
    /// The overlay document is not a valid Overlay 1.0 document; every problem found is listed,
    /// each with where it is (`actions[2].target`).
    Malformed {
        overlay: String,
        problems: Vec<String>,
    },
    /// An action's target matched no node of the description.
    NoMatch { overlay: String, action: String },
    /// An action matched nodes it cannot change.
    CannotApply {
        overlay: String,
        action: String,
        message: String,
    },
}

impl fmt::Display for OverlayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { overlay, problems } => {
                write!(f, "overlay {overlay} is not a valid Overlay 1.0 document:")?;
                for problem in problems {
                    write!(f, "\n      {problem}")?;
                }
                Ok(())
            }
            Self::NoMatch { overlay, action } => write!(
                f,
                "overlay {overlay}: {action} matches nothing in the description"
            ),
            Self::CannotApply {
                overlay,
                action,
                message,
            } => write!(f, "overlay {overlay}: {action}: {message}"),
        }
    }
}

impl std::error::Error for OverlayError {}
