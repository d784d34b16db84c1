//! Whether a name a file uses is bound to a function, from the file's own top-level
//! statements: a function declaration, a `const` initialized with a function, or an
//! import. Multi-database code tests a predicate without calling it
//! (`@Index(isMySQL ? [...] : [...])`): a function is always truthy, a boolean is not.

use super::value::text;
use crate::syntax::ids::{fields, KindExt};
use tree_sitter::Node;

/// `Some(true)` when `name` is a function the file declares or a binding it imports (a
/// predicate named after a database is exported as a function: ever-gauzy's
/// `export const isMySQL = (): boolean => ...`); `Some(false)` when the file declares it
/// with another value (`const isMySQL = options.type === 'mysql'`); `None` when the file
/// neither declares nor imports it.
pub fn is_function(at: Node, name: &str, src: &str) -> Option<bool> {
    let mut program = at;
    while let Some(parent) = program.parent() {
        program = parent;
    }
    let mut cursor = program.walk();
    let found = program
        .named_children(&mut cursor)
        .find_map(|statement| top_level(statement, name, src));
    found
}

fn top_level(statement: Node, name: &str, src: &str) -> Option<bool> {
    match statement.fast_kind() {
        "export_statement" => top_level(
            statement.child_by_field_id(fields().declaration)?,
            name,
            src,
        ),
        "import_statement" => imports(statement, name, src).then_some(true),
        "function_declaration" => {
            (text(statement.child_by_field_id(fields().name)?, src) == name).then_some(true)
        }
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = statement.walk();
            let found = statement
                .named_children(&mut cursor)
                .filter(|d| d.fast_kind() == "variable_declarator")
                .find(|d| {
                    d.child_by_field_id(fields().name)
                        .is_some_and(|n| text(n, src) == name)
                })?;
            let value = found.child_by_field_id(fields().value)?;
            Some(matches!(
                value.fast_kind(),
                "arrow_function" | "function_expression" | "function"
            ))
        }
        _ => None,
    }
}

/// Whether an import statement binds `name` (`import { isMySQL } from ...`, renamed or
/// default too).
fn imports(statement: Node, name: &str, src: &str) -> bool {
    let mut stack = vec![statement];
    while let Some(node) = stack.pop() {
        match node.fast_kind() {
            "string" => continue,
            "identifier" if text(node, src) == name => {
                // `import { isMySQL as x }` binds `x`: the name must be the alias if one is given.
                let renamed_away = node.parent().is_some_and(|p| {
                    p.fast_kind() == "import_specifier"
                        && p.child_by_field_id(fields().alias)
                            .is_some_and(|a| a.id() != node.id())
                });
                if !renamed_away {
                    return true;
                }
            }
            _ => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
        }
    }
    false
}
