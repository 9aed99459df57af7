//! What the generator reports when it cannot do its job.

use std::fmt;

/// One thing wrong with the input, located by schema name and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The component schema the problem is in, when there is one.
    pub(crate) schema: Option<String>,
    /// Where in the document (a JSON pointer, `#/components/schemas/X/properties/y`).
    pub(crate) location: String,
    pub(crate) message: String,
}

impl Problem {
    pub(crate) fn in_schema(schema: &str, location: &str, message: impl Into<String>) -> Self {
        Self {
            schema: Some(schema.to_owned()),
            location: location.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn document(message: impl Into<String>) -> Self {
        Self {
            schema: None,
            location: String::new(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(
                f,
                "schema `{schema}`: {} (at {})",
                self.message, self.location
            ),
            None if self.location.is_empty() => f.write_str(&self.message),
            None => write!(f, "{} (at {})", self.message, self.location),
        }
    }
}

/// The generator's error: every problem found (not only the first), or an I/O failure, or stale
/// files in check mode.
#[derive(Debug)]
pub(crate) enum CodegenError {
    Problems(Vec<Problem>),
    Io {
        context: String,
        source: std::io::Error,
    },
    Stale(Vec<String>),
}

impl CodegenError {
    pub(crate) fn single(problem: Problem) -> Self {
        Self::Problems(vec![problem])
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Problems(problems) => {
                write!(f, "cannot generate code: {} problem(s)", problems.len())?;
                for problem in problems {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
            Self::Io { context, source } => write!(f, "{context}: {source}"),
            Self::Stale(paths) => {
                write!(
                    f,
                    "generated code is stale; run `cargo xtask codegen` and commit the result. Stale files:"
                )?;
                for path in paths {
                    write!(f, "\n  - {path}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for CodegenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Problems(_) | Self::Stale(_) => None,
        }
    }
}
