//! Open documents.
