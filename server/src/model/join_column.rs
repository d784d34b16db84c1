//! The join-column options of a relation, wherever they are written: `@JoinColumn(...)`'s
//! argument on a class property, or the `joinColumn` of an `EntitySchema` relation
//! (`joinColumn: { name }` or a list of them).

use super::columns::canon;
use super::types::Origin;
use super::Model;
use crate::config::Config;
use crate::syntax::Value;

impl Model {
    /// `@JoinColumn`'s argument, or the schema relation's `joinColumn` (a list stays a list).
    pub fn join_column_arg(&self, origin: &Origin, config: &Config) -> Option<&Value> {
        if origin.class.is_some() {
            let join = self
                .property_at(origin)?
                .decorators
                .iter()
                .find(|d| canon(config, &d.name) == "JoinColumn")?;
            return Some(&join.arg(0)?.value);
        }
        self.schema_relation(origin)?
            .get("joinColumn")
            .map(|j| &j.value)
    }

    /// The options object of the `EntitySchema` relation an origin points at.
    fn schema_relation(&self, origin: &Origin) -> Option<&Value> {
        let file = self.file(origin.file)?;
        file.facts.entity_schemas.iter().find_map(|s| {
            s.options
                .value
                .get("relations")?
                .value
                .as_object()?
                .iter()
                .find(|p| p.key_span == origin.span)
                .map(|p| &p.value.value)
        })
    }
}
