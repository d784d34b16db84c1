//! The `embeddeds` of an `EntitySchema` (`embeddeds: { name: { schema: NameSchema, prefix:
//! 'name_' } }`): TypeORM's EntitySchemaTransformer registers the embedded schema's
//! columns, indices and uniques under that schema's target and embeds them as it embeds a
//! class, so they land on the embedding entity's table with the prefix (`name_First`).
//! The embedded schema is an entity of the model too (it is an `EntitySchema`), which is
//! where its columns and indexes are read from.

use super::{constraint_name, Builder, Col, TableIndex, UniqueConstraint};
use crate::model::types::{ColumnKind, Entity, IndexKind};
use crate::syntax::Value;

/// Nesting deeper than this is not followed (an embedded schema embedding itself).
const MAX_DEPTH: usize = 8;

/// One embedded schema as the embedding table sees it.
struct Embedded<'a> {
    schema: &'a Entity,
    prefixes: Vec<String>,
}

impl Builder<'_> {
    /// The columns the `embeddeds` of an `EntitySchema` entity add to its table.
    pub(super) fn schema_embedded_columns(&self, e: &Entity) -> Vec<Col> {
        let mut out = Vec::new();
        for emb in self.schema_embeddeds(e) {
            out.extend(self.prefixed_columns(&emb));
        }
        out
    }

    /// The indices and unique constraints declared in the embedded schemas, on the
    /// embedding table's prefixed columns.
    pub(super) fn schema_embedded_keys(
        &self,
        e: &Entity,
    ) -> (Vec<TableIndex>, Vec<UniqueConstraint>) {
        let (mut indices, mut uniques) = (Vec::new(), Vec::new());
        for emb in self.schema_embeddeds(e) {
            let cols = self.prefixed_columns(&emb);
            let db_name = |inner: &str| {
                let property = emb
                    .schema
                    .column_by_db_name(inner)
                    .map_or(inner, |c| c.property.as_str());
                cols.iter()
                    .find(|c| c.property == property)
                    .map(|c| c.column.name.clone())
            };
            for i in &emb.schema.indexes {
                let columns: Vec<String> = i.columns.iter().filter_map(|c| db_name(c)).collect();
                if columns.is_empty() || columns.len() != i.columns.len() {
                    continue;
                }
                match i.kind {
                    IndexKind::Index => indices.push(TableIndex {
                        name: i.name.clone().unwrap_or_else(|| {
                            constraint_name(
                                "IDX_",
                                26,
                                &e.table,
                                &columns,
                                i.where_clause.as_deref(),
                            )
                        }),
                        columns,
                        unique: i.unique,
                        where_clause: i.where_clause.clone(),
                    }),
                    IndexKind::Unique | IndexKind::UniqueColumn => uniques.push(UniqueConstraint {
                        name: i.name.clone().unwrap_or_else(|| {
                            constraint_name("UQ_", 27, &e.table, &columns, None)
                        }),
                        columns,
                    }),
                    _ => {}
                }
            }
        }
        (indices, uniques)
    }

    /// An `EntitySchema` without a primary column that another schema embeds: a part of
    /// other tables, not a table (TypeORM refuses it as an entity: "does not have a primary
    /// column").
    pub(super) fn only_embedded(&self, e: &Entity) -> bool {
        if e.class.is_some() || e.primary_columns().next().is_some() {
            return false;
        }
        self.model.entities.iter().any(|x| {
            self.schema_embeddeds(x)
                .iter()
                .any(|emb| std::ptr::eq(emb.schema, e))
        })
    }

    /// The embedded schema's columns, named through the prefixes.
    fn prefixed_columns(&self, emb: &Embedded) -> Vec<Col> {
        emb.schema
            .columns
            .iter()
            .filter(|c| !matches!(c.kind, ColumnKind::Virtual | ColumnKind::Embedded))
            .map(|c| Col {
                column: self.table_column(c, &emb.prefixes),
                property: c.property.clone(),
                fk: None,
            })
            .collect()
    }

    /// Every schema `e` embeds, nested ones after the one embedding them (TypeORM's
    /// `columnsFromTree` order), with their prefixes.
    fn schema_embeddeds(&self, e: &Entity) -> Vec<Embedded<'_>> {
        let mut out = Vec::new();
        if e.class.is_none() {
            self.collect_schema_embeddeds(e, &[], &mut out);
        }
        out
    }

    fn collect_schema_embeddeds<'s>(
        &'s self,
        e: &Entity,
        prefixes: &[String],
        out: &mut Vec<Embedded<'s>>,
    ) {
        if prefixes.len() >= MAX_DEPTH {
            return;
        }
        let Some(options) = self.entity_schema_options(e) else {
            return;
        };
        let embeddeds = options.get("embeddeds").and_then(|v| v.value.as_object());
        for p in embeddeds.unwrap_or(&[]) {
            let v = &p.value.value;
            let Some(schema) = v
                .get("schema")
                .and_then(|s| self.declared_target(e.file, &s.value))
            else {
                continue;
            };
            // TypeORM's EmbeddedMetadata: no prefix given is the property name, `false` none.
            let prefix = match v.get("prefix").map(|p| &p.value) {
                Some(Value::Bool(false)) => String::new(),
                Some(Value::Str(s)) => s.to_string(),
                Some(_) => continue,
                None => p.key.to_string(),
            };
            let mut next = prefixes.to_vec();
            next.push(prefix);
            out.push(Embedded {
                schema,
                prefixes: next.clone(),
            });
            self.collect_schema_embeddeds(schema, &next, out);
        }
    }
}
