//! Which files a first, faster index of a workspace needs, and which can wait.
//!
//! Why: the language server's cold index parses every file before the open documents get
//! their diagnostics, and in a monorepo most files have nothing to do with TypeORM (an
//! Angular app, an Electron shell, end-to-end tests next to the API). Their facts change
//! no finding of the files that do. The first stage parses the files that can matter,
//! builds the model from them and checks the open documents; the second parses the rest,
//! builds the whole model and checks everything again, so the end result is always that
//! of the whole workspace (what `check` reports).
//!
//! The first stage holds:
//! - every file whose text mentions TypeORM, by a word of [`SEED_WORDS`]: imports of
//!   `typeorm` / `@nestjs/typeorm`, entity and column decorators (wrappers included:
//!   `@MultiORMEntity(`), migrations, DataSource options, upserts and `ON CONFLICT`
//!   (IDX003 reads them anywhere);
//! - the open documents;
//! - everything these import, transitively, resolved as the model resolves imports
//!   (base classes, enums, consts, wrappers, barrels);
//! - every file that calls a query method on an entity class by name (`User.find(`: ENT001
//!   reads ActiveRecord calls anywhere), and what it imports.
//!
//! What can still differ after the first stage (then the second corrects it): a name the
//! model finds by falling back to the first declaration of that name anywhere (a class,
//! an enum, a const: only when an import does not resolve), and IMP001's "some file
//! imports through the prefix". `examples/staged_check.rs` compares the findings of the
//! first stage with the whole check on real codebases.

use crate::resolve::Resolver;
use crate::syntax::queries::is_word_byte;
use crate::syntax::FileFacts;
use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Substrings that put a file in the first stage by themselves (a false hit only costs
/// its parse and that of what it imports, so none is a word UI code uses for itself:
/// `upsert`, `entities` and `DataSource` are, in stores and tables).
pub const SEED_WORDS: &[&str] = &[
    // The modules, quoted or as a path segment: 'typeorm', "@nestjs/typeorm", 'typeorm/..'.
    "'typeorm",
    "\"typeorm",
    "/typeorm'",
    "/typeorm\"",
    "/typeorm/",
    "TypeOrmModule",
    "EntitySchema",
    "MigrationInterface",
    "queryRunner",
    "QueryRunner",
    // DataSource options (they decide the dialect and naming of every entity): their
    // marks as whole words (see [`WHOLE_WORDS`]; `TypeOrmModule.forRoot` has its module
    // name, an Angular `RouterModule.forRoot` must not count), and for options written
    // without one (`ormconfig.js`) the driver as the value of `type`.
    "ConnectionOptions",
    "'postgres'",
    "\"postgres\"",
    "'mysql'",
    "\"mysql\"",
    "'mariadb'",
    "\"mariadb\"",
    "'sqlite'",
    "\"sqlite\"",
    "'better-sqlite3'",
    "\"better-sqlite3\"",
    "'mssql'",
    "\"mssql\"",
    "'cockroachdb'",
    "\"cockroachdb\"",
    "'sqljs'",
    "\"sqljs\"",
    "'oracle'",
    "\"oracle\"",
    // IDX003 reads upserts and ON CONFLICT anywhere.
    "orUpdate(",
    "orIgnore(",
    "ON CONFLICT",
    "on conflict",
    "upsert(",
    // Decorators: `@Entity(`, `@ChildEntity(`, `@MultiORMEntity(`, `@Column(`,
    // `@MultiORMColumn(` (only after `@`: see [`is_seed`]).
    "Entity(",
    "Column(",
];

/// Seed words that count only as whole words (`DataSource`, not `LocalDataSource` of a UI
/// table); `ConnectionOptions` also ends a word (`PostgresConnectionOptions`).
const WHOLE_WORDS: &[&str] = &[
    "DataSource",
    "Connection",
    "createConnection",
    "createConnections",
    "registerAs",
    "createTypeOrmOptions",
    "DataSourceOptions",
    "TypeOrmModuleOptions",
];

/// Whether `text` alone puts its file in the first stage.
pub fn is_seed(text: &str) -> bool {
    let Some(search) = seed_searcher() else {
        return true;
    };
    let bytes = text.as_bytes();
    search.find_iter(bytes).any(|hit| {
        let word = &bytes[hit.start()..hit.end()];
        if word == b"Entity(" || word == b"Column(" {
            is_decorator(bytes, hit.start())
        } else if is_quoted(word) {
            is_type_value(bytes, hit.start())
        } else if word == b"ConnectionOptions" {
            !follows_word(bytes, hit.end())
        } else if WHOLE_WORDS.iter().any(|w| w.as_bytes() == word) {
            !follows_word(bytes, hit.end()) && !precedes_word(bytes, hit.start())
        } else if word == b"upsert(" {
            // `repo.upsert(`, not `store.upsert(` of a UI state store: only where the file
            // speaks of repositories or managers at all.
            text.contains("epository") || text.contains("anager")
        } else {
            true
        }
    })
}

/// A driver literal: a whole quoted string (`'typeorm` is not one).
fn is_quoted(word: &[u8]) -> bool {
    let quote = |b: Option<&u8>| matches!(b, Some(b'\'' | b'"'));
    word.len() > 2 && quote(word.first()) && quote(word.last())
}

/// The literal at `at` is the value of a `type` key (`type: 'postgres'`) or the default of
/// one (`type: process.env.DB || 'postgres'`), not any string (`password: 'postgres'`).
fn is_type_value(bytes: &[u8], at: usize) -> bool {
    let before = bytes.get(..at).unwrap_or_default().trim_ascii_end();
    match before.last() {
        Some(b'|' | b'?') => true,
        Some(b':') => {
            let key = before[..before.len() - 1].trim_ascii_end();
            let key = key
                .strip_suffix(b"'")
                .or_else(|| key.strip_suffix(b"\""))
                .unwrap_or(key);
            key.ends_with(b"type") && !precedes_word(key, key.len() - 4)
        }
        _ => false,
    }
}

/// A word byte at `at` (the match ends inside a longer word).
fn follows_word(bytes: &[u8], at: usize) -> bool {
    bytes.get(at).copied().is_some_and(is_word_byte)
}

/// A word byte just before `at`.
fn precedes_word(bytes: &[u8], at: usize) -> bool {
    at > 0 && bytes.get(at - 1).copied().is_some_and(is_word_byte)
}

/// The word that ends at `end` (`MultiORM` of `MultiORMEntity(`) follows an `@`.
fn is_decorator(bytes: &[u8], end: usize) -> bool {
    let mut start = end;
    while start > 0 && bytes.get(start - 1).copied().is_some_and(is_word_byte) {
        start -= 1;
    }
    start > 0 && bytes.get(start - 1) == Some(&b'@')
}

fn seed_searcher() -> Option<&'static AhoCorasick> {
    static SEARCH: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    SEARCH
        .get_or_init(|| {
            // Longest: `DataSourceOptions` is judged as itself, not as `DataSource`.
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(SEED_WORDS.iter().chain(WHOLE_WORDS))
                .ok()
        })
        .as_ref()
}

/// Completes the first stage: `parsed` holds the seeds (and the open documents), `held`
/// the texts of every other file. Moves into `parsed` (with `parse`) the held files that
/// the parsed ones import, transitively, and those that make ActiveRecord calls on the
/// parsed entities (with what they import). `exists` tells every file of the workspace.
pub fn close_first_stage<F, K, P>(
    resolver: &Resolver,
    parsed: &mut Vec<F>,
    held: &mut HashMap<PathBuf, Arc<str>>,
    exists: &(dyn Fn(&Path) -> bool + Sync),
    facts_of: K,
    parse: P,
) where
    F: Send + Sync,
    K: Fn(&F) -> (&Path, &FileFacts) + Sync,
    P: Fn(&Path, Arc<str>) -> Option<F> + Sync,
{
    let mut from = 0;
    let mut searched_calls = false;
    loop {
        let mut wanted = imported_held(resolver, &parsed[from..], &facts_of, held, exists);
        if wanted.is_empty() && !searched_calls {
            searched_calls = true;
            let names = entity_names(parsed.iter().map(|f| facts_of(f).1));
            if let Some(calls) = ActiveRecordCalls::new(&names) {
                wanted = held
                    .par_iter()
                    .filter(|(_, text)| calls.found_in(text))
                    .map(|(path, _)| path.clone())
                    .collect();
            }
        }
        if wanted.is_empty() {
            return;
        }
        from = parsed.len();
        let batch: Vec<(PathBuf, Arc<str>)> = wanted
            .into_iter()
            .filter_map(|p| held.remove_entry(&p))
            .collect();
        let more: Vec<F> = batch
            .into_par_iter()
            .filter_map(|(path, text)| parse(&path, text))
            .collect();
        parsed.extend(more);
    }
}

/// The held files that the imports of `parsed` name, resolved with `resolver` against
/// every file of the workspace (`exists`).
fn imported_held<F: Sync>(
    resolver: &Resolver,
    parsed: &[F],
    facts_of: &(dyn Fn(&F) -> (&Path, &FileFacts) + Sync),
    held: &HashMap<PathBuf, Arc<str>>,
    exists: &(dyn Fn(&Path) -> bool + Sync),
) -> HashSet<PathBuf> {
    parsed
        .par_iter()
        .flat_map_iter(|file| {
            let (path, facts) = facts_of(file);
            facts.imports.iter().filter_map(move |import| {
                let target = resolver.resolve(path, &import.specifier, exists)?;
                held.contains_key(&target).then_some(target)
            })
        })
        .collect()
}

/// The names of the classes of `facts` that carry an entity decorator (`@Entity`,
/// `@ChildEntity`, a wrapper whose name ends with `Entity`).
pub fn entity_names<'f>(facts: impl Iterator<Item = &'f FileFacts>) -> Vec<String> {
    let mut names: Vec<String> = facts
        .flat_map(|f| f.classes.iter())
        .filter(|c| c.decorators.iter().any(|d| d.name.ends_with("Entity")))
        .map(|c| c.name.to_string())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// A search for ActiveRecord calls on the entity classes `names` (`User.find(`,
/// `User.save(`): `None` when there are no names or the search cannot be built.
pub struct ActiveRecordCalls {
    search: AhoCorasick,
}

impl ActiveRecordCalls {
    pub fn new(names: &[String]) -> Option<ActiveRecordCalls> {
        if names.is_empty() {
            return None;
        }
        let patterns: Vec<String> = names.iter().map(|n| format!("{n}.")).collect();
        let search = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .ok()?;
        Some(ActiveRecordCalls { search })
    }

    /// Whether `text` calls a query method on one of the classes as a whole word
    /// (`Order.find(`, not `PurchaseOrder.find(`).
    pub fn found_in(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        self.search.find_iter(bytes).any(|hit| {
            let starts_word = hit.start() == 0
                || !bytes
                    .get(hit.start() - 1)
                    .copied()
                    .is_some_and(is_word_byte);
            let rest = bytes.get(hit.end()..).unwrap_or_default();
            let method_len = rest.iter().take_while(|&&b| is_word_byte(b)).count();
            let method = std::str::from_utf8(&rest[..method_len]).unwrap_or("");
            starts_word
                && (crate::syntax::queries::is_query_method(method)
                    || method == "createQueryBuilder")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typeorm_words_seed_and_ui_code_does_not() {
        assert!(is_seed("import { Column } from 'typeorm';"));
        assert!(is_seed("@MultiORMEntity('tag') export class Tag {}"));
        assert!(is_seed("await qb.insert().orIgnore().execute();"));
        assert!(is_seed("@Entity() export class Tag {}"));
        assert!(!is_seed("this.store.addEntity(x); grid.addColumn(c);"));
        assert!(!is_seed("this.store.upsert(id, x);"));
        assert!(is_seed(
            "export const ds = new DataSource({ type: \"sqlite\" });"
        ));
        assert!(is_seed("const o: PostgresConnectionOptions = {};"));
        assert!(!is_seed("this.source = new LocalDataSource(rows);"));
        assert!(is_seed(
            "module.exports = { type: 'postgres', host: 'db' };"
        ));
        assert!(is_seed(
            "export default { \"type\": process.env.DB ?? \"mysql\" };"
        ));
        assert!(!is_seed(
            "const form = { dbPassword: 'postgres', dbType: 'sqlite' };"
        ));
        assert!(!is_seed("RouterModule.forRoot(routes)"));
        assert!(!is_seed(
            "@Component({ selector: 'x' }) export class X { ngOnInit() { this.load(); } }"
        ));
    }

    /// A workspace of an API beside a UI: path -> text.
    const FILES: &[(&str, &str)] = &[
        (
            "src/user.entity.ts",
            "import { Entity, Column } from 'typeorm';\nimport { Role } from './role';\n\
             @Entity() export class User { @Column({ enum: Role }) role: Role; }",
        ),
        ("src/role.ts", "export enum Role { Admin = 'admin' }"),
        (
            "src/reports/report.ts",
            "import { User } from '../user.entity';\nimport { fmt } from './format';\n\
             export const count = () => User.count();",
        ),
        (
            "src/reports/format.ts",
            "export const fmt = (n: number) => `${n}`;",
        ),
        ("src/reports/unused.ts", "export const unused = 1;"),
        (
            "web/app.ts",
            "import { widget } from './widget';\nexport const app = widget;",
        ),
        ("web/widget.ts", "export const widget = 2;"),
    ];

    #[test]
    fn the_first_stage_holds_seeds_what_they_import_and_active_record_callers() {
        let root = Path::new("/ws");
        let exists: HashSet<PathBuf> = FILES.iter().map(|(p, _)| root.join(p)).collect();
        let mut parsed: Vec<crate::model::SourceFile> = Vec::new();
        let mut held: HashMap<PathBuf, Arc<str>> = HashMap::new();
        for (path, text) in FILES {
            if is_seed(text) {
                parsed.push(crate::model::SourceFile::new(root.join(path), *text));
            } else {
                held.insert(root.join(path), Arc::from(*text));
            }
        }
        assert_eq!(parsed.len(), 1);
        let resolver = Resolver::new(
            root,
            &crate::config::Config::default(),
            crate::resolve::TsConfig::default(),
        );
        close_first_stage(
            &resolver,
            &mut parsed,
            &mut held,
            &|p: &Path| exists.contains(p),
            |f: &crate::model::SourceFile| (f.path.as_path(), &f.facts),
            |p: &Path, t| Some(crate::model::SourceFile::new(p.to_path_buf(), t)),
        );
        let mut first: Vec<String> = parsed
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(root)
                    .unwrap_or(&f.path)
                    .display()
                    .to_string()
            })
            .collect();
        first.sort();
        assert_eq!(
            first,
            [
                "src/reports/format.ts",
                "src/reports/report.ts",
                "src/role.ts",
                "src/user.entity.ts"
            ]
        );
        let mut later: Vec<String> = held
            .keys()
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect();
        later.sort();
        assert_eq!(
            later,
            ["src/reports/unused.ts", "web/app.ts", "web/widget.ts"]
        );
    }

    #[test]
    fn active_record_calls_are_whole_names_with_query_methods() {
        let calls = ActiveRecordCalls::new(&["Order".to_string()]).unwrap();
        assert!(calls.found_in("const o = await Order.findOneBy({ id });"));
        assert!(!calls.found_in("PurchaseOrder.find({})"));
        assert!(!calls.found_in("Order.name"));
    }
}
