//! Import rules (IMP): how modules of the project name each other.

pub mod imp001;

use super::RuleDef;

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[imp001::RULE];
