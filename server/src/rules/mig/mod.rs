//! Migration and configuration rules (MIG): the schema changes only through migrations
//! that can be reverted and do not block writes.

pub mod mig001;
pub mod mig002;
pub mod mig003;

use super::RuleDef;

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[mig001::RULE, mig002::RULE, mig003::RULE];
