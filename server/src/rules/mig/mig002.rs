//! # MIG002: irreversible-migration
//!
//! ## What it does
//! Flags a migration class (`implements MigrationInterface`) whose `down` method is
//! missing, or whose body holds no statement (comments do not count). A migration whose
//! `up` is empty as well does nothing, so its empty `down` is its exact inverse: silent.
//!
//! ## Why is this bad?
//! `migration:revert` then records the migration as reverted while the schema keeps its
//! changes: the migrations table and the database disagree, and the next `up` fails
//! (the table already exists) or, worse, succeeds halfway. A rollback in an incident is
//! exactly when nobody has time to find out.
//!
//! ## Example
//! ```ts
//! export class AddSku1700000000000 implements MigrationInterface {
//!   public async up(queryRunner: QueryRunner): Promise<void> {
//!     await queryRunner.query(`ALTER TABLE "product" ADD "sku" varchar(32)`);
//!   }
//!
//!   public async down(queryRunner: QueryRunner): Promise<void> {}
//! }
//! ```
//!
//! ## Fix
//! ```ts
//!   public async down(queryRunner: QueryRunner): Promise<void> {
//!     // TODO: undo what `up` does.
//!     throw new Error('AddSku1700000000000.down is not written yet');
//!   }
//! ```
//! The fix inserts (or fills) a `down` with the same signature as `up`, whose body
//! throws: a revert then stops loudly instead of silently desynchronizing the
//! migrations table, until someone writes the real inverse.

use crate::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::rules::{edits, Ctx, RuleDef};
use crate::syntax::{ClassFact, MethodFact};

pub const RULE: RuleDef = RuleDef {
    code: "MIG002",
    name: "irreversible-migration",
    summary: "A migration whose `down` is missing or empty.",
    default_severity: Severity::Warning,
    check,
};

fn check(ctx: &Ctx, file: usize, out: &mut Vec<Finding>) {
    let Some(source) = ctx.file(file) else {
        return;
    };
    for class in source.facts.classes.iter().filter(|c| c.is_migration()) {
        let up_is_empty = class
            .method("up")
            .is_some_and(|up| up.body_is_empty && up.body_span.is_some());
        let (span, message, fix) = match class.method("down") {
            None => (
                class.name_span,
                format!(
                    "Migration `{}` has no `down`: it cannot be reverted",
                    class.name
                ),
                ctx.defer("Add a `down` skeleton", Applicability::Safe, || {
                    insert_down(ctx, file, class)
                }),
            ),
            Some(down) if down.body_is_empty && down.body_span.is_some() && !up_is_empty => (
                down.name_span,
                format!(
                    "`{}.down` is empty: reverting it changes nothing in the database",
                    class.name
                ),
                ctx.defer("Fill `down` with a skeleton", Applicability::Safe, || {
                    fill_down(ctx, file, class, down)
                }),
            ),
            Some(_) => continue,
        };
        let mut finding = Finding::new(RULE.code, source.path.clone(), span.range(), message);
        if let Some(fix) = fix.filter(|_| !source.facts.has_syntax_errors) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

/// The statements of the skeleton body, one per line.
fn skeleton_lines(class: &ClassFact) -> [String; 2] {
    [
        "// TODO: undo what `up` does.".to_string(),
        format!("throw new Error('{}.down is not written yet');", class.name),
    ]
}

/// The indentation one level deeper than `indent` (same unit: tab or spaces).
fn deeper(indent: &str) -> String {
    match indent {
        "" => "  ".to_string(),
        i if i.starts_with('\t') => format!("{i}\t"),
        i => format!("{i}{}", " ".repeat(i.len().clamp(2, 4))),
    }
}

/// `{` + skeleton lines + `}` for a method indented by `indent`.
fn skeleton_body(class: &ClassFact, indent: &str, eol: &str) -> String {
    let inner = deeper(indent);
    let [todo, throw] = skeleton_lines(class);
    format!("{{{eol}{inner}{todo}{eol}{inner}{throw}{eol}{indent}}}")
}

/// The head of the new `down`: `up`'s modifiers and parameters, or TypeORM's template.
fn down_head(text: &str, up: Option<&MethodFact>) -> String {
    let from_up = up.and_then(|up| {
        let modifiers = text.get(up.span.start()..up.name_span.start())?;
        if modifiers.contains('@') || modifiers.contains('\n') {
            return None;
        }
        let signature = text.get(up.name_span.end()..up.body_span.as_ref()?.start())?;
        Some(format!("{modifiers}down{}", signature.trim_end()))
    });
    from_up.unwrap_or_else(|| "public async down(queryRunner: QueryRunner): Promise<void>".into())
}

fn insert_down(ctx: &Ctx, file: usize, class: &ClassFact) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    let text = &source.text();
    let eol = edits::line_ending(text);
    let up = class.method("up");
    let (at, indent) = match up {
        Some(up) => {
            let end = text
                .get(up.span.end()..)?
                .find('\n')
                .map(|i| up.span.end() + i + 1)?;
            (
                end,
                edits::indentation_at(text, up.span.start()).to_string(),
            )
        }
        None => {
            let close = class.body_span.end().checked_sub(1)?;
            let start = edits::line_start(text, close);
            if !text.get(start..close)?.trim().is_empty() {
                return None;
            }
            (start, deeper(edits::indentation_at(text, close)))
        }
    };
    let head = down_head(text, up);
    let body = skeleton_body(class, &indent, eol);
    let new_text = format!("{eol}{indent}{head} {body}{eol}");
    let mut text_edits = vec![TextEdit {
        span: at..at,
        new_text,
    }];
    if up.is_none() || head.contains("QueryRunner") {
        text_edits.extend(edits::ensure_import(source, "typeorm", "QueryRunner"));
    }
    Some(Fix::edit(
        "Add a `down` skeleton",
        source.path.clone(),
        text_edits,
    ))
}

fn fill_down(ctx: &Ctx, file: usize, class: &ClassFact, down: &MethodFact) -> Option<Fix> {
    let source = ctx.file(file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    let text = &source.text();
    let open = down.body_span.as_ref()?.start();
    let close = closing_brace_of_empty_block(text, open)?;
    // Comments in the empty body stay; the skeleton goes after them.
    let inner = text.get(open + 1..close)?;
    let keep_end = open + 1 + inner.trim_end().len();
    let indent = edits::indentation_at(text, down.span.start());
    let eol = edits::line_ending(text);
    let deeper = deeper(indent);
    let [todo, throw] = skeleton_lines(class);
    let new_text = format!("{eol}{deeper}{todo}{eol}{deeper}{throw}{eol}{indent}}}");
    Some(Fix::edit(
        "Fill `down` with a skeleton",
        source.path.clone(),
        vec![TextEdit {
            span: keep_end..close + 1,
            new_text,
        }],
    ))
}

/// The offset of the `}` closing a block that holds only whitespace and comments, given
/// the offset of its `{`.
fn closing_brace_of_empty_block(text: &str, open: usize) -> Option<usize> {
    let mut i = open + 1;
    loop {
        let rest = text.get(i..)?;
        let trimmed = rest.trim_start();
        i += rest.len() - trimmed.len();
        if trimmed.starts_with('}') {
            return Some(i);
        } else if trimmed.starts_with("//") {
            i += trimmed.find('\n')?;
        } else if trimmed.starts_with("/*") {
            i += trimmed.find("*/")? + 2;
        } else {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::*;

    const PATH: &str = "src/migrations/1700000000000-add-sku.ts";

    fn migration(down: &str) -> String {
        format!(
            "import {{ MigrationInterface, QueryRunner }} from 'typeorm';

export class AddSku1700000000000 implements MigrationInterface {{
  public async up(queryRunner: QueryRunner): Promise<void> {{
    await queryRunner.query(`ALTER TABLE \"product\" ADD \"sku\" varchar(32)`);
  }}
{down}}}
"
        )
    }

    fn mig002(text: &str) -> Vec<(String, usize, String)> {
        lines(&workspace(&[(PATH, text)]), "MIG002")
    }

    #[test]
    fn flags_missing_and_empty_down() {
        let missing = mig002(&migration(""));
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].1, 3);
        let empty = mig002(&migration(
            "\n  public async down(queryRunner: QueryRunner): Promise<void> {\n    // nothing\n  }\n",
        ));
        assert_eq!(empty.len(), 1);
        assert_eq!(empty[0].1, 8);
    }

    #[test]
    fn accepts_a_written_down_and_other_classes() {
        let ok = migration(
            "\n  public async down(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query(`ALTER TABLE \"product\" DROP COLUMN \"sku\"`);\n  }\n",
        );
        assert!(mig002(&ok).is_empty());
        let service = "export class Service {\n  up() {}\n}\n";
        assert!(mig002(service).is_empty());
    }

    #[test]
    fn fix_inserts_a_down_after_up() {
        let text = migration("");
        let fixed = assert_fix_is_clean(&[(PATH, &text)], "MIG002", PATH);
        assert_eq!(
            fixed,
            migration(
                "
  public async down(queryRunner: QueryRunner): Promise<void> {
    // TODO: undo what `up` does.
    throw new Error('AddSku1700000000000.down is not written yet');
  }
"
            )
        );
    }

    #[test]
    fn fix_keeps_comments_of_an_empty_down() {
        let text = migration(
            "\n  public async down(): Promise<void> {\n    // data migration: nothing to undo?\n  } // trailing\n",
        );
        let fixed = assert_fix_is_clean(&[(PATH, &text)], "MIG002", PATH);
        assert!(
            fixed.contains("  public async down(): Promise<void> {\n    // data migration: nothing to undo?\n    // TODO: undo what `up` does.\n    throw new Error('AddSku1700000000000.down is not written yet');\n  } // trailing\n"),
            "{fixed}"
        );
    }

    #[test]
    fn fix_fills_an_empty_down_with_the_files_indentation() {
        let text = "import { MigrationInterface, QueryRunner } from 'typeorm';
export class A1 implements MigrationInterface {
\tasync up(q: QueryRunner) {
\t\tawait q.query('SELECT 1');
\t}
\tasync down(q: QueryRunner) {}
}
";
        let fixed = assert_fix_is_clean(&[(PATH, text)], "MIG002", PATH);
        assert!(
            fixed.contains("\tasync down(q: QueryRunner) {\n\t\t// TODO: undo what `up` does.\n\t\tthrow new Error('A1.down is not written yet');\n\t}\n"),
            "{fixed}"
        );
    }

    #[test]
    fn a_migration_that_does_nothing_is_reversible() {
        // The shape of placeholder migrations used to test the migration runner itself.
        let text = "import { MigrationInterface } from 'typeorm';
export class Placeholder1500000000000 implements MigrationInterface {
  public async up() {}
  public async down() {}
}
";
        assert!(mig002(text).is_empty());
    }
}
