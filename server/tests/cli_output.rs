//! What `check` prints, as a user in a terminal or a CI log sees it: paths relative to the
//! current directory (here the parent of the project), colour only when asked for (these
//! runs are piped), `--diff`, `--select` / `--ignore`, `--statistics`, `--exit-zero`,
//! `--quiet` and the `--fix` summary. Snapshots live in `tests/snapshots/`.

use std::path::Path;
use std::process::{Command, Output};

const MANAGED_ENTITY: &str =
    include_str!("../../fixtures/suppressions/src/common/managed-entity.ts");

/// No base class: ENT001, an error.
const PLAIN: &str = "import { Entity, Column } from 'typeorm';

@Entity()
export class Plain {
  @Column()
  name: string;
}
";

/// `| null` on a NOT NULL column: TYP002 with editor-only fixes, which `--fix` leaves.
const USER: &str = "import { Column, Entity } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class User extends ManagedEntity {
  @Column()
  name: string;

  @Column('text')
  nickname: string | null;
}
";

/// An unindexed foreign key (IDX001, fixed with a migration) and a nullable column typed
/// without `null` (TYP002, fixed in place).
const POST: &str = "import { Column, Entity, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { User } from 'src/users/user.entity';

@Entity()
export class Post extends ManagedEntity {
  @ManyToOne(() => User)
  author: User;

  @Column({ type: 'text', nullable: true })
  title: string;
}
";

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// `<tmp>/proj`, a project with one finding of each kind above.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let proj = dir.path().join("proj");
    write(&proj, "package.json", "{}");
    write(&proj, "src/common/managed-entity.ts", MANAGED_ENTITY);
    write(&proj, "src/plain.entity.ts", PLAIN);
    write(&proj, "src/users/user.entity.ts", USER);
    write(&proj, "src/posts/post.entity.ts", POST);
    dir
}

/// Runs from `dir` with a clean environment for colour and CI variables.
fn run_env(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"));
    cmd.args(args)
        .current_dir(dir)
        .env("TYPEORM_LSP_MIGRATION_TIMESTAMP", "1700000000000")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_WORKSPACE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run typeorm-lsp")
}

fn run(args: &[&str], dir: &Path) -> Output {
    run_env(args, dir, &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn text_paths_are_relative_to_the_current_directory() {
    let dir = project();
    let out = run(&["check", "proj"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn json_and_sarif_paths_are_relative_to_the_current_directory() {
    let dir = project();
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["check", "proj", "--format", "json"], dir.path()).stdout)
            .expect("json");
    let paths: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(paths.contains(&"proj/src/plain.entity.ts"), "{paths:?}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&run(&["check", "proj", "--format", "sarif"], dir.path()).stdout)
            .expect("sarif");
    let run0 = &sarif["runs"][0];
    let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap_or_default();
    let cwd = std::fs::canonicalize(dir.path()).expect("canonical");
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    assert!(
        base.trim_end_matches('/')
            .ends_with(&*cwd.to_string_lossy()),
        "{base} vs {}",
        cwd.display()
    );
    let uris: Vec<&str> = run0["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"proj/src/plain.entity.ts"), "{uris:?}");
}

#[test]
fn github_paths_are_relative_to_github_workspace() {
    let dir = project();
    let proj = dir.path().join("proj");
    let from_parent = run(&["check", "proj", "--format", "github"], dir.path());
    insta::assert_snapshot!(stdout(&from_parent));
    // In a monorepo job that `cd`s into a package, the annotations still name files from
    // the repository root.
    let workspace = dir.path().to_string_lossy().into_owned();
    let inside = run_env(
        &["check", ".", "--format", "github"],
        &proj,
        &[("GITHUB_WORKSPACE", &workspace)],
    );
    assert_eq!(stdout(&inside), stdout(&from_parent));
}

#[test]
fn colour_is_off_when_piped_and_on_when_asked() {
    let dir = project();
    let piped = run(&["check", "proj"], dir.path());
    assert!(!stdout(&piped).contains('\u{1b}'));
    let always = run(&["check", "proj", "--color", "always"], dir.path());
    let text = stdout(&always);
    assert!(
        text.contains("\u{1b}[1m\u{1b}[31mENT001\u{1b}[0m"),
        "error codes are bold red: {text:?}"
    );
    let never = run_env(
        &["check", "proj", "--color", "never"],
        dir.path(),
        &[("CLICOLOR_FORCE", "1")],
    );
    assert_eq!(stdout(&never), stdout(&piped));
    // `auto` honours CLICOLOR_FORCE (and NO_COLOR); piped output stays plain otherwise.
    let forced = run_env(&["check", "proj"], dir.path(), &[("CLICOLOR_FORCE", "1")]);
    assert!(stdout(&forced).contains('\u{1b}'));
    let no_color = run_env(
        &["check", "proj"],
        dir.path(),
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(!stdout(&no_color).contains('\u{1b}'));
}

#[test]
fn diff_shows_what_fix_would_change_and_writes_nothing() {
    let dir = project();
    let before =
        std::fs::read_to_string(dir.path().join("proj/src/posts/post.entity.ts")).expect("read");
    let out = run(
        &["check", "proj", "--diff", "--with-migrations"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
    assert_eq!(
        stderr(&out),
        "Would apply 1 fix to 1 file and create 1 file (1 migration); nothing was written.\n"
    );
    let after =
        std::fs::read_to_string(dir.path().join("proj/src/posts/post.entity.ts")).expect("read");
    assert_eq!(before, after);
    assert!(!dir.path().join("proj/src/migrations").exists());
    // --fix then writes exactly the files the diff named, with the texts it showed.
    let diff = stdout(&out);
    let named: Vec<&str> = diff
        .lines()
        .filter_map(|l| l.strip_prefix("+++ b/"))
        .collect();
    run(&["check", "proj", "--fix", "--with-migrations"], dir.path());
    for path in &named {
        let text = std::fs::read_to_string(dir.path().join(path)).expect("fixed file");
        let added: Vec<&str> = diff
            .split(&format!("+++ b/{path}\n"))
            .nth(1)
            .unwrap_or_default()
            .lines()
            .take_while(|l| !l.starts_with("--- "))
            .filter_map(|l| l.strip_prefix('+'))
            .collect();
        for line in added {
            assert!(text.contains(line), "{path} lacks {line:?}:\n{text}");
        }
    }
    assert_eq!(named.len(), 2, "{diff}");
    let none = run(&["check", "proj", "--diff", "--select", "NAM"], dir.path());
    assert_eq!(none.status.code(), Some(0));
    assert_eq!(stdout(&none), "");
}

#[test]
fn select_and_ignore_take_codes_and_prefixes() {
    let dir = project();
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "proj", "--format", "json"];
        all.extend_from_slice(args);
        let json: serde_json::Value =
            serde_json::from_slice(&run(&all, dir.path()).stdout).expect("json");
        let mut codes: Vec<String> = json
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|f| f["code"].as_str().map(str::to_string))
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(codes(&[]), ["ENT001", "IDX001", "TYP002", "TYP002"]);
    assert_eq!(
        codes(&["--select", "IDX,typ002"]),
        ["IDX001", "TYP002", "TYP002"]
    );
    assert_eq!(codes(&["--ignore", "ENT", "--ignore", "TYP"]), ["IDX001"]);
    assert_eq!(
        codes(&["--select", "ALL", "--ignore", "IDX001,TYP"]),
        ["ENT001"]
    );
    let bad = run(&["check", "proj", "--select", "XYZ"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("`XYZ` is no rule code or prefix"));
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = project();
    let out = run(&["check", "proj", "--statistics"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn exit_zero_quiet_and_config() {
    let dir = project();
    let out = run(&["check", "proj", "--exit-zero"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("ENT001"));
    let quiet = run(&["check", "proj", "--quiet"], dir.path());
    assert_eq!(quiet.status.code(), Some(1));
    let text = stdout(&quiet);
    assert!(
        text.contains("ENT001") && !text.contains("IDX001"),
        "{text}"
    );
    assert!(!text.contains("Found"), "{text}");
    write(
        dir.path(),
        "strict.json",
        "{ \"rules\": { \"ENT001\": \"off\", \"IDX001\": \"warn\" } }",
    );
    let configured = run(&["check", "proj", "--config", "strict.json"], dir.path());
    assert_eq!(configured.status.code(), Some(0), "{}", stderr(&configured));
    assert!(!stdout(&configured).contains("ENT001"));
    assert!(stdout(&configured).contains("IDX001 [warning]"));
}

#[test]
fn fix_summary_names_files_migrations_new_folders_and_unsafe_leftovers() {
    let dir = project();
    let out = run(
        &[
            "check",
            "proj",
            "--fix",
            "--with-migrations",
            "--format",
            "json",
        ],
        dir.path(),
    );
    insta::assert_snapshot!(stderr(&out));
    assert!(dir
        .path()
        .join("proj/src/migrations/1700000000000-add-index-post-author-id.ts")
        .is_file());
    let without = project();
    let out = run(&["check", "proj", "--fix"], without.path());
    assert!(
        stderr(&out).contains("1 migration not written: pass --with-migrations to write them."),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rule_suppression_docs_have_a_heading() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (code, heading) in [
        ("SUP001", "# SUP001: unused-suppression"),
        ("sup002", "# SUP002: unknown-suppression-code"),
    ] {
        let out = run(&["rule", code], dir.path());
        assert_eq!(out.status.code(), Some(0));
        let doc = stdout(&out);
        assert!(doc.starts_with(heading), "{doc}");
        assert!(doc.contains("## Why is this bad?"), "{doc}");
    }
}

#[test]
fn erd_of_an_empty_folder_explains_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(&["erd", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).starts_with("erDiagram\n  %% No TypeORM entities found"),
        "{}",
        stdout(&out)
    );
}

/// Every hook in `.pre-commit-hooks.yaml` runs flags the binary accepts (on a clean
/// project, where it passes).
#[test]
fn pre_commit_hooks_use_real_flags() {
    let hooks = include_str!("../../.pre-commit-hooks.yaml");
    let clean = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/clean");
    let entries: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry:"))
        .collect();
    assert_eq!(entries.len(), 2, "{hooks}");
    for entry in entries {
        let args: Vec<&str> = entry
            .split_whitespace()
            .skip_while(|w| *w != "typeorm-lsp")
            .skip(1)
            .collect();
        assert_eq!(args.first(), Some(&"check"), "{entry}");
        let out = run(&args, &clean);
        assert_eq!(out.status.code(), Some(0), "{entry}: {}", stderr(&out));
    }
}

/// Bare `typeorm-lsp` in a terminal says what it is doing (and still serves LSP); from an
/// editor (stdin a pipe) it prints nothing. The terminal comes from util-linux `script`;
/// the test is skipped where that is missing.
#[test]
fn bare_command_hints_on_a_terminal_only() {
    let bin = env!("CARGO_BIN_EXE_typeorm-lsp");
    let piped = Command::new(bin)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run typeorm-lsp");
    assert!(
        !stderr(&piped).contains("serving the Language Server Protocol"),
        "{}",
        stderr(&piped)
    );
    let Ok(tty) = Command::new("script")
        .args(["-qec", &format!("timeout 1 {bin}"), "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
    else {
        eprintln!("skipped: no `script` command");
        return;
    };
    let text = format!("{}{}", stdout(&tty), stderr(&tty));
    assert!(
        text.contains("typeorm-lsp: serving the Language Server Protocol on stdio"),
        "{text}"
    );
}
