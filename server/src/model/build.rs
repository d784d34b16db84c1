//! Builds the [`Model`] from the files' facts.

use super::classes::{resolve_class, ClassIndex};
use super::columns::{canon, column, relation};
use super::indexes::{class_indexes, property_indexes, resolve, RawIndex};
use super::naming;
use super::types::*;
use super::{Model, SourceFile};
use crate::config::Config;
use crate::resolve::Resolver;
use crate::syntax::{ClassFact, Decorator, FileFacts};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
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
    // Imports are resolved once here; class resolution below follows these answers.
    let links = crate::links::Links::build(&files, &by_path, resolver);
    let mut model = Model {
        files,
        by_path: Arc::new(by_path),
        classes,
        managed_bases,
        links,
        ..Model::default()
    };
    let ctx = Ctx::of(&model, config);
    // Entities of different files are independent; rayon keeps them in file order.
    let entities: Vec<Arc<Entity>> = (0..model.files.len())
        .into_par_iter()
        .flat_map_iter(|fi| ctx.file_entities(fi))
        .map(Arc::new)
        .collect();
    model.entities = entities;
    reindex(&mut model);
    default_join_columns(&mut model, config);
    super::enums::member_types(&mut model);
    super::manual_soft_delete::detect(&mut model, config);
    // Without a TypeORM migration in TypeScript, JavaScript migrations or `.sql` files may
    // be the schema's history.
    let (history, sql) = if model.migrations_folder.is_none() && !model.entities.is_empty() {
        let read = super::sql_migrations::statements(resolver.root(), config);
        (read.0.clone(), read.1.clone())
    } else {
        (None, Vec::new())
    };
    model.script_history = history;
    super::migration_indexes::resolve(&mut model, sql);
    model
}

/// A join column without a `name` is named after the relation and the referenced column
/// (`joinColumnName(relation, referencedColumn.propertyName)`): the target's primary key,
/// which is not always `id` (`@PrimaryColumn() code` gives `lessorCode`, as TypeORM 0.3.31
/// builds it). Columns are built before targets are known, so this pass renames them, and
/// the index columns that named the relation, once every entity exists.
fn default_join_columns(model: &mut Model, config: &Config) {
    // (entity, in `embedded_relations`, relation, names): a relation inside an embedded
    // class is named the same way, before its prefix.
    let mut renames: Vec<(usize, bool, usize, Vec<String>)> = Vec::new();
    for (ei, e) in model.entities.iter().enumerate() {
        let own = e.relations.iter().enumerate().map(|(i, r)| (false, i, r));
        let embedded = (e.embedded_relations.iter().enumerate()).map(|(i, r)| (true, i, r));
        for (in_embedded, ri, r) in own.chain(embedded) {
            if r.join_columns.is_empty() {
                continue;
            }
            let Some(target) = model.relation_target(r) else {
                continue;
            };
            // TypeORM's `primaryColumns`: the entity's own, then those of its embedded
            // classes (`@PrimaryColumn() code` inside `counters` gives `postCode`).
            let primaries: Vec<&str> = target
                .primary_columns()
                .map(|c| c.property.as_str())
                .chain(target.embedded_primaries.iter().map(String::as_str))
                .collect();
            if primaries.is_empty() || primaries == [config.base_columns.id.as_str()] {
                continue;
            }
            let arg = model.join_column_arg(&r.origin, config);
            let explicit = arg.is_some_and(|v| {
                v.as_array().is_some()
                    || v.get("name").is_some()
                    || v.get("referencedColumnName").is_some()
            });
            if explicit {
                continue;
            }
            // An embedded relation's property is its path (`origin.forwardedFrom`).
            let property = r.property.rsplit('.').next().unwrap_or(&r.property);
            let names: Vec<String> = primaries
                .iter()
                .map(|p| naming::join_column_name(property, p, config.naming_strategy))
                .collect();
            if names != r.join_columns {
                renames.push((ei, in_embedded, ri, names));
            }
        }
    }
    for (ei, in_embedded, ri, names) in renames {
        let Some(e) = model.entities.get_mut(ei).map(Arc::make_mut) else {
            continue;
        };
        let list = if in_embedded {
            &mut e.embedded_relations
        } else {
            &mut e.relations
        };
        let Some(r) = list.get_mut(ri) else {
            continue;
        };
        let old = std::mem::replace(&mut r.join_columns, names.clone());
        // No index of the entity names an embedded relation's columns (TypeORM cannot
        // declare one).
        if in_embedded {
            continue;
        }
        for i in &mut e.indexes {
            if let Some(pos) = i.columns.iter().position(|c| old.contains(c)) {
                i.columns.retain(|c| !old.contains(c));
                for (k, n) in names.iter().enumerate() {
                    i.columns.insert(pos + k, n.clone());
                }
            }
        }
    }
}

/// Replaces one file whose model-relevant shape (class names, `extends`, entity
/// decorators, imports, schemas) is unchanged, rebuilding only the entities declared in
/// it or inheriting from it. Returns false (and changes nothing) when the shape changed
/// or the file is new: the caller then rebuilds the whole model. The file's imports are
/// part of that shape, so the import resolutions in `model.links` still hold for it.
pub fn update_file(model: &mut Model, file: Arc<SourceFile>, config: &Config) -> bool {
    let Some(fi) = model.file_index(&file.path) else {
        return false;
    };
    let Some(old) = model.files.get(fi) else {
        return false;
    };
    if shape(old, config) != shape(&file, config) {
        return false;
    }
    model.files[fi] = file;
    let affected: Vec<usize> = model.touching.get(&fi).cloned().unwrap_or_default();
    let ctx = Ctx::of(model, config);
    let mut rebuilt = Vec::with_capacity(affected.len());
    let mut schemas = ctx
        .file_entities(fi)
        .into_iter()
        .filter(|e| e.class.is_none());
    for &i in &affected {
        let Some(e) = model.entities.get(i) else {
            continue;
        };
        let new = match e.class {
            Some(ci) => {
                let Some(class) = ctx.class(ClassRef {
                    file: e.file,
                    class: ci,
                }) else {
                    continue;
                };
                ctx.class_entity(e.file, ci, class, e.kind)
            }
            None if e.file == fi => match schemas.next() {
                Some(s) => s,
                None => continue,
            },
            None => continue,
        };
        rebuilt.push((i, new));
    }
    // The lookup maps only change when a rebuilt entity's name or table changed.
    let mut names_changed = false;
    for (i, e) in rebuilt {
        if let Some(slot) = model.entities.get_mut(i) {
            names_changed |= slot.name != e.name || slot.table != e.table;
            *slot = Arc::new(e);
        }
    }
    if names_changed {
        reindex(model);
    }
    default_join_columns(model, config);
    super::enums::member_types(model);
    super::manual_soft_delete::detect(model, config);
    super::migration_indexes::name_unsynchronized(model);
    true
}

/// What an edit must keep for [`update_file`] to apply: everything that decides which
/// classes exist, which are entities, and how names resolve across files.
fn shape(file: &SourceFile, config: &Config) -> Vec<String> {
    let facts = &file.facts;
    let mut out = Vec::new();
    for c in &facts.classes {
        out.push(format!(
            "class {} extends {:?} implements {:?} entity {:?}",
            c.name,
            c.extends.as_ref().map(|e| &e.name),
            c.implements,
            entity_kind(c, facts, config)
        ));
    }
    for i in &facts.imports {
        let names: Vec<String> = i
            .names
            .iter()
            .map(|n| format!("{}:{}", n.imported, n.local))
            .collect();
        out.push(format!(
            "import {:?} {} {}",
            i.kind,
            i.specifier,
            names.join(",")
        ));
    }
    out.extend(facts.exports.iter().map(|e| format!("export {e}")));
    for s in &facts.entity_schemas {
        out.push(format!("schema {:?}", s.variable));
    }
    out.extend(super::migration_indexes::shape_of(file));
    // Column options other files build with this file's functions and objects.
    out.extend(super::option_calls::shape_of(facts));
    // DataSource options speak for every file of their package (database, schema owner).
    for o in &facts.orm_options {
        out.push(format!("orm {}", orm_shape(&o.options.value)));
    }
    out
}

/// What rules read of DataSource options: the keys, and the value of the few that decide
/// the database and who makes the schema (spans left out: typing elsewhere in the file
/// keeps the shape).
fn orm_shape(options: &crate::syntax::Value) -> String {
    let Some(props) = options.as_object() else {
        return "?".to_string();
    };
    let mut out = String::new();
    for p in props {
        out.push_str(&p.key);
        if matches!(&*p.key, "type" | "synchronize") {
            let v = &p.value.value;
            out.push_str(&format!("={:?}/{:?}", v.as_str(), v.as_bool()));
        }
        out.push(',');
    }
    out
}

/// Child tables, and the lookup maps, from `model.entities`.
fn reindex(model: &mut Model) {
    inherit_child_tables(&mut model.entities);
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_table: HashMap<String, Vec<usize>> = HashMap::new();
    let mut touching: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_class: HashMap<ClassRef, usize> = HashMap::new();
    for (i, e) in model.entities.iter().enumerate() {
        if let Some(class) = e.class {
            by_class.insert(
                ClassRef {
                    file: e.file,
                    class,
                },
                i,
            );
        }
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
    // `@InjectRepository(UserSchema)` names the schema's variable, not its `name`.
    let mut schema_entities: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, e) in model.entities.iter().enumerate() {
        if e.class.is_none() {
            schema_entities.entry(e.file).or_default().push(i);
        }
    }
    for (fi, indexes) in schema_entities {
        let Some(file) = model.files.get(fi) else {
            continue;
        };
        for (schema, i) in file.facts.entity_schemas.iter().zip(indexes) {
            if let Some(var) = &schema.variable {
                by_name.entry(var.to_string()).or_default().push(i);
            }
        }
    }
    let mut by_table_folded: HashMap<String, Vec<usize>> = HashMap::new();
    for (table, ids) in &by_table {
        by_table_folded
            .entry(table.to_ascii_lowercase())
            .or_default()
            .extend(ids);
    }
    model.migrations_folder = model
        .files
        .iter()
        .find(|f| f.facts.has_migration())
        .and_then(|f| f.path.parent().map(Path::to_path_buf));
    model.orm_option_files = model
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.facts.orm_options.is_empty())
        .map(|(i, _)| i)
        .collect();
    model.by_name = Arc::new(by_name);
    model.by_class = Arc::new(by_class);
    model.by_table = Arc::new(by_table);
    model.by_table_folded = Arc::new(by_table_folded);
    model.touching = Arc::new(touching);
}

fn entity_kind(class: &ClassFact, facts: &FileFacts, config: &Config) -> Option<EntityKind> {
    class.decorators.iter().find_map(|d| {
        let kind = match canon(config, &d.name) {
            "Entity" => EntityKind::Table,
            "ChildEntity" => EntityKind::Child,
            "ViewEntity" => EntityKind::View,
            _ => return None,
        };
        (!imported_from_other_orm(facts, &d.name)).then_some(kind)
    })
}

/// Packages of other ORMs whose decorators share TypeORM's names (`@Entity`,
/// `@ManyToMany`, `@Index`...). A class whose `@Entity` one of them supplies is that ORM's
/// entity (a MikroORM test fixture beside TypeORM's), no table TypeORM creates; a workspace
/// wrapper that applies both ORMs' decorators is imported from the workspace, not from here.
const OTHER_ORMS: &[&str] = &[
    "@mikro-orm/",
    "sequelize-typescript",
    "@typegoose/",
    "@nestjs/mongoose",
    "mongoose",
    "@loopback/",
];

/// Whether the file imports `local` (a decorator's name) from another ORM's package.
fn imported_from_other_orm(facts: &FileFacts, local: &str) -> bool {
    let import = facts
        .import_binding(local)
        .and_then(|(at, _)| facts.imports.get(at));
    let Some(spec) = import.map(|i| i.specifier.as_str()) else {
        return false;
    };
    OTHER_ORMS.iter().any(|o| match o.strip_suffix('/') {
        Some(scope) => spec.starts_with(o) || spec == scope,
        None => spec == *o || spec.strip_prefix(o).is_some_and(|r| r.starts_with('/')),
    })
}

struct Ctx<'a> {
    /// The model under construction: its files and import links (no entities yet).
    model: &'a Model,
    files: &'a [Arc<SourceFile>],
    links: &'a crate::links::Links,
    classes: &'a ClassIndex,
    config: &'a Config,
}

impl<'a> Ctx<'a> {
    fn of(model: &'a Model, config: &'a Config) -> Ctx<'a> {
        Ctx {
            model,
            files: &model.files,
            links: &model.links,
            classes: &model.classes,
            config,
        }
    }

    /// The entities a file declares: decorated classes, then `EntitySchema` objects.
    fn file_entities(&self, fi: usize) -> Vec<Entity> {
        let Some(file) = self.files.get(fi) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (ci, class) in file.facts.classes.iter().enumerate() {
            if let Some(kind) = entity_kind(class, &file.facts, self.config) {
                out.push(self.class_entity(fi, ci, class, kind));
            }
        }
        for schema in &file.facts.entity_schemas {
            if let Some(e) = super::schema::entity(fi, schema, self.config) {
                out.push(e);
            }
        }
        out
    }

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
            match resolve_class(&name, current.file, self.files, self.links, self.classes) {
                Some(parent) if parent != start && !chain.contains(&parent) => {
                    chain.push(parent);
                    current = parent;
                }
                Some(_) => return (chain, None),
                None => return (chain, Some(name.to_string())),
            }
        }
        (chain, None)
    }

    /// The class a relation's `() => Target` names, seen from the declaring file.
    fn target_class(
        &self,
        rel: &Relation,
        prop: &crate::syntax::PropertyFact,
        file: usize,
    ) -> Option<ClassRef> {
        let name = rel.target.as_deref()?;
        let written = prop
            .decorators
            .iter()
            .find(|d| d.span == rel.origin.span)
            .and_then(|d| d.arg(0))?;
        let certain =
            super::classes::resolve_class_certain(name, file, self.files, self.links, self.classes);
        if certain.is_some() || !matches!(written.value, crate::syntax::Value::Str(_)) {
            return certain;
        }
        // TypeORM looks a string target up by name among the DataSource's entities; when
        // several classes share it, the nearest one (most common folders) is the one a
        // project's DataSource holds with this file.
        self.nearest_class(name, file)
    }

    fn nearest_class(&self, name: &str, file: usize) -> Option<ClassRef> {
        let here = self.files.get(file)?.path.as_path();
        let shared = |c: &ClassRef| {
            self.files.get(c.file).map_or(0, |f| {
                here.components()
                    .zip(f.path.components())
                    .take_while(|(a, b)| a == b)
                    .count()
            })
        };
        let candidates = self.classes.named(name);
        let best = candidates.iter().map(shared).max()?;
        let mut nearest = candidates.iter().filter(|c| shared(c) == best);
        match (nearest.next(), nearest.next()) {
            (Some(only), None) => Some(*only),
            _ => None,
        }
    }

    fn class_entity(&self, fi: usize, ci: usize, class: &ClassFact, kind: EntityKind) -> Entity {
        let me = ClassRef {
            file: fi,
            class: ci,
        };
        let (ancestors, external_ancestor) = self.ancestors(me);
        let mut columns: Vec<Column> = Vec::new();
        let mut relations: Vec<Relation> = Vec::new();
        let mut raw_indexes: Vec<RawIndex> = Vec::new();
        // Root-most class first. A subclass that declares again a column or relation of an
        // ancestor changes nothing: TypeORM keeps the first declaration it registered
        // (`filterByTargetAndWithoutDuplicateProperties`), and the ancestor's decorators
        // always run first (checked against TypeORM 0.3.31: a `@CreateDateColumn({ type:
        // 'timestamp' })` redeclared over a `timestamptz` one stays `timestamptz`).
        for r in ancestors.iter().rev().chain(std::iter::once(&me)) {
            let Some(c) = self.class(*r) else { continue };
            let origin_of = |d: &Decorator| Origin {
                file: r.file,
                class: Some(r.class),
                span: d.span.range(),
            };
            for prop in c.properties.iter().filter(|p| !p.is_static) {
                let declared = |name: &str| {
                    columns.iter().any(|x| x.property == name)
                        || relations.iter().any(|x| x.property == name)
                };
                if let Some(col) = column(self.model, prop, self.config, origin_of) {
                    if !declared(&col.property) {
                        columns.push(col);
                    }
                } else if let Some(mut rel) = relation(prop, self.config, origin_of) {
                    if !declared(&rel.property) {
                        rel.target_class = self.target_class(&rel, prop, r.file);
                        relations.push(rel);
                    }
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
        let (embedded_relations, embedded_primaries) = self.embedded_members(&columns);
        // Grown by pushes, these keep up to twice the room they need for the model's
        // lifetime: about 16 MB at 10,000 entities.
        columns.shrink_to_fit();
        relations.shrink_to_fit();
        indexes.shrink_to_fit();
        Entity {
            name: class.name.to_string(),
            file: fi,
            class: Some(ci),
            name_span: class.name_span.range(),
            kind,
            table: table_name(class, kind, self.config),
            ancestors,
            external_ancestor,
            columns,
            relations,
            indexes,
            soft_delete,
            embedded_relations,
            embedded_primaries,
        }
    }

    /// The relations of the embedded classes of `columns` (and of theirs, a few levels),
    /// and the properties of their primary columns in TypeORM's `columnsFromTree` order.
    fn embedded_members(&self, columns: &[Column]) -> (Vec<Relation>, Vec<String>) {
        let mut relations = Vec::new();
        let mut primaries = Vec::new();
        self.collect_embedded(columns, "", 0, &mut relations, &mut primaries);
        (relations, primaries)
    }

    fn collect_embedded(
        &self,
        columns: &[Column],
        prefix: &str,
        depth: usize,
        out: &mut Vec<Relation>,
        primaries: &mut Vec<String>,
    ) {
        const MAX_EMBEDDED_DEPTH: usize = 4;
        if depth >= MAX_EMBEDDED_DEPTH {
            return;
        }
        for col in columns.iter().filter(|c| c.kind == ColumnKind::Embedded) {
            let Some(name) = col.embedded.as_deref() else {
                continue;
            };
            let Some(r) =
                resolve_class(name, col.origin.file, self.files, self.links, self.classes)
            else {
                continue;
            };
            let Some(class) = self.class(r) else { continue };
            let origin_of = |d: &Decorator| Origin {
                file: r.file,
                class: Some(r.class),
                span: d.span.range(),
            };
            let path = format!("{prefix}{}.", col.property);
            let mut inner = Vec::new();
            for prop in class.properties.iter().filter(|p| !p.is_static) {
                if let Some(c) = column(self.model, prop, self.config, origin_of) {
                    if c.kind.is_primary() {
                        primaries.push(c.property.clone());
                    }
                    inner.push(c);
                } else if let Some(mut rel) = relation(prop, self.config, origin_of) {
                    rel.target_class = self.target_class(&rel, prop, r.file);
                    rel.property = format!("{path}{}", rel.property);
                    out.push(rel);
                }
            }
            self.collect_embedded(&inner, &path, depth + 1, out, primaries);
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
        .filter(|r| r.kind == RelationKind::OneToOne && r.has_join_column && !r.without_constraint)
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
    // `baseColumns.deleted` configured as a plain column; other hand-made soft-delete
    // columns are detected from the queries (`manual_soft_delete`).
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
fn inherit_child_tables(entities: &mut [Arc<Entity>]) {
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
            if e.table != *t {
                Arc::make_mut(e).table = t.clone();
            }
        }
    }
}
