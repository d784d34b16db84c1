//! Which grammar reads a file: the one place that decides it from the path.
//!
//! `.tsx` files hold JSX, which the TypeScript grammar reads as errors (and slowly: error
//! recovery); the TSX grammar reads it. Every other file stays on the TypeScript grammar,
//! which also accepts `<T>expr` casts that TSX would take for an element.

use std::path::Path;
use tree_sitter::{Language, Parser, Tree};

/// The grammar of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// `.ts`, `.mts`, `.cts` (and anything that is not `.tsx`/`.jsx`).
    #[default]
    TypeScript,
    /// `.tsx` and `.jsx`: TypeScript with JSX elements.
    Tsx,
}

impl Dialect {
    /// The grammar that reads the file at `path`.
    pub fn of_path(path: &Path) -> Dialect {
        match path.extension().and_then(|ext| ext.to_str()) {
            Some("tsx" | "jsx") => Dialect::Tsx,
            _ => Dialect::TypeScript,
        }
    }

    /// The tree-sitter language of the grammar.
    pub fn language(self) -> Language {
        match self {
            Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    /// A parser for the grammar. Creating one is cheap; keep one per thread.
    pub fn parser(self) -> Parser {
        let mut parser = Parser::new();
        // The grammars are compiled in; a version mismatch is a build error, not input-derived.
        parser
            .set_language(&self.language())
            .expect("tree-sitter-typescript grammars match the tree-sitter version");
        parser
    }
}

/// One parser per grammar (a tree-sitter parser is bound to one), for a thread that parses
/// files of both kinds.
pub struct Parsers {
    typescript: Parser,
    tsx: Parser,
}

impl Default for Parsers {
    fn default() -> Self {
        Parsers::new()
    }
}

impl Parsers {
    pub fn new() -> Parsers {
        Parsers {
            typescript: Dialect::TypeScript.parser(),
            tsx: Dialect::Tsx.parser(),
        }
    }

    /// The parser of a grammar.
    pub fn of(&mut self, dialect: Dialect) -> &mut Parser {
        match dialect {
            Dialect::TypeScript => &mut self.typescript,
            Dialect::Tsx => &mut self.tsx,
        }
    }

    /// Parses the text of the file at `path` with its grammar. `old` must come from a
    /// parse of the same file (so of the same grammar). `None` only if parsing was
    /// cancelled, which we never ask for.
    pub fn parse(&mut self, path: &Path, text: &str, old: Option<&Tree>) -> Option<Tree> {
        self.of(Dialect::of_path(path)).parse(text, old)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsx_files_get_the_tsx_grammar_and_the_rest_typescript() {
        for (path, dialect) in [
            ("src/App.tsx", Dialect::Tsx),
            ("src/legacy.jsx", Dialect::Tsx),
            ("src/a.ts", Dialect::TypeScript),
            ("src/a.mts", Dialect::TypeScript),
            ("src/a.cts", Dialect::TypeScript),
            ("src/a.d.ts", Dialect::TypeScript),
            ("src/tsx", Dialect::TypeScript),
            ("src/a.tsx.ts", Dialect::TypeScript),
        ] {
            assert_eq!(Dialect::of_path(Path::new(path)), dialect, "{path}");
        }
    }

    #[test]
    fn jsx_parses_only_as_tsx_and_casts_only_as_typescript() {
        let jsx = "const a = <div className=\"x\">{b}</div>;\n";
        let cast = "const a = <number>b;\n";
        let mut parsers = Parsers::new();
        let errors = |parsers: &mut Parsers, path: &str, text: &str| {
            let tree = parsers.parse(Path::new(path), text, None).unwrap();
            tree.root_node().has_error()
        };
        assert!(!errors(&mut parsers, "a.tsx", jsx));
        assert!(errors(&mut parsers, "a.ts", jsx));
        assert!(!errors(&mut parsers, "a.ts", cast));
        assert!(errors(&mut parsers, "a.tsx", cast));
    }
}
