//! Indexes that migrations make through TypeORM's `QueryRunner` API rather than SQL text:
//! `createIndex("t", new TableIndex({ columnNames: [...] }))`, `createIndices`,
//! `createTable(new Table({ indices, uniques, columns: [{ isPrimary, isUnique }] }))`,
//! `createUniqueConstraint`, `createPrimaryKey`, and `dropIndex("t", "name")` (grist's
//! migrations are written this way). Read from the text again, on full builds only and
//! only for the migrations whose facts say they mention such a method: facts keep no tree.

use super::migration_indexes::{CreatedIndex, Statement};
use crate::syntax::value::{call_args, member_path, text};
use crate::syntax::INDEX_API_METHODS;
use crate::syntax::{Spanned, Value};
use tree_sitter::{Node, Parser};

/// The API calls of a migration's `up` that create or drop indexes, with their offsets.
pub fn api_statements(src: &str) -> Vec<(usize, Statement)> {
    thread_local! {
        static PARSER: std::cell::RefCell<Parser> =
            std::cell::RefCell::new(crate::syntax::new_parser());
    }
    let Some(tree) = PARSER.with(|p| p.borrow_mut().parse(src, None)) else {
        return Vec::new();
    };
    // The value readers look kinds and fields up in the tables of the tree's grammar.
    crate::syntax::ids::with_tables_of(tree.root_node(), || {
        let mut out = Vec::new();
        let mut cursor = tree.walk();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            if node.kind() == "method_definition" && method_name(node, src) == Some("down") {
                continue;
            }
            if node.kind() == "call_expression" {
                read_call(node, src, &mut out);
            }
            stack.extend(node.named_children(&mut cursor));
        }
        out.sort_by_key(|(at, _)| *at);
        out
    })
}

fn method_name<'s>(method: Node, src: &'s str) -> Option<&'s str> {
    Some(text(method.child_by_field_name("name")?, src))
}

fn read_call(call: Node, src: &str, out: &mut Vec<(usize, Statement)>) {
    let Some(path) = call
        .child_by_field_name("function")
        .and_then(|f| member_path(f, src))
    else {
        return;
    };
    let method = path.rsplit('.').next().unwrap_or_default();
    if !INDEX_API_METHODS.contains(&method) {
        return;
    }
    let args = call_args(call, src);
    let at = call.start_byte();
    let table = args.first().and_then(|a| a.value.as_str()).map(table_name);
    let mut push = |s: Statement| out.push((at, s));
    match (method, table) {
        ("createIndex", Some(table)) => {
            if let Some(index) = args.get(1).and_then(|i| table_index(&table, i)) {
                push(Statement::Create(index));
            }
        }
        ("createIndices", Some(table)) => {
            let list = args.get(1).and_then(|a| a.value.as_array()).unwrap_or(&[]);
            for index in list.iter().filter_map(|i| table_index(&table, i)) {
                push(Statement::Create(index));
            }
        }
        ("createUniqueConstraint", Some(table)) => {
            if let Some(index) = args.get(1).and_then(|i| table_index(&table, i)) {
                push(Statement::Create(index));
            }
        }
        ("createPrimaryKey", Some(table)) => {
            if let Some(columns) = args.get(1).and_then(|c| strings(&c.value)) {
                push(Statement::Create(unnamed(&table, columns)));
            }
        }
        ("dropIndex", Some(table)) => match args.get(1).map(|a| &a.value) {
            Some(Value::Str(name)) => push(Statement::Drop(name.to_string())),
            Some(_) => {
                if let Some(index) = args.get(1).and_then(|i| table_index(&table, i)) {
                    push(Statement::Drop(index.name));
                }
            }
            None => {}
        },
        ("createTable", _) => {
            for index in args.first().map(created_table).unwrap_or_default() {
                push(Statement::Create(index));
            }
        }
        _ => {}
    }
}

/// `new Table({ name, columns, indices, uniques })`: the primary key, unique columns, and
/// the plain indexes and unique constraints it declares.
fn created_table(table: &Spanned<Value>) -> Vec<CreatedIndex> {
    let Some(options) = constructed(table, "Table") else {
        return Vec::new();
    };
    let Some(name) = options.get("name").and_then(|n| n.value.as_str()) else {
        return Vec::new();
    };
    let name = table_name(name);
    let mut out = Vec::new();
    let columns = options
        .get("columns")
        .and_then(|c| c.value.as_array())
        .unwrap_or(&[]);
    let column_flag = |c: &Spanned<Value>, flag: &str| {
        c.value.get(flag).and_then(|v| v.value.as_bool()) == Some(true)
    };
    let column_name = |c: &Spanned<Value>| {
        c.value
            .get("name")
            .and_then(|n| n.value.as_str())
            .map(str::to_string)
    };
    let primary: Vec<String> = columns
        .iter()
        .filter(|c| column_flag(c, "isPrimary"))
        .filter_map(column_name)
        .collect();
    if !primary.is_empty() {
        out.push(unnamed(&name, primary));
    }
    for c in columns.iter().filter(|c| column_flag(c, "isUnique")) {
        if let Some(column) = column_name(c) {
            out.push(unnamed(&name, vec![column]));
        }
    }
    for key in ["indices", "uniques"] {
        let list = options
            .get(key)
            .and_then(|l| l.value.as_array())
            .unwrap_or(&[]);
        out.extend(list.iter().filter_map(|i| table_index(&name, i)));
    }
    out
}

/// `new TableIndex({ name?, columnNames })` or the same options as a plain object; left
/// out when partial, spatial or full-text (what they serve is not a B-tree's).
fn table_index(table: &str, index: &Spanned<Value>) -> Option<CreatedIndex> {
    let options = constructed(index, "TableIndex")
        .or_else(|| constructed(index, "TableUnique"))
        .or_else(|| index.value.as_object().map(|_| &index.value))?;
    if ["where", "isSpatial", "isFulltext"].iter().any(|k| {
        options
            .get(k)
            .is_some_and(|v| v.value != Value::Bool(false))
    }) {
        return None;
    }
    let columns = strings(&options.get("columnNames")?.value)?;
    match options.get("name").and_then(|n| n.value.as_str()) {
        Some(name) => Some(CreatedIndex {
            name: name.to_string(),
            table: table.to_string(),
            columns,
            complete: true,
        }),
        None => Some(unnamed(table, columns)),
    }
}

/// The options object of `new Class({...})`, or a bare object literal for `Table`.
fn constructed<'v>(value: &'v Spanned<Value>, class: &str) -> Option<&'v Value> {
    match &value.value {
        Value::Call { callee, args } if callee.strip_prefix("new ") == Some(class) => args
            .first()
            .map(|a| &a.value)
            .filter(|a| a.as_object().is_some()),
        _ => None,
    }
}

fn strings(value: &Value) -> Option<Vec<String>> {
    let list: Vec<String> = value
        .as_array()?
        .iter()
        .filter_map(|c| c.value.as_str().map(str::to_string))
        .collect();
    (!list.is_empty()).then_some(list)
}

/// An index TypeORM names itself: keyed by table and columns, so that a `dropIndex` of the
/// same `TableIndex` finds it.
fn unnamed(table: &str, columns: Vec<String>) -> CreatedIndex {
    CreatedIndex {
        name: format!("{table}({})", columns.join(",")),
        table: table.to_string(),
        columns,
        complete: true,
    }
}

/// Lower-cased, schema left out, as the SQL reading keys tables.
fn table_name(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created(src: &str) -> Vec<(String, String, Vec<String>)> {
        api_statements(src)
            .into_iter()
            .filter_map(|(_, s)| match s {
                Statement::Create(c) => Some((c.name, c.table, c.columns)),
                Statement::Drop(_) => None,
            })
            .collect()
    }

    #[test]
    fn reads_create_index_and_create_table_in_up_only() {
        let src = r#"import { MigrationInterface, QueryRunner, Table, TableIndex } from "typeorm";
export class Indexes1 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<any> {
    await queryRunner.createIndex("acl_rules", new TableIndex({ name: "acl_rules__org_id", columnNames: ["org_id"] }));
    await queryRunner.createIndex("public.docs", new TableIndex({ columnNames: ["workspace_id", "id"] }));
    await queryRunner.createIndex("docs", new TableIndex({ columnNames: ["name"], where: "removed_at IS NULL" }));
    await queryRunner.createTable(new Table({
      name: "group_users",
      columns: [
        { name: "group_id", type: "integer", isPrimary: true },
        { name: "user_id", type: "integer", isPrimary: true },
        { name: "email", type: "varchar", isUnique: true },
      ],
      indices: [{ columnNames: ["user_id"] }],
    }));
  }
  public async down(queryRunner: QueryRunner): Promise<any> {
    await queryRunner.createIndex("down_only", new TableIndex({ columnNames: ["x"] }));
  }
}
"#;
        let found = created(src);
        let tables: Vec<(&str, Vec<&str>)> = found
            .iter()
            .map(|(_, t, c)| (t.as_str(), c.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            tables,
            vec![
                ("acl_rules", vec!["org_id"]),
                ("docs", vec!["workspace_id", "id"]),
                ("group_users", vec!["group_id", "user_id"]),
                ("group_users", vec!["email"]),
                ("group_users", vec!["user_id"]),
            ]
        );
        assert_eq!(found[0].0, "acl_rules__org_id");
    }

    #[test]
    fn reads_drop_index_by_name_and_by_table_index() {
        let src = r#"export class Drop2 {
  async up(q) {
    await q.dropIndex("acl_rules", "acl_rules__org_id");
    await q.dropIndex("docs", new TableIndex({ columnNames: ["workspace_id", "id"] }));
  }
}
"#;
        let drops: Vec<String> = api_statements(src)
            .into_iter()
            .filter_map(|(_, s)| match s {
                Statement::Drop(name) => Some(name),
                Statement::Create(_) => None,
            })
            .collect();
        assert_eq!(drops, ["acl_rules__org_id", "docs(workspace_id,id)"]);
    }

    #[test]
    fn files_without_the_api_are_not_parsed() {
        assert!(api_statements("export class A { up() { return 1; } }").is_empty());
    }
}
