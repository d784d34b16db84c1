//! REL rules: relations whose target, inverse side or owner is wrong.

use super::RuleDef;

pub mod rel001;
pub mod rel002;
pub mod rel003;
pub(crate) mod target;

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[rel001::RULE, rel002::RULE, rel003::RULE];
