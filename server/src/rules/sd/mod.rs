//! SD rules: soft delete. TypeORM filters soft-deleted rows only in `find*`, `count` and
//! QueryBuilder selects, and only for a `@DeleteDateColumn`; these rules find the places
//! where deleted rows leak in (raw SQL, updates, hard deletes, `withDeleted`).
//!
//! Helpers shared by the family (and by SEC) live here; the SQL scanner is in [`sql`].

pub mod sd001;
pub mod sd002;
pub mod sd003;
pub mod sd004;
pub mod sql;

use super::RuleDef;
use crate::model::Entity;
use crate::syntax::{Spanned, Value};

/// The rules of this family, in catalogue order.
pub const RULES: &[RuleDef] = &[sd001::RULE, sd002::RULE, sd003::RULE, sd004::RULE];

/// The property name of an entity's soft-delete column (its `SoftDelete` holds the
/// database name).
pub fn soft_delete_property(entity: &Entity) -> Option<&str> {
    let column = entity.soft_delete.as_ref()?.column();
    entity
        .column_by_db_name(column)
        .map(|c| c.property.as_str())
}

/// What a criteria object says about a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPresence {
    /// Every branch names the key.
    Present,
    /// Some branch is a readable object without it.
    Missing,
    /// Not readable (a variable, a spread, a call): say nothing.
    Unknown,
}

/// Whether a `where`-style criteria value (object, array of objects for OR, or a const
/// holding one) names `key` in every branch.
pub fn criteria_has_key(value: &Value, key: &str) -> KeyPresence {
    match value {
        Value::Const { value, .. } => criteria_has_key(&value.value, key),
        Value::Object(props) => {
            if props.iter().any(|p| p.key == key) {
                KeyPresence::Present
            } else if props.iter().any(|p| p.key == "...") {
                KeyPresence::Unknown
            } else {
                KeyPresence::Missing
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let each: Vec<KeyPresence> = items
                .iter()
                .map(|i| criteria_has_key(&i.value, key))
                .collect();
            if each.contains(&KeyPresence::Missing) {
                KeyPresence::Missing
            } else if each.contains(&KeyPresence::Unknown) {
                KeyPresence::Unknown
            } else {
                KeyPresence::Present
            }
        }
        _ => KeyPresence::Unknown,
    }
}

/// The string value of a QueryBuilder argument (literal, template or const), if any.
pub fn string_arg(arg: &Spanned<Value>) -> Option<String> {
    sql::render(&arg.value).map(|r| r.text)
}

/// QueryBuilder methods whose first argument is a filter fragment.
pub const WHERE_METHODS: &[&str] = &[
    "where",
    "andWhere",
    "orWhere",
    "having",
    "andHaving",
    "orHaving",
];

/// QueryBuilder methods that run a SELECT.
pub const SELECT_TERMINALS: &[&str] = &[
    "getMany",
    "getOne",
    "getOneOrFail",
    "getRawMany",
    "getRawOne",
    "getManyAndCount",
    "getRawAndEntities",
    "getCount",
    "getExists",
    "stream",
];

/// QueryBuilder methods that turn the builder into a write.
pub const WRITE_METHODS: &[&str] = &[
    "update",
    "delete",
    "softDelete",
    "restore",
    "insert",
    "relation",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Prop;

    fn obj(keys: &[&str]) -> Value {
        Value::Object(
            keys.iter()
                .map(|k| Prop {
                    key: k.to_string().into(),
                    key_span: (0..0).into(),
                    value: Spanned::new(Value::Null, 0..0),
                })
                .collect(),
        )
    }

    #[test]
    fn criteria_key_presence() {
        assert_eq!(
            criteria_has_key(&obj(&["id", "deleted"]), "deleted"),
            KeyPresence::Present
        );
        assert_eq!(
            criteria_has_key(&obj(&["id"]), "deleted"),
            KeyPresence::Missing
        );
        assert_eq!(
            criteria_has_key(&obj(&["id", "..."]), "deleted"),
            KeyPresence::Unknown
        );
        let or = Value::Array(vec![
            Spanned::new(obj(&["a", "deleted"]), 0..0),
            Spanned::new(obj(&["b"]), 0..0),
        ]);
        assert_eq!(criteria_has_key(&or, "deleted"), KeyPresence::Missing);
        assert_eq!(
            criteria_has_key(&Value::Ident("w".into()), "deleted"),
            KeyPresence::Unknown
        );
    }
}
