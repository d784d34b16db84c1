//! Partial-index predicates: whether an equality on a foreign key implies one, as
//! PostgreSQL's planner proves before it uses a partial index (`ON DELETE` looks rows up
//! by `"fkId" = $1`, which implies `"fkId" IS NOT NULL` and nothing else).

/// True when every conjunct of `predicate` is `<column> IS NOT NULL` for one of `columns`
/// (quoted or not, with or without a table alias, in parentheses or not).
pub fn implied_by_equality_on(predicate: &str, columns: &[String]) -> bool {
    let conjuncts = split_and(strip_parens(predicate.trim()));
    !conjuncts.is_empty()
        && conjuncts.iter().all(|c| {
            not_null_column(strip_parens(c.trim()))
                .is_some_and(|col| columns.iter().any(|k| k == col))
        })
}

/// Removes parentheses around the whole expression.
fn strip_parens(mut s: &str) -> &str {
    while let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        if !balanced(inner) {
            break;
        }
        s = inner.trim();
    }
    s
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// Top-level `AND` conjuncts; an `OR` anywhere at top level makes the whole one conjunct
/// (which then matches no `IS NOT NULL` form).
fn split_and(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let (mut depth, mut start, mut i) = (0i32, 0usize, 0usize);
    let mut quoted = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            _ => {}
        }
        let is_and = !quoted
            && depth == 0
            && s.get(i..i + 5)
                .is_some_and(|w| w.eq_ignore_ascii_case(" and "));
        if is_and {
            out.push(s.get(start..i).unwrap_or(""));
            start = i + 5;
            i += 5;
            continue;
        }
        i += 1;
    }
    out.push(s.get(start..).unwrap_or(""));
    out
}

/// `"ownerId" IS NOT NULL`, `ownerId is not null`, `t."ownerId" IS NOT NULL` -> `ownerId`.
fn not_null_column(s: &str) -> Option<&str> {
    let lower = s.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if words.len() != 4 || words[1..] != ["is", "not", "null"] {
        return None;
    }
    let first = s.split_whitespace().next()?;
    let column = first.rsplit('.').next()?;
    let column = column
        .strip_prefix('"')
        .and_then(|c| c.strip_suffix('"'))
        .unwrap_or(column);
    (!column.is_empty()).then_some(column)
}

#[cfg(test)]
mod tests {
    use super::implied_by_equality_on;

    fn cols() -> Vec<String> {
        vec!["ownerId".to_string()]
    }

    #[test]
    fn not_null_on_the_key_is_implied_in_every_spelling() {
        for p in [
            "\"ownerId\" IS NOT NULL",
            "ownerId is not null",
            "t.\"ownerId\" IS NOT NULL",
            "(\"ownerId\" IS NOT NULL)",
            "\"ownerId\"  IS  NOT  NULL",
        ] {
            assert!(implied_by_equality_on(p, &cols()), "{p}");
        }
    }

    #[test]
    fn anything_else_is_not_implied() {
        for p in [
            "deleted IS NULL",
            "\"deleted\" IS NULL",
            "\"ownerId\" IS NOT NULL AND \"deleted\" IS NULL",
            "\"ownerId\" IS NOT NULL OR \"x\" = 1",
            "\"otherId\" IS NOT NULL",
            "\"ownerId\" IS NULL",
            "",
        ] {
            assert!(!implied_by_equality_on(p, &cols()), "{p}");
        }
    }

    #[test]
    fn conjuncts_all_on_key_columns_are_implied() {
        let two = vec!["aId".to_string(), "bId".to_string()];
        assert!(implied_by_equality_on(
            "\"aId\" IS NOT NULL AND \"bId\" IS NOT NULL",
            &two
        ));
    }
}
