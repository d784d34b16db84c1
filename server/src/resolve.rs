//! Module specifier resolution.
