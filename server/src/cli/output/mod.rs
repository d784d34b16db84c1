//! Output formats of `check`.
