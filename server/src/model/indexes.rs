//! `@Index` / `@Unique` decorators (property and class level) -> [`Index`]es.

use super::columns::canon;
use super::types::*;
use crate::config::Config;
use crate::syntax::{Decorator, Value};

/// Index options that make an index more than a b-tree over its columns.
const SPECIAL_KINDS: [&str; 4] = ["expireAfterSeconds", "sparse", "spatial", "fulltext"];

/// An index as declared, before its field names are resolved to database columns.
#[derive(Debug, Clone)]
pub struct RawIndex {
    pub kind: IndexKind,
    pub name: Option<String>,
    /// Property names (or database names) as written.
    pub fields: Vec<String>,
    /// A field list we could not read (a variable, a function with other shapes).
    pub unreadable: bool,
    pub unique: bool,
    pub where_clause: Option<String>,
    pub options_opaque: bool,
    pub origin: Origin,
}

/// The index decorators on a property (`@Index()` above a column or relation).
pub fn property_indexes(
    property: &str,
    decorators: &[Decorator],
    config: &Config,
    origin_of: impl Fn(&Decorator) -> Origin,
) -> Vec<RawIndex> {
    decorators
        .iter()
        .filter_map(|d| {
            let kind = index_kind(canon(config, &d.name))?;
            let mut raw = read(d, kind, origin_of(d));
            // A property-level index always indexes the property itself.
            raw.fields = vec![property.to_string()];
            raw.unreadable = false;
            Some(raw)
        })
        .collect()
}

/// The index decorators on a class.
pub fn class_indexes(
    decorators: &[Decorator],
    config: &Config,
    origin_of: impl Fn(&Decorator) -> Origin,
) -> Vec<RawIndex> {
    decorators
        .iter()
        .filter_map(|d| {
            let kind = index_kind(canon(config, &d.name))?;
            Some(read(d, kind, origin_of(d)))
        })
        .collect()
}

fn index_kind(name: &str) -> Option<IndexKind> {
    match name {
        "Index" => Some(IndexKind::Index),
        "Unique" => Some(IndexKind::Unique),
        _ => None,
    }
}

fn read(d: &Decorator, kind: IndexKind, origin: Origin) -> RawIndex {
    let mut raw = RawIndex {
        kind,
        name: None,
        fields: Vec::new(),
        unreadable: false,
        unique: kind == IndexKind::Unique,
        where_clause: None,
        options_opaque: false,
        origin,
    };
    let mut saw_fields = false;
    for (position, arg) in d.args.iter().enumerate() {
        match &arg.value {
            Value::Str(s) if raw.name.is_none() && !saw_fields => raw.name = Some(s.to_string()),
            Value::Array(items) => {
                saw_fields = true;
                for item in items {
                    match item.value.as_str() {
                        // TypeORM trims each name of the list (`'module_sku '` is `module_sku`).
                        Some(s) => raw.fields.push(s.trim().to_string()),
                        None => raw.unreadable = true,
                    }
                }
            }
            Value::Arrow { body, .. } => {
                saw_fields = true;
                read_function_fields(&body.value, &mut raw);
            }
            Value::Object(_) => {
                // A spread hides options; a TTL (`expireAfterSeconds`), sparse, spatial or
                // full-text index does something a plain b-tree on the same columns does
                // not, so no verdict compares it with one.
                if arg.value.has_spread()
                    || SPECIAL_KINDS.iter().any(|k| arg.value.get(k).is_some())
                {
                    raw.options_opaque = true;
                }
                if let Some(u) = arg.value.get("unique") {
                    match u.value.as_bool() {
                        Some(b) => raw.unique = raw.unique || b,
                        None => raw.options_opaque = true,
                    }
                }
                if let Some(w) = arg.value.get("where") {
                    match w.value.as_str() {
                        Some(s) => raw.where_clause = Some(s.to_string()),
                        None => {
                            raw.where_clause = Some(String::from("<unknown>"));
                            raw.options_opaque = true;
                        }
                    }
                }
            }
            // `@Index(INDEX_NAME, ['a'])`: a name kept in a constant; the fields follow.
            Value::Ident(_) | Value::Member(_) if position == 0 && d.args.len() > 1 => {}
            Value::Ident(_) | Value::Member(_) => {
                // Fields or options in a variable: unknown.
                raw.unreadable = true;
                raw.options_opaque = true;
            }
            _ => {}
        }
    }
    if !saw_fields && raw.fields.is_empty() && !raw.unreadable {
        // Class-level `@Index()` with no fields means nothing we can use.
        raw.unreadable = true;
    }
    raw
}

/// `(p) => [p.author, p.created]` or `(p) => ({ author: p.author })`.
fn read_function_fields(body: &Value, raw: &mut RawIndex) {
    match body {
        Value::Array(items) => {
            for item in items {
                match item.value.as_reference() {
                    Some(path) => raw
                        .fields
                        .push(path.rsplit('.').next().unwrap_or(path).to_string()),
                    None => raw.unreadable = true,
                }
            }
        }
        Value::Object(props) => {
            for p in props {
                raw.fields.push(p.key.to_string());
            }
        }
        _ => raw.unreadable = true,
    }
}

/// Resolves a raw index against the entity's columns and relations.
pub fn resolve(raw: RawIndex, columns: &[Column], relations: &[Relation]) -> Index {
    let mut unresolved = raw.unreadable;
    let mut db_columns = Vec::new();
    for field in &raw.fields {
        if let Some(c) = columns.iter().find(|c| &c.property == field) {
            db_columns.push(c.db_name.clone());
        } else if let Some(r) = relations.iter().find(|r| &r.property == field) {
            if r.join_columns.is_empty() {
                unresolved = true;
            }
            db_columns.extend(r.join_columns.iter().cloned());
        } else if columns.iter().any(|c| &c.db_name == field)
            || relations.iter().any(|r| r.join_columns.contains(field))
        {
            db_columns.push(field.clone());
        } else {
            // A column we do not know (e.g. declared by @RelationId or raw): keep the name.
            db_columns.push(field.clone());
        }
    }
    Index {
        kind: raw.kind,
        name: raw.name,
        columns: db_columns,
        unresolved,
        unique: raw.unique,
        where_clause: raw.where_clause,
        options_opaque: raw.options_opaque,
        origin: Some(raw.origin),
    }
}
