//! Naming rules (NAM): file, class and property names follow the house conventions.

pub mod nam001;
pub mod nam002;
mod script_importers;

use super::RuleDef;

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[nam001::RULE, nam002::RULE];
