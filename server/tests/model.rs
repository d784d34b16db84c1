//! The model of `fixtures/shop` as a snapshot: entities, tables, columns, relations and
//! indexes, as a reviewer would read them.

use std::fmt::Write;
use std::path::Path;
use typeorm_lsp::config::Config;
use typeorm_lsp::workspace::Workspace;

fn describe(ws: &Workspace) -> String {
    let mut out = String::new();
    let mut entities: Vec<_> = ws.model.entities.iter().collect();
    entities.sort_by(|a, b| (&a.name, &a.table).cmp(&(&b.name, &b.table)));
    for e in entities {
        let base: Vec<String> = e
            .ancestors
            .iter()
            .filter_map(|a| ws.model.class(*a).map(|c| c.name.to_string()))
            .collect();
        let _ = writeln!(
            out,
            "{} ({:?}) table={} extends=[{}]{}{}",
            e.name,
            e.kind,
            e.table,
            base.join(" > "),
            e.external_ancestor
                .as_ref()
                .map(|x| format!(" external={x}"))
                .unwrap_or_default(),
            e.soft_delete
                .as_ref()
                .map(|s| format!(" soft_delete={s:?}"))
                .unwrap_or_default()
        );
        for c in &e.columns {
            let _ = writeln!(
                out,
                "  column {} -> {} {:?} type={} nullable={:?}{}",
                c.property,
                c.db_name,
                c.kind,
                c.db_type.as_deref().unwrap_or("-"),
                c.nullable,
                if c.unique { " unique" } else { "" }
            );
        }
        for r in &e.relations {
            let _ = writeln!(
                out,
                "  relation {} {:?} -> {} inverse={} join=[{}]{}",
                r.property,
                r.kind,
                r.target.as_deref().unwrap_or("?"),
                r.inverse.as_deref().unwrap_or("-"),
                r.join_columns.join(", "),
                if r.has_join_table { " join_table" } else { "" }
            );
        }
        for i in &e.indexes {
            let _ = writeln!(
                out,
                "  index {:?} [{}]{}{}{}",
                i.kind,
                i.columns.join(", "),
                if i.unique { " unique" } else { "" },
                i.where_clause
                    .as_ref()
                    .map(|w| format!(" where {w}"))
                    .unwrap_or_default(),
                i.name
                    .as_ref()
                    .map(|n| format!(" name={n}"))
                    .unwrap_or_default()
            );
        }
    }
    out
}

#[test]
fn shop_model_snapshot() {
    let root =
        std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/shop"))
            .expect("fixtures/shop");
    let ws = Workspace::load(&root, Config::load(&root).expect("config"));
    assert!(
        ws.model.entities.len() >= 30,
        "{} entities",
        ws.model.entities.len()
    );
    insta::assert_snapshot!(describe(&ws));
}
