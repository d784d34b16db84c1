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
mod schema_embeddeds;

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

    /// The options object of an `EntitySchema` column (the entry at `origin.span`).
    fn schema_entry(&self, origin: &Origin) -> Option<&Value> {
        if origin.class.is_some() {
            return None;
        }
        let file = self.model.file(origin.file)?;
        file.facts.entity_schemas.iter().find_map(|s| {
            ["columns", "relations"].iter().find_map(|k| {
                s.options
                    .value
                    .get(k)?
                    .value
                    .as_object()?
                    .iter()
                    .find(|p| p.key_span == origin.span)
                    .map(|p| &p.value.value)
            })
        })
    }

    /// The values of `enum: [...]` or `enum: SomeEnum` (a TypeScript enum of the
    /// workspace: string members by value, numeric ones by number, as TypeORM lists them).
    fn enum_list(&self, file: usize, v: &Value) -> Option<Vec<String>> {
        let literal = |v: &Value| match v {
            Value::Str(s) => Some(s.to_string()),
            Value::Num(n) => Some(js_number(*n)),
            _ => None,
        };
        if let Some(items) = v.as_array() {
            // `enum: [Group.ROLE_TYPE, Group.TEAM_TYPE]`: items may name constants.
            return items
                .iter()
                .map(|i| literal(&i.value).or_else(|| literal(&self.named_value(file, &i.value)?)))
                .collect();
        }
        if let Some(e) = v
            .as_reference()
            .and_then(|name| enums::enum_named(self.model, file, name))
        {
            // A member may take its value from another enum's member (`DELETED =
            // EventType.DELETED`), read in the file declaring the enum.
            let home = enums::declaring_file(self.model, e).unwrap_or(file);
            return enums::member_values(e)
                .map(|(_, value)| match value {
                    Value::Member(_) => literal(&enums::member_value(self.model, home, &value)?),
                    other => literal(&other),
                })
                .collect();
        }
        // `enum: mediumValues`, a const array of this file or an exported one.
        match self.named_value(file, v)? {
            Value::Array(items) => items.iter().map(|i| literal(&i.value)).collect(),
            _ => None,
        }
    }

    /// The value of the constant a name or a dotted path names (see `const_values`), only
    /// when it names one: a literal as written is not "named".
    fn named_value(&self, file: usize, v: &Value) -> Option<Value> {
        matches!(v, Value::Ident(_) | Value::Member(_) | Value::Const { .. })
            .then(|| self.const_value(file, v))
            .flatten()
    }

    /// The type TypeORM reads from `design:type` when a column names none: what TypeScript
    /// serializes for the property's annotation. Each part of a union is serialized on its
    /// own (`string`, `String`, a string literal, a string enum of the workspace or a type
    /// alias of one of them are all `String`); parts that disagree make `Object`, which
    /// TypeORM refuses, so no type is guessed.
    fn design_type(&self, ts: &str, depth: usize) -> Option<String> {
        if depth > MAX_ALIAS_DEPTH {
            return None;
        }
        let mut kind: Option<String> = None;
        for part in ts
            .split('|')
            .map(str::trim)
            .filter(|p| !matches!(*p, "null" | "undefined" | ""))
        {
            let k = inferred_type(part)
                .or_else(|| self.element_design_type(part))
                .or_else(|| self.named_design_type(part, depth))?;
            match &kind {
                Some(prev) if *prev != k => return None,
                _ => kind = Some(k),
            }
        }
        kind
    }

    /// `design:type` of an element of a const tuple (`(typeof LEVELS)[number]`, or an
    /// alias of `typeof LEVELS` indexed so): TypeScript serializes the items' common type,
    /// `String` for string literals, `Number` for numbers.
    fn element_design_type(&self, ts: &str) -> Option<String> {
        let base = ts.strip_suffix("[number]")?.trim();
        let base = base
            .strip_prefix('(')
            .and_then(|b| b.strip_suffix(')'))
            .unwrap_or(base)
            .trim();
        let alias = self
            .model
            .files
            .iter()
            .flat_map(|f| f.facts.type_aliases.iter())
            .find(|a| a.name == base);
        let target = alias.map_or(base, |a| a.ty.text.as_str());
        let name = target.strip_prefix("typeof ")?.trim();
        let mut kinds = self
            .model
            .files
            .iter()
            .flat_map(|f| f.facts.consts.iter())
            .filter(|c| c.name == name)
            .map(|c| match &c.value.value {
                Value::Array(items) if items.is_empty() => None,
                Value::Array(items) if items.iter().all(|i| matches!(i.value, Value::Str(_))) => {
                    Some("varchar")
                }
                Value::Array(items) if items.iter().all(|i| matches!(i.value, Value::Num(_))) => {
                    Some("int")
                }
                _ => None,
            });
        let first = kinds.next()??;
        kinds.all(|k| k == Some(first)).then(|| first.to_string())
    }

    /// `design:type` of a type named by the workspace: a string enum is `String`, a numeric
    /// one `Number`, a mixed one `Object`; a type alias is what it stands for
    /// (ever-gauzy's `type ID = string`).
    fn named_design_type(&self, name: &str, depth: usize) -> Option<String> {
        let facts = || self.model.files.iter().map(|f| &f.facts);
        if let Some(e) = facts()
            .flat_map(|f| f.enums.iter())
            .find(|e| e.name == name)
        {
            let strings = e
                .members
                .iter()
                .all(|(_, init)| matches!(init, Some(Value::Str(_))));
            // `IS_THREAD = 1 << 1`: a constant arithmetic member is a number too.
            let numbers = e.members.iter().all(|(_, init)| match init {
                None | Some(Value::Num(_)) => true,
                Some(Value::Binary { op, .. }) => {
                    matches!(
                        op.as_str(),
                        "<<" | ">>" | ">>>" | "|" | "&" | "^" | "*" | "-" | "/" | "%"
                    )
                }
                _ => false,
            });
            return match (strings, numbers) {
                (true, false) => Some("varchar".into()),
                (false, true) => Some("int".into()),
                _ => None,
            };
        }
        let alias = facts()
            .flat_map(|f| f.type_aliases.iter())
            .find(|a| a.name == name)?;
        self.design_type(&alias.ty.text, depth + 1)
    }

    /// The value of `Status.Active` when `Status` is an enum `file` sees.
    fn enum_member(&self, file: usize, v: &Value) -> Option<Value> {
        enums::member_value(self.model, file, v)
    }

    /// An array default whose items name enum members, with the members' values
    /// (`default: [Role.Player]` of an enum array column is `'{PLAYER}'`).
    fn enum_members_in_array(&self, file: usize, v: &Value) -> Option<Value> {
        let Value::Array(items) = v else {
            return None;
        };
        if !items.iter().any(|i| matches!(i.value, Value::Member(_))) {
            return None;
        }
        Some(Value::Array(
            items
                .iter()
                .map(|i| {
                    let mut item = i.clone();
                    if let Some(value) = self.enum_member(file, &i.value) {
                        item.value = value;
                    }
                    item
                })
                .collect(),
        ))
    }

    /// A string option as written, or the `const` it names (of file `file`, else an
    /// exported one of the workspace): `@JoinTable({ name: BORROWED })`.
    fn const_str(&self, file: usize, v: &Value) -> Option<String> {
        match v {
            Value::Ident(_) => self.named_const(file, v)?.as_str().map(str::to_string),
            other => other.as_str().map(str::to_string),
        }
    }

    /// The literal (string or number) of the `const` an option names: shown where it is
    /// used (`Value::Const`), else one of file `file`, else an exported one of the
    /// workspace (`length: NAME_MAX_LENGTH`).
    fn named_const(&self, file: usize, v: &Value) -> Option<Value> {
        let literal = |v: &Value| matches!(v, Value::Str(_) | Value::Num(_)).then(|| v.clone());
        match v {
            Value::Const { value, .. } => literal(&value.value),
            Value::Ident(name) => self
                .model
                .file(file)
                .and_then(|f| f.facts.consts.iter().find(|c| c.name == *name))
                .and_then(|c| literal(&c.value.value))
                .or_else(|| self.imported_const(v)),
            _ => None,
        }
    }

    /// The value of an exported `const` of another file of the workspace that a default
    /// names (ever-gauzy's `default: DEFAULT_STANDARD_WORK_HOURS_PER_DAY`, imported from a
    /// constants package), when every exported const of that name has one literal value.
    fn imported_const(&self, v: &Value) -> Option<Value> {
        let Value::Ident(name) = v else {
            return None;
        };
        let mut found: Option<&Value> = None;
        for c in self
            .model
            .files
            .iter()
            .flat_map(|f| f.facts.consts.iter())
            .filter(|c| c.is_exported && c.name == *name)
        {
            let value = &c.value.value;
            if !matches!(value, Value::Str(_) | Value::Num(_) | Value::Bool(_)) {
                return None;
            }
            match found {
                Some(prev) if prev != value => return None,
                _ => found = Some(value),
            }
        }
        found.cloned()
    }

    fn embedded_prefix(&self, c: &Column) -> String {
        let options = self
            .model
            .decorator_at(&c.origin)
            .and_then(|d| d.args.iter().find(|a| a.value.as_object().is_some()));
        match options
            .and_then(|o| o.value.get("prefix"))
            .map(|p| &p.value)
        {
            Some(Value::Bool(false)) => String::new(),
            Some(v) => v.as_str().map(str::to_string).unwrap_or(c.property.clone()),
            None => c.property.clone(),
        }
    }

    /// The columns of an embedded class (and the classes it embeds), with their prefixes;
    /// `class_name` as `from_file` writes it (its import, else the first of that name).
    fn embedded_columns(
        &self,
        from_file: usize,
        class_name: &str,
        prefixes: &[String],
        out: &mut Vec<Col>,
        depth: usize,
    ) {
        if depth > 8 {
            return;
        }
        let class_ref = self.model.class_from(from_file, class_name);
        let first = || self.model.classes.named(class_name).first().copied();
        let Some(class_ref) = class_ref.or_else(first) else {
            return;
        };
        let Some(class) = self.model.class(class_ref) else {
            return;
        };
        // The columns an embedded class inherits come first, as TypeORM collects an embedded
        // type's columns over its inheritance tree (`class UserInfo extends PersonalInfo`).
        let inherited_from = out.len();
        if let Some(parent) = &class.extends {
            self.embedded_columns(class_ref.file, &parent.name, prefixes, out, depth + 1);
        }
        let inherited_to = out.len();
        let origin_of = |d: &Decorator| Origin {
            file: class_ref.file,
            class: Some(class_ref.class),
            span: d.span.range(),
        };
        for prop in class.properties.iter().filter(|p| !p.is_static) {
            if let Some(r) = super::columns::relation(prop, self.config, origin_of) {
                let key = format!("{}.{}", prefixes.join("."), r.property);
                for col in self.relation_columns(&r, prefixes, &key, true) {
                    merge_join_column(out, col);
                }
                continue;
            }
            let Some(c) = super::columns::column(prop, self.config, origin_of) else {
                continue;
            };
            if c.kind == ColumnKind::Embedded {
                let mut next = prefixes.to_vec();
                next.push(self.embedded_prefix(&c));
                if let Some(t) = c.embedded.as_deref() {
                    self.embedded_columns(class_ref.file, t, &next, out, depth + 1);
                }
                continue;
            }
            // A property the class declares again keeps its inherited declaration: TypeORM
            // keeps the first of a property's columns in decorator order, and a parent
            // class's decorators run first.
            if out
                .get(inherited_from..inherited_to)
                .is_some_and(|inherited| inherited.iter().any(|x| x.property == c.property))
            {
                continue;
            }
            let col = self.table_column(&c, prefixes);
            merge_join_column(
                out,
                Col {
                    column: col,
                    property: c.property.clone(),
                    fk: None,
                },
            );
        }
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

    /// Every class embedded in `e`, nested ones included (at most 8 levels), with its
    /// property path (`["counters", "likes"]`): what TypeORM prefixes and walks for the
    /// indexes, unique columns and many-to-many junctions declared inside them.
    fn embedded_classes(&self, e: &Entity) -> Vec<(ClassRef, Vec<String>)> {
        let mut out = Vec::new();
        for c in e.columns.iter().filter(|c| c.kind == ColumnKind::Embedded) {
            if let Some(target) = c.embedded.as_deref() {
                self.collect_embedded(c.origin.file, target, vec![c.property.clone()], &mut out);
            }
        }
        out
    }

    fn collect_embedded(
        &self,
        from_file: usize,
        class_name: &str,
        path: Vec<String>,
        out: &mut Vec<(ClassRef, Vec<String>)>,
    ) {
        if path.len() > 9 {
            return;
        }
        let first = || self.model.classes.named(class_name).first().copied();
        let Some(class_ref) = self.model.class_from(from_file, class_name).or_else(first) else {
            return;
        };
        let Some(class) = self.model.class(class_ref) else {
            return;
        };
        if out.iter().any(|(r, p)| *r == class_ref && *p == path) {
            return;
        }
        // What an embedded class inherits is declared inside it too, under the same path.
        if let Some(parent) = &class.extends {
            self.collect_embedded(class_ref.file, &parent.name, path.clone(), out);
        }
        let origin_of = |d: &Decorator| Origin {
            file: class_ref.file,
            class: Some(class_ref.class),
            span: d.span.range(),
        };
        let nested: Vec<(String, String)> = class
            .properties
            .iter()
            .filter(|p| !p.is_static)
            .filter(|p| super::columns::relation(p, self.config, origin_of).is_none())
            .filter_map(|p| super::columns::column(p, self.config, origin_of))
            .filter(|c| c.kind == ColumnKind::Embedded)
            .filter_map(|c| Some((c.property.clone(), c.embedded?)))
            .collect();
        out.push((class_ref, path.clone()));
        for (property, target) in nested {
            let mut next = path.clone();
            next.push(property);
            self.collect_embedded(class_ref.file, &target, next, out);
        }
    }

    /// `@Index` (on a property, or on the class with its property names) and `unique: true`
    /// columns inside an entity's embedded classes: TypeORM puts them on the embedding
    /// entity's prefixed columns.
    fn embedded_indexes(&self, e: &Entity) -> Vec<EmbeddedKey> {
        let mut out = Vec::new();
        for (class_ref, path) in self.embedded_classes(e) {
            if let Some(class) = self.model.class(class_ref) {
                self.embedded_index_specs(class_ref, class, &path, &mut out);
            }
        }
        out
    }

    fn embedded_index_specs(
        &self,
        class_ref: ClassRef,
        class: &ClassFact,
        path: &[String],
        out: &mut Vec<EmbeddedKey>,
    ) {
        let origin_of = |d: &Decorator| Origin {
            file: class_ref.file,
            class: Some(class_ref.class),
            span: d.span.range(),
        };
        let prefix = path.join(".");
        let is_index = |d: &&Decorator| canon(self.config, &d.name) == "Index";
        let spec = |d: &Decorator, own: Option<&str>| -> Option<EmbeddedKey> {
            let mut name = None;
            let mut columns = own
                .map(|p| vec![format!("{prefix}.{p}")])
                .unwrap_or_default();
            let mut options = None;
            for a in &d.args {
                match &a.value {
                    Value::Str(n) => name = Some(n.to_string()),
                    Value::Array(items) if own.is_none() => {
                        for i in items {
                            columns.push(format!("{prefix}.{}", i.value.as_str()?));
                        }
                    }
                    v if v.as_object().is_some() => options = Some(v),
                    _ => return None,
                }
            }
            if options
                .and_then(|o| o.get("synchronize"))
                .and_then(|v| v.value.as_bool())
                == Some(false)
            {
                return None;
            }
            let unique = options
                .and_then(|o| o.get("unique"))
                .and_then(|v| v.value.as_bool());
            let where_clause = option_str(options, "where");
            Some(EmbeddedKey::Index {
                name,
                paths: columns,
                unique: unique == Some(true),
                where_clause,
            })
        };
        for d in class.decorators.iter().filter(is_index) {
            out.extend(
                spec(d, None)
                    .filter(|k| matches!(k, EmbeddedKey::Index { paths, .. } if !paths.is_empty())),
            );
        }
        for prop in class.properties.iter().filter(|p| !p.is_static) {
            for d in prop.decorators.iter().filter(is_index) {
                out.extend(spec(d, Some(&prop.name)));
            }
            let Some(c) = super::columns::column(prop, self.config, origin_of) else {
                continue;
            };
            let unique = self
                .model
                .decorator_at(&c.origin)
                .and_then(|d| d.args.iter().find(|a| a.value.as_object().is_some()))
                .and_then(|o| o.value.get("unique"))
                .and_then(|u| u.value.as_bool());
            if unique == Some(true) && c.kind != ColumnKind::Embedded {
                let columns = vec![format!("{prefix}.{}", prop.name)];
                out.push(EmbeddedKey::Unique { paths: columns });
            }
        }
    }

    /// The owning `@ManyToMany` relations inside an entity's embedded classes, each named by
    /// its property path (`counters.likedUsers`).
    fn embedded_many_to_many(&self, e: &Entity) -> Vec<Relation> {
        let mut out = Vec::new();
        for (class_ref, path) in self.embedded_classes(e) {
            let Some(class) = self.model.class(class_ref) else {
                continue;
            };
            let origin_of = |d: &Decorator| Origin {
                file: class_ref.file,
                class: Some(class_ref.class),
                span: d.span.range(),
            };
            for prop in class.properties.iter().filter(|p| !p.is_static) {
                if let Some(mut r) = super::columns::relation(prop, self.config, origin_of) {
                    if r.kind == RelationKind::ManyToMany && r.has_join_table {
                        r.property = format!("{}.{}", path.join("."), r.property);
                        out.push(r);
                    }
                }
            }
        }
        out
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
                if super::columns::column(prop, self.config, origin_of).is_none() {
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
        let options = match decorator {
            Some(d) => d
                .args
                .iter()
                .map(|a| &a.value)
                .find(|a| a.as_object().is_some()),
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
                sql_default(v, c.is_array)
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
                    .or_else(|| self.named_const(c.origin.file, v));
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
        let c = super::columns::column(prop, self.config, origin_of)?;
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
        let redeclared = super::columns::column(prop, self.config, origin_of)?;
        let written = self
            .model
            .decorator_at(&redeclared.origin)?
            .args
            .iter()
            .find_map(|a| a.value.get("default"))?;
        let truthy = match &written.value {
            Value::Str(s) => !s.is_empty(),
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Bool(b) => *b,
            Value::Null | Value::Undefined => false,
            _ => true,
        };
        truthy.then(|| self.table_column(&redeclared, &[]).default)
    }

    /// `@TableInheritance({ column: { type: 'enum', enum: ContentType } })`: the values.
    fn inheritance_enum(&self, e: &Entity) -> Option<Vec<String>> {
        let class = self.class_of(e)?;
        let d = class
            .decorators
            .iter()
            .find(|d| canon(self.config, &d.name) == "TableInheritance")?;
        let column = &d.arg(0)?.value.get("column")?.value;
        self.enum_list(e.file, &column.get("enum")?.value)
    }

    /// `@TableInheritance({ column: { name, type, length } })` on the entity.
    fn inheritance_column(&self, e: &Entity) -> Option<(String, String, Option<String>)> {
        let class = self.class_of(e)?;
        let d = class
            .decorators
            .iter()
            .find(|d| canon(self.config, &d.name) == "TableInheritance")?;
        let column = d
            .arg(0)
            .and_then(|a| a.value.get("column"))
            .map(|c| &c.value);
        let name = column
            .and_then(|c| c.get("name"))
            .and_then(|n| n.value.as_str())
            .unwrap_or("type")
            .to_string();
        let ty = column
            .and_then(|c| c.get("type"))
            .and_then(|n| n.value.as_str())
            .unwrap_or("varchar");
        let length = column
            .and_then(|c| c.get("length"))
            .and_then(|l| match &l.value {
                Value::Num(n) => Some(js_number(*n)),
                Value::Str(s) => Some(s.to_string()),
                _ => None,
            });
        Some((name, normalize_type(ty), length))
    }

    /// `@ChildEntity(value)`: a string, a number, or an enum member's value
    /// (`@ChildEntity(ContentType.Photo)` is `'photo'`); the class name without one.
    fn discriminator_value(&self, e: &Entity) -> serde_json::Value {
        let given = self
            .class_of(e)
            .and_then(|c| {
                c.decorators
                    .iter()
                    .find(|d| canon(self.config, &d.name) == "ChildEntity")
            })
            .and_then(|d| d.arg(0))
            .map(|a| {
                self.enum_member(e.file, &a.value)
                    .unwrap_or_else(|| a.value.clone())
            });
        match given {
            Some(Value::Str(s)) => serde_json::Value::from(s.as_str()),
            Some(Value::Num(n)) if n.is_finite() => serde_json::Number::from_f64(n)
                .map(|n| match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => (f as i64).into(),
                    _ => serde_json::Value::Number(n),
                })
                .unwrap_or_else(|| e.name.clone().into()),
            _ => e.name.clone().into(),
        }
    }

    /// `@Tree('closure-table' | 'materialized-path' | 'nested-set')`.
    fn tree_kind(&self, e: &Entity) -> Option<String> {
        let Some(class) = self.class_of(e) else {
            return self
                .schema_tree(e)?
                .get("type")?
                .value
                .as_str()
                .map(str::to_string);
        };
        class
            .decorators
            .iter()
            .find(|d| canon(self.config, &d.name) == "Tree")
            .and_then(|d| d.arg(0))
            .and_then(|a| a.value.as_str())
            .map(str::to_string)
    }

    /// An `EntitySchema`'s tree: the first of its `trees: [{ type, options }]` (TypeORM
    /// registers each, and the metadata builder reads the first).
    fn schema_tree(&self, e: &Entity) -> Option<&Value> {
        let trees = self.entity_schema_options(e)?.get("trees")?;
        trees.value.as_array()?.first().map(|t| &t.value)
    }

    /// TypeORM's closure junction table `<table>_closure` (`id_ancestor`, `id_descendant`).
    /// The options object of the entity's `@Tree('closure-table', { ... })`.
    fn tree_options(&self, e: &Entity) -> Option<&Value> {
        let Some(class) = self.class_of(e) else {
            return self.schema_tree(e)?.get("options").map(|o| &o.value);
        };
        class
            .decorators
            .iter()
            .find(|d| canon(self.config, &d.name) == "Tree")
            .and_then(|d| d.arg(1))
            .map(|a| &a.value)
    }

    fn closure_table(&self, e: &Entity, cols: &[Col], primary: &[String]) -> Table {
        let options = self.tree_options(e);
        // `closureTableName: 'foo'` names the table `foo_closure`, as the entity's name
        // would (`closureJunctionTableName`).
        let base = options
            .and_then(|o| o.get("closureTableName"))
            .and_then(|v| v.value.as_str())
            .unwrap_or(&e.table);
        let name = format!("{base}_closure");
        let mut columns = Vec::new();
        let mut foreign_keys = Vec::new();
        let mut indices = Vec::new();
        for side in ["ancestor", "descendant"] {
            let mut side_cols = Vec::new();
            for p in primary {
                let src = cols.iter().find(|c| &c.column.name == p);
                let ty = src.map(|c| c.column.db_type.clone()).unwrap_or_default();
                // `ancestorColumnName: (column) => 'ancestor_' + column.propertyName`.
                let property = src.map_or(p.as_str(), |c| c.property.as_str());
                let col = options
                    .and_then(|o| o.get(&format!("{side}ColumnName")))
                    .and_then(|f| column_name_function(&f.value, property))
                    .unwrap_or_else(|| format!("{p}_{side}"));
                columns.push(TableColumn {
                    name: col.clone(),
                    db_type: ty,
                    array: false,
                    nullable: false,
                    default: None,
                    primary: true,
                    generated: None,
                    length: src.and_then(|c| c.column.length.clone()),
                    enum_values: src.and_then(|c| c.column.enum_values.clone()),
                });
                side_cols.push(col);
            }
            foreign_keys.push(ForeignKey {
                name: constraint_name("FK_", 27, &name, &side_cols, None),
                columns: side_cols.clone(),
                referenced_table: self.table_of(e),
                referenced_columns: primary.to_vec(),
                on_delete: "CASCADE".into(),
                on_update: "NO ACTION".into(),
            });
            indices.push(TableIndex {
                name: constraint_name("IDX_", 26, &name, &side_cols, None),
                columns: side_cols,
                unique: false,
                where_clause: None,
            });
        }
        // TypeORM's ClosureJunctionEntityMetadataBuilder: an entity with a
        // `@TreeLevelColumn()` gives its closure table an integer `level`.
        if e.columns.iter().any(|c| c.kind == ColumnKind::TreeLevel) {
            columns.push(TableColumn {
                name: "level".into(),
                db_type: "integer".into(),
                array: false,
                nullable: false,
                default: None,
                primary: false,
                generated: None,
                length: None,
                enum_values: None,
            });
        }
        Table {
            name,
            entity: None,
            kind: "closure-junction".into(),
            inheritance: None,
            discriminator: None,
            columns,
            foreign_keys,
            indices,
            uniques: Vec::new(),
        }
    }

    /// The junction table of an owning `@ManyToMany` with `@JoinTable`.
    /// The junction tables of a view's owning many-to-many relations: TypeORM builds them
    /// as for a table, with no column on the view's side (a view has no primary key).
    fn view_junctions(&self, view: &Entity) -> Vec<Table> {
        view.relations
            .iter()
            .filter(|r| r.kind == RelationKind::ManyToMany && r.has_join_table)
            .filter_map(|r| {
                let target = self
                    .model
                    .entity_from(r.origin.file, r.target.as_deref()?)?;
                self.junction(view, r, target)
            })
            .collect()
    }

    fn junction(&self, owner: &Entity, r: &Relation, target: &Entity) -> Option<Table> {
        // `@JoinTable(options)`, or an `EntitySchema` relation's `joinTable: { ... }`.
        let jt_opts = match self.model.property_at(&r.origin) {
            Some(prop) => prop
                .decorators
                .iter()
                .find(|d| canon(self.config, &d.name) == "JoinTable")
                .and_then(|d| d.arg(0))
                .map(|a| &a.value),
            None => self
                .schema_entry(&r.origin)?
                .get("joinTable")
                .map(|v| &v.value)
                .filter(|v| v.as_object().is_some()),
        };
        let name = jt_opts
            .and_then(|o| o.get("name"))
            .and_then(|n| self.const_str(r.origin.file, &n.value))
            .unwrap_or_else(|| {
                let raw = format!(
                    "{}_{}_{}",
                    owner.table,
                    r.property.replace('.', "_"),
                    target.table
                );
                snake_case(&raw)
            });
        let name = shorten_junction_name(name);
        let owner_cols = self.columns_of(owner, false);
        let target_cols = self.columns_of(target, false);
        // `joinColumn` or `joinColumns` (`inverseJoinColumn` or `inverseJoinColumns`).
        let side = |table: &str, key: &str, cols: &[Col]| -> Vec<(String, TableColumn)> {
            let explicit = jt_opts
                .and_then(|o| o.get(key).or_else(|| o.get(&format!("{key}s"))))
                .map(|v| &v.value);
            let explicit: Vec<&Value> = match explicit {
                Some(Value::Array(items)) => items.iter().map(|i| &i.value).collect(),
                Some(v) => vec![v],
                None => Vec::new(),
            };
            let referenced: Vec<&Col> = {
                let named: Vec<&str> = explicit
                    .iter()
                    .filter_map(|v| v.get("referencedColumnName").and_then(|n| n.value.as_str()))
                    .collect();
                if named.is_empty() {
                    cols.iter().filter(|c| c.column.primary).collect()
                } else {
                    named
                        .iter()
                        .filter_map(|n| cols.iter().find(|c| c.property == *n))
                        .collect()
                }
            };
            referenced
                .iter()
                .map(|rc| {
                    let given = explicit
                        .iter()
                        .find(|v| {
                            let rn = v.get("referencedColumnName").and_then(|n| n.value.as_str());
                            rn.is_none() || rn == Some(rc.property.as_str())
                        })
                        .and_then(|v| v.get("name"))
                        .and_then(|n| n.value.as_str())
                        .map(str::to_string);
                    let name = given.unwrap_or_else(|| {
                        let raw = format!("{table}_{}", rc.column.name);
                        match self.strategy() {
                            NamingStrategy::Default => camel_case(&raw),
                            NamingStrategy::SnakeCase => snake_case(&raw),
                        }
                    });
                    (
                        rc.column.name.clone(),
                        TableColumn {
                            name,
                            db_type: rc.column.db_type.clone(),
                            array: false,
                            nullable: false,
                            default: None,
                            primary: true,
                            generated: None,
                            length: rc.column.length.clone(),
                            enum_values: rc.column.enum_values.clone(),
                        },
                    )
                })
                .collect()
        };
        let mut left = side(&owner.table, "joinColumn", &owner_cols);
        let mut right = side(&target.table, "inverseJoinColumn", &target_cols);
        // TypeORM's `changeDuplicatedColumnNames`: a self-referencing junction gets `_1`/`_2`.
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            if l.1.name == r.1.name {
                l.1.name = format!("{}_1", l.1.name);
                r.1.name = format!("{}_2", r.1.name);
            }
        }
        let relation_options_at = |origin: &Origin| match self.model.decorator_at(origin) {
            Some(d) => relation_options(d),
            None => self.schema_entry(origin),
        };
        let options = relation_options_at(&r.origin);
        let inverse_options = r.inverse.as_deref().and_then(|inv| {
            let rel = target.relation(inv)?;
            relation_options_at(&rel.origin)
        });
        let has_inverse = r
            .inverse
            .as_deref()
            .and_then(|inv| target.relation(inv))
            .is_some();
        let fk_name = |key: &str, alt: &str| {
            jt_opts
                .and_then(|o| o.get(key).or_else(|| o.get(alt)))
                .map(|v| match &v.value {
                    Value::Array(items) => items.first().map(|i| &i.value),
                    other => Some(other),
                })
                .and_then(|v| v?.get("foreignKeyConstraintName"))
                .and_then(|n| n.value.as_str())
                .map(str::to_string)
        };
        let left_fk_name = fk_name("joinColumn", "joinColumns");
        let right_fk_name = fk_name("inverseJoinColumn", "inverseJoinColumns");
        let left_names: Vec<String> = left.iter().map(|c| c.1.name.clone()).collect();
        let right_names: Vec<String> = right.iter().map(|c| c.1.name.clone()).collect();
        let (inv_delete, inv_update) = if has_inverse {
            (
                option_str(inverse_options, "onDelete").unwrap_or("NO ACTION".into()),
                option_str(inverse_options, "onUpdate").unwrap_or("NO ACTION".into()),
            )
        } else {
            ("CASCADE".into(), "CASCADE".into())
        };
        // `createForeignKeyConstraints: false` on the owning side: a junction without keys.
        let create_fks = options
            .and_then(|o| o.get("createForeignKeyConstraints"))
            .and_then(|v| v.value.as_bool())
            != Some(false);
        let mut foreign_keys = vec![
            ForeignKey {
                name: left_fk_name
                    .unwrap_or_else(|| constraint_name("FK_", 27, &name, &left_names, None)),
                columns: left_names.clone(),
                referenced_table: self.table_of(owner),
                referenced_columns: left.iter().map(|c| c.0.clone()).collect(),
                on_delete: option_str(options, "onDelete").unwrap_or("CASCADE".into()),
                on_update: option_str(options, "onUpdate").unwrap_or("CASCADE".into()),
            },
            ForeignKey {
                name: right_fk_name
                    .unwrap_or_else(|| constraint_name("FK_", 27, &name, &right_names, None)),
                columns: right_names.clone(),
                referenced_table: self.table_of(target),
                referenced_columns: right.iter().map(|c| c.0.clone()).collect(),
                on_delete: inv_delete,
                on_update: inv_update,
            },
        ];
        if !create_fks {
            foreign_keys.clear();
        }
        let indices = [&left_names, &right_names]
            .into_iter()
            .map(|cols| TableIndex {
                name: constraint_name("IDX_", 26, &name, cols, None),
                columns: cols.clone(),
                unique: false,
                where_clause: None,
            })
            .collect();
        Some(Table {
            name,
            entity: None,
            kind: "junction".into(),
            inheritance: None,
            discriminator: None,
            columns: left.into_iter().chain(right).map(|c| c.1).collect(),
            foreign_keys,
            indices,
            uniques: Vec::new(),
        })
    }
}

/// What a column-naming arrow of `@Tree` options returns for a primary column, when its
/// body is a string, `column.propertyName`, or a `+` of those.
fn column_name_function(f: &Value, property: &str) -> Option<String> {
    let Value::Arrow { params, body } = f else {
        return None;
    };
    fn eval(v: &Value, param: Option<&str>, property: &str) -> Option<String> {
        match v {
            Value::Str(s) => Some(s.to_string()),
            Value::Member(m) => {
                let (object, field) = m.split_once('.')?;
                (Some(object) == param && matches!(field, "propertyName" | "propertyPath"))
                    .then(|| property.to_string())
            }
            Value::Binary { op, operands } if op == "+" => {
                let [left, right] = &**operands;
                Some(eval(&left.value, param, property)? + &eval(&right.value, param, property)?)
            }
            _ => None,
        }
    }
    eval(&body.value, params.first().map(|p| p.as_str()), property)
}

/// Adds `col` to an embedded class's columns, or merges it with the column of that name
/// already there: a declared column that is also a relation's join column
/// (`@ManyToOne(() => User) owner` next to `@Column() ownerId` in one embedded class) is
/// one column, declared as written, with the relation's key and the referenced type (its
/// length stays the declared one, as TypeORM's RelationJoinColumnBuilder leaves it).
fn merge_join_column(out: &mut Vec<Col>, col: Col) {
    let Some(at) = out.iter().position(|x| x.column.name == col.column.name) else {
        out.push(col);
        return;
    };
    // Two declarations of one name: TypeORM keeps the first.
    if out[at].fk.is_some() == col.fk.is_some() {
        return;
    }
    let same = out.remove(at);
    let (declared, join) = if col.fk.is_some() {
        (same.column, col)
    } else {
        (col.column, same)
    };
    let merged = Col {
        column: TableColumn {
            db_type: join.column.db_type,
            ..declared
        },
        property: join.property,
        fk: join.fk,
    };
    out.insert(at, merged);
}

fn plain_col(name: &str, ty: &str, default: Option<&str>) -> Col {
    Col {
        column: TableColumn {
            name: name.into(),
            db_type: ty.into(),
            array: false,
            nullable: false,
            default: default.map(str::to_string),
            primary: false,
            generated: None,
            length: None,
            enum_values: None,
        },
        property: name.into(),
        fk: None,
    }
}

/// What an embedded class declares for the entity that embeds it, by property paths from
/// that entity.
enum EmbeddedKey {
    /// An `@Index`.
    Index {
        name: Option<String>,
        paths: Vec<String>,
        unique: bool,
        where_clause: Option<String>,
    },
    /// A `unique: true` column: a unique constraint rather than an index.
    Unique { paths: Vec<String> },
}

fn dedup_by_name<T>(items: &mut Vec<T>, name: impl Fn(&T) -> &String) {
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(name(i).clone()));
}

fn relation_options(d: &Decorator) -> Option<&Value> {
    d.args
        .iter()
        .skip(1)
        .map(|a| &a.value)
        .find(|v| v.as_object().is_some())
}

fn option_str(options: Option<&Value>, key: &str) -> Option<String> {
    options?.get(key)?.value.as_str().map(str::to_string)
}

/// `DefaultNamingStrategy.columnName` with embedded prefixes:
/// `camelCase(prefixes.join('_')) + titleCase(name)`; snake_case: all snake-cased.
pub fn embedded_column_name(
    prefixes: &[String],
    explicit: Option<&str>,
    property: &str,
    strategy: NamingStrategy,
) -> String {
    let prefixes: Vec<&str> = prefixes
        .iter()
        .map(String::as_str)
        .filter(|p| !p.is_empty())
        .collect();
    match strategy {
        NamingStrategy::Default => {
            let name = explicit.unwrap_or(property);
            format!("{}{}", camel_case(&prefixes.join("_")), title_case(name))
        }
        NamingStrategy::SnakeCase => {
            let mut joined = prefixes.join("_");
            joined.push('_');
            format!(
                "{}{}",
                snake_case(&joined),
                explicit
                    .map(str::to_string)
                    .unwrap_or_else(|| snake_case(property))
            )
        }
    }
}

/// TypeORM's `titleCase`: each word's first letter upper, THE REST LOWER CASE, so an
/// embedded `postalCode` under `address` is `addressPostalcode`, not `addressPostalCode`.
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word_start = true;
    for c in s.chars() {
        if c.is_whitespace() {
            word_start = true;
            out.push(c);
        } else if word_start && (c.is_alphanumeric() || c == '_') {
            out.extend(c.to_uppercase());
            word_start = false;
        } else if word_start {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Type aliases followed to what they stand for, at most this deep (an alias of an alias).
const MAX_ALIAS_DEPTH: usize = 8;

/// The type TypeORM reads from `design:type` when a column names none, for an annotation
/// that names no workspace type.
fn inferred_type(ts: &str) -> Option<String> {
    let parts: Vec<&str> = ts
        .split('|')
        .map(str::trim)
        .filter(|p| !matches!(*p, "null" | "undefined" | ""))
        .collect();
    let literal = |p: &&str| {
        let quoted = |q: char| p.len() >= 2 && p.starts_with(q) && p.ends_with(q);
        if quoted('\'') || quoted('"') || quoted('`') {
            Some("varchar")
        } else if p.parse::<f64>().is_ok() {
            Some("int")
        } else if matches!(*p, "true" | "false") {
            Some("bool")
        } else {
            None
        }
    };
    match parts.as_slice() {
        // The wrapper object types serialize as themselves: `String` is `String`.
        ["string" | "String"] => Some("varchar".into()),
        ["number" | "Number"] => Some("int".into()),
        ["boolean" | "Boolean"] => Some("bool".into()),
        ["Date"] => Some("timestamp".into()),
        // A union of literals of one kind: TypeScript emits `String` (`Number`, `Boolean`)
        // as its `design:type`.
        [first, rest @ ..] => {
            let kind = literal(first)?;
            rest.iter()
                .all(|p| literal(p) == Some(kind))
                .then(|| kind.to_string())
        }
        _ => None,
    }
}

/// `PostgresDriver.normalizeType`.
pub fn normalize_type(t: &str) -> String {
    match t {
        "int" | "int4" | "integer" => "integer",
        "varchar" | "string" => "character varying",
        "timestamp" => "timestamp without time zone",
        "timestamptz" => "timestamp with time zone",
        "time" => "time without time zone",
        "timetz" => "time with time zone",
        "bool" => "boolean",
        "simple-array" | "simple-json" => "text",
        "simple-enum" => "enum",
        "int2" => "smallint",
        "int8" => "bigint",
        "decimal" => "numeric",
        "float8" | "float" => "double precision",
        "float4" => "real",
        "char" => "character",
        "varbit" => "bit varying",
        other => other,
    }
    .to_string()
}

/// `PostgresDriver.normalizeDefault` for a literal default.
fn sql_default(v: &Value, is_array: bool) -> Option<String> {
    match v {
        Value::Null | Value::Undefined => None,
        Value::Str(s) => Some(format!("'{s}'")),
        Value::Num(n) => Some(format!("'{}'", js_number(*n))),
        Value::Bool(b) => Some(b.to_string()),
        Value::Arrow { body, .. } => body.value.as_str().map(datetime_function),
        Value::Array(items) if is_array => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| match &i.value {
                    Value::Str(s) => s.to_string(),
                    Value::Num(n) => js_number(*n),
                    Value::Bool(b) => b.to_string(),
                    _ => String::new(),
                })
                .collect();
            Some(format!("'{{{}}}'", parts.join(",")))
        }
        // An object or array default of a `json` column: `'${JSON.stringify(value)}'`.
        Value::Array(_) | Value::Object(_) => json_literal(v).map(|j| format!("'{j}'")),
        Value::Const { value, .. } => sql_default(&value.value, is_array),
        Value::Member(m) => Some(format!("'{}'", m)),
        _ => None,
    }
}

/// A literal JavaScript takes for false (`!options.default` in TypeORM's `ColumnMetadata`).
fn is_falsy_literal(v: &Value) -> bool {
    match v {
        Value::Null | Value::Undefined | Value::Bool(false) => true,
        Value::Num(n) => *n == 0.0 || n.is_nan(),
        Value::Str(s) => s.is_empty(),
        _ => false,
    }
}

/// `PostgresDriver.normalizeDatetimeFunction`: `CURRENT_TIMESTAMP` is stored as `now()`.
fn datetime_function(value: &str) -> String {
    let upper = value.to_uppercase();
    let precision = value
        .find('(')
        .and_then(|i| value.get(i..=i + value.get(i..)?.find(')')?))
        .filter(|p| p.len() > 2 && p[1..p.len() - 1].chars().all(|c| c.is_ascii_digit()));
    if upper.contains("CURRENT_TIMESTAMP") {
        match precision {
            Some(p) => format!("('now'::text)::timestamp{p} with time zone"),
            None => "now()".into(),
        }
    } else if upper == "CURRENT_DATE" {
        "('now'::text)::date".into()
    } else if upper.contains("CURRENT_TIME") {
        match precision {
            Some(p) => format!("('now'::text)::time{p} with time zone"),
            None => "('now'::text)::time with time zone".into(),
        }
    } else if upper.contains("LOCALTIMESTAMP") {
        match precision {
            Some(p) => format!("('now'::text)::timestamp{p} without time zone"),
            None => "('now'::text)::timestamp without time zone".into(),
        }
    } else if upper.contains("LOCALTIME") {
        match precision {
            Some(p) => format!("('now'::text)::time{p} without time zone"),
            None => "('now'::text)::time without time zone".into(),
        }
    } else {
        value.to_string()
    }
}

/// `JSON.stringify` of a literal array or object; None when it holds anything else.
fn json_literal(v: &Value) -> Option<String> {
    Some(match v {
        Value::Str(s) => serde_json::to_string(s).ok()?,
        Value::Num(n) => js_number(*n),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(|i| json_literal(&i.value)).collect();
            format!("[{}]", parts?.join(","))
        }
        Value::Object(props) => {
            let parts: Option<Vec<String>> = props
                .iter()
                .map(|p| {
                    Some(format!(
                        "{}:{}",
                        serde_json::to_string(&p.key).ok()?,
                        json_literal(&p.value.value)?
                    ))
                })
                .collect();
            format!("{{{}}}", parts?.join(","))
        }
        _ => return None,
    })
}

fn js_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_names_hash_the_percent_encoded_key() {
        // From TypeORM 0.3.31: `new DefaultNamingStrategy().indexName(...)`.
        assert_eq!(
            constraint_name("IDX_", 26, "post", &["authorId".into()], None),
            "IDX_c6fb082a3114f35d0cc27c518e"
        );
        assert_eq!(
            constraint_name(
                "IDX_",
                26,
                "post",
                &["a".into()],
                Some("\"deleted\" IS NULL")
            ),
            "IDX_1bcffc67dbc9a2601268c5cc0f"
        );
    }

    /// nest-admin's `provider: 'sms' | 'email'` with a bare `@Column()`: TypeORM reads
    /// `String` from `design:type` and creates `character varying`.
    #[test]
    fn literal_unions_take_the_type_typescript_emits() {
        assert_eq!(inferred_type("'sms' | 'email'").as_deref(), Some("varchar"));
        assert_eq!(inferred_type("\"a\" | null").as_deref(), Some("varchar"));
        assert_eq!(inferred_type("1 | 2 | 3").as_deref(), Some("int"));
        assert_eq!(inferred_type("true").as_deref(), Some("bool"));
        // Mixed literals are `Object`: TypeORM refuses the column; no guess.
        assert_eq!(inferred_type("'a' | 1"), None);
        assert_eq!(inferred_type("Status"), None);
    }

    /// A bare `@Column()` typed by an enum takes the type TypeScript emits for it, and a
    /// default naming a member without an initializer is that member's number (both as
    /// TypeORM 0.3.31 builds them: `fixtures/forms` `Account.tier`, `previousStatus`).
    #[test]
    fn enum_typed_columns_and_implicit_enum_defaults() {
        let ws = crate::rules::testing::workspace(&[(
            "src/seat.entity.ts",
            "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
export enum Kind { Aisle = 'aisle', Window = 'window' }
export enum Row { First, Second, Tenth = 10, Eleventh }
@Entity()
export class Seat {
  @PrimaryGeneratedColumn() id: number;
  @Column() kind: Kind;
  @Column({ default: Row.Eleventh }) row: Row;
  @Column({ default: Row.Second }) backup: Row;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let seat = schema.table("seat");
        let col = |n: &str| seat.columns.iter().find(|c| c.name == n).expect("column");
        assert_eq!(col("kind").db_type, "character varying");
        assert_eq!(col("row").db_type, "integer");
        assert_eq!(col("row").default.as_deref(), Some("'11'"));
        assert_eq!(col("backup").default.as_deref(), Some("'1'"));
    }

    /// `length` named by a const of the file or of another file (safe-client-gateway's
    /// `length: NAME_MAX_LENGTH`): TypeORM 0.3.31 reads the number.
    #[test]
    fn lengths_named_by_consts() {
        let ws = crate::rules::testing::workspace(&[
            ("src/limits.ts", "export const NAME_MAX = 30;\n"),
            (
                "src/member.entity.ts",
                "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NAME_MAX } from './limits';
const CHAIN_ID_MAX = 78;
@Entity()
export class Member {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: NAME_MAX }) alias: string;
  @Column({ type: 'varchar', length: CHAIN_ID_MAX }) chainId: string;
  @Column({ type: 'varchar', length: UNKNOWN }) other: string;
}
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let member = schema.table("member");
        let col = |n: &str| member.columns.iter().find(|c| c.name == n).expect("column");
        assert_eq!(col("alias").length.as_deref(), Some("30"));
        assert_eq!(col("chainId").length.as_deref(), Some("78"));
        assert_eq!(col("other").length, None);
    }

    /// A bare `@Column()` typed by a type alias of the workspace, an alias of an enum, a
    /// wrapper object type (`Boolean`) or a union whose parts all serialize alike takes what
    /// TypeScript emits for it (TypeORM 0.3.31 on ever-gauzy's `entityId: ID`,
    /// `bufferTimeEnd?: Boolean`); parts that disagree make no type.
    #[test]
    fn aliases_and_wrapper_types_take_the_type_typescript_emits() {
        let ws = crate::rules::testing::workspace(&[
            (
                "src/types.ts",
                "export type Key = string;
export type KeyAgain = Key;
export enum Level { Low = 'low', High = 'high' }
export type LevelOrText = Level | string;
export enum Step { One, Two }
",
            ),
            (
                "src/ticket.entity.ts",
                "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Key, KeyAgain, LevelOrText, Step } from './types';
@Entity()
export class Ticket {
  @PrimaryGeneratedColumn() id: number;
  @Column() ownerKey: Key;
  @Column({ nullable: true }) otherKey?: KeyAgain | null;
  @Column() level: LevelOrText;
  @Column() urgent: Boolean;
  @Column() weight: Number;
  @Column() label: String;
  @Column() odd: Step | string;
}
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let ticket = schema.table("ticket");
        let ty = |n: &str| {
            ticket
                .columns
                .iter()
                .find(|c| c.name == n)
                .map(|c| c.db_type.as_str())
                .expect("column")
        };
        assert_eq!(ty("ownerKey"), "character varying");
        assert_eq!(ty("otherKey"), "character varying");
        assert_eq!(ty("level"), "character varying");
        assert_eq!(ty("urgent"), "boolean");
        assert_eq!(ty("weight"), "integer");
        assert_eq!(ty("label"), "character varying");
        assert_eq!(ty("odd"), "");
    }

    /// A default naming a constant exported by another file is that constant's value
    /// (TypeORM 0.3.31 on ever-gauzy's `default: DEFAULT_STANDARD_WORK_HOURS_PER_DAY`).
    #[test]
    fn a_default_naming_an_imported_constant_is_its_value() {
        let ws = crate::rules::testing::workspace(&[
            (
                "src/limits.ts",
                "export const MAX_SEATS = 8;\nexport const GREETING = 'hi';\n",
            ),
            (
                "src/room.entity.ts",
                "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { GREETING, MAX_SEATS } from './limits';
@Entity()
export class Room {
  @PrimaryGeneratedColumn() id: number;
  @Column({ default: MAX_SEATS }) seats: number;
  @Column({ default: GREETING }) greeting: string;
}
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let room = schema.table("room");
        let default = |n: &str| {
            room.columns
                .iter()
                .find(|c| c.name == n)
                .and_then(|c| c.default.clone())
        };
        assert_eq!(default("seats").as_deref(), Some("'8'"));
        assert_eq!(default("greeting").as_deref(), Some("'hi'"));
    }

    /// A relation inside an embedded class pointing back at the entity that embeds it
    /// (TypeORM's own test of issue 6977) is one foreign key to that entity's key, not an
    /// endless expansion.
    #[test]
    fn an_embedded_relation_back_to_its_owner_is_one_key() {
        let ws = crate::rules::testing::workspace(&[
            (
                "src/links.ts",
                "import { ManyToOne } from 'typeorm';
import { Person } from './person.entity';
export class Links {
  @ManyToOne(() => Person) mentor: Person;
}
",
            ),
            (
                "src/person.entity.ts",
                "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Links } from './links';
@Entity()
export class Person {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Links) links: Links;
}
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let person = schema.table("person");
        let names: Vec<&str> = person.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "linksMentorid"]);
        assert_eq!(person.foreign_keys.len(), 1);
        assert_eq!(person.foreign_keys[0].referenced_table, "person");
    }

    /// `@Generated()` beside a column makes it generated (and `uuid` typed for the `uuid`
    /// strategy), and a constructor as the type (`type: Number`, EntitySchema's usual form)
    /// is that type (TypeORM 0.3.31 on its own tests `uuid/*`, `entity-schema/basic`).
    #[test]
    fn generated_decorators_and_constructor_types() {
        let ws = crate::rules::testing::workspace(&[
            (
                "src/coupon.entity.ts",
                "import { Column, Entity, Generated, PrimaryColumn } from 'typeorm';
@Entity()
export class Coupon {
  @PrimaryColumn() @Generated() code: number;
  @Column() @Generated('uuid') token: string;
  @Column({ type: Boolean }) used: boolean;
}
",
            ),
            (
                "src/badge.schema.ts",
                "import { EntitySchema } from 'typeorm';
export const BadgeSchema = new EntitySchema({
  name: 'badge',
  columns: {
    id: { type: Number, primary: true },
    label: { type: String },
  },
});
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let col = |table: &str, name: &str| {
            schema
                .tables
                .iter()
                .find(|t| t.name == table)
                .and_then(|t| t.columns.iter().find(|c| c.name == name))
                .map(|c| (c.db_type.clone(), c.generated.clone()))
                .expect("column")
        };
        assert_eq!(
            col("coupon", "code"),
            ("integer".into(), Some("increment".into()))
        );
        assert_eq!(col("coupon", "token"), ("uuid".into(), Some("uuid".into())));
        assert_eq!(col("coupon", "used"), ("boolean".into(), None));
        assert_eq!(col("badge", "id"), ("integer".into(), None));
        assert_eq!(col("badge", "label"), ("character varying".into(), None));
    }

    /// A one-to-one whose join column is the primary key gets no `REL_` unique constraint
    /// (TypeORM 0.3.31 on its own `primary-join-column` and shared-primary-key tests).
    #[test]
    fn a_primary_one_to_one_join_column_has_no_extra_unique() {
        let ws = crate::rules::testing::workspace(&[
            (
                "src/account.entity.ts",
                "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Account {
  @PrimaryGeneratedColumn() id: number;
}
",
            ),
            (
                "src/settings.entity.ts",
                "import { Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Account } from './account.entity';
@Entity()
export class Settings {
  @PrimaryColumn() accountId: number;
  @OneToOne(() => Account) @JoinColumn() account: Account;
}
",
            ),
            (
                "src/avatar.entity.ts",
                "import { Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Account } from './account.entity';
@Entity()
export class Avatar {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Account) @JoinColumn() account: Account;
}
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let uniques = |table: &str| {
            schema
                .tables
                .iter()
                .find(|t| t.name == table)
                .map(|t| t.uniques.len())
                .expect("table")
        };
        assert_eq!(uniques("settings"), 0);
        assert_eq!(uniques("avatar"), 1);
    }

    /// `@Column({ unique: true })` inside an embedded class is a unique constraint of the
    /// embedding entity on the prefixed column.
    #[test]
    fn a_unique_column_inside_an_embedded_class_is_a_constraint() {
        let ws = crate::rules::testing::workspace(&[(
            "src/member.ts",
            "import { Entity, PrimaryGeneratedColumn, Column } from 'typeorm';
export class Handle {
  @Column({ unique: true }) nick: string;
  @Column() shown: string;
}
@Entity()
export class Member {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Handle) handle: Handle;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let member = schema.table("member");
        let nick = vec!["handleNick".to_string()];
        let uniques: Vec<(&str, &[String])> = member
            .uniques
            .iter()
            .map(|u| (u.name.as_str(), u.columns.as_slice()))
            .collect();
        let name = constraint_name("UQ_", 27, "member", &nick, None);
        assert_eq!(uniques, [(name.as_str(), nick.as_slice())]);
        assert!(member.indices.is_empty());
    }

    /// A single-table parent gets an index on its discriminator column, unless an `@Index`
    /// already names that column alone (TypeORM's createKeysForTableInheritance).
    #[test]
    fn an_indexed_discriminator_gets_no_second_index() {
        let ws = crate::rules::testing::workspace(&[(
            "src/media.ts",
            "import { Entity, PrimaryGeneratedColumn, Column, Index, TableInheritance, ChildEntity } from 'typeorm';
@Entity()
@TableInheritance({ column: { type: String, name: 'kind' } })
export class Media {
  @PrimaryGeneratedColumn() id: number;
  @Column() @Index('media_kind') kind: string;
}
@ChildEntity()
export class Clip extends Media {}
@Entity()
@TableInheritance({ column: { type: String, name: 'kind' } })
export class Asset {
  @PrimaryGeneratedColumn() id: number;
}
@ChildEntity()
export class Font extends Asset {}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let indices = |t: &str| -> Vec<String> {
            let table = schema.tables.iter().find(|x| x.name == t).expect(t);
            table.indices.iter().map(|i| i.name.clone()).collect()
        };
        assert_eq!(indices("media"), ["media_kind"]);
        let kind = vec!["kind".to_string()];
        assert_eq!(
            indices("asset"),
            [constraint_name("IDX_", 26, "asset", &kind, None)]
        );
    }

    /// `@Index` naming an embedded property path indexes the prefixed column, and an
    /// `@Index` inside an embedded class (on a property or on the class) indexes the
    /// embedding entity (TypeORM 0.3.31 on its `embeddeds-index` test).
    #[test]
    fn indexes_through_and_inside_embedded_classes() {
        let ws = crate::rules::testing::workspace(&[(
            "src/store.ts",
            "import { Entity, PrimaryGeneratedColumn, Column, Index } from 'typeorm';
@Index(['aisle', 'shelf'])
export class Spot {
  @Column() aisle: number;
  @Column() shelf: number;
  @Index('spot_bin', { unique: true }) @Column() bin: string;
}
@Entity()
@Index('store_spot_aisle', ['spot.aisle'])
export class Store {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Spot, { prefix: 'at' }) spot: Spot;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let store = schema.table("store");
        let mut got: Vec<(String, Vec<String>, bool)> = store
            .indices
            .iter()
            .map(|i| (i.name.clone(), i.columns.clone(), i.unique))
            .collect();
        got.sort();
        let pair = vec!["atAisle".to_string(), "atShelf".to_string()];
        let mut want = vec![
            ("spot_bin".to_string(), vec!["atBin".to_string()], true),
            (
                "store_spot_aisle".to_string(),
                vec!["atAisle".to_string()],
                false,
            ),
            (
                constraint_name("IDX_", 26, "store", &pair, None),
                pair.clone(),
                false,
            ),
        ];
        want.sort();
        assert_eq!(got, want);
    }

    /// `@ForeignKey` without a relation makes a key: on a property (target by class, by
    /// table name, inverse side by name or arrow) and on the class (columns listed); and an
    /// `EntitySchema`'s `foreignKeys` and column `foreignKey` (TypeORM 0.3.26+).
    #[test]
    fn declared_foreign_keys_without_relations() {
        let ws = crate::rules::testing::workspace(&[
            (
                "src/depot.ts",
                "import { Entity, PrimaryColumn, Column, ForeignKey } from 'typeorm';
@Entity('depots')
export class Depot {
  @PrimaryColumn() id: number;
  @Column() label: string;
}
@Entity()
export class Bay {
  @PrimaryColumn() depot: number;
  @PrimaryColumn() row: string;
}
@Entity()
@ForeignKey(() => Bay, ['bayDepot', 'bayRow'], ['depot', 'row'])
export class Parcel {
  @PrimaryColumn() id: number;
  @Column() @ForeignKey('depots', { onDelete: 'CASCADE' }) depotId: number;
  @Column({ name: 'label_ref' }) @ForeignKey(() => Depot, (d) => d.label, { name: 'FK_label' })
  labelRef: string;
  @Column() bayDepot: number;
  @Column() bayRow: string;
}
",
            ),
            (
                "src/schemas.ts",
                "import { EntitySchema } from 'typeorm';
export const CrateSchema = new EntitySchema({
  name: 'crate',
  columns: { code: { type: String, primary: true } },
});
export const PalletSchema = new EntitySchema({
  name: 'pallet',
  columns: {
    id: { type: Number, primary: true },
    crateCode: { type: String, foreignKey: { target: CrateSchema, inverseSide: 'code' } },
    spareCode: { type: String },
  },
  foreignKeys: [{ target: 'crate', columnNames: ['spareCode'], referencedColumnNames: ['code'], name: 'FK_spare' }],
});
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let keys = |table: &str| {
            let t = schema.table(table);
            let mut keys: Vec<String> = t
                .foreign_keys
                .iter()
                .map(|f| {
                    format!(
                        "{} ({}) -> {} ({}) {}",
                        f.name,
                        f.columns.join(","),
                        f.referenced_table,
                        f.referenced_columns.join(","),
                        f.on_delete
                    )
                })
                .collect();
            keys.sort();
            keys
        };
        let hashed = |table: &str, cols: &[&str]| {
            let cols: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
            constraint_name("FK_", 27, table, &cols, None)
        };
        let mut parcel = vec![
            "FK_label (label_ref) -> depots (label) NO ACTION".to_string(),
            format!(
                "{} (depotId) -> depots (id) CASCADE",
                hashed("parcel", &["depotId"])
            ),
            format!(
                "{} (bayDepot,bayRow) -> bay (depot,row) NO ACTION",
                hashed("parcel", &["bayDepot", "bayRow"])
            ),
        ];
        parcel.sort();
        assert_eq!(keys("parcel"), parcel);
        let mut pallet = vec![
            "FK_spare (spareCode) -> crate (code) NO ACTION".to_string(),
            format!(
                "{} (crateCode) -> crate (code) NO ACTION",
                hashed("pallet", &["crateCode"])
            ),
        ];
        pallet.sort();
        assert_eq!(keys("pallet"), pallet);
    }

    /// `@TreeLevelColumn()` is an integer column of the entity, and its closure table gets
    /// an integer `level` (TypeORM 0.3.31's ClosureJunctionEntityMetadataBuilder).
    #[test]
    fn a_tree_level_column_is_integer_and_in_the_closure_table() {
        let ws = crate::rules::testing::workspace(&[(
            "src/topic.ts",
            "import { Entity, PrimaryGeneratedColumn, Tree, TreeChildren, TreeParent, TreeLevelColumn } from 'typeorm';
@Entity()
@Tree('closure-table')
export class Topic {
  @PrimaryGeneratedColumn() id: number;
  @TreeParent() parent: Topic;
  @TreeChildren() children: Topic[];
  @TreeLevelColumn() depth: number;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let table = |n: &str| schema.table(n);
        let depth = table("topic")
            .columns
            .iter()
            .find(|c| c.name == "depth")
            .expect("depth");
        assert_eq!((depth.db_type.as_str(), depth.nullable), ("integer", false));
        let level = table("topic_closure")
            .columns
            .iter()
            .find(|c| c.name == "level")
            .expect("level in the closure table");
        assert_eq!((level.db_type.as_str(), level.primary), ("integer", false));
    }

    /// A foreign key to an entity in a named schema references `schema.table` (TypeORM's
    /// `referencedTablePath`), the schema given literally or by a const; the key's name
    /// still hashes the bare table.
    #[test]
    fn a_key_to_an_entity_in_a_schema_references_its_path() {
        let ws = crate::rules::testing::workspace(&[(
            "src/ledger.ts",
            "import { Entity, PrimaryGeneratedColumn, ManyToOne } from 'typeorm';
const ARCHIVE = 'archive';
@Entity({ schema: ARCHIVE })
export class Account {
  @PrimaryGeneratedColumn() id: number;
}
@Entity({ schema: 'billing' })
export class Entry {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Account) account: Account;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let entry = schema.table("entry");
        let fk = entry.foreign_keys.first().expect("key to account");
        assert_eq!(fk.referenced_table, "archive.account");
        assert_eq!(
            fk.name,
            constraint_name("FK_", 27, "entry", &["accountId".to_string()], None)
        );
        let ddl = super::super::ddl::postgres(&schema);
        assert!(ddl.contains(r#"REFERENCES "archive"."account""#), "{ddl}");
    }

    /// A `@ManyToMany() @JoinTable()` inside an embedded class has its junction on the
    /// embedding entity, named by the property path and keyed on the entity's primary key
    /// (TypeORM 0.3.31 on its `embedded-many-to-many` tests).
    #[test]
    fn an_embedded_many_to_many_has_its_junction() {
        let ws = crate::rules::testing::workspace(&[(
            "src/shelf.ts",
            "import { Entity, PrimaryGeneratedColumn, Column, ManyToMany, JoinTable } from 'typeorm';
@Entity()
export class Reader {
  @PrimaryGeneratedColumn() id: number;
}
export class Stats {
  @Column() views: number;
  @ManyToMany(() => Reader)
  @JoinTable()
  favouredBy: Reader[];
}
@Entity()
export class Book {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Stats) stats: Stats;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let junction = schema.table("book_stats_favoured_by_reader");
        let names: Vec<&str> = junction.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["bookId", "readerId"]);
        assert_eq!(junction.foreign_keys.len(), 2);
    }

    /// Two classes named `Post` on one table, each with its own `Category` (TypeORM's
    /// `multiple-primary-keys-many-to-many` tests load both): the table is the first's,
    /// the second's junction exists too, keyed on the `Category` its file imports.
    #[test]
    fn a_second_entity_on_a_table_keeps_its_junction() {
        let ws = crate::rules::testing::workspace(&[
            (
                "src/a/category.ts",
                "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Category {
  @PrimaryGeneratedColumn() id: number;
}
",
            ),
            (
                "src/a/post.ts",
                "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Post {
  @PrimaryGeneratedColumn() id: number;
}
",
            ),
            (
                "src/b/category.ts",
                "import { Entity, PrimaryColumn } from 'typeorm';
@Entity()
export class Category {
  @PrimaryColumn() code: string;
}
",
            ),
            (
                "src/b/post.ts",
                "import { Entity, PrimaryGeneratedColumn, ManyToMany, JoinTable } from 'typeorm';
import { Category } from './category';
@Entity()
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @ManyToMany(() => Category)
  @JoinTable()
  categories: Category[];
}
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let junction = schema.table("post_categories_category");
        let names: Vec<&str> = junction.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["categoryCode", "postId"]);
        let types: Vec<&str> = junction
            .columns
            .iter()
            .map(|c| c.db_type.as_str())
            .collect();
        assert_eq!(types, ["character varying", "integer"]);
    }

    /// An `EntitySchema` many-to-many with `joinTable: true` has its junction table, as a
    /// decorated one does (TypeORM 0.3.31 on its own `entity-schema/basic` test).
    #[test]
    fn an_entity_schema_many_to_many_has_its_junction() {
        let ws = crate::rules::testing::workspace(&[(
            "src/schemas.ts",
            "import { EntitySchema } from 'typeorm';
export const TagSchema = new EntitySchema({
  name: 'tag',
  columns: { id: { type: Number, primary: true, generated: true } },
});
export const NoteSchema = new EntitySchema({
  name: 'note',
  columns: { id: { type: Number, primary: true, generated: true } },
  relations: {
    tags: { type: 'many-to-many', target: 'tag', joinTable: true, onDelete: 'CASCADE' },
  },
});
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let junction = schema.table("note_tags_tag");
        let names: Vec<&str> = junction.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["noteId", "tagId"]);
        let to_note = junction
            .foreign_keys
            .iter()
            .find(|f| f.referenced_table == "note")
            .expect("key to note");
        assert_eq!(to_note.on_delete, "CASCADE");
    }

    /// A one-to-one to a view references no key: no join column, so no foreign key (TypeORM
    /// 0.3.31 on its view-dependencies test), where one without columns was listed.
    #[test]
    fn a_relation_to_a_view_has_no_key() {
        let ws = crate::rules::testing::workspace(&[(
            "src/report.entity.ts",
            "import { Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn, ViewColumn, ViewEntity } from 'typeorm';
@ViewEntity({ expression: 'SELECT 1 AS total' })
export class Totals {
  @ViewColumn() total: number;
}
@Entity()
export class Report {
  @PrimaryGeneratedColumn() id: number;
  @OneToOne(() => Totals) @JoinColumn() totals: Totals;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let report = schema.table("report");
        assert!(report.foreign_keys.is_empty(), "{:?}", report.foreign_keys);
        assert!(report.uniques.is_empty(), "{:?}", report.uniques);
    }

    /// TypeORM trims each name of an index's or unique constraint's column list, so a
    /// stray space (`'code '`) still names the column (its own idempotency test).
    #[test]
    fn index_column_lists_are_trimmed() {
        let ws = crate::rules::testing::workspace(&[(
            "src/part.entity.ts",
            "import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
@Entity()
@Unique(['code ', 'kind'])
@Index([' kind', 'code'], { unique: true })
export class Part {
  @PrimaryGeneratedColumn() id: number;
  @Column() code: string;
  @Column() kind: string;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let part = schema.table("part");
        assert_eq!(part.uniques[0].columns, ["code", "kind"]);
        assert_eq!(part.indices[0].columns, ["kind", "code"]);
    }

    /// An `EntitySchema` mapping a class (`target: Shelf`) is named after the class, which
    /// a relation's `() => 'Shelf'` finds (TypeORM calls the function, then looks the
    /// string up); a `virtualProperty` column has no column; `trees: [{ type:
    /// 'nested-set' }]` adds `nsleft` / `nsright` (TypeORM 0.3.31 on its entity-schema
    /// tests).
    #[test]
    fn entity_schema_targets_virtual_properties_and_trees() {
        let ws = crate::rules::testing::workspace(&[(
            "src/schemas.ts",
            "import { EntitySchema } from 'typeorm';
export class Shelf { id: number; size: number; }
export const ShelfSchema = new EntitySchema<Shelf>({
  name: 'bookshelf',
  target: Shelf,
  columns: {
    id: { type: Number, primary: true, generated: true },
    size: { type: Number, virtualProperty: true, query: (a) => `SELECT 1` },
  },
  trees: [{ type: 'nested-set' }],
});
export const LoanSchema = new EntitySchema({
  name: 'loan',
  columns: { id: { type: Number, primary: true, generated: true } },
  relations: { shelf: { type: 'many-to-one', target: () => 'Shelf' } },
});
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let shelf = schema.table("shelf");
        assert_eq!(shelf.entity.as_deref(), Some("Shelf"));
        let names: Vec<&str> = shelf.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "nsleft", "nsright"]);
        let loan = schema.table("loan");
        assert_eq!(loan.foreign_keys.len(), 1);
        assert_eq!(loan.foreign_keys[0].referenced_table, "shelf");
    }

    /// `@JoinTable({ inverseJoinColumns: [...] })` (the plural) orders and names the
    /// junction's columns as listed (TypeORM 0.3.31 on its `composite-foreign-key-order`
    /// test); before, the plural was read only when the singular gave nothing, which the
    /// default primary columns always did.
    #[test]
    fn plural_join_table_columns_keep_their_order() {
        let ws = crate::rules::testing::workspace(&[(
            "src/shelf.entity.ts",
            "import { Entity, JoinTable, ManyToMany, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Bin {
  @PrimaryColumn() row: number;
  @PrimaryColumn() col: number;
}
@Entity()
export class Shelf {
  @PrimaryGeneratedColumn() id: number;
  @ManyToMany(() => Bin)
  @JoinTable({
    joinColumns: [{ name: 'shelf', referencedColumnName: 'id' }],
    inverseJoinColumns: [
      { name: 'binCol', referencedColumnName: 'col' },
      { name: 'binRow', referencedColumnName: 'row' },
    ],
  })
  bins: Bin[];
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let junction = schema.table("shelf_bins_bin");
        let to_bin = junction
            .foreign_keys
            .iter()
            .find(|f| f.referenced_table == "bin")
            .expect("key to bin");
        assert_eq!(to_bin.columns, ["binCol", "binRow"]);
        assert_eq!(to_bin.referenced_columns, ["col", "row"]);
        assert!(junction.columns.iter().any(|c| c.name == "shelf"));
    }

    /// `@Tree('closure-table', { closureTableName, ancestorColumnName, descendantColumnName })`
    /// names the closure table and its columns (TypeORM 0.3.31 on its own
    /// `closure-table/custom-column-names` test).
    #[test]
    fn closure_table_options_name_the_table_and_columns() {
        let ws = crate::rules::testing::workspace(&[(
            "src/folder.entity.ts",
            "import { Entity, PrimaryGeneratedColumn, Tree, TreeChildren, TreeParent } from 'typeorm';
@Entity()
@Tree('closure-table', {
  closureTableName: 'folder_paths',
  ancestorColumnName: (column) => 'up_' + column.propertyName,
  descendantColumnName: () => 'down',
})
export class Folder {
  @PrimaryGeneratedColumn() id: number;
  @TreeParent() parent: Folder;
  @TreeChildren() children: Folder[];
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let closure = schema.table("folder_paths_closure");
        let names: Vec<&str> = closure.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["down", "up_id"]);
    }

    /// `@TreeParent() @JoinColumn({ name: 'parent_id' })` keys the tree on that column, the
    /// one a declared `@Column({ name: 'parent_id' })` already holds (TypeORM 0.3.31 on its
    /// own `closure-table/basic` test).
    #[test]
    fn a_tree_parent_join_column_name_is_its_key() {
        let ws = crate::rules::testing::workspace(&[(
            "src/node.entity.ts",
            "import { Column, Entity, JoinColumn, PrimaryGeneratedColumn, Tree, TreeParent } from 'typeorm';
@Entity()
@Tree('closure-table')
export class Node {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'parent_id', nullable: true }) parentId: number;
  @TreeParent() @JoinColumn({ name: 'parent_id' }) parent: Node;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let node = schema.table("node");
        let names: Vec<&str> = node.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "parent_id"]);
        assert_eq!(node.foreign_keys.len(), 1);
        assert_eq!(node.foreign_keys[0].columns, ["parent_id"]);
    }

    /// A one-to-one inside an embedded class has its `REL_` unique constraint, and an
    /// enum array's default naming members is their values (TypeORM 0.3.31 on its own
    /// `embedded-one-to-one` and `enum-array-column` tests).
    #[test]
    fn embedded_one_to_one_unique_and_enum_array_defaults() {
        let ws = crate::rules::testing::workspace(&[
            (
                "src/badge.entity.ts",
                "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Badge {
  @PrimaryGeneratedColumn() id: number;
}
",
            ),
            (
                "src/player.entity.ts",
                "import { Column, Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Badge } from './badge.entity';
export enum Role { Player = 'PLAYER', Coach = 'COACH' }
export class Stats {
  @OneToOne(() => Badge) @JoinColumn() badge: Badge;
}
@Entity()
export class Player {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => Stats) stats: Stats;
  @Column({ type: 'enum', enum: Role, array: true, default: [Role.Player] }) roles: Role[];
}
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let player = schema.table("player");
        assert_eq!(player.uniques.len(), 1);
        assert!(player.uniques[0].name.starts_with("REL_"));
        let roles = player
            .columns
            .iter()
            .find(|c| c.name == "roles")
            .expect("roles");
        assert_eq!(roles.default.as_deref(), Some("'{PLAYER}'"));
    }

    /// A relation's string target may name the target's table (`@ManyToOne('members')`
    /// with `@Entity('members')`), as TypeORM's `findMetadata` accepts (its own
    /// `table-name-relation` test): the join column gets the key's type and its foreign key.
    #[test]
    fn a_string_target_naming_a_table_is_that_entity() {
        let ws = crate::rules::testing::workspace(&[(
            "src/club.entity.ts",
            "import { Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
@Entity('members')
export class Member {
  @PrimaryGeneratedColumn() id: number;
}
@Entity('cards')
export class Card {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne('members') holder: Member;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let cards = schema.table("cards");
        let holder = cards
            .columns
            .iter()
            .find(|c| c.name == "holderId")
            .expect("holderId");
        assert_eq!(holder.db_type, "integer");
        assert_eq!(cards.foreign_keys.len(), 1);
        assert_eq!(cards.foreign_keys[0].referenced_table, "members");
    }

    /// The embedded columns of a single-table child are nullable like its own columns
    /// (TypeORM 0.3.31 on its own issue 2800 test).
    #[test]
    fn embedded_columns_of_a_single_table_child_are_nullable() {
        let ws = crate::rules::testing::workspace(&[(
            "src/shape.entity.ts",
            "import { ChildEntity, Column, Entity, PrimaryGeneratedColumn, TableInheritance } from 'typeorm';
export class Size {
  @Column() width: number;
}
@Entity()
@TableInheritance({ column: { name: 'kind', type: 'varchar' } })
export class Shape {
  @PrimaryGeneratedColumn() id: number;
}
@ChildEntity()
export class Box extends Shape {
  @Column(() => Size) size: Size;
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let shape = schema.table("shape");
        let width = shape
            .columns
            .iter()
            .find(|c| c.name == "sizeWidth")
            .expect("sizeWidth");
        assert!(width.nullable);
    }

    /// ever-gauzy's `@Column() organizationId: IOrganization['id']` (and `employeeId:
    /// string`) next to the `@ManyToOne` whose join column it is: TypeORM gives the column
    /// the referenced key's type, `uuid`, whatever the declaration says.
    #[test]
    fn a_declared_join_column_takes_the_referenced_type() {
        let ws = crate::rules::testing::workspace(&[
            (
                "src/team.entity.ts",
                "import { Entity, PrimaryGeneratedColumn } from 'typeorm';
@Entity()
export class Team {
  @PrimaryGeneratedColumn('uuid') id: string;
}
",
            ),
            (
                "src/member.entity.ts",
                "import { Column, Entity, ManyToOne, PrimaryGeneratedColumn, RelationId } from 'typeorm';
import { Team } from './team.entity';
@Entity()
export class Member {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Team) team: Team;
  @RelationId((m: Member) => m.team)
  @Column({ nullable: true })
  teamId: string;
  @Column({ nullable: true }) otherId: string;
}
",
            ),
        ]);
        let schema = schema(&ws.model, &ws.config);
        let member = schema.table("member");
        let col = |n: &str| member.columns.iter().find(|c| c.name == n).expect("column");
        assert_eq!(col("teamId").db_type, "uuid");
        assert_eq!(col("otherId").db_type, "character varying");
    }

    /// ever-gauzy's closure-table `PluginCategory` declares `parentId` itself next to its
    /// `@TreeParent() parent`: TypeORM still makes the self-referencing foreign key.
    #[test]
    fn a_declared_tree_parent_column_keeps_its_foreign_key() {
        let ws = crate::rules::testing::workspace(&[(
            "src/folder.entity.ts",
            "import { Column, Entity, PrimaryGeneratedColumn, Tree, TreeParent, TreeChildren } from 'typeorm';
@Entity()
@Tree('closure-table')
export class Folder {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid', nullable: true }) parentId?: string;
  @TreeParent() parent?: Folder;
  @TreeChildren() children: Folder[];
}
",
        )]);
        let schema = schema(&ws.model, &ws.config);
        let folder = schema.table("folder");
        let fk = folder
            .foreign_keys
            .iter()
            .find(|k| k.columns == ["parentId"])
            .expect("the parent key");
        assert_eq!(fk.referenced_table, "folder");
        assert_eq!(
            folder
                .columns
                .iter()
                .filter(|c| c.name == "parentId")
                .count(),
            1
        );
    }

    #[test]
    fn embedded_names_follow_the_strategy() {
        let p = vec!["address".to_string()];
        assert_eq!(
            embedded_column_name(&p, None, "city", NamingStrategy::Default),
            "addressCity"
        );
        assert_eq!(
            embedded_column_name(&p, None, "postalCode", NamingStrategy::Default),
            "addressPostalcode"
        );
        assert_eq!(
            embedded_column_name(&p, None, "zipCode", NamingStrategy::SnakeCase),
            "address_zip_code"
        );
    }
}
