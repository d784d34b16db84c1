//! TypeORM's naming: table and column names derived from class and property names.
//! Ported from TypeORM's `StringUtils` (`snakeCase`, `camelCase`) and
//! `DefaultNamingStrategy`, so the names we compute are the ones TypeORM uses.

use crate::config::NamingStrategy;

/// TypeORM's `snakeCase`: `ABc` -> `a_bc`, `aC` -> `a_c`, then lower case.
pub fn snake_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let upper_run_end = c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_uppercase())
            && next.is_some_and(|n| n.is_ascii_lowercase());
        let lower_to_upper = c.is_ascii_uppercase()
            && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
        if upper_run_end || lower_to_upper {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// PostgreSQL's identifier limit, TypeORM's `maxAliasLength` for postgres.
const MAX_IDENTIFIER: usize = 63;

/// A junction table name longer than PostgreSQL allows, as TypeORM shortens it
/// (`shorten(name, { separator: "_", segmentLength: 3 })`): each `_` segment keeps its first
/// 3 characters, or the first 2 of each camelCase term when it has several
/// (`category_with_very_long_name` -> `cat_wit_ver_lon_nam`, `postId` -> `poId`).
pub fn shorten_junction_name(name: String) -> String {
    if name.chars().count() <= MAX_IDENTIFIER {
        return name;
    }
    name.split('_')
        .map(|segment| {
            let terms = camel_terms(segment);
            let keep = if terms.len() > 1 { 2 } else { 3 };
            terms
                .iter()
                .map(|t| t.chars().take(keep).collect::<String>())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// `OrderItemList` -> `Order`, `Item`, `List`: split before a capital that follows a lower
/// case letter (TypeORM's `/([a-z\xE0-\xFF])([A-Z\xC0-\xDF])/`).
fn camel_terms(segment: &str) -> Vec<String> {
    let lower = |c: char| c.is_ascii_lowercase() || ('\u{E0}'..='\u{FF}').contains(&c);
    let upper = |c: char| c.is_ascii_uppercase() || ('\u{C0}'..='\u{DF}').contains(&c);
    let mut terms = vec![String::new()];
    let mut prev: Option<char> = None;
    for c in segment.chars() {
        if prev.is_some_and(lower) && upper(c) {
            terms.push(String::new());
        }
        if let Some(t) = terms.last_mut() {
            t.push(c);
        }
        prev = Some(c);
    }
    terms
}

/// TypeORM's `camelCase`: `author_id` -> `authorId`, a leading capital is lowered. As its
/// `/^([A-Z])|[\s-_](\w)/g` does, a separator goes only together with the word character
/// after it: the trailing `_` of an `EntitySchema` embedded prefix `name_` stays
/// (`name_First`), and of `a__b` one `_` stays.
pub fn camel_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    if let Some(first) = chars.next_if(char::is_ascii_uppercase) {
        out.push(first.to_ascii_lowercase());
    }
    while let Some(c) = chars.next() {
        let separator = c.is_whitespace() || c == '-' || c == '_';
        match chars.next_if(|n| separator && (n.is_ascii_alphanumeric() || *n == '_')) {
            Some(word) => out.push(word.to_ascii_uppercase()),
            None => out.push(c),
        }
    }
    out
}

/// The table name of an entity class without an explicit name.
pub fn table_name(class_name: &str, _strategy: NamingStrategy) -> String {
    // Both TypeORM's default strategy and the snake_case strategy snake-case class names.
    snake_case(class_name)
}

/// The database name of a column without an explicit `name`.
pub fn column_name(property: &str, strategy: NamingStrategy) -> String {
    match strategy {
        NamingStrategy::Default => property.to_string(),
        NamingStrategy::SnakeCase => snake_case(property),
    }
}

/// The default join column of a relation: property + referenced column (`author` + `id`).
pub fn join_column_name(relation: &str, referenced: &str, strategy: NamingStrategy) -> String {
    match strategy {
        NamingStrategy::Default => camel_case(&format!("{relation}_{referenced}")),
        NamingStrategy::SnakeCase => snake_case(&format!("{relation}_{referenced}")),
    }
}

/// The hex SHA-1 TypeORM's `RandomGenerator.sha1` computes for a constraint-name key.
/// It hashes `encodeURIComponent(key)` (its `unescape` is commented out), so any byte
/// outside `A-Za-z0-9-_.!~*'()` enters the hash percent-encoded: `"deleted" IS NULL`
/// hashes as `%22deleted%22%20IS%20NULL`.
pub fn typeorm_hash(key: &str) -> String {
    use sha1::{Digest, Sha1};
    Sha1::digest(encode_uri_component(key).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// JavaScript's `encodeURIComponent`: UTF-8 bytes percent-encoded (upper-case hex) except
/// ASCII letters, digits and `-_.!~*'()`.
pub fn encode_uri_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `user-profile`: the kebab-case form used by file names.
pub fn kebab_case(s: &str) -> String {
    snake_case(s).replace('_', "-")
}

pub fn is_pascal_case(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && !s.contains('_') && !s.contains('-')
}

pub fn is_camel_case(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase()) && !s.contains('_') && !s.contains('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_junction_names_are_shortened_as_typeorm_does() {
        let long =
            "category_with_very_long_name_posts_with_very_long_name_post_with_very_long_name";
        assert_eq!(
            shorten_junction_name(long.to_string()),
            "cat_wit_ver_lon_nam_pos_wit_ver_lon_nam_pos_wit_ver_lon_nam"
        );
        let camel = format!("{}_orderItemList", "x".repeat(60));
        assert_eq!(shorten_junction_name(camel), "xxx_orItLi");
        assert_eq!(
            shorten_junction_name("post_tags_tag".into()),
            "post_tags_tag"
        );
    }

    #[test]
    fn snake_case_matches_typeorm() {
        assert_eq!(snake_case("OrderItem"), "order_item");
        assert_eq!(snake_case("HTTPRequestLog"), "http_request_log");
        assert_eq!(snake_case("User2Fa"), "user2_fa");
        assert_eq!(snake_case("user"), "user");
    }

    #[test]
    fn camel_case_matches_typeorm() {
        assert_eq!(camel_case("author_id"), "authorId");
        assert_eq!(camel_case("parentCategory_id"), "parentCategoryId");
        assert_eq!(camel_case("Author_id"), "authorId");
        assert_eq!(camel_case("name_"), "name_");
        assert_eq!(camel_case("a__b"), "a_b");
        // What TypeORM 0.3.31's camelCase gives for each.
        for (given, typeorm) in [
            ("a_-b", "a_B"),
            ("_x", "X"),
            ("É_a", "ÉA"),
            ("a b", "aB"),
            ("a_1", "a1"),
        ] {
            assert_eq!(camel_case(given), typeorm, "{given}");
        }
    }

    #[test]
    fn join_columns_follow_strategy() {
        assert_eq!(
            join_column_name("author", "id", NamingStrategy::Default),
            "authorId"
        );
        assert_eq!(
            join_column_name("parentCategory", "id", NamingStrategy::SnakeCase),
            "parent_category_id"
        );
    }
}
