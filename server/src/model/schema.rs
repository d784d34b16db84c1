//! Entities declared as `new EntitySchema({...})` objects.

use super::build::{implicit_indexes, soft_delete};
use super::indexes::{resolve, RawIndex};
use super::naming;
use super::types::*;
use crate::config::Config;
use crate::syntax::{EntitySchemaFact, Prop, Value};

pub fn entity(file: usize, schema: &EntitySchemaFact, config: &Config) -> Option<Entity> {
    let opts = &schema.options.value;
    let name = entity_name(opts)?;
    let table = opts
        .get("tableName")
        .and_then(|t| t.value.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| naming::table_name(&name, config.naming_strategy));
    let origin = |span: &crate::syntax::ByteSpan| Origin {
        file,
        class: None,
        span: span.range(),
    };
    let columns: Vec<Column> = props(opts, "columns")
        .iter()
        .map(|p| schema_column(p, config, origin(&p.key_span)))
        .collect();
    let relations: Vec<Relation> = props(opts, "relations")
        .iter()
        .filter_map(|p| schema_relation(p, config, origin(&p.key_span)))
        .collect();
    let mut indexes = implicit_indexes(&columns, &relations);
    for (key, kind) in [
        ("indices", IndexKind::Index),
        ("uniques", IndexKind::Unique),
    ] {
        for item in opts
            .get(key)
            .and_then(|v| v.value.as_array())
            .unwrap_or(&[])
        {
            let v = &item.value;
            let raw = RawIndex {
                kind,
                name: v
                    .get("name")
                    .and_then(|n| n.value.as_str())
                    .map(str::to_string),
                fields: v
                    .get("columns")
                    .and_then(|c| c.value.as_array())
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|c| c.value.as_str().map(|s| s.trim().to_string()))
                    .collect(),
                unreadable: v.get("columns").and_then(|c| c.value.as_array()).is_none(),
                unique: kind == IndexKind::Unique
                    || v.get("unique").and_then(|u| u.value.as_bool()) == Some(true),
                where_clause: v
                    .get("where")
                    .and_then(|w| w.value.as_str())
                    .map(str::to_string),
                options_opaque: v.has_spread(),
                origin: origin(&item.span),
            };
            indexes.push(resolve(raw, &columns, &relations));
        }
    }
    let soft_delete = soft_delete(&columns, config);
    Some(Entity {
        name,
        file,
        class: None,
        name_span: schema.span.range(),
        kind: EntityKind::Schema,
        table,
        ancestors: Vec::new(),
        external_ancestor: None,
        columns,
        relations,
        indexes,
        soft_delete,
        embedded_relations: Vec::new(),
        embedded_primaries: Vec::new(),
    })
}

/// The name TypeORM gives an `EntitySchema`'s metadata: the class of `target: Post` when
/// it maps one (relations and the default table name go by it), else its `name`.
pub fn entity_name(options: &Value) -> Option<String> {
    if let Some(Value::Ident(class)) = options.get("target").map(|t| &t.value) {
        return Some(class.to_string());
    }
    options
        .get("name")
        .and_then(|n| n.value.as_str())
        .map(str::to_string)
}

fn props<'a>(opts: &'a Value, key: &str) -> &'a [Prop] {
    opts.get(key)
        .and_then(|v| v.value.as_object())
        .unwrap_or(&[])
}

fn schema_column(p: &Prop, config: &Config, origin: Origin) -> Column {
    let v = &p.value.value;
    let flag = |k: &str| v.get(k).and_then(|x| x.value.as_bool()) == Some(true);
    // `generated: true | 'increment' | 'uuid' | ...` (TypeORM takes any truthy value).
    let generated =
        flag("generated") || v.get("generated").and_then(|g| g.value.as_str()).is_some();
    let kind = if flag("virtualProperty") {
        // A property computed by its `query`: no column (TypeORM's "virtual-property").
        ColumnKind::Virtual
    } else if flag("primary") && generated {
        ColumnKind::PrimaryGenerated
    } else if flag("primary") {
        ColumnKind::Primary
    } else if flag("createDate") {
        ColumnKind::CreateDate
    } else if flag("updateDate") {
        ColumnKind::UpdateDate
    } else if flag("deleteDate") {
        ColumnKind::DeleteDate
    } else if flag("version") {
        ColumnKind::Version
    } else {
        ColumnKind::Regular
    };
    Column {
        property: p.key.to_string(),
        db_name: v
            .get("name")
            .and_then(|n| n.value.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| naming::column_name(&p.key, config.naming_strategy)),
        kind,
        db_type: v
            .get("type")
            .and_then(|t| t.value.as_str())
            .map(str::to_lowercase),
        nullable: v.get("nullable").and_then(|n| n.value.as_bool()),
        options_opaque: v.has_spread(),
        decorator_transformer: false,
        unique: flag("unique"),
        is_array: flag("array"),
        enum_values: v.get("enum").map(|e| e.value.clone()),
        embedded: None,
        foreign_key: None,
        optional: false,
        name_span: p.key_span.range(),
        origin,
    }
}

fn schema_relation(p: &Prop, config: &Config, origin: Origin) -> Option<Relation> {
    let v = &p.value.value;
    let kind = match v.get("type").and_then(|t| t.value.as_str())? {
        "one-to-one" => RelationKind::OneToOne,
        "many-to-one" => RelationKind::ManyToOne,
        "one-to-many" => RelationKind::OneToMany,
        "many-to-many" => RelationKind::ManyToMany,
        _ => return None,
    };
    let join = v.get("joinColumn");
    let has_join_column = join.is_some_and(|j| j.value.as_bool() != Some(false));
    let owns =
        kind == RelationKind::ManyToOne || (kind == RelationKind::OneToOne && has_join_column);
    // `joinColumn: { name }`, or a list of them (`[{ name, referencedColumnName }]`); a
    // column without a name is named after the property and the column it references.
    let column_name = |options: Option<&Value>| {
        let explicit = options
            .and_then(|o| o.get("name"))
            .and_then(|n| n.value.as_str());
        explicit.map(str::to_string).unwrap_or_else(|| {
            let referenced = options
                .and_then(|o| o.get("referencedColumnName"))
                .and_then(|n| n.value.as_str())
                .unwrap_or(&config.base_columns.id);
            naming::join_column_name(&p.key, referenced, config.naming_strategy)
        })
    };
    let join_columns = match join.map(|j| &j.value) {
        _ if !owns => Vec::new(),
        Some(j) => match j.as_array() {
            Some(items) if !items.is_empty() => {
                items.iter().map(|i| column_name(Some(&i.value))).collect()
            }
            _ => vec![column_name(Some(j))],
        },
        None => vec![column_name(None)],
    };
    let target = v.get("target");
    Some(Relation {
        property: p.key.to_string(),
        kind,
        target_class: None,
        target: target
            .and_then(|t| t.value.type_target())
            .map(str::to_string),
        target_span: target.map(|t| t.span.range()),
        inverse: v
            .get("inverseSide")
            .and_then(|i| i.value.as_str())
            .map(str::to_string),
        inverse_span: v.get("inverseSide").map(|i| i.span.range()),
        join_columns,
        has_join_column,
        has_join_table: v
            .get("joinTable")
            .is_some_and(|j| j.value.as_bool() != Some(false)),
        nullable: v.get("nullable").and_then(|n| n.value.as_bool()),
        lazy: v.get("lazy").and_then(|n| n.value.as_bool()),
        without_constraint: v
            .get("createForeignKeyConstraints")
            .and_then(|n| n.value.as_bool())
            == Some(false),
        options_opaque: v.has_spread(),
        optional: false,
        name_span: p.key_span.range(),
        origin,
    })
}
