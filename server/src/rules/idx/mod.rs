//! Index rules (IDX): foreign keys, queries and unique constraints that indexes must serve.

mod embedded_fk;
pub mod idx001;
pub mod idx002;
pub mod idx003;
pub mod idx004;
pub mod migration;
pub mod placement;
#[cfg(test)]
mod sql_migration_tests;
pub(crate) mod upsert;

use super::RuleDef;

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[idx001::RULE, idx002::RULE, idx003::RULE, idx004::RULE];
