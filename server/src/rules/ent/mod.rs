//! Entity rules (ENT): every entity extends the managed base, and the base is right.

pub mod ent001;
pub mod ent002;
pub mod ent003;

use super::RuleDef;

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[ent001::RULE, ent002::RULE, ent003::RULE];
