//! The single pass against the reference parse.
