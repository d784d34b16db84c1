//! Position encodings.
