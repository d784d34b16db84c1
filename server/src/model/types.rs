//! The relational model: entities with their tables, columns, relations and indexes.

use crate::finding::Span;
use crate::syntax::Value;
use serde::Serialize;

/// A class of the workspace: file index (into `Model::files`) and class index in its facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct ClassRef {
    pub file: usize,
    pub class: usize,
}

/// Where a model element was declared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Origin {
    pub file: usize,
    /// The class that declares it (None for `EntitySchema` entities).
    pub class: Option<usize>,
    /// The declaring decorator (or property name for schema entries).
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EntityKind {
    /// `@Entity`.
    Table,
    /// `@ChildEntity` (single-table inheritance: the parent's table).
    Child,
    /// `@ViewEntity`.
    View,
    /// `new EntitySchema({...})`.
    Schema,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ColumnKind {
    Regular,
    Primary,
    PrimaryGenerated,
    CreateDate,
    UpdateDate,
    DeleteDate,
    Version,
    Virtual,
    ObjectId,
    View,
    /// `@TreeLevelColumn()`: a closure-table entity's integer depth (the closure table gets
    /// a `level` column too).
    TreeLevel,
    /// `@Column(() => Address)`: columns of an embedded class.
    Embedded,
}

impl ColumnKind {
    pub fn is_primary(self) -> bool {
        matches!(
            self,
            ColumnKind::Primary | ColumnKind::PrimaryGenerated | ColumnKind::ObjectId
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub property: String,
    pub db_name: String,
    pub kind: ColumnKind,
    /// The database type as written (`varchar`, `numeric`), lower case; None when TypeORM
    /// infers it from the TypeScript type.
    pub db_type: Option<String>,
    /// `nullable` as written; None when absent.
    pub nullable: Option<bool>,
    /// The options object has a spread or is a variable: its keys are unknown.
    pub options_opaque: bool,
    /// The decorator passes a `transformer` of its own (subsquid's `BigIntColumn` reads a
    /// `numeric` back as a `bigint`): the property holds what that returns.
    pub decorator_transformer: bool,
    pub unique: bool,
    /// `array: true`.
    pub is_array: bool,
    /// `enum: X` / `enum: [...]`.
    pub enum_values: Option<Value>,
    /// The embedded class of `@Column(() => Address)`.
    pub embedded: Option<String>,
    /// `@ForeignKey(() => Target)` on this column.
    pub foreign_key: Option<String>,
    pub optional: bool,
    pub name_span: Span,
    /// Also the key to the declaring decorator and TypeScript type in the file's facts
    /// ([`Model::decorator_at`](super::Model::decorator_at),
    /// [`Model::type_of`](super::Model::type_of)), which are not copied here.
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RelationKind {
    OneToOne,
    ManyToOne,
    OneToMany,
    ManyToMany,
}

impl RelationKind {
    pub fn decorator(self) -> &'static str {
        match self {
            RelationKind::OneToOne => "OneToOne",
            RelationKind::ManyToOne => "ManyToOne",
            RelationKind::OneToMany => "OneToMany",
            RelationKind::ManyToMany => "ManyToMany",
        }
    }

    /// The kind the other side must have.
    pub fn complement(self) -> RelationKind {
        match self {
            RelationKind::OneToOne => RelationKind::OneToOne,
            RelationKind::ManyToOne => RelationKind::OneToMany,
            RelationKind::OneToMany => RelationKind::ManyToOne,
            RelationKind::ManyToMany => RelationKind::ManyToMany,
        }
    }

    pub fn is_to_many(self) -> bool {
        matches!(self, RelationKind::OneToMany | RelationKind::ManyToMany)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relation {
    pub property: String,
    pub kind: RelationKind,
    /// The target class name (`() => User`, `'User'`).
    pub target: Option<String>,
    /// The class the target names, resolved the way TypeScript would from the file that
    /// declares the relation (None for string targets and names we cannot pin down).
    pub target_class: Option<ClassRef>,
    pub target_span: Option<Span>,
    /// The inverse property (`(u) => u.posts` or `'posts'`).
    pub inverse: Option<String>,
    pub inverse_span: Option<Span>,
    /// Database names of the join columns on this entity's table (owning side only).
    pub join_columns: Vec<String>,
    /// `@JoinColumn` is present.
    pub has_join_column: bool,
    /// `@JoinTable` is present.
    pub has_join_table: bool,
    pub nullable: Option<bool>,
    pub lazy: Option<bool>,
    /// `createForeignKeyConstraints: false`: TypeORM makes no foreign key, and a
    /// one-to-one's join columns get no `REL_` unique constraint either.
    pub without_constraint: bool,
    pub options_opaque: bool,
    pub optional: bool,
    pub name_span: Span,
    /// Also the key to the declaring decorator and TypeScript type in the file's facts
    /// ([`Model::decorator_at`](super::Model::decorator_at),
    /// [`Model::type_of`](super::Model::type_of)), which are not copied here.
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum IndexKind {
    /// `@Index`.
    Index,
    /// `@Unique`.
    Unique,
    /// `unique: true` on a column.
    UniqueColumn,
    Primary,
    /// The unique constraint TypeORM gives an owning `@OneToOne` join column.
    OneToOneJoin,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index {
    pub kind: IndexKind,
    pub name: Option<String>,
    /// Database column names, in order.
    pub columns: Vec<String>,
    /// Some column (or the function) could not be resolved to a column.
    pub unresolved: bool,
    pub unique: bool,
    /// The partial-index predicate (`where`).
    pub where_clause: Option<String>,
    /// The options are not fully known (variable or spread).
    pub options_opaque: bool,
    /// None for primary keys and implicit constraints.
    pub origin: Option<Origin>,
}

impl Index {
    pub fn leading_column(&self) -> Option<&str> {
        self.columns.first().map(String::as_str)
    }

    pub fn is_partial(&self) -> bool {
        self.where_clause.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SoftDelete {
    /// A `@DeleteDateColumn`: TypeORM filters deleted rows in `find*` and QueryBuilder.
    Automatic { column: String },
    /// A plain column named like the configured soft-delete column: every query needs a
    /// hand-written filter.
    Manual { column: String },
}

impl SoftDelete {
    pub fn column(&self) -> &str {
        match self {
            SoftDelete::Automatic { column } | SoftDelete::Manual { column } => column,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    /// The class name (the `name` of an `EntitySchema`).
    pub name: String,
    pub file: usize,
    pub class: Option<usize>,
    pub name_span: Span,
    pub kind: EntityKind,
    pub table: String,
    /// Superclasses found in the workspace, nearest first.
    pub ancestors: Vec<ClassRef>,
    /// The first superclass name that is not a class of the workspace (e.g. `BaseEntity`).
    pub external_ancestor: Option<String>,
    pub columns: Vec<Column>,
    pub relations: Vec<Relation>,
    pub indexes: Vec<Index>,
    pub soft_delete: Option<SoftDelete>,
    /// Relations declared in embedded classes (`@Column(() => Extra) extra`), with the
    /// embedded path as property (`extra.owner`): what `(t) => t.extra.owner` names.
    pub embedded_relations: Vec<Relation>,
    /// The properties of the primary columns declared in embedded classes, in TypeORM's
    /// order (each embedded class's own, then those it embeds): a default join column to
    /// the entity is named after each (`postCode`).
    pub embedded_primaries: Vec<String>,
}

impl Entity {
    pub fn column(&self, property: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.property == property)
    }

    pub fn column_by_db_name(&self, db_name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.db_name == db_name)
    }

    /// The relation of that property; a dotted path (`extra.owner`) names a relation of
    /// an embedded class.
    pub fn relation(&self, property: &str) -> Option<&Relation> {
        if property.contains('.') {
            return self
                .embedded_relations
                .iter()
                .find(|r| r.property == property);
        }
        self.relations.iter().find(|r| r.property == property)
    }

    /// The primary columns, in declaration order.
    pub fn primary_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.kind.is_primary())
    }

    /// An index whose leading columns are exactly `columns` (in order) and that an
    /// equality on them can use: not partial, or partial with a predicate the equality
    /// implies (`WHERE "ownerId" IS NOT NULL`).
    pub fn covering_index(&self, columns: &[String]) -> Option<&Index> {
        if columns.is_empty() {
            return None;
        }
        self.indexes.iter().find(|i| {
            i.where_clause.as_deref().is_none_or(|w| {
                super::predicate::implied_by_equality_on(w, columns) && !i.options_opaque
            }) && i.columns.len() >= columns.len()
                && i.columns[..columns.len()] == *columns
        })
    }

    /// Any index (partial ones included) whose leading column is `column`: enough to serve a
    /// query filtering on it.
    pub fn index_leading_with(&self, column: &str) -> Option<&Index> {
        self.indexes
            .iter()
            .find(|i| i.leading_column() == Some(column))
    }

    pub fn is_soft_deletable(&self) -> bool {
        self.soft_delete.is_some()
    }
}
