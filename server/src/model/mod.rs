//! The workspace model: every entity with its table, columns, relations and indexes,
//! inheritance resolved across files. Built from [`SourceFile`]s alone.

mod base_columns;
mod build;
mod classes;
mod columns;
pub mod ddl;
mod driver_folder;
mod enums;
pub mod erd;
mod exports;
mod foreign_keys;
mod indexes;
mod join_column;
mod manual_soft_delete;
mod migration_api;
mod migration_indexes;
mod option_calls;
#[cfg(test)]
mod option_calls_tests;
pub mod property_style;
mod sql_migrations;
pub mod subsquid;
pub use driver_folder::driver_folder;
pub use sql_migrations::{HistoryLanguage, ScriptHistory};
pub mod naming;
pub mod naming_detect;
pub mod predicate;
pub mod relational;
#[cfg(test)]
mod resolution_tests;
mod schema;
#[cfg(test)]
mod tests;
mod types;
pub mod wrappers;
pub use base_columns::detect as detect_base_columns;

pub use classes::ClassIndex;
pub use types::*;

use crate::config::Config;
use crate::source_text::SourceText;
use crate::syntax::{ClassFact, Decorator, FileFacts, PropertyFact, TypeAnn};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One file of the workspace: its text and the facts extracted from it.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    text: SourceText,
    pub facts: FileFacts,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let facts = crate::syntax::facts_of_file(&path, &text);
        SourceFile::with_facts(path, text, facts)
    }

    /// A file whose facts are known (the fact cache, the editor's own parse).
    pub fn with_facts(path: PathBuf, text: impl Into<Arc<str>>, facts: FileFacts) -> Self {
        SourceFile {
            path,
            text: SourceText::Held(text.into()),
            facts,
        }
    }

    /// Extracts the facts and lets the text go: [`SourceFile::text`] reads it again from
    /// `path` (see [`crate::source_text`]).
    pub fn read_again_later(path: PathBuf, text: String) -> Self {
        let facts = crate::syntax::facts_of_file(&path, &text);
        SourceFile {
            path,
            text: SourceText::on_disk(&text),
            facts,
        }
    }

    /// The file's text (read from disk again when it was let go).
    pub fn text(&self) -> Arc<str> {
        self.text.get(&self.path)
    }
}

/// Cloning copies one reference count per file and per entity: the tables are shared
/// (`Arc`) and replaced, not edited, when an update changes them (the language server
/// clones the model of its published snapshot for every analysis run).
#[derive(Debug, Default, Clone)]
pub struct Model {
    /// The files the model was built from, sorted by path.
    pub files: Vec<Arc<SourceFile>>,
    pub by_path: Arc<HashMap<PathBuf, usize>>,
    pub classes: ClassIndex,
    /// Shared with earlier copies until an update rebuilds one (`Arc::make_mut`).
    pub entities: Vec<Arc<Entity>>,
    /// Entity indexes by entity (class) name.
    pub by_name: Arc<HashMap<String, Vec<usize>>>,
    /// Entity index by declaring class.
    pub by_class: Arc<HashMap<ClassRef, usize>>,
    /// Entity indexes by table name.
    pub by_table: Arc<HashMap<String, Vec<usize>>>,
    /// Entity indexes by lower-cased table name (unquoted SQL identifiers fold case).
    pub by_table_folded: Arc<HashMap<String, Vec<usize>>>,
    /// The folder of the first migration class of the workspace, if any.
    pub migrations_folder: Option<PathBuf>,
    /// Where there is no migration class in TypeScript: the schema's history in
    /// JavaScript migrations or `.sql` files, if any (see [`ScriptHistory`]).
    pub script_history: Option<ScriptHistory>,
    /// Plain B-tree indexes the migrations create (and do not drop again), by lower-cased
    /// table: their column lists. Entities need not declare them to have them.
    pub migration_indexes: Arc<HashMap<String, Vec<Vec<String>>>>,
    /// The same indexes by name: their columns, for `@Index('name', { synchronize: false })`.
    pub migration_index_names: Arc<HashMap<String, Vec<String>>>,
    /// The files with DataSource options (`new DataSource`, `TypeOrmModule.forRoot`, ...).
    pub orm_option_files: Arc<[usize]>,
    /// The managed base class(es) (`ManagedEntity` by default).
    pub managed_bases: Vec<ClassRef>,
    /// For each file, the entities declared in it or inheriting a class declared in it.
    pub touching: Arc<HashMap<usize, Vec<usize>>>,
    /// Resolved imports, who imports each file, query calls by entity.
    pub links: crate::links::Links,
    /// How the entities' property names are cased (NAM002's workspace style).
    pub property_names: property_style::PropertyCounts,
}

impl Model {
    pub fn build(
        files: Vec<Arc<SourceFile>>,
        config: &Config,
        resolver: &crate::resolve::Resolver,
    ) -> Model {
        let mut model = build::build(files, config, resolver);
        let entity_files: Vec<usize> = model.entities.iter().map(|e| e.file).collect();
        model
            .links
            .count_file_names(&model.files, entity_files.into_iter());
        model.property_names = property_style::PropertyCounts::of(&model.entities);
        model
    }

    /// Replaces one file, rebuilding only what it can change; falls back to a full build
    /// when the file is new or its classes, imports or entity decorators changed.
    /// Returns true when the update was incremental (false: rebuilt from scratch).
    pub fn update_file(
        &mut self,
        file: Arc<SourceFile>,
        config: &Config,
        resolver: &crate::resolve::Resolver,
    ) -> bool {
        if build::update_file(self, file.clone(), config) {
            if let Some(fi) = self.file_index(&file.path) {
                self.links.update_file(fi, &file, &self.by_path, resolver);
            }
            // An edit can rename properties; counting them again is one pass over names.
            self.property_names = property_style::PropertyCounts::of(&self.entities);
            return true;
        }
        let mut files = self.files.clone();
        match self.file_index(&file.path) {
            Some(i) => files[i] = file,
            None => files.push(file),
        }
        *self = Model::build(files, config, resolver);
        false
    }

    /// Whether an index a migration creates on `table` starts with `columns` (in order;
    /// names compared as PostgreSQL folds unquoted ones, ignoring case).
    pub fn migration_index_covers(&self, table: &str, columns: &[String]) -> bool {
        if columns.is_empty() {
            return false;
        }
        let table = table
            .rsplit('.')
            .next()
            .unwrap_or(table)
            .to_ascii_lowercase();
        self.migration_indexes.get(&table).is_some_and(|indexes| {
            indexes.iter().any(|index| {
                index.len() >= columns.len()
                    && index
                        .iter()
                        .zip(columns)
                        .all(|(a, b)| a.eq_ignore_ascii_case(b))
            })
        })
    }

    pub fn file(&self, index: usize) -> Option<&SourceFile> {
        self.files.get(index).map(|f| &**f)
    }

    pub fn file_index(&self, path: &Path) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    pub fn path(&self, file: usize) -> PathBuf {
        self.files
            .get(file)
            .map(|f| f.path.clone())
            .unwrap_or_default()
    }

    pub fn class(&self, r: ClassRef) -> Option<&ClassFact> {
        self.files.get(r.file)?.facts.classes.get(r.class)
    }

    /// The entity with this class name (the first one when names collide across files).
    pub fn entity(&self, name: &str) -> Option<&Entity> {
        let i = *self.by_name.get(name)?.first()?;
        self.entities.get(i).map(|e| &**e)
    }

    pub fn entities_of_table(&self, table: &str) -> impl Iterator<Item = &Entity> {
        self.by_table
            .get(table)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.entities.get(i).map(|e| &**e))
    }

    /// Entities whose table matches `name` ignoring ASCII case (candidates for an
    /// unquoted SQL identifier; callers apply their own exact rule).
    pub fn entities_of_table_folded(&self, name: &str) -> impl Iterator<Item = &Entity> {
        self.by_table_folded
            .get(&name.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .filter_map(|&i| self.entities.get(i).map(|e| &**e))
    }

    /// The entity declared by this class, if it is one.
    pub fn entity_of_class(&self, file: usize, class: usize) -> Option<&Entity> {
        let i = *self.by_class.get(&ClassRef { file, class })?;
        self.entities.get(i).map(|e| &**e)
    }

    /// The entity a relation points at: the class its target resolves to from the
    /// declaring file, else (string targets, untraceable names) the entity of that name.
    pub fn relation_target(&self, relation: &Relation) -> Option<&Entity> {
        match relation.target_class {
            Some(c) => self.entity_of_class(c.file, c.class),
            None => self.entity_or_table(relation.target.as_deref()?),
        }
    }

    /// The entity a relation's string target names: an entity name, else a table name
    /// (`@ManyToOne('users')` with `@Entity('users')`, which TypeORM's `findMetadata`
    /// accepts).
    pub fn entity_or_table(&self, name: &str) -> Option<&Entity> {
        self.entity(name)
            .or_else(|| self.entities_of_table(name).next())
    }

    /// The entity `name` denotes where `file` writes it, as TypeScript resolves it: the
    /// file's own class, else the class its import names (renames, default imports and
    /// re-exports followed through the resolved imports), else the entity of that name.
    pub fn entity_from(&self, file: usize, name: &str) -> Option<&Entity> {
        match self.class_from(file, name) {
            Some(r) => self.entity_of_class(r.file, r.class),
            None => self.entity_or_table(name),
        }
    }

    /// The class `name` denotes in `file` (see [`Model::entity_from`]); None when neither
    /// the file nor its imports say.
    pub fn class_from(&self, file: usize, name: &str) -> Option<ClassRef> {
        let facts = &self.files.get(file)?.facts;
        if let Some(class) = facts.classes.iter().position(|c| c.name == name) {
            return Some(ClassRef { file, class });
        }
        let (i, imported) = facts
            .imports
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == crate::syntax::ImportKind::Import)
            .find_map(|(k, i)| Some((k, i.names.iter().find(|n| n.local == name)?)))?;
        let target = self.links.target(file, i)?;
        self.exported_class(target, &imported.imported, 0)
    }

    /// The class that `file` exports as `name` (`default`, renames and re-exports).
    fn exported_class(&self, file: usize, name: &str, depth: usize) -> Option<ClassRef> {
        let facts = &self.files.get(file)?.facts;
        let local = if name == "default" {
            facts.default_export.as_deref()?
        } else {
            facts
                .export_renames
                .iter()
                .find(|r| r.local == name)
                .map_or(name, |r| r.imported.as_str())
        };
        if let Some(class) = facts.classes.iter().position(|c| c.name == local) {
            return Some(ClassRef { file, class });
        }
        if depth >= 8 {
            return None;
        }
        facts.imports.iter().enumerate().find_map(|(i, import)| {
            let next = match import.kind {
                crate::syntax::ImportKind::ExportFrom => {
                    match import.names.iter().find(|n| n.local == name) {
                        Some(n) => n.imported.as_str(),
                        None if import.star_reexport && name != "default" => name,
                        None => return None,
                    }
                }
                crate::syntax::ImportKind::Import => import
                    .names
                    .iter()
                    .find(|n| n.local == local)?
                    .imported
                    .as_str(),
                _ => return None,
            };
            let target = self.links.target(file, i)?;
            self.exported_class(target, next, depth + 1)
        })
    }

    /// Whether a relation points at `entity` (resolved through its file's imports).
    pub fn relation_targets(&self, relation: &Relation, entity: &Entity) -> bool {
        self.relation_target(relation)
            .is_some_and(|t| std::ptr::eq(t, entity))
    }

    /// Entities declared in `file` or inheriting from a class declared in it: the ones
    /// whose columns, relations or indexes may be written in that file.
    pub fn entities_touching(&self, file: usize) -> impl Iterator<Item = &Entity> {
        self.touching
            .get(&file)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.entities.get(i).map(|e| &**e))
    }

    /// The entities declared in `file`.
    pub fn entities_in_file(&self, file: usize) -> impl Iterator<Item = &Entity> {
        self.entities_touching(file).filter(move |e| e.file == file)
    }

    /// Where a model element was declared, as (path, span).
    pub fn location(&self, origin: &Origin) -> (PathBuf, crate::finding::Span) {
        (self.path(origin.file), origin.span.clone())
    }

    /// The class property a column or relation was declared on: the one holding the
    /// decorator at `origin.span`. None for `EntitySchema` entries (no class).
    pub fn property_at(&self, origin: &Origin) -> Option<&PropertyFact> {
        let class = self.class(ClassRef {
            file: origin.file,
            class: origin.class?,
        })?;
        class
            .properties
            .iter()
            .find(|p| p.decorators.iter().any(|d| d.span == origin.span))
    }

    /// The decorator that declares a column or relation, looked up in the file's facts
    /// rather than copied into the model (it is most of a column's size). None for
    /// `EntitySchema` entries.
    pub fn decorator_at(&self, origin: &Origin) -> Option<&Decorator> {
        self.property_at(origin)?
            .decorators
            .iter()
            .find(|d| d.span == origin.span)
    }

    /// The TypeScript type written on the property of a column or relation, if any.
    pub fn type_of(&self, origin: &Origin) -> Option<&TypeAnn> {
        self.property_at(origin)?.type_ann.as_ref()
    }

    pub fn is_managed_base(&self, r: ClassRef) -> bool {
        self.managed_bases.contains(&r)
    }
}
