//! TYP rules: the entity's TypeScript types agree with its database columns and relations.

use super::RuleDef;

mod driver;
#[cfg(test)]
mod parity;
mod shape;
#[cfg(test)]
mod subsquid_tests;
pub mod typ001;
pub mod typ002;
pub mod typ003;

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[typ001::RULE, typ002::RULE, typ003::RULE];
