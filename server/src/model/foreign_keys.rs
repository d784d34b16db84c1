//! Foreign keys declared without a relation: `@ForeignKey(...)` on a class or a property,
//! an `EntitySchema`'s `foreignKeys` and a schema column's `foreignKey` (TypeORM 0.3.26+).

use crate::syntax::Value;

/// One declared key, before its columns are resolved: the target as written, the
/// constrained and referenced properties (no referenced ones: the target's primary key)
/// and the options object (`name`, `onDelete`, `onUpdate`).
pub struct DeclaredKey<'a> {
    pub target: &'a Value,
    pub columns: Vec<String>,
    pub referenced: Vec<String>,
    pub options: Option<&'a Value>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.value.as_str().map(str::to_string))
            .collect(),
        Some(v) => v.as_str().map(str::to_string).into_iter().collect(),
        None => Vec::new(),
    }
}

/// `@ForeignKey(target, ['a', 'b'], ['x', 'y'], options?)` on a class.
pub fn from_class_decorator<'a>(args: &[&'a Value]) -> Option<DeclaredKey<'a>> {
    Some(DeclaredKey {
        target: args.first()?,
        columns: strings(args.get(1).copied()),
        referenced: strings(args.get(2).copied()),
        options: args.get(3).copied().filter(|o| o.as_object().is_some()),
    })
}

/// `@ForeignKey(target, inverseSide?, options?)` on a property: the inverse side is a
/// property name or `(x) => x.code`.
pub fn from_property_decorator<'a>(property: &str, args: &[&'a Value]) -> Option<DeclaredKey<'a>> {
    let target = args.first()?;
    let mut referenced = Vec::new();
    let mut options = None;
    for a in args.iter().skip(1) {
        match a {
            Value::Str(s) => referenced.push(s.to_string()),
            Value::Arrow { body, .. } => {
                if let Value::Member(path) = &body.value {
                    referenced.extend(path.rsplit('.').next().map(str::to_string));
                }
            }
            v if v.as_object().is_some() => options = Some(*a),
            _ => {}
        }
    }
    Some(DeclaredKey {
        target,
        columns: vec![property.to_string()],
        referenced,
        options,
    })
}

/// An `EntitySchema`'s `foreignKeys: [{ target, columnNames, referencedColumnNames, name }]`
/// and its columns' `foreignKey: { target, inverseSide, name }`.
pub fn from_entity_schema(options: &Value) -> Vec<DeclaredKey<'_>> {
    let mut out = Vec::new();
    if let Some(Value::Array(items)) = options.get("foreignKeys").map(|v| &v.value) {
        for item in items {
            let Some(target) = item.value.get("target") else {
                continue;
            };
            out.push(DeclaredKey {
                target: &target.value,
                columns: strings(item.value.get("columnNames").map(|v| &v.value)),
                referenced: strings(item.value.get("referencedColumnNames").map(|v| &v.value)),
                options: Some(&item.value),
            });
        }
    }
    let columns = options.get("columns").and_then(|c| c.value.as_object());
    for column in columns.unwrap_or_default() {
        let Some(fk) = column.value.value.get("foreignKey") else {
            continue;
        };
        let Some(target) = fk.value.get("target") else {
            continue;
        };
        out.push(DeclaredKey {
            target: &target.value,
            columns: vec![column.key.to_string()],
            referenced: strings(fk.value.get("inverseSide").map(|v| &v.value)),
            options: Some(&fk.value),
        });
    }
    out
}
