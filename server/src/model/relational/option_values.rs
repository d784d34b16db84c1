//! Reading column options as TypeORM reads them when the module loads: `EntitySchema`
//! entries, enum lists, named constants and the `design:type` TypeScript emits.

use super::*;

/// Type aliases followed to what they stand for, at most this deep (an alias of an alias).
const MAX_ALIAS_DEPTH: usize = 8;

impl Builder<'_> {
    /// The options object of an `EntitySchema` column (the entry at `origin.span`).
    pub(super) fn schema_entry(&self, origin: &Origin) -> Option<&Value> {
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
    pub(super) fn enum_list(&self, file: usize, v: &Value) -> Option<Vec<String>> {
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
        // `enum: mediumValues`, a const array of this file or an exported one; or a const
        // object, whose values TypeORM lists but for numeric keys and functions.
        match self.named_value(file, v)? {
            Value::Array(items) => items.iter().map(|i| literal(&i.value)).collect(),
            Value::Object(props) => props
                .iter()
                .filter(|p| !is_numeric_key(&p.key))
                .filter(|p| !matches!(p.value.value, Value::Function | Value::Arrow { .. }))
                .map(|p| (p.key.as_str() != "...").then(|| literal(&p.value.value))?)
                .collect(),
            _ => None,
        }
    }

    /// The value of the constant a name or a dotted path names, or of constant arithmetic
    /// (`1024 * 1024`; see `const_values`), only when it names one: a literal as written is
    /// not "named".
    pub(super) fn named_value(&self, file: usize, v: &Value) -> Option<Value> {
        matches!(
            v,
            Value::Ident(_) | Value::Member(_) | Value::Const { .. } | Value::Binary { .. }
        )
        .then(|| self.const_value(file, v))
        .flatten()
    }

    /// The type TypeORM reads from `design:type` when a column names none: what TypeScript
    /// serializes for the property's annotation. Each part of a union is serialized on its
    /// own (`string`, `String`, a string literal, a string enum of the workspace or a type
    /// alias of one of them are all `String`); parts that disagree make `Object`, which
    /// TypeORM refuses, so no type is guessed.
    pub(super) fn design_type(&self, ts: &str, depth: usize) -> Option<String> {
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
    pub(super) fn element_design_type(&self, ts: &str) -> Option<String> {
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
    pub(super) fn named_design_type(&self, name: &str, depth: usize) -> Option<String> {
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
    pub(super) fn enum_member(&self, file: usize, v: &Value) -> Option<Value> {
        enums::member_value(self.model, file, v)
    }

    /// An array default whose items name enum members, with the members' values
    /// (`default: [Role.Player]` of an enum array column is `'{PLAYER}'`).
    pub(super) fn enum_members_in_array(&self, file: usize, v: &Value) -> Option<Value> {
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
    pub(super) fn const_str(&self, file: usize, v: &Value) -> Option<String> {
        match v {
            Value::Ident(_) => self.named_const(file, v)?.as_str().map(str::to_string),
            other => other.as_str().map(str::to_string),
        }
    }

    /// The literal (string or number) of the `const` an option names: shown where it is
    /// used (`Value::Const`), else one of file `file`, else an exported one of the
    /// workspace (`length: NAME_MAX_LENGTH`).
    pub(super) fn named_const(&self, file: usize, v: &Value) -> Option<Value> {
        let literal = |v: &Value| {
            matches!(v, Value::Str(_) | Value::Num(_) | Value::BigInt(_)).then(|| v.clone())
        };
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
    pub(super) fn imported_const(&self, v: &Value) -> Option<Value> {
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
            if !matches!(
                value,
                Value::Str(_) | Value::Num(_) | Value::BigInt(_) | Value::Bool(_)
            ) {
                return None;
            }
            match found {
                Some(prev) if prev != value => return None,
                _ => found = Some(value),
            }
        }
        found.cloned()
    }
}

/// A key for which `isNaN(+key)` is false in JavaScript (`"1"`, `" 2 "`, `"0x1F"`, `""`):
/// TypeORM skips such keys of an enum object (a numeric TypeScript enum's reverse
/// mapping).
fn is_numeric_key(key: &str) -> bool {
    let k = key.trim();
    let unsigned = k.strip_prefix(['+', '-']).unwrap_or(k);
    if k.is_empty() || unsigned == "Infinity" {
        return true;
    }
    let radix = match k.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => 10,
    };
    if radix != 10 {
        return k.len() > 2 && u128::from_str_radix(&k[2..], radix).is_ok();
    }
    unsigned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && k.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::is_numeric_key;

    #[test]
    fn numeric_keys_are_those_javascript_reads_as_numbers() {
        for key in ["1", " 2 ", "0x1F", "1e3", "-1.5", "", "Infinity", "0b11"] {
            assert!(is_numeric_key(key), "{key:?}");
        }
        for key in ["IDLE", "NaN", "inf", "1a", "0x", "0xZ", "toStringList"] {
            assert!(!is_numeric_key(key), "{key:?}");
        }
    }
}
