//! A real neovim, headless, as the client: it opens an entity file, receives typeorm-lsp's
//! diagnostics, and asks for hover and code actions. `tests/install-deps.sh` installs
//! neovim (the test command in the README runs it first).

use std::path::Path;
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

#[test]
fn headless_neovim_shows_diagnostics_hover_and_actions() {
    let nvim = Command::new("nvim").arg("--version").output();
    let Ok(version) = nvim else {
        panic!("neovim is not installed: run `bash tests/install-deps.sh` (the README's test command does)");
    };
    assert!(version.status.success());
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
    let status = Command::new("nvim")
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
    let diags = result["diagnostics"].as_array().expect("diagnostics");
    let idx001 = diags
        .iter()
        .find(|d| d["code"] == "IDX001")
        .unwrap_or_else(|| panic!("no IDX001 in {text}"));
    assert_eq!(idx001["lnum"], 7, "{text}");
    // `  /* 😀 東京 */ author`: 2 + 3 + 2 (emoji: 2 UTF-16 units) + 1 + 2 + 4 = 14 units;
    // neovim's `col` is a byte index into the line: 2 + 3 + 4 + 1 + 6 + 4 = 20.
    assert_eq!(idx001["col"], 20, "{text}");
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
    assert!(result["hover"].is_string(), "{text}");
    // No warnings for the user (neovim 0.7 sends `settings` as `[]`, which is no settings).
    assert_eq!(result["messages"], serde_json::json!([]), "{text}");
}
