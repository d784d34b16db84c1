//! Wrapper decorators defined in the workspace, followed to the TypeORM decorator they
//! apply: `export function MultiORMColumn(o) { return (t, k) => { Column(o)(t, k); } }`,
//! `export const ColumnIndex = Index`, `export { Index as ColumnIndex } from 'typeorm'`,
//! through helpers (`applyTypeOrmIndex(...)`), renaming re-exports and imports under
//! another name (`import { MultiORMColumn as Col }`). A wrapper that
//! applies exactly one TypeORM decorator stands for it; one that applies none or several
//! stands for nothing.

use super::{subsquid, SourceFile};
use crate::resolve::Resolver;
use crate::syntax::{ImportKind, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Helpers calling helpers deeper than this are not decorator wrappers.
const MAX_DEPTH: usize = 8;

/// The TypeORM decorators the model reads (and their close relatives).
const TYPEORM_DECORATORS: &[&str] = &[
    "Entity",
    "ChildEntity",
    "ViewEntity",
    "TableInheritance",
    "Column",
    "PrimaryColumn",
    "PrimaryGeneratedColumn",
    "CreateDateColumn",
    "UpdateDateColumn",
    "DeleteDateColumn",
    "VersionColumn",
    "VirtualColumn",
    "ObjectIdColumn",
    "ViewColumn",
    "TreeLevelColumn",
    "OneToOne",
    "ManyToOne",
    "OneToMany",
    "ManyToMany",
    "JoinColumn",
    "JoinTable",
    "RelationId",
    "Index",
    "Unique",
    "Check",
    "Exclusion",
    "ForeignKey",
    "Generated",
];

fn typeorm_decorator(name: &str) -> Option<&'static str> {
    TYPEORM_DECORATORS.iter().copied().find(|d| *d == name)
}

/// Subsquid's TypeORM store counts as TypeORM: its generated models import TypeORM's
/// decorators from it (it re-exports them), with typed column helpers of its own
/// (`StringColumn`, `IntColumn`...) that apply `@Column` with a fixed database type.
fn is_typeorm(specifier: &str) -> bool {
    specifier == "typeorm" || specifier.starts_with("typeorm/") || specifier == subsquid::STORE
}

/// The TypeORM decorator an import of `imported` from a TypeORM module stands for.
fn decorator_of(specifier: &str, imported: &str) -> Option<&'static str> {
    if specifier == subsquid::STORE && subsquid::typed_column(imported).is_some() {
        return Some("Column");
    }
    typeorm_decorator(imported)
}

/// Exported wrapper name -> the TypeORM decorator it applies, for every wrapper of the
/// workspace.
pub fn derive_aliases(files: &[Arc<SourceFile>], resolver: &Resolver) -> BTreeMap<String, String> {
    let by_path: HashMap<&Path, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_path(), i))
        .collect();
    let follow = Follow {
        files,
        by_path: &by_path,
        resolver,
    };
    let mut out = BTreeMap::new();
    for (fi, file) in files.iter().enumerate() {
        let facts = &file.facts;
        let mut names: Vec<&str> = facts
            .functions
            .iter()
            .filter(|f| f.is_exported)
            .map(|f| f.name.as_str())
            .collect();
        names.extend(
            facts
                .consts
                .iter()
                .filter(|c| c.is_exported && matches!(c.value.value, Value::Ident(_)))
                .map(|c| c.name.as_str()),
        );
        names.extend(facts.export_renames.iter().map(|r| r.local.as_str()));
        names.extend(
            facts
                .imports
                .iter()
                .filter(|i| i.kind == ImportKind::ExportFrom)
                .flat_map(|i| &i.names)
                .filter(|n| n.imported != n.local)
                .map(|n| n.local.as_str()),
        );
        for name in names {
            if typeorm_decorator(name).is_some() || out.contains_key(name) {
                continue;
            }
            if let Some(target) = follow.export(fi, name, 0) {
                out.insert(name.to_string(), target.to_string());
            }
        }
    }
    local_renames(files, &follow, &mut out);
    out
}

/// Wrapper name -> the column types it rewrites on PostgreSQL, for every wrapper of
/// `aliases` defined as a function that rewrites some (`FunctionFact::postgres_types`).
/// Names are global, like the aliases: two definitions of one name that disagree count
/// for neither.
pub fn derive_postgres_types(
    files: &[Arc<SourceFile>],
    aliases: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut found: BTreeMap<String, Option<BTreeMap<String, String>>> = BTreeMap::new();
    let defined = files
        .iter()
        .flat_map(|f| &f.facts.functions)
        .filter(|f| aliases.contains_key(f.name.as_str()));
    for function in defined {
        let rewrites: BTreeMap<String, String> = function
            .postgres_types
            .iter()
            .map(|(from, to)| (from.to_string(), to.to_string()))
            .collect();
        let entry = found
            .entry(function.name.to_string())
            .or_insert_with(|| Some(rewrites.clone()));
        if entry.as_ref() != Some(&rewrites) {
            *entry = None;
        }
    }
    found
        .into_iter()
        .filter_map(|(name, rewrites)| Some((name, rewrites?)))
        .filter(|(_, rewrites)| !rewrites.is_empty())
        .collect()
}

/// Names a file gives a decorator by importing it under another name (`import { Column
/// as Col } from 'typeorm'`, `import { MultiORMColumn as Col } from 'src/core'`, a
/// default import of a wrapper) or by defining a wrapper it does not export. Decorator names are global in the model, so a local name
/// counts only while every file that binds it binds the same decorator, and never when it
/// is a TypeORM decorator's own name or a workspace wrapper's.
fn local_renames(files: &[Arc<SourceFile>], follow: &Follow, out: &mut BTreeMap<String, String>) {
    let mut found: BTreeMap<&str, Option<&'static str>> = BTreeMap::new();
    for (fi, file) in files.iter().enumerate() {
        let renamed = file
            .facts
            .imports
            .iter()
            .filter(|i| i.kind == ImportKind::Import && !i.type_only)
            .flat_map(|i| &i.names)
            .filter(|n| n.imported != n.local && n.imported != "*");
        // A wrapper a file defines for itself (`function ConditionalUnique(p) { return (t) =>
        // { if (orm() === 'typeorm') Unique(p)(t); } }` above `@ConditionalUnique(['code'])`).
        let own = file
            .facts
            .functions
            .iter()
            .filter(|f| !f.is_exported)
            .map(|f| f.name.as_str());
        for local in renamed.map(|n| n.local.as_str()).chain(own) {
            if typeorm_decorator(local).is_some() || out.contains_key(local) {
                continue;
            }
            let target = follow.local(fi, local, 0);
            let entry = found.entry(local).or_insert(target);
            if *entry != target {
                *entry = None; // two files bind the name to different things
            }
        }
    }
    for (local, target) in found {
        if let Some(target) = target {
            out.insert(local.to_string(), target.to_string());
        }
    }
}

struct Follow<'a> {
    files: &'a [Arc<SourceFile>],
    by_path: &'a HashMap<&'a Path, usize>,
    resolver: &'a Resolver,
}

impl Follow<'_> {
    fn file_of(&self, from: usize, specifier: &str) -> Option<usize> {
        let source = self.files.get(from)?;
        let exists = |p: &Path| self.by_path.contains_key(p);
        let target: PathBuf = self.resolver.resolve(&source.path, specifier, &exists)?;
        self.by_path.get(target.as_path()).copied()
    }

    /// The TypeORM decorator `name` exported by `file` stands for.
    fn export(&self, file: usize, name: &str, depth: usize) -> Option<&'static str> {
        if depth > MAX_DEPTH {
            return None;
        }
        let facts = &self.files.get(file)?.facts;
        if let Some(r) = facts.export_renames.iter().find(|r| r.local == name) {
            return self.local(file, &r.imported, depth + 1);
        }
        if let Some(found) = self.local(file, name, depth + 1) {
            return Some(found);
        }
        for import in facts
            .imports
            .iter()
            .filter(|i| i.kind == ImportKind::ExportFrom)
        {
            let imported = match import.names.iter().find(|n| n.local == name) {
                Some(n) => n.imported.as_str(),
                None if import.star_reexport => name,
                None => continue,
            };
            let found = if is_typeorm(&import.specifier) {
                decorator_of(&import.specifier, imported)
            } else {
                self.file_of(file, &import.specifier)
                    .and_then(|next| self.export(next, imported, depth + 1))
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// The TypeORM decorator the name `name`, as seen inside `file`, stands for.
    fn local(&self, file: usize, name: &str, depth: usize) -> Option<&'static str> {
        if depth > MAX_DEPTH {
            return None;
        }
        let facts = &self.files.get(file)?.facts;
        if let Some(f) = facts.functions.iter().find(|f| f.name == name) {
            let mut found: Option<&'static str> = None;
            for callee in f.applies.iter().chain(&f.calls) {
                if callee == name {
                    continue;
                }
                if let Some(t) = self.local(file, callee, depth + 1) {
                    if found.is_some_and(|f| f != t) {
                        return None; // applies two different decorators
                    }
                    found = Some(t);
                }
            }
            return found;
        }
        if let Some(c) = facts.consts.iter().find(|c| c.name == name) {
            return match &c.value.value {
                Value::Ident(other) if other != name => self.local(file, other, depth + 1),
                _ => None,
            };
        }
        for import in facts
            .imports
            .iter()
            .filter(|i| i.kind == ImportKind::Import)
        {
            let Some(n) = import.names.iter().find(|n| n.local == name) else {
                continue;
            };
            if is_typeorm(&import.specifier) {
                return decorator_of(&import.specifier, &n.imported);
            }
            let next = self.file_of(file, &import.specifier)?;
            if n.imported == "default" {
                let default = self.files.get(next)?.facts.default_export.clone()?;
                return self.local(next, &default, depth + 1);
            }
            return self.export(next, &n.imported, depth + 1);
        }
        None
    }
}
