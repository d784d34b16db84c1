//! What a column option that names a constant evaluates to when TypeORM reads it: the
//! `const` of the option's file, else the one its import names, else the one exported
//! const of that name in the workspace, followed through further names
//! (`DEFAULT_WEEK_START = DayOfWeek.Monday`), enum members and properties of const objects (`nativeValues.jsonEntityType`, where
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
            // `1024 * 1024 * 10`, `MAX_SIZE * 2`, `PREFIX + 'x'`: what JavaScript computes
            // when the module loads.
            Value::Binary { op, operands } => {
                let [left, right] = &**operands;
                let (_, left) = self.const_value_at(file, &left.value, depth + 1)?;
                let (_, right) = self.const_value_at(file, &right.value, depth + 1)?;
                Some((file, binary(op, &left, &right)?))
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
    /// its own, else the one its import names, else the one exported const of that name
    /// (see `option_calls::const_named`).
    fn const_named(&self, file: usize, name: &str) -> Option<(usize, &Value)> {
        crate::model::option_calls::const_named(self.model, file, name)
    }
}

/// `left op right` as JavaScript computes it, for numbers (and `+` on strings): `None` for
/// any other operand or operator.
fn binary(op: &str, left: &Value, right: &Value) -> Option<Value> {
    use super::values::js_number;
    let text = |v: &Value| match v {
        Value::Str(s) => Some(s.to_string()),
        Value::Num(n) => Some(js_number(*n)),
        Value::BigInt(digits) => Some(digits.to_string()),
        _ => None,
    };
    if op == "+" && (matches!(left, Value::Str(_)) || matches!(right, Value::Str(_))) {
        return Some(Value::Str(
            format!("{}{}", text(left)?, text(right)?).into(),
        ));
    }
    let (Value::Num(a), Value::Num(b)) = (left, right) else {
        return None;
    };
    let (a, b) = (*a, *b);
    let shift = (to_int32(b) as u32) & 31;
    Some(Value::Num(match op {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => a / b,
        "%" => a % b,
        "**" => a.powf(b),
        "|" => f64::from(to_int32(a) | to_int32(b)),
        "&" => f64::from(to_int32(a) & to_int32(b)),
        "^" => f64::from(to_int32(a) ^ to_int32(b)),
        "<<" => f64::from(to_int32(a).wrapping_shl(shift)),
        ">>" => f64::from(to_int32(a).wrapping_shr(shift)),
        ">>>" => f64::from((to_int32(a) as u32).wrapping_shr(shift)),
        _ => return None,
    }))
}

/// JavaScript's `ToInt32`: the number truncated and wrapped to 32 bits (NaN and the
/// infinities are 0).
fn to_int32(n: f64) -> i32 {
    if !n.is_finite() {
        return 0;
    }
    let wrapped = n.trunc().rem_euclid(4_294_967_296.0);
    (wrapped as u64 as u32) as i32
}
