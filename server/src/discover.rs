//! Finding the files of a workspace.
