//! What a column option that names a constant evaluates to when TypeORM reads it: the
//! `const` of the option's file, else the one exported const of that name in the
//! workspace, followed through further names (`DEFAULT_WEEK_START = DayOfWeek.Monday`),
//! enum members and properties of const objects (`nativeValues.jsonEntityType`, where
//! `nativeValues` is the PostgreSQL branch of a ternary on the environment). Values
//! computed at load time (calls, `process.env`) are not followed: `None`.

use super::Builder;
use crate::model::enums;
use crate::syntax::Value;

/// How many names are followed before giving up (a const naming itself, long chains).
const MAX_DEPTH: usize = 8;

impl Builder<'_> {
    /// `v` with the constants it names replaced by their values, or `None` when it names
    /// something that cannot be read statically. A value naming nothing is itself.
    pub(super) fn const_value(&self, file: usize, v: &Value) -> Option<Value> {
        self.const_value_at(file, v, 0).map(|(_, v)| v)
    }

    fn const_value_at(&self, file: usize, v: &Value, depth: usize) -> Option<(usize, Value)> {
        if depth > MAX_DEPTH {
            return None;
        }
        match v {
            Value::Const { value, .. } => self.const_value_at(file, &value.value, depth + 1),
            Value::Ident(name) => {
                let (home, value) = self.const_named(file, name)?;
                self.const_value_at(home, value, depth + 1)
            }
            Value::Member(path) => {
                if let Some(member) = enums::member_value(self.model, file, v) {
                    return self.const_value_at(file, &member, depth + 1);
                }
                let (head, rest) = path.split_once('.')?;
                if let Some((home, value)) = self.static_property(file, head, rest) {
                    return self.const_value_at(home, value, depth + 1);
                }
                let (home, object) = self.const_named(file, head)?;
                let (home, mut value) = self.const_value_at(home, object, depth + 1)?;
                for key in rest.split('.') {
                    value = value.get(key)?.value.clone();
                }
                self.const_value_at(home, &value, depth + 1)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    let mut item = item.clone();
                    item.value = self.const_value_at(file, &item.value, depth + 1)?.1;
                    out.push(item);
                }
                Some((file, Value::Array(out.into())))
            }
            Value::Str(_)
            | Value::Num(_)
            | Value::BigInt(_)
            | Value::Bool(_)
            | Value::Null
            | Value::Object(_)
            | Value::Arrow { .. } => Some((file, v.clone())),
            _ => None,
        }
    }

    /// The initializer of `static readonly ROLE_TYPE = 'role'` for `Group.ROLE_TYPE`: the
    /// class of file `file`, else the one class of that name in the workspace.
    fn static_property(&self, file: usize, class: &str, property: &str) -> Option<(usize, &Value)> {
        let declared = |at: usize| {
            let c = self.model.file(at)?.facts.class(class)?;
            let p = c
                .properties
                .iter()
                .find(|p| p.is_static && p.name == property)?;
            Some((at, &p.initializer.as_deref()?.value))
        };
        if self
            .model
            .file(file)
            .and_then(|f| f.facts.class(class))
            .is_some()
        {
            return declared(file);
        }
        let mut homes = (0..self.model.files.len()).filter(|&at| {
            self.model
                .file(at)
                .is_some_and(|f| f.facts.class(class).is_some())
        });
        let home = homes.next()?;
        if homes.next().is_some() {
            return None;
        }
        declared(home)
    }

    /// The value of the `const` `name` as file `file` sees it, with the file declaring it:
    /// its own, else the exported one of that name (when every exported const of that name
    /// has the same value, since an import is not followed here).
    fn const_named(&self, file: usize, name: &str) -> Option<(usize, &Value)> {
        let local = self
            .model
            .file(file)
            .and_then(|f| f.facts.consts.iter().find(|c| c.name == name));
        if let Some(c) = local {
            return Some((file, &c.value.value));
        }
        let mut found: Option<(usize, &Value)> = None;
        for (at, f) in self.model.files.iter().enumerate() {
            for c in f.facts.consts.iter() {
                if !c.is_exported || c.name != name {
                    continue;
                }
                match found {
                    Some((_, prev)) if *prev != c.value.value => return None,
                    Some(_) => {}
                    None => found = Some((at, &c.value.value)),
                }
            }
        }
        found
    }
}
