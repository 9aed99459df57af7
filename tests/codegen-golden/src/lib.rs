//! Generated code from the xtask fixture specs, compiled.
