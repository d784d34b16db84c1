//! Parameters typed as a union of literals (`column: 'value' | 'balance'`): TypeScript
//! lets nothing else in, so inside the function the name is one of those constants. It is
//! shown as that list, the way a `for (const c of ['a', 'b'])` variable is, so SEC001
//! reads it as constant and SQL rendering leaves a hole.

use super::Extractor;
use crate::syntax::facts::{Spanned, Value};
use crate::syntax::ids::{fields, KindExt};
use crate::syntax::value::{first_named, named_iter, parse_value};
use tree_sitter::Node;

/// Unions nest one level per `|` in the grammar: enough for any hand-written list.
const MAX_UNION_DEPTH: usize = 64;

impl Extractor<'_> {
    /// `(name, the list of its literals)` for each simple parameter of `func` typed as a
    /// union of string or number literal types.
    pub(super) fn literal_union_params(&self, func: Node) -> Vec<(String, Spanned<Value>)> {
        super::receivers::simple_params(func)
            .into_iter()
            .filter_map(|(p, pattern)| {
                let annotation = p.child_by_field_id(fields().type_).and_then(first_named)?;
                let mut literals = Vec::new();
                if !self.union_literals(annotation, &mut literals, 0) || literals.len() < 2 {
                    return None;
                }
                let span = annotation.byte_range();
                let list = Spanned::new(Value::Array(literals.into()), span);
                Some((self.text(pattern).to_string(), list))
            })
            .collect()
    }

    /// Collects the literals of a union type; false when a member is anything else
    /// (`string`, a type name, `null`).
    fn union_literals(&self, ty: Node, out: &mut Vec<Spanned<Value>>, depth: usize) -> bool {
        if depth > MAX_UNION_DEPTH {
            return false;
        }
        match ty.fast_kind() {
            "union_type" => named_iter(ty).all(|t| self.union_literals(t, out, depth + 1)),
            "parenthesized_type" => {
                first_named(ty).is_some_and(|t| self.union_literals(t, out, depth + 1))
            }
            "literal_type" => {
                let Some(literal) = first_named(ty) else {
                    return false;
                };
                let value = parse_value(literal, self.src);
                let ok = matches!(
                    value.value,
                    Value::Str(_) | Value::Num(_) | Value::BigInt(_)
                );
                if ok {
                    out.push(value);
                }
                ok
            }
            _ => false,
        }
    }
}
