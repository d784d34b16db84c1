//! The fuzzers' properties (see `typeorm_lsp::selfcheck` and
//! `typeorm_lsp::lsp::transport::check_framing`) as a short proptest run in the normal
//! suite, plus every fixture project checked whole, plus the inputs fuzzing found.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use typeorm_lsp::lsp::transport::check_framing;
use typeorm_lsp::selfcheck;

/// The `.ts` files under `dir`, sorted, with their paths moved under the fuzz root.
fn sources_of(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "ts") {
                let rel = p.strip_prefix(dir).expect("under dir");
                let text = std::fs::read_to_string(&p).expect("read");
                out.push((Path::new(selfcheck::ROOT).join(rel), text));
            }
        }
    }
    out.sort();
    out
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

#[test]
fn every_fix_of_every_fixture_project_applies_parses_and_is_idempotent() {
    for project in ["shop", "clean", "broken", "bad-base", "suppressions"] {
        let sources = sources_of(&fixtures().join(project));
        assert!(!sources.is_empty(), "{project}");
        if let Err(violation) = selfcheck::check(sources, 40) {
            panic!("{project}: {violation}");
        }
    }
}

/// Snippets a mutation pastes: decorator and syntax fragments that move the analysis
/// into unusual corners.
const PIECES: &[&str] = &[
    "@Index()\n  ",
    "@Column({ unique: true })\n  ",
    "@ManyToOne(() => User)\n  ",
    "@OneToMany(() => Post, (p) => p.author)\n  posts: Post[];\n",
    "@Entity('t')\nexport class T {}\n",
    "@Unique(['a', 'b'])\n",
    "{",
    "}",
    "(",
    "'",
    "`${",
    "/*",
    "😀",
    "東京",
    "\r\n",
    "@",
    "extends ",
    "import { X } from './x';\n",
];

#[derive(Debug, Clone)]
enum Mutation {
    Insert { at: usize, piece: usize },
    Delete { at: usize, len: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 0..PIECES.len()).prop_map(|(at, piece)| Mutation::Insert { at, piece }),
        3 => (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut i = at % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, m: &Mutation) {
    match *m {
        Mutation::Insert { at, piece } => {
            let i = floor_boundary(text, at);
            text.insert_str(i, PIECES[piece]);
        }
        Mutation::Delete { at, len } => {
            let start = floor_boundary(text, at);
            let end = floor_boundary(text, start + len).max(start);
            text.replace_range(start..end, "");
        }
        Mutation::Truncate { at } => {
            let i = floor_boundary(text, at);
            text.truncate(i);
        }
    }
}

proptest! {
    // Bounded to a few seconds in a debug build; the fuzzers run the long campaign.
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn mutated_shop_files_keep_the_fix_properties(
        picks in proptest::collection::vec((any::<usize>(), proptest::collection::vec(mutation(), 1..6)), 1..4)
    ) {
        let mut sources = sources_of(&fixtures().join("shop/src"));
        for (which, mutations) in &picks {
            let k = which % sources.len();
            for m in mutations {
                apply(&mut sources[k].1, m);
            }
        }
        if let Err(violation) = selfcheck::check(sources, 3) {
            prop_assert!(false, "{}", violation);
        }
    }
}

/// The same property for as long as you like on stable (no cargo-fuzz needed):
/// `TYPEORM_LSP_CASES=5000 cargo test --release --test properties -- --ignored`.
#[test]
#[ignore]
fn long_campaign_of_mutated_fixture_files() {
    let cases = std::env::var("TYPEORM_LSP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases,
        ..ProptestConfig::default()
    });
    let projects = ["shop/src", "clean", "broken", "bad-base", "suppressions"];
    let strategy = (
        0..projects.len(),
        proptest::collection::vec(
            (any::<usize>(), proptest::collection::vec(mutation(), 1..10)),
            1..5,
        ),
    );
    let result = runner.run(&strategy, |(project, picks)| {
        let mut sources = sources_of(&fixtures().join(projects[project]));
        for (which, mutations) in &picks {
            let k = which % sources.len();
            for m in mutations {
                apply(&mut sources[k].1, m);
            }
        }
        if let Err(violation) = selfcheck::check(sources, 8) {
            prop_assert!(false, "{}", violation);
        }
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
}

/// Strategy for framing input: mostly well-formed frames with broken bits mixed in.
fn framing_input() -> impl Strategy<Value = Vec<u8>> {
    let chunk = prop_oneof![
        "[ -~]{0,40}"
            .prop_map(|body| format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()),
        Just(b"Content-Length: 10\r\n\r\n{\"a\"".to_vec()),
        Just(b"Content-Length: zz\r\n\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..30),
    ];
    proptest::collection::vec(chunk, 0..12).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn framing_keeps_its_properties(data in framing_input()) {
        if let Err(violation) = check_framing(&data) {
            prop_assert!(false, "{}", violation);
        }
    }
}
