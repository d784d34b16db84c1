//! Suppression comments (`// typeorm-lsp-ignore CODE: reason`): the two rules that report
//! the comments themselves. They are checked by `rules::suppress`, which sees every
//! finding of a file; these modules hold their catalogue entries and documentation.

pub mod sup001;
pub mod sup002;
