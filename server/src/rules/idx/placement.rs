//! Where a new migration goes, and how the project learns of it: the `migrations` option
//! of the workspace's DataSources (globs and folders, `__dirname`-relative or relative to
//! the package; `dist/` globs mapped back to the sources through tsconfig's `outDir` /
//! `rootDir`; an array of imported classes, in the options or in an index file, which
//! the new class joins), then the `migrationsDir` setting, then the folder of the
//! existing migrations, then `<sourceRoot>/migrations`. Each answer says why, and says
//! when the folder does not exist yet.

use crate::finding::{FileChange, Span, TextEdit};
use crate::resolve::{normalize, TsConfig};
use crate::rules::data_source;
use crate::rules::{edits, Ctx};
use crate::syntax::{ImportKind, Spanned, Value};
use std::path::{Component, Path, PathBuf};

/// Where a migration is written and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub dir: PathBuf,
    /// One sentence (for the migration's header comment).
    pub why: String,
    pub registration: Option<Registration>,
}

/// A list of migrations the new class must join, or TypeORM never runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub file: usize,
    pub kind: RegisterKind,
    /// The new file's specifier without its stem (`./migrations/`, `src/db/migrations/`).
    pub specifier_prefix: String,
    /// `.js` when the project writes its specifiers with it (ES modules).
    pub specifier_suffix: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RegisterKind {
    /// An array literal of classes: the new class goes after the last item, with its import.
    Array { span: Span, last_item: Option<Span> },
    /// An index file of re-exports (`export * from './1700-init'`) that the DataSource
    /// spreads (`Object.values(migrations)`): one more re-export line after `after`.
    Reexport { after: usize, star: bool },
}

/// What is on disk, so tests can stand in for it.
pub struct Disk<'a> {
    pub read: &'a dyn Fn(&Path) -> Option<String>,
    pub is_dir: &'a dyn Fn(&Path) -> bool,
}

/// The placement for a migration about an entity declared at `near`, from the disk.
pub fn placement(ctx: &Ctx, near: &Path) -> Placement {
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    let is_dir = |p: &Path| p.is_dir();
    placement_with(
        ctx,
        near,
        &Disk {
            read: &read,
            is_dir: &is_dir,
        },
    )
}

pub fn placement_with(ctx: &Ctx, near: &Path, disk: &Disk) -> Placement {
    let reader = Reader { ctx, disk };
    let mut unreadable = None;
    let mut best: Option<((bool, u8, usize), Placement)> = None;
    for (file, options) in data_source::options(ctx) {
        let value = &options.options.value;
        let found = match (value.get("migrations"), cli_migrations_dir(value)) {
            (_, Some(dir)) => reader.folder(file, dir, "`cli.migrationsDir`"),
            (Some(migrations), None) => reader.migrations(file, migrations, 0),
            (None, None) => continue,
        };
        match found {
            Some(found) => {
                // A folder that exists (or holds workspace files) beats one that does not
                // (`src/modules/not-exists/*.ts` in a config nobody runs); then, where a
                // project keeps migrations per database, PostgreSQL's; then the
                // DataSource nearest the entity wins.
                let score = (
                    reader.exists(&found.dir),
                    postgres_rank(options, &found.dir),
                    common_depth(&ctx.path(file), near),
                );
                if best.as_ref().is_none_or(|(s, _)| score > *s) {
                    best = Some((score, found));
                }
            }
            None if unreadable.is_none() => {
                let text = ctx.file(file).map(|f| f.text()).unwrap_or_default();
                let at = value
                    .get("migrations")
                    .and_then(|m| text.get(m.span.range()))
                    .unwrap_or("?");
                unreadable = Some(format!(
                    "the DataSource's `migrations: {}` in {} names no folder we can follow",
                    shorten(at),
                    reader.rel(&ctx.path(file))
                ));
            }
            None => {}
        }
    }
    if best.is_none() {
        best = reader
            .ormconfig_json()
            .map(|found| ((reader.exists(&found.dir), 0, 0), found));
    }
    let mut placement = match best {
        Some(((true, _, _), found)) => found,
        // Only folders that do not exist: existing migrations elsewhere say more.
        Some((_, found)) if ctx.model.migrations_folder.is_some() => {
            let missing = format!(
                "{} names no folder that exists",
                found.why.trim_start_matches("the folder of ")
            );
            fallback(ctx, Some(missing))
        }
        Some((_, found)) => found,
        None => fallback(ctx, unreadable),
    };
    if !reader.exists(&placement.dir) {
        placement
            .why
            .push_str(" (the folder does not exist yet: it is created)");
    }
    placement
}

/// How surely a DataSource's migrations run on PostgreSQL: 2 when its `type` says so, 1
/// when unknown, 0 for another database's (by its `type` or a folder named for it, as in
/// `migrations/sqlite/` beside `migrations/postgres/`).
fn postgres_rank(options: &crate::syntax::OrmOptions, dir: &Path) -> u8 {
    match data_source::literal_type(options) {
        Some(t) if data_source::is_postgres_type(t) => 2,
        Some(_) => 0,
        None if data_source::driver_folder(dir).is_some() => 0,
        None => 1,
    }
}

fn fallback(ctx: &Ctx, unreadable: Option<String>) -> Placement {
    let reader_rel = |p: &Path| {
        p.strip_prefix(ctx.root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    let lead = unreadable
        .map(|u| format!("{u}; "))
        .unwrap_or_else(|| "no DataSource sets `migrations`; ".to_string());
    if let Some(dir) = &ctx.config.migrations_dir {
        return Placement {
            dir: ctx.root.join(dir),
            why: format!("{lead}the `migrationsDir` setting names {dir}"),
            registration: None,
        };
    }
    if let Some(dir) = &ctx.model.migrations_folder {
        return Placement {
            dir: dir.clone(),
            why: format!("{lead}the existing migrations are in {}", reader_rel(dir)),
            registration: None,
        };
    }
    let dir = ctx.root.join(&ctx.config.source_root).join("migrations");
    Placement {
        why: format!(
            "{lead}no `migrationsDir` setting and no migration found: {} by default",
            reader_rel(&dir)
        ),
        dir,
        registration: None,
    }
}

/// `cli: { migrationsDir: 'src/migrations' }` (TypeORM 0.2: where `migration:create` writes).
fn cli_migrations_dir(options: &Value) -> Option<&Spanned<Value>> {
    options.get("cli")?.value.get("migrationsDir")
}

fn shorten(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &one_line[..i]),
        None => one_line,
    }
}

/// How many leading path components two paths share.
fn common_depth(a: &Path, b: &Path) -> usize {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The file's stem as a module specifier names it.
pub fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

struct Reader<'a, 'c> {
    ctx: &'a Ctx<'c>,
    disk: &'a Disk<'a>,
}

/// A path expression evaluated: the text, and what it is relative to.
enum Base {
    /// `__dirname`: the folder of the file that holds the options.
    FileDir,
    /// The process's working directory: the package folder, as `npm run` sets it.
    Cwd,
}

/// Whether a workspace file lies under `dir`. The model's files are sorted by path, and
/// the paths under a folder sort right after it: a binary search, not a scan of every file
/// for each fix built (which made building every fix quadratic).
fn holds_file(files: &[std::sync::Arc<crate::model::SourceFile>], dir: &Path) -> bool {
    let first = files.partition_point(|f| f.path.as_path() < dir);
    files.get(first).is_some_and(|f| f.path.starts_with(dir))
}

impl Reader<'_, '_> {
    fn rel(&self, p: &Path) -> String {
        p.strip_prefix(self.ctx.root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    }

    fn exists(&self, dir: &Path) -> bool {
        (self.disk.is_dir)(dir) || holds_file(&self.ctx.model.files, dir)
    }

    /// The `migrations` value of the options in `file`.
    fn migrations(&self, file: usize, value: &Spanned<Value>, depth: usize) -> Option<Placement> {
        if depth > 4 {
            return None;
        }
        match &value.value {
            Value::Array(items) => self.array(file, value.span.range(), items, depth),
            Value::Const { value, .. } => self.migrations(file, value, depth + 1),
            Value::Ident(name) => self.named_list(file, name, depth),
            Value::Call { callee, args } if callee == "Object.values" => {
                let Some(Value::Ident(ns)) = args.first().map(|a| &a.value) else {
                    return None;
                };
                self.reexport_index(file, ns)
            }
            _ => self.folder(file, value, "`migrations` glob"),
        }
    }

    /// `migrations: [A, B]` (classes) or `migrations: ['src/migrations/*.ts', ...]`.
    fn array(
        &self,
        file: usize,
        span: Span,
        items: &[Spanned<Value>],
        depth: usize,
    ) -> Option<Placement> {
        let source = self.ctx.file(file)?;
        let is_class = |name: &str| {
            source.facts.classes.iter().any(|c| c.name == name)
                || source
                    .facts
                    .imports
                    .iter()
                    .any(|i| i.names.iter().any(|n| n.local == name))
        };
        let classes: Vec<&Spanned<Value>> = items
            .iter()
            .filter(|i| matches!(&i.value, Value::Ident(n) if is_class(n)))
            .collect();
        if classes.is_empty() {
            if let [only] = items {
                if let Value::Ident(name) = &only.value {
                    return self.named_list(file, name, depth + 1);
                }
            }
            return items
                .iter()
                .find_map(|i| self.folder(file, i, "`migrations` glob"));
        }
        let last = items.last().map(|i| i.span.range());
        // The folder and specifier style of the last class that comes from an import.
        let from_import = classes.iter().rev().find_map(|c| {
            let Value::Ident(name) = &c.value else {
                return None;
            };
            let import = source.facts.imports.iter().find(|i| {
                i.kind == ImportKind::Import && i.names.iter().any(|n| n.local == name)
            })?;
            let target = self.ctx.import_target(file, &import.specifier)?;
            let dir = self.ctx.path(target).parent()?.to_path_buf();
            Some((dir, import.specifier.clone()))
        });
        let (dir, prefix, suffix) = match from_import {
            Some((dir, spec)) => {
                let (prefix, suffix) = split_specifier(&spec);
                (dir, prefix, suffix)
            }
            None => {
                let dir = fallback(self.ctx, None).dir;
                let from = self.ctx.path(file);
                let prefix = relative_specifier(from.parent()?, &dir);
                (dir, prefix, String::new())
            }
        };
        let list = format!("the `migrations` array in {}", self.rel(&source.path));
        Some(Placement {
            why: format!(
                "the folder of the migrations listed in {list} (the new class is added to it)"
            ),
            dir,
            registration: Some(Registration {
                file,
                kind: RegisterKind::Array {
                    span,
                    last_item: last,
                },
                specifier_prefix: prefix,
                specifier_suffix: suffix,
            }),
        })
    }

    /// `migrations: list` where `list` is a const of the file or imported from another
    /// (`import { migrations } from './migrations'`).
    fn named_list(&self, file: usize, name: &str, depth: usize) -> Option<Placement> {
        let source = self.ctx.file(file)?;
        if let Some(c) = source.facts.consts.iter().find(|c| c.name == name) {
            return self.migrations(file, &c.value, depth + 1);
        }
        let import =
            source.facts.imports.iter().find(|i| {
                i.kind == ImportKind::Import && i.names.iter().any(|n| n.local == name)
            })?;
        let imported = import.names.iter().find(|n| n.local == name)?;
        let target = self.ctx.import_target(file, &import.specifier)?;
        let target_source = self.ctx.file(target)?;
        let exported = match imported.imported.as_str() {
            "default" => target_source.facts.default_export.clone()?,
            "*" => return None,
            other => other.into(),
        };
        let c = target_source
            .facts
            .consts
            .iter()
            .find(|c| c.name == exported)?;
        self.migrations(target, &c.value, depth + 1)
    }

    /// `import * as migrations from './migrations'` + `Object.values(migrations)`: the
    /// index file's re-exports.
    fn reexport_index(&self, file: usize, ns: &str) -> Option<Placement> {
        let source = self.ctx.file(file)?;
        let import = source.facts.imports.iter().find(|i| {
            i.kind == ImportKind::Import
                && i.names.iter().any(|n| n.local == ns && n.imported == "*")
        })?;
        let index = self.ctx.import_target(file, &import.specifier)?;
        let index_source = self.ctx.file(index)?;
        let last = index_source
            .facts
            .imports
            .iter()
            .filter(|i| i.kind == ImportKind::ExportFrom)
            .max_by_key(|i| i.span.end())?;
        let target = self.ctx.import_target(index, &last.specifier)?;
        let dir = self.ctx.path(target).parent()?.to_path_buf();
        let (prefix, suffix) = split_specifier(&last.specifier);
        Some(Placement {
            why: format!(
                "the folder of the migrations {} re-exports, which the DataSource in {} loads (the new class is re-exported there too)",
                self.rel(&index_source.path),
                self.rel(&source.path)
            ),
            dir,
            registration: Some(Registration {
                file: index,
                kind: RegisterKind::Reexport {
                    after: last.span.end(),
                    star: last.star_reexport,
                },
                specifier_prefix: prefix,
                specifier_suffix: suffix,
            }),
        })
    }

    /// A glob or folder: `'src/migrations/*.ts'`, `__dirname + '/migrations/*{.ts,.js}'`,
    /// `` `${__dirname}/../migrations/*.js` ``, `path.join(__dirname, 'migrations', '*.js')`,
    /// `env.get('X') ?? 'dist/migrations/*.js'` (the default).
    fn folder(&self, file: usize, value: &Spanned<Value>, what: &str) -> Option<Placement> {
        let (text, base, defaulted) = eval_path(&value.value)?;
        let options_file = self.ctx.path(file);
        let base_dir = match base {
            Base::FileDir => options_file.parent()?.to_path_buf(),
            Base::Cwd => data_source::package_dir(&options_file, self.ctx.root, &|p| {
                (self.disk.read)(p).is_some()
            })
            .unwrap_or_else(|| self.ctx.root.to_path_buf()),
        };
        let dir = normalize(&base_dir.join(glob_folder(&text)))?;
        let (dir, mapped) = self.map_out_dir(&options_file, dir);
        let text = self.ctx.file(file).map(|f| f.text()).unwrap_or_default();
        let source_text = text.get(value.span.range()).unwrap_or("?");
        let mut why = format!(
            "the folder of the {what} `{}` of the DataSource in {}",
            shorten(source_text),
            self.rel(&options_file)
        );
        if defaulted {
            why.push_str(" (its default value)");
        }
        if let Some(mapped) = mapped {
            why.push_str(&format!(", {mapped}"));
        }
        Some(Placement {
            dir,
            why,
            registration: None,
        })
    }

    /// `ormconfig.json` at the workspace root (TypeORM 0.2; JSON is not in the model):
    /// `cli.migrationsDir`, else the first `migrations` glob, relative to the root.
    fn ormconfig_json(&self) -> Option<Placement> {
        let file = self.ctx.root.join("ormconfig.json");
        let json: serde_json::Value = serde_json::from_str(&(self.disk.read)(&file)?).ok()?;
        // An array of connections: the default one (unnamed or named "default").
        let options = match &json {
            serde_json::Value::Array(list) => list.iter().find(|c| {
                c.get("name")
                    .and_then(|n| n.as_str())
                    .is_none_or(|n| n == "default")
            })?,
            other => other,
        };
        let (glob, what) = match options
            .get("cli")
            .and_then(|c| c.get("migrationsDir"))
            .and_then(|d| d.as_str())
        {
            Some(dir) => (dir, "`cli.migrationsDir`"),
            None => (
                options.get("migrations")?.as_array()?.first()?.as_str()?,
                "`migrations` glob",
            ),
        };
        let dir = normalize(&self.ctx.root.join(glob_folder(glob)))?;
        let (dir, mapped) = self.map_out_dir(&file, dir);
        let mut why = format!("the folder of the {what} '{glob}' in ormconfig.json");
        if let Some(mapped) = mapped {
            why.push_str(&format!(", {mapped}"));
        }
        Some(Placement {
            dir,
            why,
            registration: None,
        })
    }

    /// A folder under the compiled output (`dist/migrations`) mapped back to the source
    /// folder it is compiled from, through the nearest tsconfig's `outDir` / `rootDir`
    /// (else `src/` beside it, else the tsconfig's folder).
    fn map_out_dir(&self, options_file: &Path, dir: PathBuf) -> (PathBuf, Option<String>) {
        let Some((tsconfig_dir, tsconfig)) = self.nearest_tsconfig(options_file) else {
            return (dir, None);
        };
        let Some(out_dir) = tsconfig.out_dir.as_ref() else {
            return (dir, None);
        };
        let Ok(rest) = dir.strip_prefix(out_dir) else {
            return (dir, None);
        };
        let candidates: Vec<PathBuf> = match &tsconfig.root_dir {
            Some(root_dir) => vec![root_dir.join(rest)],
            None => vec![tsconfig_dir.join("src").join(rest), tsconfig_dir.join(rest)],
        };
        let chosen = candidates
            .iter()
            .find(|c| self.exists(c))
            .or(candidates.first())
            .cloned()
            .unwrap_or(dir.clone());
        let note = format!(
            "compiled from {} ({} is tsconfig's outDir)",
            self.rel(&chosen),
            self.rel(out_dir)
        );
        (chosen, Some(note))
    }

    fn nearest_tsconfig(&self, file: &Path) -> Option<(PathBuf, TsConfig)> {
        let mut dir = file.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(self.ctx.root)) {
            let candidate = d.join("tsconfig.json");
            if (self.disk.read)(&candidate).is_some() {
                let (config, _) = TsConfig::load_with(&candidate, self.disk.read);
                return Some((d.to_path_buf(), config));
            }
            dir = d.parent();
        }
        None
    }
}

/// Evaluates a path expression: its text and base, and whether it is the default of an
/// `a ?? 'default'` / `a || 'default'`. None for anything not made of literals.
fn eval_path(value: &Value) -> Option<(String, Base, bool)> {
    match value {
        Value::Str(s) => Some((s.to_string(), Base::Cwd, false)),
        Value::Const { value, .. } => eval_path(&value.value),
        Value::Binary { op, operands } if op == "+" => {
            let [left, right] = &**operands;
            let tail = right.value.as_str()?;
            match &left.value {
                Value::Ident(d) if d == "__dirname" => Some((
                    tail.trim_start_matches('/').to_string(),
                    Base::FileDir,
                    false,
                )),
                other => {
                    let (head, base, defaulted) = eval_path(other)?;
                    Some((format!("{head}{tail}"), base, defaulted))
                }
            }
        }
        Value::Binary { op, operands } if op == "??" || op == "||" => {
            let right = &operands[1];
            let (text, base, _) = eval_path(&right.value)?;
            Some((text, base, true))
        }
        Value::Template { quasis, exprs } => {
            let dirname_first = matches!(
                exprs.first().map(|e| &e.value),
                Some(Value::Ident(d)) if d == "__dirname"
            ) && quasis.first().is_some_and(|q| q.is_empty());
            if !dirname_first {
                return None;
            }
            // Substitutions after the first: unknown text, fine only in the file name.
            let mut text = String::new();
            for (i, q) in quasis.iter().enumerate().skip(1) {
                text.push_str(q);
                if i < exprs.len() {
                    text.push('*');
                }
            }
            // `${x}` in a folder name (`migrations/${dialect}/*.js`): which folder is unknown.
            let first_sub = text.find('*').unwrap_or(text.len());
            if exprs.len() > 1 && text.get(first_sub..).is_some_and(|t| t.contains('/')) {
                return None;
            }
            Some((
                text.trim_start_matches('/').to_string(),
                Base::FileDir,
                false,
            ))
        }
        Value::Call { callee, args } => {
            let last = callee.rsplit('.').next().unwrap_or("");
            if !matches!(last, "join" | "resolve") {
                return None;
            }
            let (first, rest) = args.split_first()?;
            let base = match &first.value {
                Value::Ident(d) if d == "__dirname" => Base::FileDir,
                Value::Call { callee, .. } if callee == "process.cwd" => Base::Cwd,
                _ => return None,
            };
            let parts: Option<Vec<&str>> = rest.iter().map(|a| a.value.as_str()).collect();
            Some((parts?.join("/"), base, false))
        }
        _ => None,
    }
}

/// The folder part of a glob: everything before the first segment with a wildcard, or
/// the parent of a file path, or the path itself when it names a folder.
fn glob_folder(glob: &str) -> String {
    let wildcard = glob.find(['*', '?', '{', '[']);
    let head = match wildcard {
        Some(i) => &glob[..i],
        None => glob,
    };
    match head.rfind('/') {
        Some(i) if wildcard.is_some() => head[..i].to_string(),
        None if wildcard.is_some() => String::new(),
        _ => {
            let last = head.rsplit('/').next().unwrap_or("");
            if last.ends_with(".ts") || last.ends_with(".js") {
                head.rsplit_once('/')
                    .map(|(dir, _)| dir.to_string())
                    .unwrap_or_default()
            } else {
                head.trim_end_matches('/').to_string()
            }
        }
    }
}

/// `./migrations/1700-init` -> (`./migrations/`, ``); `./m/1700-init.js` -> (`./m/`, `.js`).
fn split_specifier(spec: &str) -> (String, String) {
    let prefix = match spec.rfind('/') {
        Some(i) => spec[..=i].to_string(),
        None => "./".to_string(),
    };
    let suffix = if spec.ends_with(".js") { ".js" } else { "" };
    (prefix, suffix.to_string())
}

/// A relative specifier prefix from folder `from` to folder `to` (`./migrations/`, `../db/`).
fn relative_specifier(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = from.len() - common;
    let mut out = if ups == 0 {
        "./".to_string()
    } else {
        "../".repeat(ups)
    };
    for c in &to[common..] {
        out.push_str(&c.as_os_str().to_string_lossy());
        out.push('/');
    }
    out
}

/// The edit that registers class `class`, written to `path`, where the project lists its
/// migrations.
pub fn registration_change(
    ctx: &Ctx,
    reg: &Registration,
    class: &str,
    path: &Path,
) -> Option<FileChange> {
    let source = ctx.file(reg.file)?;
    if source.facts.has_syntax_errors {
        return None;
    }
    let spec = format!(
        "{}{}{}",
        reg.specifier_prefix,
        file_stem(path),
        reg.specifier_suffix
    );
    let text = &source.text();
    let mut changes = Vec::new();
    match &reg.kind {
        RegisterKind::Array { span, last_item } => {
            let array = text.get(span.clone())?;
            let multiline = array.contains('\n');
            let edit = match last_item {
                None => {
                    let inside = span.start + 1;
                    TextEdit {
                        span: inside..inside,
                        new_text: class.to_string(),
                    }
                }
                Some(item) if multiline => TextEdit {
                    span: item.end..item.end,
                    new_text: format!(
                        ",{}{}{class}",
                        edits::line_ending(text),
                        edits::indentation_at(text, item.start)
                    ),
                },
                Some(item) => TextEdit {
                    span: item.end..item.end,
                    new_text: format!(", {class}"),
                },
            };
            changes.push(edit);
            changes.extend(edits::ensure_import(source, &spec, class));
        }
        RegisterKind::Reexport { after, star } => {
            let q = edits::quote_style(source);
            let eol = edits::line_ending(text);
            let at = text
                .get(*after..)
                .and_then(|t| t.find('\n'))
                .map(|i| after + i + 1)
                .unwrap_or(text.len());
            let lead = if at == text.len() && !text.ends_with('\n') {
                eol
            } else {
                ""
            };
            let names = if *star {
                "*".to_string()
            } else {
                format!("{{ {class} }}")
            };
            changes.push(TextEdit {
                span: at..at,
                new_text: format!("{lead}export {names} from {q}{spec}{q};{eol}"),
            });
        }
    }
    Some(FileChange::Edit {
        path: source.path.clone(),
        edits: changes,
    })
}

#[cfg(test)]
mod tests;
