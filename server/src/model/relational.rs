//! The relational schema TypeORM would create for the model on PostgreSQL
//! (`typeorm-lsp schema`): tables with their columns, foreign keys, indices and unique
//! constraints, junction and closure tables, single-table inheritance and embedded
//! columns. The names, types and defaults are the ones TypeORM's metadata builder and
//! `PostgresDriver` derive, so the JSON compares equal with what real TypeORM builds
//! (`tests/typeorm/schema.js`).

use super::columns::canon;
use super::enums;
use super::naming::{self, camel_case, shorten_junction_name, snake_case, typeorm_hash};
use super::types::*;
use super::Model;
use crate::config::{Config, NamingStrategy};
use crate::syntax::{ClassFact, Decorator, Value};
use serde::Serialize;
use std::collections::BTreeMap;

mod const_values;
mod embedded;
mod inheritance;
mod junctions;
mod option_values;
mod schema_embeddeds;
mod trees;
mod values;

use values::{
    column_name_function, dedup_by_name, inferred_type, is_falsy_literal, js_number,
    merge_join_column, option_str, plain_col, relation_options, sql_default, EmbeddedKey,
};
pub use values::{embedded_column_name, normalize_type};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schema {
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub name: String,
    /// The entity that owns the table (None for junction tables).
    pub entity: Option<String>,
    /// TypeORM's table type: `regular`, `closure`, `junction`, `closure-junction`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `STI` for a single-table inheritance parent.
    pub inheritance: Option<String>,
    pub discriminator: Option<Discriminator>,
    pub columns: Vec<TableColumn>,
    #[serde(rename = "foreignKeys")]
    pub foreign_keys: Vec<ForeignKey>,
    pub indices: Vec<TableIndex>,
    pub uniques: Vec<UniqueConstraint>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discriminator {
    pub column: String,
    /// Entity name -> the value stored for its rows (a string, or the number of
    /// `@ChildEntity(1)` / a numeric enum member).
    pub values: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableColumn {
    pub name: String,
    /// PostgreSQL type as `PostgresDriver.normalizeType` names it (`character varying`);
    /// empty when TypeORM would take it from a TypeScript type we cannot read.
    #[serde(rename = "type")]
    pub db_type: String,
    pub array: bool,
    pub nullable: bool,
    /// The SQL default (`'active'`, `now()`, `true`), as `normalizeDefault` writes it.
    pub default: Option<String>,
    pub primary: bool,
    /// `increment`, `uuid`, `identity`, `rowid`.
    pub generated: Option<String>,
    /// `length` as written (`varchar(120)`); None when not given.
    pub length: Option<String>,
    /// The values of an enum column, as TypeORM lists them.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    #[serde(rename = "referencedTable")]
    pub referenced_table: String,
    #[serde(rename = "referencedColumns")]
    pub referenced_columns: Vec<String>,
    #[serde(rename = "onDelete")]
    pub on_delete: String,
    #[serde(rename = "onUpdate")]
    pub on_update: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableIndex {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    #[serde(rename = "where")]
    pub where_clause: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UniqueConstraint {
    pub name: String,
    pub columns: Vec<String>,
}

/// The schema of every table entity of the model, tables sorted by name, their parts by
/// name (column order is TypeORM's declaration order, which depends on load order).
#[cfg(test)]
impl Schema {
    /// The table of that name (the test fails if there is none).
    pub(crate) fn table(&self, name: &str) -> &Table {
        self.tables
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no table {name}"))
    }
}

pub fn schema(model: &Model, config: &Config) -> Schema {
    let b = Builder {
        model,
        config,
        relation_depth: std::cell::Cell::new(0),
    };
    let mut tables: Vec<Table> = Vec::new();
    for e in &model.entities {
        if e.kind == EntityKind::View {
            // A view has no table, but `@ManyToMany() @JoinTable()` on it still makes one.
            for t in b.view_junctions(e) {
                if !tables.iter().any(|x| x.name == t.name) {
                    tables.push(t);
                }
            }
            continue;
        }
        if !matches!(e.kind, EntityKind::Table | EntityKind::Schema) {
            continue;
        }
        if b.only_embedded(e) {
            continue;
        }
        let (table, extra) = b.entity_tables(e);
        // A second entity on a table keeps the first's table (TypeORM's first metadata of
        // that name), but the junction tables it owns exist all the same.
        if !tables.iter().any(|t| t.name == table.name) {
            tables.push(table);
        }
        for t in extra {
            if !tables.iter().any(|x| x.name == t.name) {
                tables.push(t);
            }
        }
    }
    for t in &mut tables {
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        t.indices.sort_by(|a, b| a.name.cmp(&b.name));
        t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    Schema { tables }
}

/// TypeORM's constraint names: `prefix` + sha1 of `<table>_<sorted columns>[_<where>]`.
pub fn constraint_name(
    prefix: &str,
    len: usize,
    table: &str,
    columns: &[String],
    where_clause: Option<&str>,
) -> String {
    let mut sorted = columns.to_vec();
    sorted.sort();
    let mut key = format!("{}_{}", table.replacen('.', "_", 1), sorted.join("_"));
    if let Some(w) = where_clause {
        key.push('_');
        key.push_str(w);
    }
    let hex = typeorm_hash(&key);
    format!("{prefix}{}", hex.get(..len).unwrap_or(&hex))
}

struct Builder<'a> {
    model: &'a Model,
    config: &'a Config,
    /// How many [`Builder::relation_columns`] are under way: a relation inside an embedded
    /// class that points back at the entity embedding it (TypeORM's test of issue 6977)
    /// would otherwise expand that entity's columns forever.
    relation_depth: std::cell::Cell<usize>,
}

/// Nested relation expansions beyond this add nothing: only the target's primary key is
/// read, and a key is never a relation inside an embedded class of the target.
const MAX_RELATION_DEPTH: usize = 4;

/// A column of an entity with what the schema needs beyond the model's [`Column`].
struct Col {
    column: TableColumn,
    property: String,
    /// The foreign key this column belongs to, for relations the model does not list
    /// (inside embedded classes, `@TreeParent`).
    fk: Option<PendingFk>,
}

#[derive(Clone)]
struct PendingFk {
    /// The relation's path (`billing.country`): columns of one key share it.
    key: String,
    /// A one-to-one's key, which also gets its `REL_` unique constraint.
    one_to_one: bool,
    referenced_table: String,
    referenced_column: String,
    on_delete: String,
    on_update: String,
}

impl Builder<'_> {
    fn strategy(&self) -> NamingStrategy {
        self.config.naming_strategy
    }

    /// The table of an entity (its single-table children merged in) and the junction or
    /// closure tables it owns.
    fn entity_tables(&self, e: &Entity) -> (Table, Vec<Table>) {
        let mut extra = Vec::new();
        let children: Vec<&Entity> = self
            .model
            .entities
            .iter()
            .filter(|c| c.kind == EntityKind::Child && c.table == e.table && c.name != e.name)
            .map(|c| &**c)
            .collect();
        let sti = self.inheritance_column(e);
        let tree = self.tree_kind(e);
        let mut cols: Vec<Col> = self.columns_of(e, false);
        for child in &children {
            for c in self.columns_of(child, true) {
                if !cols.iter().any(|x| x.column.name == c.column.name) {
                    cols.push(c);
                }
            }
        }
        let mut indices = Vec::new();
        let mut uniques = Vec::new();
        let mut discriminator = None;
        if let Some((column, ty, length)) = &sti {
            if !cols.iter().any(|c| &c.column.name == column) {
                cols.push(Col {
                    column: TableColumn {
                        name: column.clone(),
                        db_type: ty.clone(),
                        array: false,
                        nullable: false,
                        default: None,
                        primary: false,
                        generated: None,
                        length: length.clone(),
                        enum_values: self.inheritance_enum(e),
                    },
                    property: column.clone(),
                    fk: None,
                });
            }
            // TypeORM's createKeysForTableInheritance: no index of its own when an `@Index`
            // names the discriminator column alone.
            let indexed = e.indexes.iter().any(|i| {
                i.kind == IndexKind::Index && i.columns.as_slice() == std::slice::from_ref(column)
            });
            if !indexed && !self.discriminator_index_lost(e, &children, &cols) {
                indices.push(TableIndex {
                    name: constraint_name("IDX_", 26, &e.table, std::slice::from_ref(column), None),
                    columns: vec![column.clone()],
                    unique: false,
                    where_clause: None,
                });
            }
            let mut values = BTreeMap::new();
            values.insert(e.name.clone(), self.discriminator_value(e));
            for c in &children {
                values.insert(c.name.clone(), self.discriminator_value(c));
            }
            discriminator = Some(Discriminator {
                column: column.clone(),
                values,
            });
        }
        match tree.as_deref() {
            Some("materialized-path") => {
                let mut mpath = plain_col("mpath", "character varying", Some("''"));
                mpath.column.nullable = true;
                cols.push(mpath);
            }
            Some("nested-set") => {
                cols.push(plain_col("nsleft", "integer", Some("'1'")));
                cols.push(plain_col("nsright", "integer", Some("'2'")));
            }
            _ => {}
        }
        if tree.is_some() {
            for c in self.tree_parent_columns(e) {
                // A declared `parentId` column is the parent's join column: it keeps its
                // declaration, takes the key's type and gets the foreign key.
                match cols.iter_mut().find(|x| x.column.name == c.column.name) {
                    Some(declared) => {
                        declared.column.db_type = c.column.db_type;
                        declared.fk = c.fk;
                    }
                    None => cols.push(c),
                }
            }
        }
        // A property that is both a column and a relation (`@ManyToOne(...) @JoinColumn({
        // name: 'programId' }) @Column() programId: number`): the model keeps the column,
        // TypeORM also makes the key.
        for c in self.column_relations(e) {
            if let Some(col) = cols.iter_mut().find(|x| x.column.name == c.column.name) {
                col.fk = c.fk;
            }
        }
        let mut foreign_keys = Vec::new();
        // Foreign keys of relations in embedded classes and of `@TreeParent`.
        let mut pending: Vec<(String, Vec<(String, PendingFk)>)> = Vec::new();
        for c in &cols {
            let Some(fk) = &c.fk else { continue };
            match pending.iter_mut().find(|(k, _)| *k == fk.key) {
                Some((_, list)) => list.push((c.column.name.clone(), fk.clone())),
                None => pending.push((fk.key.clone(), vec![(c.column.name.clone(), fk.clone())])),
            }
        }
        for (_, list) in pending {
            let Some((_, first)) = list.first() else {
                continue;
            };
            let columns: Vec<String> = list.iter().map(|(c, _)| c.clone()).collect();
            if first.one_to_one {
                uniques.push(UniqueConstraint {
                    name: constraint_name("REL_", 26, &e.table, &columns, None),
                    columns: columns.clone(),
                });
            }
            foreign_keys.push(ForeignKey {
                name: constraint_name("FK_", 27, &e.table, &columns, None),
                referenced_table: first.referenced_table.clone(),
                referenced_columns: list
                    .iter()
                    .map(|(_, f)| f.referenced_column.clone())
                    .collect(),
                on_delete: first.on_delete.clone(),
                on_update: first.on_update.clone(),
                columns,
            });
        }
        let all_relations: Vec<(&Entity, &Relation)> = std::iter::once(e)
            .chain(children.iter().copied())
            .flat_map(|x| x.relations.iter().map(move |r| (x, r)))
            .collect();
        let mut seen_relations = Vec::new();
        for (owner, r) in all_relations {
            if seen_relations.contains(&r.property) {
                continue;
            }
            seen_relations.push(r.property.clone());
            let Some(target) = self.model.relation_target(r) else {
                // A target outside the workspace (an entity of a package): its join columns
                // exist, of a type we cannot know, and their key is not ours to name.
                for jc in &r.join_columns {
                    if !cols.iter().any(|c| &c.column.name == jc) {
                        let mut col = plain_col(jc, "", None);
                        col.column.nullable = r.nullable.unwrap_or(true);
                        col.property = r.property.clone();
                        cols.push(col);
                    }
                }
                continue;
            };
            let target_table = self.table_of(target);
            if !r.join_columns.is_empty() {
                let referenced = self.referenced_columns(r, target);
                let decorator = self.model.decorator_at(&r.origin);
                let options = match decorator {
                    Some(d) => relation_options(d),
                    None => self.schema_entry(&r.origin),
                };
                let pairs: Vec<(String, String)> = r
                    .join_columns
                    .iter()
                    .cloned()
                    .zip(referenced.iter().map(|c| c.name.clone()))
                    .collect();
                let nullable = r.nullable.unwrap_or(true);
                let primary = options
                    .and_then(|o| o.get("primary"))
                    .and_then(|p| p.value.as_bool())
                    == Some(true);
                for (jc, rc) in &pairs {
                    let rcol = referenced.iter().find(|c| &c.name == rc);
                    if let Some(declared) = cols.iter_mut().find(|c| &c.column.name == jc) {
                        // A declared column that is the join column takes the referenced
                        // column's type (TypeORM's RelationJoinColumnBuilder overrides it:
                        // `employeeId: string` next to `employee` is `uuid`).
                        if let Some(rcol) = rcol {
                            declared.column.db_type = rcol.db_type.clone();
                        }
                        continue;
                    }
                    let ty = rcol.map(|c| c.db_type.clone()).unwrap_or_default();
                    cols.push(Col {
                        column: TableColumn {
                            name: jc.clone(),
                            db_type: ty,
                            array: false,
                            nullable: nullable && !primary
                                || (owner.kind == EntityKind::Child && sti.is_some()),
                            default: None,
                            primary,
                            generated: None,
                            length: rcol.and_then(|c| c.length.clone()),
                            enum_values: rcol.and_then(|c| c.enum_values.clone()),
                        },
                        property: r.property.clone(),
                        fk: None,
                    });
                }
                let fk_columns: Vec<String> = pairs.iter().map(|p| p.0.clone()).collect();
                let create_fk = options
                    .and_then(|o| o.get("createForeignKeyConstraints"))
                    .and_then(|v| v.value.as_bool())
                    != Some(false);
                // A relation to a view (no primary key to reference) has no join column and
                // so no key.
                if create_fk && !fk_columns.is_empty() {
                    foreign_keys.push(ForeignKey {
                        name: self.explicit_fk_name(r).unwrap_or_else(|| {
                            constraint_name("FK_", 27, &e.table, &fk_columns, None)
                        }),
                        columns: fk_columns.clone(),
                        referenced_table: target_table.clone(),
                        referenced_columns: pairs.iter().map(|p| p.1.clone()).collect(),
                        on_delete: option_str(options, "onDelete").unwrap_or("NO ACTION".into()),
                        on_update: option_str(options, "onUpdate").unwrap_or("NO ACTION".into()),
                    });
                }
                // A one-to-one whose join columns are all primary (`@PrimaryColumn() userId`
                // under `@JoinColumn()`) is unique already: TypeORM's
                // RelationJoinColumnBuilder adds no `REL_` constraint.
                let all_primary = fk_columns
                    .iter()
                    .all(|n| cols.iter().any(|c| &c.column.name == n && c.column.primary));
                // Without a foreign key (`createForeignKeyConstraints: false`) there is no
                // `REL_` constraint either.
                if r.kind == RelationKind::OneToOne && !all_primary && create_fk {
                    uniques.push(UniqueConstraint {
                        name: constraint_name("REL_", 26, &e.table, &fk_columns, None),
                        columns: fk_columns,
                    });
                }
            }
            if r.kind == RelationKind::ManyToMany && r.has_join_table {
                if let Some(j) = self.junction(e, r, target) {
                    extra.push(j);
                }
            }
        }
        // `@ManyToMany() @JoinTable()` inside an embedded class: TypeORM makes its junction
        // on the entity, named by the property path (`post_counters_liked_users_user`).
        for r in self.embedded_many_to_many(e) {
            let target = r
                .target
                .as_deref()
                .and_then(|t| self.model.entity_from(r.origin.file, t));
            if let Some(j) = target.and_then(|t| self.junction(e, &r, t)) {
                extra.push(j);
            }
        }
        let primary: Vec<String> = cols
            .iter()
            .filter(|c| c.column.primary)
            .map(|c| c.column.name.clone())
            .collect();
        for i in &e.indexes {
            self.add_index(e, i, &cols, &mut indices, &mut uniques);
        }
        for child in &children {
            for i in child
                .indexes
                .iter()
                .filter(|i| i.origin.as_ref().is_some_and(|o| o.file == child.file))
            {
                self.add_index(e, i, &cols, &mut indices, &mut uniques);
            }
        }
        for key in self.embedded_indexes(e) {
            let paths = match &key {
                EmbeddedKey::Index { paths, .. } | EmbeddedKey::Unique { paths } => paths,
            };
            let columns: Vec<String> = paths
                .iter()
                .filter_map(|p| self.embedded_path_column(e, p))
                .collect();
            if columns.is_empty() || columns.len() != paths.len() {
                continue;
            }
            match key {
                EmbeddedKey::Unique { .. } => uniques.push(UniqueConstraint {
                    name: constraint_name("UQ_", 27, &e.table, &columns, None),
                    columns,
                }),
                EmbeddedKey::Index {
                    name,
                    unique,
                    where_clause,
                    ..
                } => indices.push(TableIndex {
                    name: name.unwrap_or_else(|| {
                        constraint_name("IDX_", 26, &e.table, &columns, where_clause.as_deref())
                    }),
                    columns,
                    unique,
                    where_clause,
                }),
            }
        }
        let (schema_indices, schema_uniques) = self.schema_embedded_keys(e);
        indices.extend(schema_indices);
        uniques.extend(schema_uniques);
        foreign_keys.extend(self.declared_foreign_keys(e, &cols));
        dedup_by_name(&mut foreign_keys, |f| &f.name);
        dedup_by_name(&mut indices, |i| &i.name);
        dedup_by_name(&mut uniques, |u| &u.name);
        if tree.as_deref() == Some("closure-table") {
            extra.push(self.closure_table(e, &cols, &primary));
        }
        let table = Table {
            name: e.table.clone(),
            entity: Some(e.name.clone()),
            // TypeORM 0.3.31 keeps a closure-table entity's own table `regular`.
            kind: "regular".into(),
            inheritance: sti.as_ref().map(|_| "STI".to_string()),
            discriminator,
            columns: cols.into_iter().map(|c| c.column).collect(),
            foreign_keys,
            indices,
            uniques,
        };
        (table, extra)
    }

    /// TypeORM 0.3.31 adds the discriminator's index to `indices`, which is a copy of
    /// `ownIndices` once the entity has embedded classes (its children's count: they share
    /// its metadata), and then rebuilds `indices` from `ownIndices` for every entity with a
    /// generated column (`@PrimaryGeneratedColumn`, `@Generated`): such a table gets no
    /// discriminator index.
    fn discriminator_index_lost(&self, e: &Entity, children: &[&Entity], cols: &[Col]) -> bool {
        let embeds = std::iter::once(e)
            .chain(children.iter().copied())
            .any(|x| x.columns.iter().any(|c| c.kind == ColumnKind::Embedded));
        embeds && cols.iter().any(|c| c.column.generated.is_some())
    }

    /// The table as a foreign key references it: `schema.table` when the entity names a
    /// schema (`@Entity({ schema })`, an `EntitySchema`'s `schema`), as TypeORM's
    /// `referencedTablePath` does; the constraint names hash the bare table.
    fn table_of(&self, e: &Entity) -> String {
        match self.schema_name(e) {
            Some(schema) => format!("{schema}.{}", e.table),
            None => e.table.clone(),
        }
    }

    fn schema_name(&self, e: &Entity) -> Option<String> {
        let options = match self.class_of(e) {
            Some(class) => class
                .decorators
                .iter()
                .find(|d| canon(self.config, &d.name) == "Entity")?
                .args
                .iter()
                .find(|a| a.value.as_object().is_some())
                .map(|a| &a.value),
            None => self
                .model
                .file(e.file)?
                .facts
                .entity_schemas
                .iter()
                .map(|s| &s.options.value)
                .find(|o| super::schema::entity_name(o).as_deref() == Some(e.name.as_str())),
        };
        let value = &options?.get("schema")?.value;
        // `schema: schemaName`: a const of the entity's own file, else an imported one.
        self.const_str(e.file, value).filter(|s| !s.is_empty())
    }

    /// The columns an entity declares (inherited ones included), embedded ones expanded
    /// after its own, as TypeORM's `columns` lists them (`ownColumns`, then each embedded
    /// class's `columnsFromTree`): the order of the primary key a default join column
    /// references.
    fn columns_of(&self, e: &Entity, sti_child: bool) -> Vec<Col> {
        let mut out = Vec::new();
        let mut embedded = Vec::new();
        for c in &e.columns {
            if matches!(
                c.kind,
                ColumnKind::Virtual | ColumnKind::View | ColumnKind::ObjectId
            ) {
                continue;
            }
            if c.kind == ColumnKind::Embedded {
                let prefix = self.embedded_prefix(c);
                if let Some(target) = c.embedded.as_deref() {
                    self.embedded_columns(c.origin.file, target, &[prefix], &mut embedded, 0);
                }
                continue;
            }
            let mut col = self.table_column(c, &[]);
            if sti_child {
                col.nullable = col.nullable || !col.primary;
            } else if let Some(default) = self.redeclared_default(e, c) {
                col.default = default;
            }
            out.push(Col {
                column: col,
                property: c.property.clone(),
                fk: None,
            });
        }
        embedded.extend(self.schema_embedded_columns(e));
        // A single-table child's columns are nullable, embedded ones too.
        if sti_child {
            for col in &mut embedded {
                col.column.nullable = col.column.nullable || !col.column.primary;
            }
        }
        out.append(&mut embedded);
        out
    }

    /// Foreign keys declared without a relation (`@ForeignKey`, an `EntitySchema`'s
    /// `foreignKeys` and column `foreignKey`), named as TypeORM names a relation's key.
    fn declared_foreign_keys(&self, e: &Entity, cols: &[Col]) -> Vec<ForeignKey> {
        let mut declared = Vec::new();
        let is_fk = |d: &&Decorator| canon(self.config, &d.name) == "ForeignKey";
        if let Some(class) = self.class_of(e) {
            for d in class.decorators.iter().filter(is_fk) {
                let args: Vec<&Value> = d.args.iter().map(|a| &a.value).collect();
                declared.extend(super::foreign_keys::from_class_decorator(&args));
            }
            for prop in class.properties.iter().filter(|p| !p.is_static) {
                for d in prop.decorators.iter().filter(is_fk) {
                    let args: Vec<&Value> = d.args.iter().map(|a| &a.value).collect();
                    declared.extend(super::foreign_keys::from_property_decorator(
                        &prop.name, &args,
                    ));
                }
            }
        } else if let Some(options) = self.entity_schema_options(e) {
            declared = super::foreign_keys::from_entity_schema(options);
        }
        let db_name = |list: &[Col], property: &str| {
            list.iter()
                .find(|c| c.property == property)
                .or_else(|| list.iter().find(|c| c.column.name == property))
                .map_or_else(|| property.to_string(), |c| c.column.name.clone())
        };
        let mut out = Vec::new();
        for key in declared {
            let Some(target) = self.declared_target(e.file, key.target) else {
                continue;
            };
            let target_cols = self.columns_of(target, false);
            let columns: Vec<String> = key.columns.iter().map(|p| db_name(cols, p)).collect();
            let referenced: Vec<String> = if key.referenced.is_empty() {
                target_cols
                    .iter()
                    .filter(|c| c.column.primary)
                    .map(|c| c.column.name.clone())
                    .collect()
            } else {
                key.referenced
                    .iter()
                    .map(|p| db_name(&target_cols, p))
                    .collect()
            };
            if columns.is_empty() || columns.len() != referenced.len() {
                continue;
            }
            out.push(ForeignKey {
                name: option_str(key.options, "name")
                    .unwrap_or_else(|| constraint_name("FK_", 27, &e.table, &columns, None)),
                columns,
                referenced_table: self.table_of(target),
                referenced_columns: referenced,
                on_delete: option_str(key.options, "onDelete").unwrap_or("NO ACTION".into()),
                on_update: option_str(key.options, "onUpdate").unwrap_or("NO ACTION".into()),
            });
        }
        out
    }

    /// The entity a declared key's target names: `() => City`, `'User'` (an entity name),
    /// `'cities'` (a table name) or the variable of an `EntitySchema` (`CityEntity`).
    fn declared_target(&self, file: usize, target: &Value) -> Option<&Entity> {
        let name = target.type_target()?;
        let schema_name = self
            .model
            .files
            .iter()
            .flat_map(|f| f.facts.entity_schemas.iter())
            .find(|s| s.variable.as_deref() == Some(name))
            .and_then(|s| super::schema::entity_name(&s.options.value));
        match schema_name {
            Some(n) => self.model.entity(&n),
            None => self.model.entity_from(file, name),
        }
    }

    /// The options object of the `EntitySchema` that declares `e`.
    fn entity_schema_options(&self, e: &Entity) -> Option<&Value> {
        self.model
            .file(e.file)?
            .facts
            .entity_schemas
            .iter()
            .map(|s| &s.options.value)
            .find(|o| super::schema::entity_name(o).as_deref() == Some(e.name.as_str()))
    }

    /// The join columns of a relation the model does not list (inside an embedded class,
    /// or a `@TreeParent`), each carrying its foreign key: named `joinColumnName(relation,
    /// referenced property)` through the embedded prefixes, typed like the target's key.
    fn relation_columns(
        &self,
        r: &Relation,
        prefixes: &[String],
        key: &str,
        nullable_default: bool,
    ) -> Vec<Col> {
        if r.join_columns.is_empty() {
            return Vec::new();
        }
        // resolved from the declaring file (an embedded class's relation has no target
        // class recorded yet)
        let target = r
            .target
            .as_deref()
            .and_then(|t| self.model.entity_from(r.origin.file, t));
        let Some(target) = target else {
            return Vec::new();
        };
        let options = self
            .model
            .decorator_at(&r.origin)
            .and_then(relation_options);
        let depth = self.relation_depth.get();
        if depth >= MAX_RELATION_DEPTH {
            return Vec::new();
        }
        self.relation_depth.set(depth + 1);
        let target_cols = self.columns_of(target, false);
        self.relation_depth.set(depth);
        target_cols
            .iter()
            .filter(|c| c.column.primary)
            .map(|rc| {
                let base = naming::join_column_name(&r.property, &rc.property, self.strategy());
                let name = if prefixes.iter().all(|p| p.is_empty()) {
                    base
                } else {
                    embedded_column_name(prefixes, Some(&base), &base, self.strategy())
                };
                Col {
                    column: TableColumn {
                        name,
                        db_type: rc.column.db_type.clone(),
                        array: false,
                        nullable: r.nullable.unwrap_or(nullable_default),
                        default: None,
                        primary: false,
                        generated: None,
                        length: rc.column.length.clone(),
                        enum_values: rc.column.enum_values.clone(),
                    },
                    property: r.property.clone(),
                    fk: Some(PendingFk {
                        key: key.to_string(),
                        one_to_one: r.kind == RelationKind::OneToOne,
                        referenced_table: self.table_of(target),
                        referenced_column: rc.column.name.clone(),
                        on_delete: option_str(options, "onDelete").unwrap_or("NO ACTION".into()),
                        on_update: option_str(options, "onUpdate").unwrap_or("NO ACTION".into()),
                    }),
                }
            })
            .collect()
    }

    /// Relations declared on a property that also declares a column, with their keys.
    fn column_relations(&self, e: &Entity) -> Vec<Col> {
        let Some(class) = e.class else {
            return Vec::new();
        };
        let me = ClassRef {
            file: e.file,
            class,
        };
        let mut out = Vec::new();
        for r in e.ancestors.iter().rev().chain(std::iter::once(&me)) {
            let Some(c) = self.model.class(*r) else {
                continue;
            };
            let origin_of = |d: &Decorator| Origin {
                file: r.file,
                class: Some(r.class),
                span: d.span.range(),
            };
            for prop in &c.properties {
                if super::columns::column(self.model, prop, self.config, origin_of).is_none() {
                    continue;
                }
                if let Some(rel) = super::columns::relation(prop, self.config, origin_of) {
                    let key = format!("{}.{}", r.class, prop.name);
                    let cols = self.relation_columns(&rel, &[], &key, true);
                    // Named by the join column as declared, not by the default.
                    out.extend(cols.into_iter().zip(rel.join_columns.iter()).map(
                        |(mut col, name)| {
                            col.column.name = name.clone();
                            col
                        },
                    ));
                }
            }
        }
        out
    }

    /// `@TreeParent()` on the entity: a many-to-one to itself (`parentId`).
    fn tree_parent_columns(&self, e: &Entity) -> Vec<Col> {
        let Some(class) = self.class_of(e) else {
            return Vec::new();
        };
        let Some(class_index) = e.class else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for prop in &class.properties {
            let Some(d) = prop
                .decorators
                .iter()
                .find(|d| canon(self.config, &d.name) == "TreeParent")
            else {
                continue;
            };
            let options = d
                .arg(0)
                .map(|a| &a.value)
                .filter(|v| v.as_object().is_some());
            let primaries: Vec<Col> = self
                .columns_of(e, false)
                .into_iter()
                .filter(|c| c.column.primary)
                .collect();
            // `@JoinColumn({ name: 'parent_id' })` beside `@TreeParent()` names the key of a
            // single-column primary key.
            let join_name = prop
                .decorators
                .iter()
                .find(|d| canon(self.config, &d.name) == "JoinColumn")
                .and_then(|d| d.arg(0))
                .and_then(|a| a.value.get("name"))
                .and_then(|n| n.value.as_str())
                .filter(|_| primaries.len() == 1)
                .map(str::to_string);
            for rc in primaries {
                out.push(Col {
                    column: TableColumn {
                        name: join_name.clone().unwrap_or_else(|| {
                            naming::join_column_name(&prop.name, &rc.property, self.strategy())
                        }),
                        db_type: rc.column.db_type.clone(),
                        array: false,
                        nullable: true,
                        default: None,
                        primary: false,
                        generated: None,
                        length: rc.column.length.clone(),
                        enum_values: rc.column.enum_values.clone(),
                    },
                    property: prop.name.to_string(),
                    fk: Some(PendingFk {
                        key: format!("{class_index}.{}", prop.name),
                        one_to_one: false,
                        referenced_table: self.table_of(e),
                        referenced_column: rc.column.name.clone(),
                        on_delete: option_str(options, "onDelete").unwrap_or("NO ACTION".into()),
                        on_update: option_str(options, "onUpdate").unwrap_or("NO ACTION".into()),
                    }),
                });
            }
        }
        out
    }

    /// One column as TypeORM's `ColumnMetadata` and `PostgresDriver` see it.
    fn table_column(&self, c: &Column, prefixes: &[String]) -> TableColumn {
        let decorator = self.model.decorator_at(&c.origin);
        // Options a workspace function builds (`@PrimaryColumn(id())`) are the object it
        // returns (see `option_calls`); unreadable ones are read as written.
        let evaluated = self.model.column_options(&c.origin);
        let options = match decorator {
            Some(d) => evaluated.as_deref().or_else(|| {
                d.args
                    .iter()
                    .map(|a| &a.value)
                    .find(|a| a.as_object().is_some())
            }),
            None => self.schema_entry(&c.origin),
        };
        let opt = |k: &str| options.and_then(|o| o.get(k)).map(|v| &v.value);
        let explicit_name = opt("name").and_then(|v| v.as_str());
        let name = if prefixes.iter().all(|p| p.is_empty()) {
            c.db_name.clone()
        } else {
            embedded_column_name(prefixes, explicit_name, &c.property, self.strategy())
        };
        // `type: nativeValues.jsonEntityType`: a type named by a constant of the workspace.
        let mut ty = c.db_type.clone().or_else(|| {
            let named = self.named_value(c.origin.file, opt("type")?)?;
            named.as_str().map(str::to_lowercase)
        });
        let mut generated = None;
        match c.kind {
            ColumnKind::PrimaryGenerated => {
                let strategy = decorator
                    .and_then(|d| d.arg(0))
                    .and_then(|a| a.value.as_str())
                    .or_else(|| opt("generated").and_then(Value::as_str))
                    .unwrap_or("increment")
                    .to_string();
                ty = Some(if strategy == "uuid" {
                    "uuid".into()
                } else {
                    ty.unwrap_or("integer".into())
                });
                generated = Some(strategy);
            }
            ColumnKind::CreateDate | ColumnKind::UpdateDate | ColumnKind::DeleteDate
                if ty.is_none() =>
            {
                ty = Some("timestamp".into())
            }
            ColumnKind::Version | ColumnKind::TreeLevel => ty = Some("integer".into()),
            _ => {}
        }
        if generated.is_none() {
            generated = match opt("generated") {
                Some(Value::Bool(true)) => Some("increment".into()),
                Some(v) => v.as_str().map(str::to_string),
                None => None,
            };
        }
        // `@Generated('uuid')` next to the column decorator, or `@Column({ generated: 'uuid' })`
        // (which registers the same generation): TypeORM's metadata builder makes the column
        // generated and, for `uuid` and `rowid`, sets its type.
        let generation = self.generated_decorator(&c.origin).or_else(|| {
            (c.kind != ColumnKind::PrimaryGenerated)
                .then(|| generated.clone())
                .flatten()
        });
        if let Some(strategy) = generation {
            match strategy.as_str() {
                "uuid" => ty = Some("uuid".into()),
                "rowid" => ty = Some("int".into()),
                _ => {}
            }
            generated = Some(strategy);
        }
        // `type: Number` (`String`, `Boolean`, `Date`): the constructor, as `EntitySchema`
        // columns often name it.
        if ty.is_none() {
            let constructor = opt("type").or_else(|| {
                decorator
                    .and_then(|d| d.arg(0))
                    .map(|a| &a.value)
                    .filter(|v| matches!(v, Value::Ident(_)))
            });
            if let Some(Value::Ident(name)) = constructor {
                ty = inferred_type(name);
            }
        }
        let ty = ty
            .or_else(|| {
                if opt("enum").is_some() {
                    Some("enum".into())
                } else {
                    None
                }
            })
            .or_else(|| {
                let t = self.model.type_of(&c.origin)?;
                self.design_type(&t.text, 0)
            });
        let default = match c.kind {
            // TypeORM replaces any falsy default of these (`default: null` too) with its own.
            ColumnKind::CreateDate | ColumnKind::UpdateDate
                if opt("default").is_none_or(is_falsy_literal) =>
            {
                Some("now()".into())
            }
            _ => opt("default").and_then(|v| {
                let file = c.origin.file;
                let member = self
                    .enum_member(file, v)
                    .or_else(|| self.imported_const(v))
                    .or_else(|| self.enum_members_in_array(file, v))
                    .or_else(|| self.named_value(file, v));
                let v = member.as_ref().unwrap_or(v);
                let is_enum = matches!(ty.as_deref(), Some("enum" | "simple-enum"));
                sql_default(v, c.is_array, is_enum)
            }),
        };
        let primary = c.kind.is_primary() || opt("primary").and_then(Value::as_bool) == Some(true);
        let mut nullable = matches!(opt("default"), Some(Value::Null));
        if let Some(n) = c.nullable {
            nullable = n;
        }
        if c.kind == ColumnKind::DeleteDate && !nullable {
            nullable = true;
        }
        if primary {
            nullable = false;
        }
        TableColumn {
            name,
            db_type: ty.map(|t| normalize_type(&t)).unwrap_or_default(),
            array: c.is_array,
            nullable,
            default,
            primary,
            generated,
            length: opt("length").and_then(|v| {
                // `length: ColumnLength.Short`, or a const (`length: NAME_MAX_LENGTH`) of
                // the file or imported.
                let named = self
                    .enum_member(c.origin.file, v)
                    .or_else(|| self.named_const(c.origin.file, v))
                    .or_else(|| self.named_value(c.origin.file, v));
                match named.as_ref().unwrap_or(v) {
                    Value::Num(n) => Some(js_number(*n)),
                    Value::Str(s) if !s.is_empty() => Some(s.to_string()),
                    _ => None,
                }
            }),
            enum_values: opt("enum").and_then(|v| self.enum_list(c.origin.file, v)),
        }
    }

    /// The referenced columns of a relation: `referencedColumnName`s, else the target's
    /// primary columns.
    fn referenced_columns(&self, r: &Relation, target: &Entity) -> Vec<TableColumn> {
        let target_cols = self.columns_of(target, false);
        let join = self.model.join_column_arg(&r.origin, self.config);
        let named: Vec<Option<String>> = match join {
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.value
                        .get("referencedColumnName")
                        .and_then(|n| n.value.as_str())
                        .map(str::to_string)
                })
                .collect(),
            Some(v) => vec![v
                .get("referencedColumnName")
                .and_then(|n| n.value.as_str())
                .map(str::to_string)],
            None => vec![None],
        };
        let primaries: Vec<TableColumn> = target_cols
            .iter()
            .filter(|c| c.column.primary)
            .map(|c| c.column.clone())
            .collect();
        if named.iter().all(Option::is_none) {
            return primaries;
        }
        named
            .iter()
            .filter_map(|n| {
                let n = n.as_deref()?;
                target_cols
                    .iter()
                    .find(|c| c.property == n || c.column.name == n)
                    .map(|c| c.column.clone())
            })
            .collect()
    }

    /// The strategy of a `@Generated()` on the column's property (`increment` when none is
    /// given).
    fn generated_decorator(&self, origin: &Origin) -> Option<String> {
        let prop = self.model.property_at(origin)?;
        let generated = prop
            .decorators
            .iter()
            .find(|d| canon(self.config, &d.name) == "Generated")?;
        Some(
            generated
                .arg(0)
                .and_then(|a| a.value.as_str())
                .unwrap_or("increment")
                .to_string(),
        )
    }

    /// `foreignKeyConstraintName` of `@JoinColumn({...})`, or of an EntitySchema
    /// relation's `joinColumn` (an object, or the first of a list).
    fn explicit_fk_name(&self, r: &Relation) -> Option<String> {
        let join = self.model.join_column_arg(&r.origin, self.config)?;
        let first = match join.as_array() {
            Some(items) => &items.first()?.value,
            None => join,
        };
        first
            .get("foreignKeyConstraintName")?
            .value
            .as_str()
            .map(str::to_string)
    }

    /// The database columns of an index (relation properties -> their join columns,
    /// embedded property paths -> the prefixed columns).
    /// An index of the table as TypeORM creates it: a named index, or a unique constraint
    /// (primary keys and one-to-one join columns are constraints of their own).
    fn add_index(
        &self,
        e: &Entity,
        i: &Index,
        cols: &[Col],
        indices: &mut Vec<TableIndex>,
        uniques: &mut Vec<UniqueConstraint>,
    ) {
        let table = e.table.as_str();
        match i.kind {
            IndexKind::Index if !self.index_not_synchronized(i) => {
                let columns = self.index_columns(e, i, cols);
                indices.push(TableIndex {
                    name: i.name.clone().unwrap_or_else(|| {
                        constraint_name("IDX_", 26, table, &columns, i.where_clause.as_deref())
                    }),
                    columns,
                    unique: i.unique,
                    where_clause: i.where_clause.clone(),
                });
            }
            IndexKind::Unique | IndexKind::UniqueColumn => {
                let columns = self.index_columns(e, i, cols);
                uniques.push(UniqueConstraint {
                    name: i
                        .name
                        .clone()
                        .unwrap_or_else(|| constraint_name("UQ_", 27, table, &columns, None)),
                    columns,
                });
            }
            _ => {}
        }
    }

    fn index_columns(&self, e: &Entity, i: &Index, cols: &[Col]) -> Vec<String> {
        i.columns
            .iter()
            .map(|c| {
                if cols.iter().any(|x| &x.column.name == c) {
                    c.clone()
                } else if c.contains('.') {
                    self.embedded_path_column(e, c).unwrap_or_else(|| c.clone())
                } else {
                    cols.iter()
                        .find(|x| &x.property == c)
                        .map(|x| x.column.name.clone())
                        .unwrap_or_else(|| c.clone())
                }
            })
            .collect()
    }

    /// The database column of an embedded property path (`profile.job` -> `profileJob`).
    fn embedded_path_column(&self, e: &Entity, path: &str) -> Option<String> {
        let (first, rest) = path.split_once('.')?;
        let c = e
            .columns
            .iter()
            .find(|c| c.kind == ColumnKind::Embedded && c.property == first)?;
        let class = c.embedded.as_deref()?;
        self.path_in_class(c.origin.file, class, &[self.embedded_prefix(c)], rest, 0)
    }

    fn path_in_class(
        &self,
        from_file: usize,
        class_name: &str,
        prefixes: &[String],
        rest: &str,
        depth: usize,
    ) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let first = || self.model.classes.named(class_name).first().copied();
        let class_ref = self
            .model
            .class_from(from_file, class_name)
            .or_else(first)?;
        let class = self.model.class(class_ref)?;
        let origin_of = |d: &Decorator| Origin {
            file: class_ref.file,
            class: Some(class_ref.class),
            span: d.span.range(),
        };
        let (segment, tail) = match rest.split_once('.') {
            Some((s, t)) => (s, Some(t)),
            None => (rest, None),
        };
        // An inherited declaration is the one TypeORM keeps (see `embedded_columns`).
        let inherited = class.extends.as_ref().and_then(|parent| {
            self.path_in_class(class_ref.file, &parent.name, prefixes, rest, depth + 1)
        });
        if inherited.is_some() {
            return inherited;
        }
        let prop = class.properties.iter().find(|p| p.name == segment)?;
        let c = super::columns::column(self.model, prop, self.config, origin_of)?;
        match (tail, c.kind, c.embedded.as_deref()) {
            (Some(tail), ColumnKind::Embedded, Some(inner)) => {
                let mut next = prefixes.to_vec();
                next.push(self.embedded_prefix(&c));
                self.path_in_class(class_ref.file, inner, &next, tail, depth + 1)
            }
            (None, kind, _) if kind != ColumnKind::Embedded => {
                Some(self.table_column(&c, prefixes).name)
            }
            _ => None,
        }
    }

    fn index_not_synchronized(&self, i: &Index) -> bool {
        let Some(origin) = &i.origin else {
            return false;
        };
        let Some(d) = self.decorator_by_origin(origin) else {
            return false;
        };
        d.args
            .iter()
            .filter_map(|a| a.value.get("synchronize"))
            .any(|s| s.value.as_bool() == Some(false))
    }

    /// A decorator on a class or one of its properties, by its span.
    fn decorator_by_origin(&self, origin: &Origin) -> Option<&Decorator> {
        let class = self.model.class(ClassRef {
            file: origin.file,
            class: origin.class?,
        })?;
        class
            .decorators
            .iter()
            .chain(class.properties.iter().flat_map(|p| p.decorators.iter()))
            .find(|d| d.span == origin.span)
    }

    fn class_of(&self, e: &Entity) -> Option<&ClassFact> {
        self.model.class(ClassRef {
            file: e.file,
            class: e.class?,
        })
    }

    /// The default of an inherited column that the entity's own class declares again with
    /// a truthy `default`: TypeORM keeps the ancestor's column but takes that default
    /// (`EntityMetadataBuilder`, "for multiple table inheritance we can override default
    /// column values"); every other option stays the ancestor's.
    fn redeclared_default(&self, e: &Entity, c: &Column) -> Option<Option<String>> {
        let own = self.class_of(e)?;
        if c.origin.file == e.file && c.origin.class == e.class {
            return None;
        }
        let prop = own
            .properties
            .iter()
            .find(|p| !p.is_static && p.name == c.property)?;
        let origin_of = |d: &Decorator| Origin {
            file: e.file,
            class: e.class,
            span: d.span.range(),
        };
        let redeclared = super::columns::column(self.model, prop, self.config, origin_of)?;
        let written = self
            .model
            .decorator_at(&redeclared.origin)?
            .args
            .iter()
            .find_map(|a| a.value.get("default"))?;
        let truthy = match &written.value {
            Value::Str(s) => !s.is_empty(),
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::BigInt(digits) => &**digits != "0",
            Value::Bool(b) => *b,
            Value::Null | Value::Undefined => false,
            _ => true,
        };
        truthy.then(|| self.table_column(&redeclared, &[]).default)
    }
}

#[cfg(test)]
mod tests;
