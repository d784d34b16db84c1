//! SEC rules.

use super::RuleDef;

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[];
