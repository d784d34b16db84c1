//! Builds the [`Model`] from the files' facts.

use super::classes::{resolve_class, ClassIndex};
use super::columns::{canon, column, relation};
use super::indexes::{class_indexes, property_indexes, resolve, RawIndex};
use super::naming;
use super::types::*;
use super::{Model, SourceFile};
use crate::config::Config;
use crate::resolve::Resolver;
use crate::syntax::{ClassFact, Decorator};
use std::collections::HashMap;
use std::sync::Arc;

/// Inheritance deeper than this is a cycle or generated code; we stop following it.
const MAX_ANCESTORS: usize = 32;

pub fn build(mut files: Vec<Arc<SourceFile>>, config: &Config, resolver: &Resolver) -> Model {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let by_path: HashMap<_, _> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.clone(), i))
        .collect();
    let classes = ClassIndex::new(&files);
    let managed_bases = classes.named(&config.base_class).to_vec();
    let ctx = Ctx {
        files: &files,
        by_path: &by_path,
        classes: &classes,
        resolver,
        config,
    };
    let mut entities = Vec::new();
    // `@InjectRepository(UserSchema)` names the schema's variable, not its `name`.
    let mut schema_variables: Vec<(String, usize)> = Vec::new();
    for (fi, file) in files.iter().enumerate() {
        for (ci, class) in file.facts.classes.iter().enumerate() {
            if let Some(kind) = entity_kind(class, config) {
                entities.push(ctx.class_entity(fi, ci, class, kind));
            }
        }
        for schema in &file.facts.entity_schemas {
            if let Some(e) = super::schema::entity(fi, schema, config) {
                if let Some(var) = &schema.variable {
                    schema_variables.push((var.clone(), entities.len()));
                }
                entities.push(e);
            }
        }
    }
    inherit_child_tables(&mut entities);
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_table: HashMap<String, Vec<usize>> = HashMap::new();
    let mut touching: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        let mut files: Vec<usize> = e.ancestors.iter().map(|a| a.file).collect();
        files.push(e.file);
        files.sort_unstable();
        files.dedup();
        for f in files {
            touching.entry(f).or_default().push(i);
        }
        by_name.entry(e.name.clone()).or_default().push(i);
        by_table.entry(e.table.clone()).or_default().push(i);
    }
    for (var, i) in schema_variables {
        by_name.entry(var).or_default().push(i);
    }
    Model {
        files,
        by_path,
        classes,
        entities,
        by_name,
        by_table,
        managed_bases,
        touching,
    }
}

fn entity_kind(class: &ClassFact, config: &Config) -> Option<EntityKind> {
    class
        .decorators
        .iter()
        .find_map(|d| match canon(config, &d.name) {
            "Entity" => Some(EntityKind::Table),
            "ChildEntity" => Some(EntityKind::Child),
            "ViewEntity" => Some(EntityKind::View),
            _ => None,
        })
}

struct Ctx<'a> {
    files: &'a [Arc<SourceFile>],
    by_path: &'a HashMap<std::path::PathBuf, usize>,
    classes: &'a ClassIndex,
    resolver: &'a Resolver,
    config: &'a Config,
}

impl Ctx<'_> {
    fn class(&self, r: ClassRef) -> Option<&ClassFact> {
        self.files.get(r.file)?.facts.classes.get(r.class)
    }

    /// Superclasses found in the workspace (nearest first) and the first one that is not.
    fn ancestors(&self, start: ClassRef) -> (Vec<ClassRef>, Option<String>) {
        let mut chain = Vec::new();
        let mut current = start;
        while chain.len() < MAX_ANCESTORS {
            let Some(name) = self
                .class(current)
                .and_then(|c| c.extends.as_ref())
                .map(|e| e.name.clone())
            else {
                return (chain, None);
            };
            match resolve_class(
                &name,
                current.file,
                self.files,
                self.by_path,
                self.classes,
                self.resolver,
            ) {
                Some(parent) if parent != start && !chain.contains(&parent) => {
                    chain.push(parent);
                    current = parent;
                }
                Some(_) => return (chain, None),
                None => return (chain, Some(name)),
            }
        }
        (chain, None)
    }

    fn class_entity(&self, fi: usize, ci: usize, class: &ClassFact, kind: EntityKind) -> Entity {
        let me = ClassRef { file: fi, class: ci };
        let (ancestors, external_ancestor) = self.ancestors(me);
        let mut columns: Vec<Column> = Vec::new();
        let mut relations: Vec<Relation> = Vec::new();
        let mut raw_indexes: Vec<RawIndex> = Vec::new();
        // Root-most class first, so a subclass's redeclaration replaces the inherited one.
        for r in ancestors.iter().rev().chain(std::iter::once(&me)) {
            let Some(c) = self.class(*r) else { continue };
            let origin_of = |d: &Decorator| Origin {
                file: r.file,
                class: Some(r.class),
                span: d.span.clone(),
            };
            for prop in c.properties.iter().filter(|p| !p.is_static) {
                if let Some(col) = column(prop, self.config, origin_of) {
                    columns.retain(|x| x.property != col.property);
                    relations.retain(|x| x.property != col.property);
                    columns.push(col);
                } else if let Some(rel) = relation(prop, self.config, origin_of) {
                    columns.retain(|x| x.property != rel.property);
                    relations.retain(|x| x.property != rel.property);
                    relations.push(rel);
                }
                raw_indexes.extend(property_indexes(
                    &prop.name,
                    &prop.decorators,
                    self.config,
                    origin_of,
                ));
            }
            raw_indexes.extend(class_indexes(&c.decorators, self.config, origin_of));
        }
        let mut indexes = implicit_indexes(&columns, &relations);
        indexes.extend(
            raw_indexes
                .into_iter()
                .map(|raw| resolve(raw, &columns, &relations)),
        );
        let soft_delete = soft_delete(&columns, self.config);
        Entity {
            name: class.name.clone(),
            file: fi,
            class: Some(ci),
            name_span: class.name_span.clone(),
            kind,
            table: table_name(class, kind, self.config),
            ancestors,
            external_ancestor,
            columns,
            relations,
            indexes,
            soft_delete,
        }
    }
}

/// The primary key, `unique: true` columns and owning one-to-one join columns.
pub fn implicit_indexes(columns: &[Column], relations: &[Relation]) -> Vec<Index> {
    let mut out = Vec::new();
    let primary: Vec<String> = columns
        .iter()
        .filter(|c| c.kind.is_primary())
        .map(|c| c.db_name.clone())
        .collect();
    if !primary.is_empty() {
        out.push(Index {
            kind: IndexKind::Primary,
            name: None,
            columns: primary,
            unresolved: false,
            unique: true,
            where_clause: None,
            options_opaque: false,
            origin: None,
        });
    }
    for c in columns.iter().filter(|c| c.unique) {
        out.push(Index {
            kind: IndexKind::UniqueColumn,
            name: None,
            columns: vec![c.db_name.clone()],
            unresolved: false,
            unique: true,
            where_clause: None,
            options_opaque: false,
            origin: Some(c.origin.clone()),
        });
    }
    for r in relations
        .iter()
        .filter(|r| r.kind == RelationKind::OneToOne && r.has_join_column)
    {
        out.push(Index {
            kind: IndexKind::OneToOneJoin,
            name: None,
            columns: r.join_columns.clone(),
            unresolved: false,
            unique: true,
            where_clause: None,
            options_opaque: false,
            origin: None,
        });
    }
    out
}

pub fn soft_delete(columns: &[Column], config: &Config) -> Option<SoftDelete> {
    if let Some(c) = columns.iter().find(|c| c.kind == ColumnKind::DeleteDate) {
        return Some(SoftDelete::Automatic {
            column: c.db_name.clone(),
        });
    }
    columns
        .iter()
        .find(|c| c.property == config.base_columns.deleted && c.kind == ColumnKind::Regular)
        .map(|c| SoftDelete::Manual {
            column: c.db_name.clone(),
        })
}

fn table_name(class: &ClassFact, kind: EntityKind, config: &Config) -> String {
    let decorator_name = match kind {
        EntityKind::View => "ViewEntity",
        _ => "Entity",
    };
    let explicit = class
        .decorators
        .iter()
        .find(|d| canon(config, &d.name) == decorator_name)
        .and_then(|d| {
            d.args.iter().find_map(|a| {
                a.value
                    .as_str()
                    .or_else(|| a.value.get("name").and_then(|n| n.value.as_str()))
                    .map(str::to_string)
            })
        });
    explicit.unwrap_or_else(|| naming::table_name(&class.name, config.naming_strategy))
}

/// `@ChildEntity` classes live in their nearest entity ancestor's table.
fn inherit_child_tables(entities: &mut [Entity]) {
    let tables: HashMap<(usize, usize), String> = entities
        .iter()
        .filter(|e| e.kind != EntityKind::Child)
        .filter_map(|e| Some(((e.file, e.class?), e.table.clone())))
        .collect();
    for e in entities.iter_mut().filter(|e| e.kind == EntityKind::Child) {
        if let Some(t) = e
            .ancestors
            .iter()
            .find_map(|a| tables.get(&(a.file, a.class)))
        {
            e.table = t.clone();
        }
    }
}
