//! Whether a `const` object the syntax layer followed into a query (`const where = {...};
//! repo.find({ where })`) is changed between its declaration and its use. Real services
//! build filters step by step (`const where: any = { tenantId }; if (name) where.name =
//! name;`): the initializer alone is then not the filter, and rules that read it must say
//! nothing rather than judge half of it.

use crate::syntax::{Spanned, Value};

/// Whether `value` is a followed const whose object is assigned to, `delete`d from or
/// `Object.assign`ed into between its initializer and the use site, in `text`.
pub fn const_mutated_before_use(text: &str, value: &Spanned<Value>) -> bool {
    let Value::Const { name, value: init } = &value.value else {
        return false;
    };
    if !matches!(init.value, Value::Object(_) | Value::Array(_)) {
        return false;
    }
    let (from, to) = (init.span.end(), value.span.start());
    text.get(from..to)
        .is_some_and(|between| mutates(between, name))
}

/// `name.key = …`, `name['key'] = …`, `name.push(…)`, `delete name.key`,
/// `Object.assign(name, …)` in `code`.
fn mutates(code: &str, name: &str) -> bool {
    if code.contains(&format!("Object.assign({name},"))
        || code.contains(&format!("delete {name}."))
        || code.contains(&format!("delete {name}["))
    {
        return true;
    }
    let mut rest = code;
    while let Some(at) = rest.find(name) {
        let before = rest.get(..at).and_then(|b| b.chars().next_back());
        let after = rest.get(at + name.len()..).unwrap_or("");
        rest = after;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') {
            continue;
        }
        if writes_through(after) {
            return true;
        }
    }
    false
}

/// Whether the text after a name writes through it: a member or element followed by a
/// plain (or compound) assignment, or an array mutator call.
fn writes_through(after: &str) -> bool {
    let after = after.trim_start();
    let target_end = if let Some(member) = after.strip_prefix('.') {
        let member = member.trim_start();
        let len = member
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(member.len());
        let ident = member.get(..len).unwrap_or("");
        if matches!(ident, "push" | "unshift" | "splice") {
            return true;
        }
        if ident.is_empty() {
            return false;
        }
        after.len() - member.len() + len
    } else if after.starts_with('[') {
        match after.find(']') {
            Some(close) => close + 1,
            None => return false,
        }
    } else {
        return false;
    };
    let tail = after.get(target_end..).unwrap_or("").trim_start();
    is_assignment(tail)
}

/// `= x`, `+= x`, `??= x` but not `==`, `===`, `=>`.
fn is_assignment(tail: &str) -> bool {
    let op_len = tail
        .find(|c: char| !"+-*/%&|^?<>=!".contains(c))
        .unwrap_or(tail.len());
    let op = tail.get(..op_len).unwrap_or("");
    op.ends_with('=') && !matches!(op, "==" | "===" | "!=" | "!==" | "<=" | ">=")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_and_element_writes_count() {
        assert!(mutates("\n if (x) filter.email = x;", "filter"));
        assert!(mutates("filter['email'] = x;", "filter"));
        assert!(mutates("filter.count += 1;", "filter"));
        assert!(mutates("filter.tags ??= [];", "filter"));
        assert!(mutates("branches.push({ a: 1 });", "branches"));
        assert!(mutates("Object.assign(filter, extra);", "filter"));
        assert!(mutates("delete filter.email;", "filter"));
    }

    #[test]
    fn reads_and_other_names_do_not() {
        assert!(!mutates("if (filter.email === x) {}", "filter"));
        assert!(!mutates("log(filter.email == y, filter.a != b);", "filter"));
        assert!(!mutates(
            "otherfilter.email = x; my_filter.a = 1;",
            "filter"
        ));
        assert!(!mutates("this.filter.email = x;", "filter"));
        assert!(!mutates("const f = (filter) => filter;", "filter"));
        assert!(!mutates("filter.email <= 3", "filter"));
    }
}
