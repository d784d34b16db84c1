//! [`super::migration_parse`] gives the facts of the full parse, or gives way to it.

use super::migration_parse::Fallback;
use super::{facts_in, facts_in_full, facts_of_migration, Dialect, FileFacts};

/// Facts of both paths; the fast one's error if it gave way.
fn both(src: &str) -> (Result<FileFacts, Fallback>, FileFacts) {
    (
        facts_of_migration(src),
        facts_in_full(Dialect::TypeScript, src),
    )
}

/// The fast path is taken and agrees with the full parse; returns the facts.
fn fast_and_equal(src: &str) -> FileFacts {
    let (fast, full) = both(src);
    let fast = fast.unwrap_or_else(|why| panic!("fell back ({why:?}) on:\n{src}"));
    assert_eq!(fast, full, "facts differ on:\n{src}");
    assert_eq!(facts_in(Dialect::TypeScript, src), full);
    fast
}

/// The fast path gives way for `why`, and `facts_in` is the full parse.
fn falls_back(src: &str, why: Fallback) {
    let (fast, full) = both(src);
    assert_eq!(fast.err(), Some(why), "on:\n{src}");
    assert_eq!(facts_in(Dialect::TypeScript, src), full);
}

/// A migration whose `up` holds `body` (a `down` with a run of its own follows).
fn migration(body: &str) -> String {
    let mut down = String::new();
    for i in 0..12 {
        down.push_str(&format!(
            "        await queryRunner.query(`DROP INDEX \"IDX_down_{i}\" CASCADE`);\n"
        ));
    }
    format!(
        "import {{ MigrationInterface, QueryRunner, TableIndex }} from 'typeorm';\n\n\
         export class AddThings1700000000000 implements MigrationInterface {{\n    \
         name = 'AddThings1700000000000';\n    transaction = false;\n\n    \
         public async up(queryRunner: QueryRunner): Promise<void> {{\n{body}    }}\n\n    \
         public async down(queryRunner: QueryRunner): Promise<void> {{\n{down}    }}\n}}\n"
    )
}

/// `n` plain statements creating indexes on `table`.
fn run(n: usize, table: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "        await queryRunner.query(`CREATE INDEX \"IDX_{table}_{i}\" ON \"{table}\" (\"c{i}\") `);\n"
            )
        })
        .collect()
}

#[test]
fn a_plain_run_is_read_fast_with_every_statement_its_own_call() {
    let src = migration(&run(20, "user"));
    let facts = fast_and_equal(&src);
    assert_eq!(facts.query_calls.len(), 32);
    let last = &facts.query_calls[19];
    assert_eq!(
        &src[last.span.range()],
        "queryRunner.query(`CREATE INDEX \"IDX_user_19\" ON \"user\" (\"c19\") `)"
    );
    assert_eq!(last.enclosing_function.as_deref(), Some("up"));
}

#[test]
fn runs_broken_by_other_shapes_agree_with_the_full_parse() {
    let cases = [
        // An interpolation (a template with a substitution is no plain literal).
        "        const table = 'post';\n        await queryRunner.query(`ALTER TABLE \"${table}\" ADD \"x\" int`);\n",
        // A template with an escaped backtick, and one with an escape.
        "        await queryRunner.query(`COMMENT ON TABLE \"a\" IS 'say \\`hi\\`'`);\n        await queryRunner.query(`SELECT E'\\n'`);\n",
        // Concatenation and parameters.
        "        await queryRunner.query('ALTER TABLE \"a\" ' + 'ADD \"b\" int');\n        await queryRunner.query(`UPDATE \"a\" SET \"b\" = $1`, [1]);\n",
        // Comments between the statements, holding backticks and the statement shape.
        "        // await queryRunner.query(`DROP TABLE \"x\"`);\n        /* a ` backtick */\n",
        // Quoted strings, plain and escaped.
        "        await queryRunner.query('CREATE TABLE \"q\" (\"id\" int)');\n        await queryRunner.query(\"CREATE TABLE \\\"r\\\" (\\\"id\\\" int)\");\n        await queryRunner.query(\"DROP TABLE q\");\n",
        // Non-ASCII SQL and names.
        "        await queryRunner.query(`COMMENT ON COLUMN \"café\".\"naïve\" IS 'déjà vu ✓ 🚀'`);\n        await queryRunner.query(`SELECT 'ü'`);\n",
        // Prettier's layout: the literal on lines of its own.
        "        await queryRunner.query(\n            `ALTER TABLE \"wide\" ADD \"a\" int`\n        );\n        await queryRunner.query(\n            `ALTER TABLE \"wide\" ADD \"b\" int`,\n        );\n",
        // No `await`, no `;`, another receiver, a result kept.
        "        queryRunner.query(`SELECT 1`);\n        await queryRunner.query(`SELECT 2`)\n        await this.connection.query(`SELECT 3`);\n        const rows = await queryRunner.query(`SELECT 4`);\n",
        // The QueryRunner API.
        "        await queryRunner.createIndex('user', new TableIndex({ name: 'IDX_x', columnNames: ['x'] }));\n        await queryRunner.dropIndex('user', 'IDX_y');\n",
        // A template whose substitution holds a nested template that looks like a statement.
        "        await queryRunner.query(`SELECT ${`await queryRunner.query(\\`x\\`);`} AS s`);\n",
        // MySQL's quoted names, other simple escapes, and escapes that are not simple.
        "        await queryRunner.query(`CREATE TABLE \\`a\\` (\\`id\\` int)`);\n        await queryRunner.query(`SELECT '\\\\' AS s, \\'q\\', \\\"d\\\"`);\n        await queryRunner.query(\"CREATE TABLE \\\"b\\\" (\\\"id\\\" int)\");\n        await queryRunner.query(`SELECT E'\\t', '\\x41', '\\u0041'`);\n        await queryRunner.query('it\\'s');\n",
        // Dollars that are no substitution.
        "        await queryRunner.query(`CREATE FUNCTION f() RETURNS int AS $$ SELECT $1 $$ LANGUAGE sql`);\n        await queryRunner.query(`SELECT '$' || '{x}'`);\n",
        // A template holding the statement shape as text.
        "        const doc = `\n        await queryRunner.query(`;\n",
    ];
    for case in cases {
        let body = format!("{}{case}{}", run(8, "before"), run(8, "after"));
        fast_and_equal(&migration(&body));
    }
}

#[test]
fn statements_in_switch_cases_and_helpers_are_read_fast() {
    let body = format!(
        "        switch (queryRunner.connection.options.type) {{\n            case 'postgres':\n{}                break;\n            default:\n{}                break;\n        }}\n        await this.helper(queryRunner);\n",
        run(6, "pg"),
        run(6, "other"),
    );
    let src = migration(&body).replace(
        "\n}\n",
        &format!(
            "\n    private async helper(queryRunner: QueryRunner): Promise<any> {{\n{}    }}\n}}\n",
            run(10, "helper")
        ),
    );
    let facts = fast_and_equal(&src);
    let helper_calls = facts
        .query_calls
        .iter()
        .filter(|c| c.enclosing_function.as_deref() == Some("helper"))
        .count();
    assert_eq!(helper_calls, 10);
}

#[test]
fn a_run_that_ends_a_switch_falls_back() {
    // The last clause of a switch ends at its last statement in the tree, so the text
    // blanked after the first statement lies outside it: the check cannot tell it from a
    // misread, and the full parse reads the file.
    let body = format!(
        "        switch (queryRunner.connection.options.type) {{\n            default:\n{}        }}\n",
        run(6, "other"),
    );
    falls_back(&migration(&body), Fallback::TreeDisagrees);
}

#[test]
fn crlf_line_ends_and_tabs_are_read_fast() {
    let src = migration(&run(10, "t").replace("        ", "\t\t")).replace('\n', "\r\n");
    fast_and_equal(&src);
}

#[test]
fn unsure_files_get_the_full_parse() {
    let runs = run(10, "t");
    let regex = migration(&format!("        const ok = /^IDX_`/.test('x');\n{runs}"));
    falls_back(
        &regex,
        Fallback::Lexer("a regular expression or a division"),
    );
    let division = migration(&format!("        const half = 10 / 2;\n{runs}"));
    falls_back(
        &division,
        Fallback::Lexer("a regular expression or a division"),
    );
    let suppressed = migration(&format!(
        "        // typeorm-lsp-ignore MIG001: reviewed\n{runs}"
    ));
    falls_back(&suppressed, Fallback::Lexer("a suppression comment"));
    let unterminated = migration(&format!("{runs}        const s = `never closed;\n"));
    falls_back(&unterminated, Fallback::Lexer("unterminated template"));
    let broken = migration(&format!("{runs}        await queryRunner.query(`x`;\n"));
    falls_back(&broken, Fallback::SyntaxErrors);
    let short = "import { MigrationInterface, QueryRunner } from 'typeorm';\n\
        export class A1 implements MigrationInterface {\n  \
        async up(q: QueryRunner) { await q.query(`SELECT 1`); await q.query(`SELECT 2`); }\n  \
        async down(q: QueryRunner) {}\n}\n";
    falls_back(short, Fallback::NothingToBlank);
    let entity = "@Entity()\nexport class User { @PrimaryGeneratedColumn() id: number; }\n";
    falls_back(entity, Fallback::NotAMigration);
}

#[test]
fn a_first_call_the_extraction_does_not_keep_makes_it_give_way() {
    // `db` is no query runner the extraction knows: no call is kept for the first
    // statement, so none is made up for the rest.
    let body = run(10, "t").replace("queryRunner.query", "db.query");
    let src = migration(&format!("        const db = makeDb();\n{body}"));
    let (fast, full) = both(&src);
    if let Ok(fast) = fast {
        assert_eq!(fast, full);
    }
    assert_eq!(facts_in(Dialect::TypeScript, &src), full);
}

#[test]
fn every_fixture_file_gets_the_facts_of_the_full_parse() {
    let mut fast = 0;
    for (path, src) in super::fixture_files::fixture_sources() {
        let full = facts_in_full(Dialect::TypeScript, &src);
        assert_eq!(
            facts_in(Dialect::TypeScript, &src),
            full,
            "{}",
            path.display()
        );
        if let Ok(facts) = facts_of_migration(&src) {
            assert_eq!(facts, full, "{}", path.display());
            fast += 1;
        }
    }
    assert!(fast > 0, "no fixture migration took the fast path");
}

/// Text stitched from fragments the lexer decides on (quotes, escapes, substitutions,
/// comments, braces, the statement shape cut anywhere): the fast path never panics, and
/// whatever it reads agrees with the full parse.
#[test]
fn stitched_fragments_never_read_differently() {
    const FRAGMENTS: &[&str] = &[
        "        await queryRunner.query(`CREATE INDEX \"i\" ON \"t\" (\"c\")`);\n",
        "        await queryRunner.query('DROP TABLE \"t\"');\n",
        "        await queryRunner.query(",
        "`SELECT 1`",
        ");\n",
        "`",
        "'",
        "\"",
        "\\",
        "\\`",
        "${",
        "}",
        "{",
        "// note `\n",
        "/* ` */",
        "/",
        "\n",
        "\r\n",
        "await ",
        "é",
        "$1",
        "        await this.query(`x`);\n",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut fast = 0;
    for _ in 0..600 {
        let mut body = run(6, "a");
        for _ in 0..next(6) {
            body.push_str(FRAGMENTS[next(FRAGMENTS.len())]);
        }
        body.push_str(&run(6, "b"));
        let src = migration(&body);
        let (read, full) = both(&src);
        if let Ok(read) = read {
            assert_eq!(read, full, "on:\n{src}");
            fast += 1;
        }
        assert_eq!(facts_in(Dialect::TypeScript, &src), full);
    }
    // Most stitches break the file; enough must not for the comparison to mean something.
    assert!(fast > 60, "only {fast} stitched files read fast");
}
