//! SEC rules: query safety. SQL built by interpolation (SEC001) and writes that touch
//! every row (SEC002).

mod consts;
#[cfg(test)]
mod parity;
pub mod sec001;
pub mod sec002;
#[cfg(test)]
mod typed_values_tests;

use super::RuleDef;

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[sec001::RULE, sec002::RULE];
