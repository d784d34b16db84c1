//! Applying fixes.
