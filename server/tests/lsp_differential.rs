//! Incremental == CLI: the language server, driven like an editor (incremental edits,
//! files created, renamed and deleted on disk, buffers closed and reopened), must publish
//! for every file what `typeorm-lsp check --format json` finds in the same final texts.
//! After each step the test waits for the server to be idle (the debug command
//! `typeorm-lsp.debug.idle`, no guessed delays), then compares file by file: code,
//! severity, message and byte span. `scripts/lsp-differential.py` runs the same kind of
//! session on real codebases.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{copy_dir, uri, write_files, Client};
use serde_json::{json, Value};
use tempfile::TempDir;

const PACKAGE: &str =
    r#"{ "name": "blog", "dependencies": { "typeorm": "0.3.20", "pg": "8.0.0" } }"#;

/// The user names its posts by a string target: nothing imports `Post` here.
const USER: &str =
    "import { Entity, PrimaryGeneratedColumn, Column, OneToMany, DeleteDateColumn } from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  email: string;

  @OneToMany('Post', 'author')
  posts: unknown[];
}
";

const POST: &str =
    "import { Entity, PrimaryGeneratedColumn, Column, ManyToOne, Index } from 'typeorm';
import { User } from '../users/user.entity';

@Entity('posts')
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  title: string;

  @ManyToOne(() => User, (user) => user.posts)
  author: User;
}
";

/// Raw SQL on the users table, without importing `User`.
const REPORT: &str = "import { DataSource } from 'typeorm';

export class ReportService {
  constructor(private readonly dataSource: DataSource) {}

  activeUsers() {
    return this.dataSource.query('SELECT id, email FROM users WHERE email IS NOT NULL');
  }
}
";

const MIGRATION: &str = "import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \"posts\" (\"id\" SERIAL PRIMARY KEY, \"authorId\" integer)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \"posts\"`);
  }
}
";

const COMMENT: &str = "import { Entity, PrimaryGeneratedColumn, ManyToOne } from 'typeorm';
import { Post } from './post.entity';

@Entity('comments')
export class Comment {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => Post)
  post: Post;
}
";

/// One finding as both sides can say it: code, severity (LSP number), message, byte span.
type Key = (String, i64, String, u64, u64);

/// Findings per file (relative path), sorted.
type PerFile = BTreeMap<String, Vec<Key>>;

/// An editor session over a workspace: the server, the open buffers, what was published.
struct Session {
    root: TempDir,
    client: Client,
    /// Open buffers by relative path: (version, text).
    buffers: BTreeMap<String, (i32, String)>,
    /// The last diagnostics published per URI.
    published: BTreeMap<String, Vec<Value>>,
}

impl Session {
    fn start(files: &[(&str, &str)]) -> Session {
        let root = TempDir::new().expect("tempdir");
        write_files(root.path(), files);
        let caps = json!({
            "window": {"workDoneProgress": true},
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
        });
        let (client, _) = Client::start(root.path(), caps, Value::Null);
        let mut session = Session {
            root,
            client,
            buffers: BTreeMap::new(),
            published: BTreeMap::new(),
        };
        session.idle();
        session
    }

    fn uri(&self, rel: &str) -> String {
        uri(&self.root.path().join(rel))
    }

    /// Waits until the server says it is idle, keeping what it published meanwhile.
    fn idle(&mut self) {
        // Twice: the server writes its responses and its own notifications through two
        // queues merged without order, so a `publishDiagnostics` sent just before the
        // first answer may reach us after it; the second round trip lets it arrive.
        for _ in 0..2 {
            let done = self.client.request(
                "workspace/executeCommand",
                json!({"command": "typeorm-lsp.debug.idle", "arguments": []}),
            );
            assert_eq!(done, json!(true), "the server did not become idle");
        }
        for note in self.client.notifications.drain(..) {
            if note["method"] == "textDocument/publishDiagnostics" {
                let params = &note["params"];
                let uri = params["uri"].as_str().unwrap_or_default().to_string();
                let diags = params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                self.published.insert(uri, diags);
            }
        }
    }

    fn open(&mut self, rel: &str, text: Option<&str>) {
        let text = match text {
            Some(t) => t.to_string(),
            None => std::fs::read_to_string(self.root.path().join(rel)).expect("read"),
        };
        self.client.open(&self.uri(rel), &text);
        self.buffers.insert(rel.to_string(), (1, text));
    }

    fn close(&mut self, rel: &str) {
        self.buffers.remove(rel);
        let uri = self.uri(rel);
        self.client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    /// Replaces the first occurrence of `old` in an open buffer (`after` picks the
    /// occurrence after that text), as one incremental change in UTF-16 positions.
    fn replace(&mut self, rel: &str, after: &str, old: &str, new: &str) {
        let uri = self.uri(rel);
        let (version, text) = self.buffers.get_mut(rel).expect("open");
        let from = text.find(after).expect("anchor") + after.len();
        let start = from + text[from..].find(old).expect("text to replace");
        let end = start + old.len();
        let range = json!({"start": position(text, start), "end": position(text, end)});
        text.replace_range(start..end, new);
        *version += 1;
        let v = *version;
        self.client
            .change(&uri, v, json!([{"range": range, "text": new}]));
    }

    /// Writes a file on disk and reports it as the editor's file watcher would.
    fn write(&mut self, rel: &str, text: &str) {
        let path = self.root.path().join(rel);
        let typ = if path.exists() { 2 } else { 1 };
        write_files(self.root.path(), &[(rel, text)]);
        self.watched(&[(rel, typ)]);
    }

    fn watched(&mut self, events: &[(&str, u8)]) {
        let changes: Vec<Value> = events
            .iter()
            .map(|(rel, typ)| json!({"uri": self.uri(rel), "type": typ}))
            .collect();
        self.client.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": changes }),
        );
    }

    /// What the server published, per file.
    fn lsp(&self) -> PerFile {
        let prefix = format!("{}/", uri(self.root.path()));
        let mut out = PerFile::new();
        for (u, diags) in &self.published {
            let rel = u.strip_prefix(&prefix).unwrap_or(u).to_string();
            let keys: Vec<Key> = diags
                .iter()
                .map(|d| {
                    (
                        d["code"].as_str().unwrap_or_default().to_string(),
                        d["severity"].as_i64().unwrap_or(0),
                        d["message"].as_str().unwrap_or_default().to_string(),
                        d["data"]["start"].as_u64().unwrap_or(u64::MAX),
                        d["data"]["end"].as_u64().unwrap_or(u64::MAX),
                    )
                })
                .collect();
            if !keys.is_empty() {
                out.insert(rel, sorted(keys));
            }
        }
        out
    }

    /// What `check --format json` finds in a copy of the workspace holding the buffers.
    fn cli(&self) -> PerFile {
        let copy = TempDir::new().expect("tempdir");
        copy_dir(self.root.path(), copy.path());
        for (rel, (_, text)) in &self.buffers {
            std::fs::write(copy.path().join(rel), text).expect("write buffer");
        }
        cli_findings(copy.path())
    }

    /// Waits for idle and compares; returns the findings for the step's own checks.
    fn checkpoint(&mut self, step: &str) -> PerFile {
        self.idle();
        let (lsp, cli) = (self.lsp(), self.cli());
        assert_eq!(lsp, cli, "after {step}: published (left) != check (right)");
        cli
    }
}

fn sorted(mut keys: Vec<Key>) -> Vec<Key> {
    keys.sort();
    keys
}

/// The LSP position (UTF-16 columns) of a byte offset.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": character})
}

fn cli_findings(root: &Path) -> PerFile {
    let out = Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"))
        .arg("check")
        .arg(root)
        .args(["--format", "json"])
        .current_dir(root)
        .output()
        .expect("run check");
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let severity = |s: &str| match s {
        "error" => 1,
        "warning" => 2,
        "info" => 3,
        _ => 0,
    };
    let mut out = PerFile::new();
    for f in findings {
        let path = Path::new(f["path"].as_str().unwrap_or_default());
        let rel = path.strip_prefix(root).unwrap_or(path);
        out.entry(rel.to_string_lossy().into_owned())
            .or_default()
            .push((
                f["code"].as_str().unwrap_or_default().to_string(),
                severity(f["severity"].as_str().unwrap_or_default()),
                f["message"].as_str().unwrap_or_default().to_string(),
                f["span"]["start"].as_u64().unwrap_or(u64::MAX),
                f["span"]["end"].as_u64().unwrap_or(u64::MAX),
            ));
    }
    out.into_iter().map(|(k, v)| (k, sorted(v))).collect()
}

fn codes(found: &PerFile, rel: &str) -> Vec<String> {
    found
        .get(rel)
        .map(|keys| keys.iter().map(|k| k.0.clone()).collect())
        .unwrap_or_default()
}

const USER_RS: &str = "src/users/user.entity.ts";
const POST_RS: &str = "src/posts/post.entity.ts";
const REPORT_RS: &str = "src/reports/report.service.ts";
const MIGRATION_RS: &str = "src/migrations/1700000000000-init.ts";

fn blog() -> Vec<(&'static str, &'static str)> {
    vec![
        ("package.json", PACKAGE),
        (USER_RS, USER),
        (POST_RS, POST),
        (REPORT_RS, REPORT),
        (MIGRATION_RS, MIGRATION),
    ]
}

/// Opens the migration and indexes the post's foreign key there: IDX001 leaves the
/// (closed) post entity.
fn index_the_author_in_the_migration(s: &mut Session) {
    s.open(MIGRATION_RS, None);
    s.replace(
        MIGRATION_RS,
        "async up(queryRunner: QueryRunner): Promise<void> {",
        "\n",
        "\n    await queryRunner.query(`CREATE INDEX \"IDX_posts_author\" ON \"posts\" (\"authorId\")`);\n",
    );
    let found = s.checkpoint("a migration adds an index");
    assert!(codes(&found, POST_RS).is_empty(), "{found:?}");
}

#[test]
fn edits_over_lsp_end_with_the_findings_of_check() {
    let mut s = Session::start(&blog());
    let found = s.checkpoint("the index");
    assert_eq!(codes(&found, POST_RS), ["IDX001"]);

    // A migration indexes the foreign key: the closed entity file loses its IDX001.
    index_the_author_in_the_migration(&mut s);

    // Renaming the relation breaks the string-target inverse side in the closed user file
    // (which does not import Post), and the index no longer covers the column.
    s.open(POST_RS, None);
    s.replace(POST_RS, "@ManyToOne", "author", "writer");
    let found = s.checkpoint("a relation renamed");
    assert_eq!(codes(&found, USER_RS), ["REL002"]);
    assert_eq!(codes(&found, POST_RS), ["IDX001"]);

    // The user becomes soft-deletable: raw SQL on its table in a closed file that does not
    // import it is now missing the predicate.
    s.open(USER_RS, None);
    s.replace(
        USER_RS,
        "email: string;",
        "\n",
        "\n\n  @DeleteDateColumn()\n  deletedAt: Date | null;\n",
    );
    let found = s.checkpoint("a delete date column added");
    assert_eq!(codes(&found, REPORT_RS), ["SD001"]);

    // An index typed above the relation; the syntax broken and repaired without waiting.
    s.replace(
        POST_RS,
        "title: string;\n",
        "  @ManyToOne",
        "  @Index()\n  @ManyToOne",
    );
    s.replace(
        POST_RS,
        "export class Post {",
        "\n",
        "\n  @Column({ type: 'varchar'\n",
    );
    s.replace(
        POST_RS,
        "export class Post {",
        "\n  @Column({ type: 'varchar'\n",
        "\n",
    );
    let found = s.checkpoint("an index added, the syntax broken and repaired");
    assert!(codes(&found, POST_RS).is_empty(), "{found:?}");

    // Files created, renamed and deleted on disk.
    s.write("src/posts/comment.entity.ts", COMMENT);
    let found = s.checkpoint("a file created");
    assert_eq!(codes(&found, "src/posts/comment.entity.ts"), ["IDX001"]);
    let moved = "src/reports/reports.service.ts";
    std::fs::rename(s.root.path().join(REPORT_RS), s.root.path().join(moved)).expect("mv");
    s.watched(&[(REPORT_RS, 3), (moved, 1)]);
    let found = s.checkpoint("a file renamed");
    assert_eq!(codes(&found, moved), ["SD001"]);
    std::fs::remove_file(s.root.path().join("src/posts/comment.entity.ts")).expect("rm");
    s.watched(&[("src/posts/comment.entity.ts", 3)]);
    s.checkpoint("a file deleted");

    // A folder moved in the editor's file explorer (`workspace/didRenameFiles`), then
    // moved back outside the editor, the watcher reporting the folders only.
    let (from, to) = ("src/reports", "src/reporting");
    std::fs::rename(s.root.path().join(from), s.root.path().join(to)).expect("mv");
    let (old_uri, new_uri) = (s.uri(from), s.uri(to));
    s.client.notify(
        "workspace/didRenameFiles",
        json!({"files": [{"oldUri": old_uri, "newUri": new_uri}]}),
    );
    let found = s.checkpoint("a folder renamed by the editor");
    assert_eq!(codes(&found, "src/reporting/reports.service.ts"), ["SD001"]);
    std::fs::rename(s.root.path().join(to), s.root.path().join(from)).expect("mv");
    s.watched(&[(to, 3), (from, 1)]);
    let found = s.checkpoint("a folder moved back on disk");
    assert_eq!(codes(&found, moved), ["SD001"]);

    // Closed (the unsaved edit is dropped: back to the disk), then opened with other text.
    s.close(USER_RS);
    let found = s.checkpoint("a buffer closed unsaved");
    assert!(codes(&found, moved).is_empty(), "{found:?}");
    let reopened = USER.replace(
        "email: string;",
        "email: string;\n\n  @DeleteDateColumn()\n  gone: Date;",
    );
    s.open(USER_RS, Some(&reopened));
    let found = s.checkpoint("a buffer reopened with other text");
    assert_eq!(codes(&found, moved), ["SD001"]);
    assert!(codes(&found, USER_RS).contains(&"TYP002".to_string()));

    assert!(s.client.shutdown().success());
}

/// Above 5,000 files a rebuild of the model (here: a migration's index changes what
/// IDX001 sees) re-checked only the open files, so closed files kept stale findings
/// (ever-gauzy: an IDX001 stayed on a closed entity after its migration indexed it).
#[test]
fn a_rebuild_in_a_large_workspace_rechecks_the_closed_files() {
    let filler: Vec<(String, String)> = (0..5001)
        .map(|i| {
            (
                format!("src/filler/f{i}.ts"),
                format!("export const f{i} = {i};\n"),
            )
        })
        .collect();
    let mut files = blog();
    files.extend(filler.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let mut s = Session::start(&files);
    let found = s.checkpoint("the index");
    assert_eq!(codes(&found, POST_RS), ["IDX001"]);
    index_the_author_in_the_migration(&mut s);
    assert!(s.client.shutdown().success());
}

/// What an editor can throw at the server besides well-formed edits: requests about URIs
/// never opened, other schemes and files outside the folder, a change to a closed
/// document, stale versions, ranges past the end, a file on disk that is not UTF-8,
/// settings of the wrong types, folders that do not exist, cancelled requests amid a burst
/// of edits. Every request is answered, nothing panics, and in the end what is published
/// still equals `check` on the final texts (no edit lost).
#[test]
fn odd_client_input_is_survived_and_no_edit_is_lost() {
    let mut s = Session::start(&blog());
    let outside = TempDir::new().expect("tempdir");
    write_files(outside.path(), &[("stray.entity.ts", POST)]);
    let stray = uri(&outside.path().join("stray.entity.ts"));
    let never_opened = s.uri(USER_RS);
    let at = json!({"line": 4, "character": 14});
    for target in [never_opened.as_str(), "untitled:Untitled-1", stray.as_str()] {
        let doc = json!({ "uri": target });
        let pos = json!({"textDocument": doc, "position": at});
        s.client.request("textDocument/hover", pos.clone());
        s.client.request("textDocument/definition", pos.clone());
        let refs =
            json!({"textDocument": doc, "position": at, "context": {"includeDeclaration": true}});
        s.client.request("textDocument/references", refs);
        s.client.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": doc }),
        );
        let range = json!({"start": at, "end": at});
        let actions = json!({"textDocument": doc, "range": range, "context": {"diagnostics": []}});
        s.client.request("textDocument/codeAction", actions);
    }
    // A file outside every folder, opened and edited: no findings for it.
    s.client.open(&stray, POST);
    s.client.change(&stray, 2, json!([{"text": USER}]));
    // A change to a document that is not open, and one with a stale version.
    s.client
        .change(&never_opened, 7, json!([{"text": "garbage {{{"}]));
    s.open(POST_RS, None);
    let post = s.uri(POST_RS);
    s.client.change(&post, 1, json!([{"text": "stale"}]));
    // A range past the end of the buffer is clamped to it.
    let text = format!("{POST}\n// tail\n");
    s.client.change(
        &post,
        2,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 999, "character": 5}}, "text": text}]),
    );
    s.buffers.insert(POST_RS.to_string(), (2, text));
    // A file that is not UTF-8 appears on disk.
    std::fs::write(s.root.path().join("src/posts/latin1.ts"), b"// caf\xe9\n").expect("write");
    s.watched(&[("src/posts/latin1.ts", 1)]);
    // Settings of the wrong types, then of no type at all.
    for settings in [
        json!({"typeormLsp": {"rules": {"IDX001": "loud", "NOPE001": "off"}, "baseClass": 42}}),
        json!("garbage"),
        json!([1, 2, 3]),
    ] {
        s.client.notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": settings }),
        );
    }
    // Folders that do not exist, added and removed; one removed that was never added.
    let ghost = uri(&s.root.path().join("no-such-folder"));
    let event = |added: &[&str], removed: &[&str]| {
        let f = |u: &&str| json!({"uri": u, "name": "x"});
        json!({"event": {"added": added.iter().map(f).collect::<Vec<_>>(),
                         "removed": removed.iter().map(f).collect::<Vec<_>>()}})
    };
    s.client.notify(
        "workspace/didChangeWorkspaceFolders",
        event(&[&ghost], &["file:///never/added"]),
    );
    s.client
        .notify("workspace/didChangeWorkspaceFolders", event(&[], &[&ghost]));
    // A burst of edits with code actions cancelled in between: only the last text counts.
    for k in 0..40 {
        let id = s.client.send_request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": post}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}}, "context": {"diagnostics": []}}),
        );
        s.client.notify("$/cancelRequest", json!({ "id": id }));
        s.replace(
            POST_RS,
            "title",
            ": string",
            if k % 2 == 0 { ": string " } else { ": string" },
        );
    }
    // Back to settings that check: the rule that the bad value named is on again.
    s.client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"typeormLsp": {}}}),
    );
    let found = s.checkpoint("odd input");
    assert_eq!(codes(&found, POST_RS), ["IDX001"]);
    assert!(
        !s.published.contains_key(&stray) || s.published[&stray].is_empty(),
        "a file outside the folder got findings"
    );
    assert!(s.client.shutdown().success());
}

/// A settings change analysed in the same run as an edit rebuilt the model before the
/// edited buffer was put in: the model kept the older text and the diagnostics its spans
/// (found by the odd-input test, one run in six). Each round here sends both at once.
#[test]
fn an_edit_and_a_settings_change_in_one_run_give_the_edited_text_s_findings() {
    let mut s = Session::start(&blog());
    s.open(POST_RS, None);
    s.idle();
    for round in 0..6 {
        s.replace(POST_RS, "title", ": string", ": string ");
        let off = if round % 2 == 0 { "warning" } else { "error" };
        s.client.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"typeormLsp": {"rules": {"NAM002": off}}}}),
        );
        let found = s.checkpoint(&format!("edit and settings, round {round}"));
        assert_eq!(codes(&found, POST_RS), ["IDX001"]);
    }
    assert!(s.client.shutdown().success());
}
