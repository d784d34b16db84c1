//! Building blocks for fixes: add a name to an import, insert a decorator line above a
//! member, keep the file's indentation and quote style.

use crate::finding::TextEdit;
use crate::model::SourceFile;
use crate::syntax::ImportKind;

/// The quote character the file uses for module specifiers (single by default).
pub fn quote_style(file: &SourceFile) -> char {
    file.facts
        .imports
        .iter()
        .find(|i| i.kind == ImportKind::Import)
        .and_then(|i| {
            file.text()
                .get(i.specifier_span.start().saturating_sub(1)..i.specifier_span.start())?
                .chars()
                .next()
        })
        .filter(|q| *q == '"' || *q == '\'')
        .unwrap_or('\'')
}

/// The whitespace at the start of the line that holds `offset`.
pub fn indentation_at(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let line = text.get(start..).unwrap_or("");
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    line.get(..width).unwrap_or("")
}

pub fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// The file's line ending (`\r\n` if the first line break is one).
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes().get(i - 1) == Some(&b'\r') => "\r\n",
        _ => "\n",
    }
}

/// An edit that inserts `line` (without indentation or newline) as a new line above the
/// line that holds `offset`, indented like it.
pub fn insert_line_above(text: &str, offset: usize, line: &str) -> TextEdit {
    let start = line_start(text, offset);
    let indent = indentation_at(text, offset);
    TextEdit {
        span: start..start,
        new_text: format!("{indent}{line}{}", line_ending(text)),
    }
}

/// Makes sure `name` is imported from `module` (`import { Index } from 'typeorm'`): None if
/// it already is, else an edit that extends an existing named import of that module or adds
/// an import statement after the last import.
pub fn ensure_import(file: &SourceFile, module: &str, name: &str) -> Option<TextEdit> {
    let imports = &file.facts.imports;
    let from_module = imports
        .iter()
        .filter(|i| i.kind == ImportKind::Import && i.specifier == module);
    if from_module.clone().any(|i| {
        i.names
            .iter()
            .any(|n| n.local == name && n.imported == name)
    }) {
        return None;
    }
    // Another import already binds the name (from elsewhere): adding ours would clash.
    if imports
        .iter()
        .any(|i| i.names.iter().any(|n| n.local == name))
    {
        return None;
    }
    if let Some(list) = from_module
        .filter(|i| !i.type_only)
        .find_map(|i| i.named_list_span)
    {
        return Some(extend_named_list(&file.text(), list.range(), name));
    }
    let q = quote_style(file);
    let eol = line_ending(&file.text());
    let statement = format!("import {{ {name} }} from {q}{module}{q};{eol}");
    let last = imports
        .iter()
        .filter(|i| matches!(i.kind, ImportKind::Import | ImportKind::ImportEquals))
        .map(|i| i.span.end())
        .max();
    Some(match last {
        Some(end) => {
            // After the line that ends the last import.
            let at = file
                .text()
                .get(end..)
                .and_then(|t| t.find('\n'))
                .map(|i| end + i + 1)
                .unwrap_or(file.text().len());
            let prefix = if at == file.text().len() && !file.text().ends_with('\n') {
                eol
            } else {
                ""
            };
            TextEdit {
                span: at..at,
                new_text: format!("{prefix}{statement}"),
            }
        }
        None => TextEdit {
            span: 0..0,
            new_text: statement,
        },
    })
}

/// `{ A, B }` -> `{ A, B, name }`, keeping a multi-line list multi-line.
fn extend_named_list(text: &str, list: std::ops::Range<usize>, name: &str) -> TextEdit {
    let inner = text
        .get(list.start + 1..list.end.saturating_sub(1))
        .unwrap_or("");
    let trimmed = inner.trim_end();
    let has_items = !trimmed.trim().is_empty();
    let trailing_comma = trimmed.ends_with(',');
    let insert_at = list.start + 1 + trimmed.len();
    let new_text = if !has_items {
        format!(" {name} ")
    } else if inner.contains('\n') {
        let indent = inner
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| &l[..l.len() - l.trim_start().len()])
            .unwrap_or("  ");
        let comma = if trailing_comma { "" } else { "," };
        let trail = if trailing_comma { "," } else { "" };
        format!("{comma}\n{indent}{name}{trail}")
    } else if trailing_comma {
        format!(" {name},")
    } else {
        format!(", {name}")
    };
    if !has_items {
        return TextEdit {
            span: list.start + 1..list.end.saturating_sub(1),
            new_text,
        };
    }
    TextEdit {
        span: insert_at..insert_at,
        new_text,
    }
}

/// Whether `decorator` is TypeORM's own (`Index` imported from `typeorm` under its name),
/// not a wrapper (`@MultiORMColumn`, `@ColumnIndex`) or a re-exported rename: a fix may
/// rewrite or remove TypeORM's decorators, never a wrapper's, which may do more (register
/// with a second ORM, add validation).
pub fn is_typeorm_decorator(file: &SourceFile, decorator: &crate::syntax::Decorator) -> bool {
    file.facts.imports.iter().any(|i| {
        i.specifier == "typeorm"
            && i.names
                .iter()
                .any(|n| n.local == decorator.name && n.imported == decorator.name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_edits;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("/w/src/a.ts"), text)
    }

    fn with_import(text: &str) -> String {
        let f = file(text);
        match ensure_import(&f, "typeorm", "Index") {
            Some(edit) => apply_edits(text, &[edit]).unwrap_or_default(),
            None => text.to_string(),
        }
    }

    #[test]
    fn extends_an_existing_typeorm_import() {
        assert_eq!(
            with_import("import { Column, Entity } from 'typeorm';\n"),
            "import { Column, Entity, Index } from 'typeorm';\n"
        );
    }

    #[test]
    fn keeps_multiline_lists_multiline() {
        assert_eq!(
            with_import("import {\n  Column,\n  Entity,\n} from \"typeorm\";\n"),
            "import {\n  Column,\n  Entity,\n  Index,\n} from \"typeorm\";\n"
        );
    }

    #[test]
    fn adds_a_statement_in_the_files_quote_style() {
        assert_eq!(
            with_import("import { A } from \"src/a\";\nclass X {}\n"),
            "import { A } from \"src/a\";\nimport { Index } from \"typeorm\";\nclass X {}\n"
        );
    }

    #[test]
    fn does_nothing_when_already_imported() {
        let text = "import { Index } from 'typeorm';\n";
        assert_eq!(with_import(text), text);
    }

    #[test]
    fn inserts_above_with_indentation() {
        let text = "class A {\n    @Column()\n    name: string;\n}\n";
        let at = text.find("@Column").unwrap_or(0);
        let edit = insert_line_above(text, at, "@Index()");
        assert_eq!(
            apply_edits(text, &[edit]).unwrap_or_default(),
            "class A {\n    @Index()\n    @Column()\n    name: string;\n}\n"
        );
    }
}
