//! The enum a name denotes in a file, and its members' values.
//!
//! Two enums may share a name in one workspace (flowise declares `UserStatus` in an entity
//! file and, with other members, in an interfaces file), so `default: UserStatus.UNVERIFIED`
//! is read with the enum the entity's file sees, as TypeScript would: declared in the file,
//! else reached through its import (re-exporting barrels followed), else (an import we
//! cannot follow) the first enum of that name in the workspace.

use super::Model;
use crate::syntax::{EnumFact, Value};

/// The enum `name` denotes in file `file`.
pub fn enum_named<'m>(model: &'m Model, file: usize, name: &str) -> Option<&'m EnumFact> {
    let source = model.files.get(file)?;
    if let Some(local) = source.facts.enums.iter().find(|e| e.name == name) {
        return Some(local);
    }
    let imported = source.facts.import_binding(name);
    if let Some((at, n)) = imported {
        let found = model
            .links
            .target(file, at)
            .and_then(|target| exported(model, target, &n.imported));
        if found.is_some() {
            return found;
        }
    }
    model
        .files
        .iter()
        .flat_map(|f| f.facts.enums.iter())
        .find(|e| e.name == name)
}

/// The enum `file` exports as `name`, declared there or re-exported from another file.
fn exported<'m>(model: &'m Model, file: usize, name: &str) -> Option<&'m EnumFact> {
    // `enum ColumnType {...} export default ColumnType;` imported as `import ColumnType`.
    super::exports::find_exported(model, file, name, &|_, facts, name| {
        facts.enums.iter().find(|e| e.name == name)
    })
}

/// The file that declares enum `e` (one of the model's enum facts).
pub fn declaring_file(model: &Model, e: &EnumFact) -> Option<usize> {
    model
        .files
        .iter()
        .position(|f| f.facts.enums.iter().any(|x| std::ptr::eq(x, e)))
}

/// The value of `Status.Active` when `Status` is an enum `file` sees.
pub fn member_value(model: &Model, file: usize, value: &Value) -> Option<Value> {
    let Value::Member(path) = value else {
        return None;
    };
    let (enum_name, member) = path.split_once('.')?;
    let e = enum_named(model, file, enum_name)?;
    member_values(e).find_map(|(name, value)| (name == member).then_some(value))
}

/// `@Column({ type: ColumnType.ShortText })`, `@Column(ColumnType.ShortText)`: the
/// database type an enum member names (codebases keep their column types in an enum, often
/// default-exported), read once every file is in the model.
pub fn member_types(model: &mut Model) {
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for (ei, e) in model.entities.iter().enumerate() {
        for (ci, c) in e.columns.iter().enumerate() {
            if c.db_type.is_some() {
                continue;
            }
            let Some(decorator) = model.decorator_at(&c.origin) else {
                continue;
            };
            let member = decorator.args.iter().find_map(|a| match &a.value {
                Value::Member(_) => Some(&a.value),
                v => v
                    .get("type")
                    .map(|t| &t.value)
                    .filter(|t| matches!(t, Value::Member(_))),
            });
            if let Some(Value::Str(t)) = member.and_then(|m| member_value(model, c.origin.file, m))
            {
                found.push((ei, ci, t.to_lowercase()));
            }
        }
    }
    for (ei, ci, t) in found {
        let entity = model.entities.get_mut(ei).map(std::sync::Arc::make_mut);
        if let Some(column) = entity.and_then(|e| e.columns.get_mut(ci)) {
            column.db_type = Some(t);
        }
    }
}

/// Each member with its value: a member without an initializer is numbered from the
/// previous one, as TypeScript does.
pub fn member_values(e: &EnumFact) -> impl Iterator<Item = (&str, Value)> + '_ {
    let mut next = 0.0;
    e.members.iter().map(move |(name, init)| {
        let value = match init {
            Some(Value::Num(n)) => Value::Num(*n),
            Some(other) => other.clone(),
            None => Value::Num(next),
        };
        if let Value::Num(n) = value {
            next = n + 1.0;
        }
        (name.as_str(), value)
    })
}
