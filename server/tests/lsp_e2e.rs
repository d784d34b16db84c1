//! End-to-end tests of the language server: the real binary over stdio, driven as an
//! editor would (open, edit, diagnostics, code actions, hover, navigation, watched files,
//! settings, shutdown).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{apply_utf8_edits, range_of, uri, with_code, write_files, Client};
use serde_json::{json, Value};
use tempfile::TempDir;

const USER: &str = "import { Entity, PrimaryGeneratedColumn, Column, OneToMany } from 'typeorm';
import { Post } from 'src/post.entity';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  email: string;

  @OneToMany(() => Post, (post) => post.author)
  posts: Post[];
}
";

const POST: &str = "import { Entity, PrimaryGeneratedColumn, Column, ManyToOne } from 'typeorm';
import { User } from 'src/user.entity';

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

const SERVICE: &str = "import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { User } from 'src/user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  byEmail(email: string) {
    return this.users.findOne({ where: { email } });
  }
}
";

/// The IDX001 range of `author` in POST.
const AUTHOR: ((u64, u64), (u64, u64)) = ((12, 2), (12, 8));

/// A small workspace: two related entities and a service that queries one.
fn workspace() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    write_files(
        dir.path(),
        &[
            ("tsconfig.json", "{}\n"),
            ("src/user.entity.ts", USER),
            ("src/post.entity.ts", POST),
            ("src/users.service.ts", SERVICE),
            // PostgreSQL for certain: index migrations are built CONCURRENTLY.
            ("src/data-source.ts", DATA_SOURCE),
        ],
    );
    dir
}

const DATA_SOURCE: &str = "import { DataSource } from 'typeorm';

export default new DataSource({ type: 'postgres', entities: ['src/**/*.entity.ts'] });
";

/// A capable client: UTF-8 positions, configuration, dynamic watchers, resource
/// operations, progress.
fn full_caps() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "textDocument": {"publishDiagnostics": {"relatedInformation": true}},
        "workspace": {
            "configuration": true,
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename"]}
        },
        "window": {"workDoneProgress": true}
    })
}

fn file_uri(dir: &TempDir, rel: &str) -> String {
    uri(&dir.path().join(rel))
}

fn has_idx001_at(diags: &[Value], range: ((u64, u64), (u64, u64))) -> bool {
    with_code(diags, "IDX001")
        .iter()
        .any(|d| range_of(&d["range"]) == range)
}

fn no_code(diags: &[Value], code: &str) -> bool {
    with_code(diags, code).is_empty()
}

fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn insert(line: u32, character: u32, text: &str) -> Value {
    json!([{"range": {"start": pos(line, character), "end": pos(line, character)}, "text": text}])
}

fn assert_clean_exit(client: Client) {
    let status = client.shutdown();
    assert_eq!(status.code(), Some(0), "exit status {status:?}");
}

#[test]
fn initialize_negotiates_utf8_and_publishes_exact_diagnostics() {
    let dir = workspace();
    let (mut client, init) = Client::start(dir.path(), full_caps(), Value::Null);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    assert!(init["capabilities"].get("diagnosticProvider").is_none());
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    let diags = client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    let idx = with_code(&diags, "IDX001");
    assert_eq!(idx.len(), 1, "{diags:?}");
    let d = idx[0];
    assert_eq!(d["severity"], 2);
    assert_eq!(d["source"], "typeorm-lsp");
    assert!(
        d["message"].as_str().unwrap().contains("Post.author"),
        "{d}"
    );
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/IDX001.md"));
    assert_clean_exit(client);
}

#[test]
fn typing_an_index_clears_the_finding() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    client.change(&post, 2, insert(11, 0, "  @Index()\n"));
    client.diagnostics(&post, |d| no_code(d, "IDX001"));
    // Removing it again brings the finding back, on the same place.
    let line = json!([{"range": {"start": pos(11, 0), "end": pos(12, 0)}, "text": ""}]);
    client.change(&post, 3, line);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    assert_clean_exit(client);
}

#[test]
fn an_index_in_the_entity_clears_the_query_finding_in_the_service() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    let (user, service) = (
        file_uri(&dir, "src/user.entity.ts"),
        file_uri(&dir, "src/users.service.ts"),
    );
    client.open(&service, SERVICE);
    client.open(&user, USER);
    let diags = client.diagnostics(&service, |d| !no_code(d, "IDX002"));
    let idx2 = with_code(&diags, "IDX002");
    assert_eq!(range_of(&idx2[0]["range"]), ((10, 22), (10, 29)));
    let related = &idx2[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], user.as_str());
    assert_eq!(range_of(&related["location"]["range"]).0 .0, 9);
    // Type `@Index()` above `email` in the entity: the service's finding goes away.
    client.change(&user, 2, insert(8, 0, "  @Index()\n"));
    client.diagnostics(&service, |d| no_code(d, "IDX002"));
    assert_clean_exit(client);
}

/// React components of the workspace (JSX, read with the TSX grammar): the `require` in
/// the text of an element is text, not an import (the TypeScript grammar took it for one).
const CARD: &str = "import React from 'react';
import { User } from 'src/user.entity';

export const Card = ({ user }: { user: User }) => <div className=\"card\">{user.id}</div>;
export const Doc = () => <code>const m = require('./post.entity');</code>;
";

#[test]
fn an_import_typed_after_the_jsx_of_a_tsx_component_is_checked() {
    let dir = workspace();
    write_files(dir.path(), &[("src/Card.tsx", CARD)]);
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    let card = file_uri(&dir, "src/Card.tsx");
    client.open(&card, CARD);
    client.diagnostics(&card, |d| no_code(d, "IMP001"));
    // A relative lazy import below the component: the workspace imports through `src/`.
    let lazy = "export const Lazy = React.lazy(() => import('./post.entity'));\n";
    client.change(&card, 2, insert(5, 0, lazy));
    let diags = client.diagnostics(&card, |d| !no_code(d, "IMP001"));
    let imp = with_code(&diags, "IMP001");
    assert_eq!(imp.len(), 1, "{diags:?}");
    let start = lazy.find("./post").unwrap() as u64;
    assert_eq!(range_of(&imp[0]["range"]), ((5, start), (5, start + 13)));
    assert_clean_exit(client);
}

#[test]
fn three_hundred_changes_back_to_back_end_in_the_right_text() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    for i in 0..300 {
        client.change(&post, i + 2, insert(0, 0, &format!("// line {i}\n")));
    }
    // 300 lines were added above the relation.
    let moved = ((312, 2), (312, 8));
    client.diagnostics(&post, |d| has_idx001_at(d, moved));
    // Hovering `User` needs the other files: wait for the scan.
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": post}, "position": pos(312, 4)}),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**Post.author**"));
    let first = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": post}, "position": pos(311, 20)}),
    );
    assert!(first["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**User**"));
    assert_clean_exit(client);
}

fn code_actions(client: &mut Client, uri: &str, diag: &Value, only: Option<&[&str]>) -> Vec<Value> {
    let mut context = json!({"diagnostics": [diag]});
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diag["range"], "context": context}),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn edits_for(action: &Value, uri: &str) -> Vec<Value> {
    let changes = action["edit"]["documentChanges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    changes
        .into_iter()
        .filter(|c| c["textDocument"]["uri"] == uri)
        .flat_map(|c| c["edits"].as_array().cloned().unwrap_or_default())
        .collect()
}

const POST_FIXED: &str =
    "import { Entity, PrimaryGeneratedColumn, Column, ManyToOne, Index } from 'typeorm';
import { User } from 'src/user.entity';

@Entity('posts')
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @Column()
  title: string;

  @Index()
  @ManyToOne(() => User, (user) => user.posts)
  author: User;
}
";

#[test]
fn code_actions_fix_suppress_and_fix_all() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    // The migration says CONCURRENTLY only once the DataSource (PostgreSQL) is known:
    // before the scan ends the workspace holds the open buffer alone.
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    let diags = client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    let diag = with_code(&diags, "IDX001")[0].clone();

    let actions = code_actions(&mut client, &post, &diag, None);
    let quick = actions
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .expect("a quick fix");
    assert_eq!(quick["isPreferred"], true);
    assert_eq!(quick["diagnostics"][0]["code"], "IDX001");
    assert_eq!(apply_utf8_edits(POST, &edits_for(quick, &post)), POST_FIXED);
    let ops = quick["edit"]["documentChanges"].as_array().unwrap();
    let create = ops
        .iter()
        .find(|o| o["kind"] == "create")
        .expect("creates a migration");
    let migration = create["uri"].as_str().unwrap();
    assert!(migration.contains("/src/migrations/"), "{migration}");
    let contents = edits_for(quick, migration);
    assert!(contents[0]["newText"]
        .as_str()
        .unwrap()
        .contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS"));
    assert_eq!(ops[0]["textDocument"]["version"], 1);

    let suppress = actions
        .iter()
        .find(|a| a["kind"] == "quickfix.typeorm-lsp.suppress")
        .expect("a suppression");
    let edits = edits_for(suppress, &post);
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0]["newText"],
        "  // typeorm-lsp-ignore IDX001: reason\n"
    );
    assert_eq!(range_of(&edits[0]["range"]), ((12, 0), (12, 0)));

    let all = code_actions(&mut client, &post, &diag, Some(&["source.fixAll"]));
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["kind"], "source.fixAll.typeorm-lsp");
    // Other rules' safe fixes may join in; the IDX001 ones must be there.
    let fixed_all = apply_utf8_edits(POST, &edits_for(&all[0], &post));
    assert!(
        fixed_all.contains("  @Index()\n  @ManyToOne("),
        "{fixed_all}"
    );
    assert!(fixed_all.contains("ManyToOne, Index }"), "{fixed_all}");

    // Applying the suppression silences the finding.
    client.change(
        &post,
        2,
        json!([{"range": edits[0]["range"], "text": edits[0]["newText"]}]),
    );
    client.diagnostics(&post, |d| no_code(d, "IDX001"));
    assert_clean_exit(client);
}

#[test]
fn costly_quick_fixes_are_resolved_lazily_for_clients_that_can() {
    let dir = workspace();
    let mut caps = full_caps();
    caps["textDocument"]["codeAction"] = json!({"resolveSupport": {"properties": ["edit"]}});
    let (mut client, init) = Client::start(dir.path(), caps, Value::Null);
    assert_eq!(
        init["capabilities"]["codeActionProvider"]["resolveProvider"],
        true
    );
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    let diags = client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    let diag = with_code(&diags, "IDX001")[0].clone();
    let actions = code_actions(&mut client, &post, &diag, Some(&["quickfix"]));
    let quick = actions
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .expect("a quick fix")
        .clone();
    // The fix creates a migration: its edit waits for codeAction/resolve.
    assert!(quick.get("edit").is_none_or(Value::is_null), "{quick}");
    assert!(quick["data"].is_object(), "{quick}");
    let suppress = actions
        .iter()
        .find(|a| a["kind"] == "quickfix.typeorm-lsp.suppress")
        .expect("a suppression");
    assert!(suppress["edit"].is_object(), "cheap edits come at once");
    let resolved = client.request("codeAction/resolve", quick.clone());
    assert_eq!(
        apply_utf8_edits(POST, &edits_for(&resolved, &post)),
        POST_FIXED
    );
    let ops = resolved["edit"]["documentChanges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(ops.iter().any(|o| o["kind"] == "create"), "{resolved}");
    // After an edit the action is stale: resolving gives no edit rather than a wrong one.
    client.change(&post, 2, insert(0, 0, "// moved\n"));
    client.diagnostics(&post, |d| has_idx001_at(d, ((13, 2), (13, 8))));
    let stale = client.request("codeAction/resolve", quick);
    assert!(stale.get("edit").is_none_or(Value::is_null), "{stale}");
    assert_clean_exit(client);
}

#[test]
fn hover_definition_references_and_symbols() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    let (post, user) = (
        file_uri(&dir, "src/post.entity.ts"),
        file_uri(&dir, "src/user.entity.ts"),
    );
    client.open(&post, POST);
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));

    // `User` in `() => User` (line 11).
    let at = json!({"textDocument": {"uri": post}, "position": pos(11, 20)});
    let hover = client.request("textDocument/hover", at.clone());
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.starts_with("**User**: entity, table `users`"), "{md}");
    assert!(md.contains("`Post.author` (ManyToOne)"), "{md}");
    assert_eq!(range_of(&hover["range"]), ((11, 19), (11, 23)));

    let def = client.request("textDocument/definition", at.clone());
    assert_eq!(def[0]["uri"], user.as_str());
    assert_eq!(range_of(&def[0]["range"]), ((4, 13), (4, 17)));
    // The inverse side `user.posts` goes to `posts` in User.
    let inv = json!({"textDocument": {"uri": post}, "position": pos(11, 42)});
    let def = client.request("textDocument/definition", inv);
    assert_eq!(def[0]["uri"], user.as_str());
    assert_eq!(range_of(&def[0]["range"]), ((12, 2), (12, 7)));

    let mut refs_params = at;
    refs_params["context"] = json!({"includeDeclaration": false});
    let refs = client.request("textDocument/references", refs_params);
    let refs = refs.as_array().unwrap();
    let service = file_uri(&dir, "src/users.service.ts");
    assert!(refs.iter().any(|r| r["uri"] == post.as_str()), "{refs:?}");
    assert!(
        refs.iter().any(|r| r["uri"] == service.as_str()),
        "{refs:?}"
    );
    assert!(!refs.iter().any(|r| r["uri"] == user.as_str()), "{refs:?}");

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": post}}),
    );
    assert_eq!(symbols[0]["name"], "Post");
    assert_eq!(symbols[0]["detail"], "table posts");
    let children: Vec<&str> = symbols[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["id", "title", "author"]);

    let found = client.request("workspace/symbol", json!({"query": "users"}));
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["name"], "User");
    assert_eq!(found[0]["containerName"], "users");
    assert_eq!(found[0]["location"]["uri"], user.as_str());

    let erd = client.request(
        "workspace/executeCommand",
        json!({"command": "typeorm-lsp.erd", "arguments": []}),
    );
    let erd = erd.as_str().unwrap();
    assert!(erd.starts_with("erDiagram"), "{erd}");
    assert!(erd.contains("users") && erd.contains("posts"), "{erd}");
    assert_clean_exit(client);
}

#[test]
fn watched_files_created_and_deleted_on_disk() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    let registration = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "client/registerCapability")
        .expect("watchers registered")
        .clone();
    let reg = &registration["params"]["registrations"][0];
    assert_eq!(reg["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = reg["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        globs,
        [
            "**/*.ts",
            "**/tsconfig.json",
            "**/typeorm-lsp.json",
            "**/package.json",
            "**/ormconfig.json"
        ]
    );

    let tag = POST.replace("Post", "Tag").replace("posts", "tags");
    write_files(dir.path(), &[("src/tag.entity.ts", &tag)]);
    let tag_uri = file_uri(&dir, "src/tag.entity.ts");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": tag_uri, "type": 1}]}),
    );
    client.diagnostics(&tag_uri, |d| has_idx001_at(d, AUTHOR));
    std::fs::remove_file(dir.path().join("src/tag.entity.ts")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": tag_uri, "type": 3}]}),
    );
    client.diagnostics(&tag_uri, |d| d.is_empty());
    assert_clean_exit(client);
}

#[test]
fn configuration_change_turns_a_rule_off_and_reports_bad_settings() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    client.settings = json!({"rules": {"IDX001": "off"}, "noSuchSetting": true});
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    client.diagnostics(&post, |d| no_code(d, "IDX001"));
    let shown = client.wait_notification("window/showMessage", |p| {
        p["message"]
            .as_str()
            .unwrap_or("")
            .contains("noSuchSetting")
    });
    assert_eq!(shown["type"], 2);
    assert_clean_exit(client);
}

#[test]
fn initialization_options_apply() {
    let dir = workspace();
    let options = json!({"typeormLsp": {"rules": {"IDX001": "error"}}});
    let (mut client, _) = Client::start(dir.path(), full_caps(), options);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    let diags = client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    assert_eq!(with_code(&diags, "IDX001")[0]["severity"], 1);
    assert_clean_exit(client);
}

#[test]
fn utf16_positions_with_emoji_cjk_and_crlf() {
    let dir = workspace();
    let caps = json!({"workspace": {"configuration": false}});
    let (mut client, init) = Client::start(dir.path(), caps, Value::Null);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    let prefix = "  @ManyToOne(() => User) /* 😀中 */ ";
    let text = format!(
        "import {{ Entity, PrimaryGeneratedColumn, ManyToOne }} from 'typeorm';\r\nimport {{ User }} from 'src/user.entity';\r\n\r\n@Entity('emoji')\r\nexport class Emoji {{\r\n  @PrimaryGeneratedColumn() id: number;\r\n{prefix}owner: User;\r\n}}\r\n"
    );
    write_files(dir.path(), &[("src/emoji.entity.ts", &text)]);
    let emoji = file_uri(&dir, "src/emoji.entity.ts");
    client.open(&emoji, &text);
    let col = prefix.encode_utf16().count() as u64;
    assert_eq!(col, 35);
    client.diagnostics(&emoji, |d| has_idx001_at(d, ((6, col), (6, col + 5))));
    // Insert right after the emoji (a surrogate pair: 2 UTF-16 units).
    let after_emoji = "  @ManyToOne(() => User) /* 😀".encode_utf16().count() as u32;
    client.change(&emoji, 2, insert(6, after_emoji, "é"));
    client.diagnostics(&emoji, |d| has_idx001_at(d, ((6, col + 1), (6, col + 6))));
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": emoji}, "position": pos(6, col as u32 + 2)}),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**Emoji.owner**"));
    assert_clean_exit(client);
}

#[test]
fn a_five_megabyte_document_is_edited_and_checked() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    // The entity with its IDX001, then ~5 MB of generated constants.
    let filler: String = (0..90_000)
        .map(|i| format!("export const value{i} = 'some generated string {i}';\n"))
        .collect();
    let big = format!("{POST}{filler}");
    assert!(big.len() > 5_000_000, "{}", big.len());
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, &big);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    // An edit in the middle of the file and one that fixes the finding.
    client.change(&post, 2, insert(40_000, 0, "export const inserted = 1;\n"));
    client.change(&post, 3, insert(11, 0, "  @Index()\n"));
    client.diagnostics(&post, |d| no_code(d, "IDX001"));
    let hover = json!({"textDocument": {"uri": post}, "position": pos(13, 3)});
    assert!(client.request("textDocument/hover", hover).is_object());
    assert_clean_exit(client);
}

#[test]
fn the_scan_uses_and_refreshes_the_fact_cache_that_check_created() {
    let dir = workspace();
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_typeorm-lsp"))
        .args(["check", "--cache"])
        .arg(dir.path())
        .output()
        .expect("run check");
    assert!(cli.status.code().is_some());
    let cache = dir.path().join(".typeorm-lsp-cache/facts.bin");
    let before = std::fs::read(&cache).expect("check wrote the cache");
    // Fix the entity on disk: the cached facts of the old text must not be used.
    let fixed = POST.replace("  @ManyToOne", "  @Index()\n  @ManyToOne");
    std::fs::write(dir.path().join("src/post.entity.ts"), &fixed).expect("write");
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, &fixed);
    client.diagnostics(&post, |d| no_code(d, "IDX001"));
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    // The cache is written in the background once the model is in place (nothing waits
    // for it): poll for the new contents rather than read it once.
    let start = Instant::now();
    let mut after = std::fs::read(&cache).expect("the cache is still there");
    while after == before && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
        after = std::fs::read(&cache).unwrap_or_else(|_| before.clone());
    }
    assert_ne!(before, after, "the scan rewrote the stale cache");
    assert_clean_exit(client);
}

/// Waits (up to the test timeout) until `path` exists.
fn wait_for_file(path: &Path) {
    let start = Instant::now();
    while !path.is_file() {
        assert!(
            start.elapsed() < common::TIMEOUT,
            "{} never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for the scan's log line and returns how many files it took from the cache.
fn files_from_cache(client: &mut Client) -> u64 {
    let log = client.wait_notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("from the cache)"))
    });
    let message = log["message"].as_str().unwrap_or("");
    let count = message
        .split(" files (")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok());
    count.unwrap_or_else(|| panic!("no count in {message:?}"))
}

#[test]
fn a_second_start_takes_unchanged_files_from_the_cache_and_rereads_changed_ones() {
    let dir = workspace();
    let fixed = POST.replace("  @ManyToOne", "  @Index()\n  @ManyToOne");
    std::fs::write(dir.path().join("src/post.entity.ts"), &fixed).expect("write");
    let cache = TempDir::new().expect("tempdir");
    let env = [("TYPEORM_LSP_CACHE_DIR", cache.path().to_str().unwrap_or(""))];
    let (mut client, _) = Client::start_with_env(dir.path(), full_caps(), Value::Null, &env);
    assert_eq!(files_from_cache(&mut client), 0);
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    // The cache lives in the cache directory, not in the project.
    let written = std::fs::read_dir(cache.path())
        .expect("cache dir")
        .filter_map(Result::ok)
        .map(|e| e.path().join("facts.bin"))
        .next()
        .expect("a folder for the workspace");
    wait_for_file(&written);
    assert!(!dir.path().join(".typeorm-lsp-cache").exists());
    assert_clean_exit(client);

    // On disk, the entity loses its index while no server runs: its cached facts are
    // stale and must not be used; the three other files come from the cache.
    std::fs::write(dir.path().join("src/post.entity.ts"), POST).expect("write");
    let (mut client, _) = Client::start_with_env(dir.path(), full_caps(), Value::Null, &env);
    assert_eq!(files_from_cache(&mut client), 3);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    assert_clean_exit(client);
}

#[test]
fn a_corrupt_cache_is_ignored_with_a_log_line_and_rewritten() {
    let dir = workspace();
    let facts = dir.path().join(".typeorm-lsp-cache/facts.bin");
    write_files(
        dir.path(),
        &[(".typeorm-lsp-cache/facts.bin", "not a cache")],
    );
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    client.wait_notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("unreadable cache ignored"))
    });
    assert_eq!(files_from_cache(&mut client), 0);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    let start = Instant::now();
    while std::fs::read(&facts).is_ok_and(|b| b == b"not a cache") {
        assert!(
            start.elapsed() < common::TIMEOUT,
            "the cache was not rewritten"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_clean_exit(client);
}

#[test]
fn bad_requests_are_answered_and_a_panic_does_not_kill_the_server() {
    let dir = workspace();
    std::fs::write(dir.path().join("src/latin1.ts"), b"const s = '\xe9';\n").unwrap();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));

    let unknown =
        json!({"textDocument": {"uri": "file:///no/such/file.ts"}, "position": pos(0, 0)});
    assert_eq!(
        client.request("textDocument/hover", unknown.clone()),
        Value::Null
    );
    assert_eq!(
        client.request("textDocument/definition", unknown),
        Value::Null
    );
    let far = json!({"textDocument": {"uri": post}, "position": pos(9999, 9999)});
    let _ = client.request("textDocument/hover", far.clone());
    let _ = client.request("textDocument/definition", far);
    let bad_range = json!({
        "textDocument": {"uri": post},
        "range": {"start": pos(500, 3), "end": pos(2, 1)},
        "context": {"diagnostics": []}
    });
    let _ = client.request("textDocument/codeAction", bad_range);
    // Edits to documents that are not open, and non-file URIs.
    client.change("file:///no/such/file.ts", 2, insert(0, 0, "x"));
    client.open("untitled:Untitled-1", "@Entity() class A {}");
    client.change("untitled:Untitled-1", 2, insert(99, 99, "x"));

    let panic = client.request_raw(
        "workspace/executeCommand",
        json!({"command": "typeorm-lsp.debug.panic", "arguments": []}),
    );
    assert_eq!(panic["error"]["code"], -32603, "{panic}");
    let unknown_cmd = client.request_raw(
        "workspace/executeCommand",
        json!({"command": "nope", "arguments": []}),
    );
    assert!(unknown_cmd.get("error").is_some());
    // Still serving.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": post}, "position": pos(12, 3)}),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("**Post.author**"));
    client.change(&post, 2, insert(11, 0, "  @Index()\n"));
    client.diagnostics(&post, |d| no_code(d, "IDX001"));
    assert_clean_exit(client);
}

/// An entity whose decorator is a workspace alias of `@Entity`: only the whole
/// workspace says that `Post` is an entity at all.
const ALIASED_POST: &str = "import { PrimaryGeneratedColumn, ManyToOne } from 'typeorm';
import { AppEntity } from 'src/decorators';
import { User } from 'src/user.entity';

@AppEntity('posts')
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @ManyToOne(() => User)
  author: User;
}
";

/// The small workspace with `Post` declared through the alias.
fn aliased_workspace() -> TempDir {
    let dir = workspace();
    write_files(
        dir.path(),
        &[
            (
                "src/decorators.ts",
                "import { Entity } from 'typeorm';\n\nexport const AppEntity = Entity;\n",
            ),
            ("src/post.entity.ts", ALIASED_POST),
        ],
    );
    dir
}

#[test]
fn nothing_is_published_from_a_folder_still_loading() {
    let dir = aliased_workspace();
    let env = [("TYPEORM_LSP_TEST_INDEX_DELAY_MS", "1500")];
    let (mut client, _) = Client::start_with_env(dir.path(), full_caps(), Value::Null, &env);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, ALIASED_POST);
    // Checked alone, before the scan, `Post` would be no entity and have no findings.
    let first = client.diagnostics(&post, |_| true);
    assert!(with_code(&first, "IDX001").len() == 1, "{first:?}");
    assert_clean_exit(client);
}

#[test]
fn a_failed_scan_still_checks_the_open_files() {
    let dir = workspace();
    let env = [("TYPEORM_LSP_TEST_SCAN_FAILS", "1")];
    let (mut client, _) = Client::start_with_env(dir.path(), full_caps(), Value::Null, &env);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    // The folder holds only the open buffer now; `Post` alone still has its IDX001.
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    assert_clean_exit(client);
}

#[test]
fn a_pull_while_the_folder_loads_waits_for_the_scan() {
    let dir = aliased_workspace();
    let caps = json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    let options = json!({"diagnosticMode": "pull"});
    let env = [("TYPEORM_LSP_TEST_INDEX_DELAY_MS", "1500")];
    let (mut client, _) = Client::start_with_env(dir.path(), caps, options, &env);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, ALIASED_POST);
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": post}}),
    );
    let items = report["items"].as_array().cloned().unwrap_or_default();
    assert!(with_code(&items, "IDX001").len() == 1, "{report}");
    assert_clean_exit(client);
}

#[test]
fn pull_capable_clients_get_pushed_diagnostics_by_default() {
    let dir = workspace();
    let caps = json!({
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}}
    });
    let (mut client, init) = Client::start(dir.path(), caps, Value::Null);
    assert!(
        init["capabilities"].get("diagnosticProvider").is_none(),
        "{init}"
    );
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    assert_clean_exit(client);
}

#[test]
fn pull_diagnostics_for_clients_that_ask() {
    let dir = workspace();
    let caps = json!({
        "general": {"positionEncodings": ["utf-8"]},
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}}
    });
    let (mut client, init) = Client::start(dir.path(), caps, json!({"diagnosticMode": "pull"}));
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        true
    );
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": post}}),
    );
    assert_eq!(report["kind"], "full");
    let items = report["items"].as_array().unwrap();
    assert!(has_idx001_at(items, AUTHOR), "{report}");
    client.change(&post, 2, insert(11, 0, "  @Index()\n"));
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": post}}),
    );
    assert!(
        no_code(report["items"].as_array().unwrap(), "IDX001"),
        "{report}"
    );
    assert!(!client
        .notifications
        .iter()
        .any(|n| n["method"] == "textDocument/publishDiagnostics"));
    assert_clean_exit(client);
}

#[test]
fn indexing_reports_progress() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    let begin = client.wait_notification("$/progress", |p| p["value"]["kind"] == "begin");
    assert_eq!(begin["token"], "typeorm-lsp/indexing");
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    assert!(client
        .server_requests
        .iter()
        .any(|r| r["method"] == "window/workDoneProgress/create"));
    assert_clean_exit(client);
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let dir = workspace();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + common::TIMEOUT;
    let status = loop {
        if let Some(s) = client_status(&mut client) {
            break s;
        }
        assert!(Instant::now() < deadline, "no exit");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status, Some(1));
}

fn client_status(client: &mut Client) -> Option<Option<i32>> {
    client.try_exit_code()
}

/// A temporary copy of `fixtures/shop`.
fn shop() -> TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shop");
    let dir = TempDir::new().expect("tempdir");
    common::copy_dir(&src, dir.path());
    dir
}

/// The first `*.entity.ts` file of a folder tree (sorted), relative.
fn first_entity_file(root: &Path) -> Option<std::path::PathBuf> {
    let mut stack = vec![root.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(".entity.ts") {
                found.push(p);
            }
        }
    }
    found.sort();
    found.into_iter().next()
}

#[test]
fn shop_smoke() {
    let dir = shop();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    let symbols = client.request("workspace/symbol", json!({"query": ""}));
    assert!(symbols.as_array().unwrap().len() >= 5, "{symbols}");
    let erd = client.request(
        "workspace/executeCommand",
        json!({"command": "typeorm-lsp.erd"}),
    );
    assert!(erd.as_str().unwrap().starts_with("erDiagram"));
    let entity = first_entity_file(&dir.path().join("src")).expect("an entity file");
    let text = std::fs::read_to_string(&entity).unwrap();
    let entity_uri = uri(&entity);
    client.open(&entity_uri, &text);
    client.diagnostics(&entity_uri, |_| true);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": entity_uri}}),
    );
    assert!(!symbols.as_array().unwrap().is_empty());
    assert_clean_exit(client);
}

/// Measures the time from a `didChange` to its `publishDiagnostics` on the shop fixture
/// (run with `cargo test --test lsp_e2e -- --ignored --nocapture latency`).
#[test]
#[ignore]
fn latency_on_shop() {
    let dir = shop();
    let (mut client, _) = Client::start(dir.path(), full_caps(), Value::Null);
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    let entity = first_entity_file(&dir.path().join("src")).expect("an entity file");
    let text = std::fs::read_to_string(&entity).unwrap();
    let entity_uri = uri(&entity);
    client.open(&entity_uri, &text);
    let base = client.diagnostics(&entity_uri, |_| true);
    let base_count = with_code(&base, "IDX001").len();
    let end_line = text.lines().count() as u32 + 1;
    let extra = "\n@Entity('latency_probe')\nexport class LatencyProbe {\n  @PrimaryGeneratedColumn() id: number;\n  @ManyToOne(() => LatencyProbe) parent: LatencyProbe;\n}\n";
    let extra_lines = extra.matches('\n').count() as u32;
    let mut samples = Vec::new();
    let mut version = 1;
    for round in 0..20 {
        version += 1;
        let adding = round % 2 == 0;
        let change = if adding {
            insert(end_line, 0, extra)
        } else {
            json!([{"range": {"start": pos(end_line, 0), "end": pos(end_line + extra_lines, 0)}, "text": ""}])
        };
        let want = if adding { base_count + 1 } else { base_count };
        let t = Instant::now();
        client.change(&entity_uri, version, change);
        client.diagnostics(&entity_uri, |d| with_code(d, "IDX001").len() == want);
        samples.push(t.elapsed());
    }
    samples.sort();
    let median = samples[samples.len() / 2];
    eprintln!(
        "didChange -> publishDiagnostics on fixtures/shop: median {:?}, min {:?}, max {:?} ({} samples)",
        median,
        samples[0],
        samples[samples.len() - 1],
        samples.len()
    );
    assert_clean_exit(client);
}

/// Spawns the server and initializes it over several workspace folders (the first is
/// also the `rootUri`); returns the client and the `initialize` result.
fn start_folders(roots: &[&Path], capabilities: Value) -> (Client, Value) {
    let mut client = Client::spawn();
    let folders: Vec<Value> = roots
        .iter()
        .enumerate()
        .map(|(i, root)| json!({"uri": uri(root), "name": format!("folder{i}")}))
        .collect();
    let result = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": roots.first().map(|r| uri(r)),
            "workspaceFolders": folders,
            "capabilities": capabilities,
        }),
    );
    client.notify("initialized", json!({}));
    (client, result)
}

/// The diagnostics array of `publishDiagnostics` params.
fn diags(params: &Value) -> Vec<Value> {
    params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// A predicate over `publishDiagnostics` params.
type Want<'a> = (&'a str, &'a dyn Fn(&Value) -> bool);

/// Waits for a publication of each URI satisfying its predicate, in whatever order they
/// come (waiting for one URI at a time would consume the other's publications); returns
/// the matching params in the order asked.
fn wait_all(client: &mut Client, want: &[Want<'_>]) -> Vec<Value> {
    let mut got: Vec<Option<Value>> = vec![None; want.len()];
    loop {
        let pending: Vec<usize> = (0..want.len()).filter(|&i| got[i].is_none()).collect();
        if pending.is_empty() {
            return got.into_iter().flatten().collect();
        }
        let is = |p: &Value, i: usize| p["uri"] == want[i].0 && (want[i].1)(p);
        let found = client.wait_notification("textDocument/publishDiagnostics", |p| {
            pending.iter().any(|&i| is(p, i))
        });
        for i in pending {
            if got[i].is_none() && is(&found, i) {
                got[i] = Some(found.clone());
            }
        }
    }
}

fn folders_event(added: &[&Path], removed: &[&Path]) -> Value {
    let list = |roots: &[&Path]| -> Vec<Value> {
        roots
            .iter()
            .map(|r| json!({"uri": uri(r), "name": "folder"}))
            .collect()
    };
    json!({"event": {"added": list(added), "removed": list(removed)}})
}

#[test]
fn two_folders_each_check_with_their_own_config() {
    let (a, b) = (workspace(), workspace());
    write_files(
        b.path(),
        &[("typeorm-lsp.json", r#"{ "rules": { "IDX001": "off" } }"#)],
    );
    let (mut client, init) = start_folders(&[a.path(), b.path()], full_caps());
    assert_eq!(
        init["capabilities"]["workspace"]["workspaceFolders"],
        json!({"supported": true, "changeNotifications": true})
    );
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    let (post_a, post_b) = (
        file_uri(&a, "src/post.entity.ts"),
        file_uri(&b, "src/post.entity.ts"),
    );
    client.open(&post_a, POST);
    client.open(&post_b, POST);
    // Both folders are checked as a whole, each service against its own folder's entity.
    let (service_a, service_b) = (
        file_uri(&a, "src/users.service.ts"),
        file_uri(&b, "src/users.service.ts"),
    );
    let idx002 = |p: &Value| !no_code(&diags(p), "IDX002");
    let got = wait_all(
        &mut client,
        &[
            (&post_a, &|p| has_idx001_at(&diags(p), AUTHOR)),
            (&post_b, &|_| true),
            (&service_a, &idx002),
            (&service_b, &idx002),
        ],
    );
    assert!(no_code(&diags(&got[1]), "IDX001"), "{:?}", got[1]);
    for (dir, params) in [(&a, &got[2]), (&b, &got[3])] {
        let diags = diags(params);
        let related = &with_code(&diags, "IDX002")[0]["relatedInformation"][0];
        let user = file_uri(dir, "src/user.entity.ts");
        assert_eq!(related["location"]["uri"], user.as_str());
    }
    // Edits are routed to the right folder: the rule stays off in B only.
    client.change(&post_a, 2, insert(0, 0, "// a\n"));
    client.change(&post_b, 2, insert(0, 0, "// b\n"));
    let moved = ((13, 2), (13, 8));
    client.diagnostics(&post_a, |d| has_idx001_at(d, moved));
    // B's (unchanged, so unpublished) diagnostics were computed on its own model, which
    // holds the edited buffer.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": post_b}, "position": pos(13, 4)}),
    );
    let md = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(md.starts_with("**Post.author**"), "{hover}");
    // Settings were asked per folder.
    let scopes: Vec<String> = client
        .server_requests
        .iter()
        .filter(|r| r["method"] == "workspace/configuration")
        .flat_map(|r| r["params"]["items"].as_array().cloned().unwrap_or_default())
        .filter_map(|item| item["scopeUri"].as_str().map(str::to_string))
        .collect();
    assert!(scopes.contains(&uri(a.path())), "{scopes:?}");
    assert!(scopes.contains(&uri(b.path())), "{scopes:?}");
    assert_clean_exit(client);
}

#[test]
fn a_nested_folder_owns_its_files() {
    let outer = workspace();
    let inner = outer.path().join("packages/api");
    write_files(
        &inner,
        &[
            ("tsconfig.json", "{}\n"),
            ("typeorm-lsp.json", r#"{ "rules": { "IDX001": "off" } }"#),
            ("src/user.entity.ts", USER),
            ("src/post.entity.ts", POST),
        ],
    );
    let (mut client, _) = start_folders(&[outer.path(), &inner], full_caps());
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    let (outer_post, inner_post) = (
        file_uri(&outer, "src/post.entity.ts"),
        uri(&inner.join("src/post.entity.ts")),
    );
    client.open(&outer_post, POST);
    client.open(&inner_post, POST);
    let got = wait_all(
        &mut client,
        &[
            (&outer_post, &|p| has_idx001_at(&diags(p), AUTHOR)),
            (&inner_post, &|_| true),
        ],
    );
    assert!(no_code(&diags(&got[1]), "IDX001"), "{:?}", got[1]);
    // `User` in the inner file resolves in the inner folder.
    let def = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": inner_post}, "position": pos(11, 20)}),
    );
    assert_eq!(
        def[0]["uri"],
        uri(&inner.join("src/user.entity.ts")).as_str()
    );
    // Each entity is listed once, by the folder that owns it.
    let found = client.request("workspace/symbol", json!({"query": "posts"}));
    assert_eq!(found.as_array().map(Vec::len), Some(2), "{found}");
    assert_clean_exit(client);
}

#[test]
fn folders_added_and_removed_while_running() {
    let (a, b) = (workspace(), workspace());
    let (mut client, _) = start_folders(&[a.path()], full_caps());
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    let (post_b, service_b) = (
        file_uri(&b, "src/post.entity.ts"),
        file_uri(&b, "src/users.service.ts"),
    );
    // Outside every folder: no diagnostics, and requests are answered.
    client.open(&post_b, POST);
    let outside = client.diagnostics(&post_b, |_| true);
    assert!(outside.is_empty(), "{outside:?}");
    let at = json!({"textDocument": {"uri": post_b}, "position": pos(12, 3)});
    assert_eq!(
        client.request("textDocument/hover", at.clone()),
        Value::Null
    );

    client.notify(
        "workspace/didChangeWorkspaceFolders",
        folders_event(&[b.path()], &[]),
    );
    let end = client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
    assert_eq!(end["token"], "typeorm-lsp/indexing/1");
    wait_all(
        &mut client,
        &[
            (&post_b, &|p| has_idx001_at(&diags(p), AUTHOR)),
            (&service_b, &|p| !no_code(&diags(p), "IDX002")),
        ],
    );
    let hover = client.request("textDocument/hover", at.clone());
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .starts_with("**Post.author**"));

    client.notify(
        "workspace/didChangeWorkspaceFolders",
        folders_event(&[], &[b.path()]),
    );
    let cleared = |p: &Value| diags(p).is_empty();
    wait_all(&mut client, &[(&post_b, &cleared), (&service_b, &cleared)]);
    assert_eq!(client.request("textDocument/hover", at), Value::Null);
    // The remaining folder still works (its diagnostics were published when it was
    // indexed; an edit moves them).
    let post_a = file_uri(&a, "src/post.entity.ts");
    client.open(&post_a, POST);
    client.change(&post_a, 2, insert(0, 0, "// a\n"));
    client.diagnostics(&post_a, |d| has_idx001_at(d, ((13, 2), (13, 8))));
    assert_clean_exit(client);
}

#[test]
fn workspace_symbols_and_erd_span_folders() {
    let (a, b) = (workspace(), workspace());
    let tag = POST.replace("Post", "Tag").replace("posts", "tags");
    write_files(b.path(), &[("src/tag.entity.ts", &tag)]);
    let (mut client, _) = start_folders(&[a.path(), b.path()], full_caps());
    client.wait_notification("$/progress", |p| p["value"]["kind"] == "end");

    let found = client.request("workspace/symbol", json!({"query": "users"}));
    let mut uris: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["location"]["uri"].as_str().unwrap())
        .collect();
    uris.sort();
    let mut want = [
        file_uri(&a, "src/user.entity.ts"),
        file_uri(&b, "src/user.entity.ts"),
    ];
    want.sort();
    assert_eq!(uris, want, "{found}");
    let tags = client.request("workspace/symbol", json!({"query": "tags"}));
    assert_eq!(tags.as_array().map(Vec::len), Some(1), "{tags}");
    assert_eq!(
        tags[0]["location"]["uri"],
        file_uri(&b, "src/tag.entity.ts").as_str()
    );

    let erd = |client: &mut Client, args: Value| {
        client.request(
            "workspace/executeCommand",
            json!({"command": "typeorm-lsp.erd", "arguments": args}),
        )
    };
    let first = erd(&mut client, json!([]));
    let first = first.as_str().unwrap();
    assert!(
        first.contains("users") && !first.contains("tags"),
        "{first}"
    );
    let second = erd(&mut client, json!([uri(b.path())]));
    let second = second.as_str().unwrap();
    assert!(
        second.contains("users") && second.contains("tags"),
        "{second}"
    );
    let nowhere = client.request_raw(
        "workspace/executeCommand",
        json!({"command": "typeorm-lsp.erd", "arguments": ["file:///no/such/folder"]}),
    );
    assert!(nowhere.get("error").is_some(), "{nowhere}");
    assert_clean_exit(client);
}

// ---- Scheduling: requests never wait for a run; superseded runs publish nothing. ----

/// The analysis test hook: each open document's check waits this long (milliseconds)
/// after announcing it, so a request sent after the announcement meets a run in progress.
const SLOW_ANALYSIS: (&str, &str) = ("TYPEORM_LSP_TEST_ANALYSIS_DELAY_MS", "1500");

/// Waits for the analysis to announce that it is checking `uri` at `version`.
fn wait_checking(client: &mut Client, uri: &str, version: i32) {
    let announced = format!("checking {uri} version {version}");
    client.wait_notification("window/logMessage", |p| p["message"] == announced);
}

/// Reads messages until every one of `ids` is answered and `uri` has diagnostics for
/// `version`; returns what came, in order: `("response", id)` or `("publish", version)`.
fn arrivals(client: &mut Client, ids: &[i64], uri: &str, version: i32) -> Vec<(&'static str, i64)> {
    let mut seen = Vec::new();
    let done = |seen: &[(&str, i64)]| {
        ids.iter().all(|id| seen.contains(&("response", *id)))
            && seen.contains(&("publish", i64::from(version)))
    };
    while !done(&seen) {
        let msg = client
            .wait_for(|m| {
                ids.iter().any(|id| common::is_response(m, *id))
                    || (m["method"] == "textDocument/publishDiagnostics"
                        && m["params"]["uri"] == uri)
            })
            .unwrap_or_else(|| panic!("timed out; so far {seen:?}"));
        match msg["params"]["version"].as_i64() {
            Some(v) if msg.get("method").is_some() => seen.push(("publish", v)),
            _ => seen.push(("response", msg["id"].as_i64().unwrap_or(-1))),
        }
    }
    seen
}

#[test]
fn hover_and_code_actions_are_answered_while_an_analysis_runs() {
    let dir = workspace();
    let (mut client, _) =
        Client::start_with_env(dir.path(), full_caps(), Value::Null, &[SLOW_ANALYSIS]);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    // A line above everything: the published model is now one line behind the buffer.
    client.change(&post, 2, insert(0, 0, "// edited\n"));
    wait_checking(&mut client, &post, 2);
    let at_author = json!({"textDocument": {"uri": post}, "position": pos(13, 3)});
    let hover = client.send_request("textDocument/hover", at_author);
    let line = json!({"start": pos(13, 2), "end": pos(13, 8)});
    let actions = client.send_request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": post}, "range": line, "context": {"diagnostics": []}}),
    );
    // Responses are kept as notifications are not: read them straight off the wire.
    let mut hover_reply = Value::Null;
    let mut action_reply = Value::Null;
    let mut order = Vec::new();
    while order.len() < 3 {
        let msg = client
            .wait_for(|m| {
                common::is_response(m, hover)
                    || common::is_response(m, actions)
                    || (m["method"] == "textDocument/publishDiagnostics"
                        && m["params"]["uri"] == post.as_str()
                        && m["params"]["version"] == 2)
            })
            .unwrap_or_else(|| panic!("timed out; so far {order:?}"));
        if common::is_response(&msg, hover) {
            hover_reply = msg["result"].clone();
            order.push("hover");
        } else if common::is_response(&msg, actions) {
            action_reply = msg["result"].clone();
            order.push("codeAction");
        } else {
            order.push("publish v2");
        }
    }
    assert_eq!(order.last(), Some(&"publish v2"), "{order:?}");
    // Answered from the previous snapshot, carried across the inserted line.
    let value = hover_reply["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(value.starts_with("**Post.author**"), "{hover_reply}");
    assert_eq!(range_of(&hover_reply["range"]).0, (13, 2), "{hover_reply}");
    let titles: Vec<&str> = action_reply
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["kind"] == "quickfix")
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(!titles.is_empty(), "{action_reply}");
    let quick_fix = action_reply
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["kind"] == "quickfix")
        .cloned()
        .unwrap_or_default();
    // Its edit lands in the buffer as it is now (version 2), not where the line was.
    let edited = apply_utf8_edits(&format!("// edited\n{POST}"), &edits_for(&quick_fix, &post));
    assert!(edited.starts_with("// edited\n"), "{edited}");
    assert!(edited.contains("@Index()"), "{edited}");
    assert_clean_exit(client);
}

#[test]
fn a_superseded_analysis_stops_and_only_the_newest_version_is_published() {
    let dir = workspace();
    let (mut client, _) =
        Client::start_with_env(dir.path(), full_caps(), Value::Null, &[SLOW_ANALYSIS]);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    client.change(&post, 2, insert(0, 0, "// one\n"));
    wait_checking(&mut client, &post, 2);
    client.change(&post, 3, insert(0, 0, "// two\n"));
    let seen = arrivals(&mut client, &[], &post, 3);
    assert_eq!(seen, [("publish", 3)], "version 2 was published");
    assert!(
        client
            .notifications
            .iter()
            .any(|n| n["method"] == "window/logMessage"
                && n["params"]["message"] == "analysis superseded"),
        "the run for version 2 did not stop early"
    );
    let v3 = client.diagnostics(&post, |_| true);
    assert!(has_idx001_at(&v3, ((14, 2), (14, 8))), "{v3:?}");
    assert_clean_exit(client);
}

#[test]
fn a_cancelled_request_is_answered_with_request_cancelled() {
    let dir = workspace();
    // workspace/symbol would take a minute: only the cancellation can answer it in time.
    let slow = ("TYPEORM_LSP_TEST_REQUEST_DELAY_MS", "60000");
    let (mut client, _) = Client::start_with_env(dir.path(), full_caps(), Value::Null, &[slow]);
    let id = client.send_request("workspace/symbol", json!({"query": "Post"}));
    client.notify("$/cancelRequest", json!({"id": id}));
    let reply = client
        .wait_for(|m| common::is_response(m, id))
        .expect("an answer to the cancelled request");
    assert_eq!(reply["error"]["code"], -32800, "{reply}");
    // The server goes on answering.
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    assert_clean_exit(client);
}

/// A cold start in a workspace that is mostly not TypeORM (an API beside a UI): the open
/// entity is checked after a first stage that leaves the UI out, and the UI's own findings
/// come with the second stage.
#[test]
fn a_cold_start_checks_the_api_first_and_the_rest_after() {
    let dir = workspace();
    let widget = "export const widget = (n: number) => `${n}`;\n";
    let app = "import { widget } from './widget';\n\nexport const app = widget(1);\n";
    let mut ui: Vec<(String, &str)> = vec![
        ("src/ui/widget.ts".to_string(), widget),
        ("src/ui/app.ts".to_string(), app),
    ];
    for n in 0..6 {
        ui.push((format!("src/ui/page{n}.ts"), widget));
    }
    let ui: Vec<(&str, &str)> = ui.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    write_files(dir.path(), &ui);
    let cache = TempDir::new().expect("tempdir");
    let env = [("TYPEORM_LSP_CACHE_DIR", cache.path().to_str().unwrap_or(""))];
    let (mut client, _) = Client::start_with_env(dir.path(), full_caps(), Value::Null, &env);
    let post = file_uri(&dir, "src/post.entity.ts");
    client.open(&post, POST);
    let log = client.wait_notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("first stage:"))
    });
    let message = log["message"].as_str().unwrap_or("");
    assert!(message.contains("8 left for the second"), "{message}");
    client.diagnostics(&post, |d| has_idx001_at(d, AUTHOR));
    // The relative import of the closed UI file, reported once the second stage is in.
    let app_uri = file_uri(&dir, "src/ui/app.ts");
    let found = client.diagnostics(&app_uri, |d| !with_code(d, "IMP001").is_empty());
    assert_eq!(with_code(&found, "IMP001").len(), 1);
    assert_clean_exit(client);
}
