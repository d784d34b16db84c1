//! Properties -> columns and relations.

use super::naming;
use super::option_calls;
use super::types::*;
use super::Model;
use crate::config::Config;
use crate::syntax::{Decorator, PropertyFact, Value};

/// The TypeORM decorator a (possibly aliased) decorator stands for.
pub fn canon<'a>(config: &'a Config, name: &'a str) -> &'a str {
    config.alias_target(name)
}

fn column_kind(decorator: &str) -> Option<ColumnKind> {
    Some(match decorator {
        "Column" => ColumnKind::Regular,
        "PrimaryColumn" => ColumnKind::Primary,
        "PrimaryGeneratedColumn" => ColumnKind::PrimaryGenerated,
        "CreateDateColumn" => ColumnKind::CreateDate,
        "UpdateDateColumn" => ColumnKind::UpdateDate,
        "DeleteDateColumn" => ColumnKind::DeleteDate,
        "VersionColumn" => ColumnKind::Version,
        "VirtualColumn" => ColumnKind::Virtual,
        "ObjectIdColumn" => ColumnKind::ObjectId,
        "ViewColumn" => ColumnKind::View,
        "TreeLevelColumn" => ColumnKind::TreeLevel,
        _ => return None,
    })
}

fn relation_kind(decorator: &str) -> Option<RelationKind> {
    Some(match decorator {
        "OneToOne" => RelationKind::OneToOne,
        "ManyToOne" => RelationKind::ManyToOne,
        "OneToMany" => RelationKind::OneToMany,
        "ManyToMany" => RelationKind::ManyToMany,
        _ => return None,
    })
}

/// A multi-ORM wrapper's argument naming the embeddable class per ORM
/// (`@EmbeddedColumn({ mikroOrmEmbeddable: () => A, typeOrmEmbeddable: () => B })`, whose
/// body applies `Column(arg.typeOrmEmbeddable)`): the class under the key that names
/// TypeORM. Column options never hold a class function, so such an object is not options.
fn embeddable_per_orm(value: &Value) -> Option<&str> {
    value.as_object()?.iter().find_map(|p| {
        let names_typeorm = p.key.to_ascii_lowercase().contains("typeorm");
        match &p.value.value {
            Value::Arrow { .. } if names_typeorm => p.value.value.type_target(),
            _ => None,
        }
    })
}

/// The column a property declares, if it has a column decorator.
pub fn column(
    model: &Model,
    prop: &PropertyFact,
    config: &Config,
    origin_of: impl Fn(&Decorator) -> Origin,
) -> Option<Column> {
    // Decorators run bottom-up and TypeORM keeps the first column registered for a
    // property, so of two column decorators the lower one wins (seen on 121-platform:
    // `@Column() @Index() @Column({ type: 'character varying' }) status`).
    let (dec, kind) = prop
        .decorators
        .iter()
        .rev()
        .find_map(|d| column_kind(canon(config, &d.name)).map(|k| (d, k)))?;
    // A package's typed column (subsquid's `StringColumn_`) passes its type first, as
    // `Column('text', options)`; a `type` in the options still wins, as in TypeORM.
    let typed = config.typed_column(&dec.name);
    let mut db_type = typed.map(|t| t.db_type.to_string());
    let mut options = None;
    let mut embedded = None;
    let is_wrapper = dec.name.as_str() != canon(config, &dec.name);
    for arg in &dec.args {
        match &arg.value {
            Value::Str(s) => db_type = Some(s.as_str().to_lowercase()),
            Value::Arrow { .. } => embedded = arg.value.type_target().map(str::to_string),
            v if is_wrapper && kind == ColumnKind::Regular && embeddable_per_orm(v).is_some() => {
                embedded = embeddable_per_orm(v).map(str::to_string);
            }
            v if v.as_object().is_some() => options = Some(arg),
            Value::Ident(_) | Value::Member(_) | Value::Call { .. } => {
                options = Some(arg);
            }
            _ => {}
        }
    }
    // Options built by the workspace's code (`id()`, `{ ...id(), nullable: true }`) are
    // the object TypeORM receives; options that cannot be read stay opaque.
    let file = origin_of(dec).file;
    let evaluated = options.and_then(|o| option_calls::evaluated(model, file, o));
    let opaque = options.is_some() && evaluated.is_none();
    // Unreadable options keep what is written in them (`{ nullable: true, ...(cond && x) }`
    // is still nullable), opaque for the rules.
    let options = evaluated.as_deref().or_else(|| {
        options
            .map(|o| &o.value)
            .filter(|o| o.as_object().is_some())
    });
    if let Some(t) = options
        .and_then(|o| o.get("type"))
        .and_then(|t| t.value.as_str())
    {
        db_type = Some(config.wrapped_type(&dec.name, t).to_lowercase());
    }
    if kind == ColumnKind::PrimaryGenerated {
        db_type = match db_type.as_deref() {
            // `@PrimaryGeneratedColumn('rowid')` (CockroachDB's `unique_rowid()`): TypeORM
            // gives it type `int`, which PostgreSQL holds as `integer`.
            Some("rowid") => Some("int".into()),
            Some("uuid") => Some("uuid".into()),
            Some("increment") | Some("identity") | None => db_type
                .filter(|t| t != "increment" && t != "identity")
                .or(Some("integer".into())),
            Some(other) => Some(other.into()),
        };
    }
    let explicit_name = options
        .and_then(|o| o.get("name"))
        .and_then(|n| n.value.as_str())
        .map(str::to_string);
    let get_bool = |key: &str| {
        options
            .and_then(|o| o.get(key))
            .and_then(|v| v.value.as_bool())
    };
    // Only `@Column` registers a unique constraint for `unique: true`, `primary: true` or
    // not; TypeORM's other column decorators (`@PrimaryColumn({ unique: true })`) ignore
    // the option.
    let registers_unique = kind == ColumnKind::Regular && get_bool("unique").unwrap_or(false);
    let kind = if embedded.is_some() && kind == ColumnKind::Regular {
        ColumnKind::Embedded
    } else if kind == ColumnKind::Regular && get_bool("primary") == Some(true) {
        // `@Column({ primary: true })` is a primary column like `@PrimaryColumn()` (jackson's
        // `key`): a relation to it is named after it (`storeKey`), and it is indexed.
        ColumnKind::Primary
    } else {
        kind
    };
    let foreign_key = prop
        .decorators
        .iter()
        .find(|d| canon(config, &d.name) == "ForeignKey")
        .and_then(|d| d.arg(0))
        .and_then(|a| a.value.type_target())
        .map(str::to_string);
    Some(Column {
        property: prop.name.to_string(),
        db_name: explicit_name
            .unwrap_or_else(|| naming::column_name(&prop.name, config.naming_strategy)),
        kind,
        db_type,
        nullable: get_bool("nullable"),
        options_opaque: opaque,
        decorator_transformer: typed.is_some_and(|t| t.transformer),
        unique: registers_unique,
        is_array: get_bool("array").unwrap_or(false),
        enum_values: options.and_then(|o| o.get("enum")).map(|e| e.value.clone()),
        embedded,
        foreign_key,
        optional: prop.optional,
        name_span: prop.name_span.range(),
        origin: origin_of(dec),
    })
}

/// The relation a property declares, if it has a relation decorator.
pub fn relation(
    prop: &PropertyFact,
    config: &Config,
    origin_of: impl Fn(&Decorator) -> Origin,
) -> Option<Relation> {
    let (dec, kind) = prop
        .decorators
        .iter()
        .find_map(|d| relation_kind(canon(config, &d.name)).map(|k| (d, k)))?;
    let target_arg = dec.arg(0);
    let target = target_arg
        .and_then(|a| a.value.type_target())
        .map(str::to_string);
    let (mut inverse, mut inverse_span, mut options) = (None, None, None);
    for arg in dec.args.iter().skip(1) {
        match &arg.value {
            Value::Arrow { body, .. } => {
                if let Some(path) = body.value.as_reference() {
                    // `(t) => t.extra.owner`: the path after the parameter.
                    let after_param = path.split_once('.').map_or(path, |(_, rest)| rest);
                    inverse = Some(after_param.to_string());
                    inverse_span = Some(body.span.range());
                } else if let Value::Str(s) = &body.value {
                    // `() => 'users'`: TypeORM calls the function and takes the string
                    // it returns as the inverse property path.
                    inverse = Some(s.to_string());
                    inverse_span = Some(body.span.range());
                }
            }
            Value::Str(s) => {
                inverse = Some(s.to_string());
                inverse_span = Some(arg.span.range());
            }
            _ => options = Some(&arg.value),
        }
    }
    let join_column = prop
        .decorators
        .iter()
        .find(|d| canon(config, &d.name) == "JoinColumn");
    let has_join_table = prop
        .decorators
        .iter()
        .any(|d| canon(config, &d.name) == "JoinTable");
    let owns_columns = match kind {
        RelationKind::ManyToOne => true,
        RelationKind::OneToOne => join_column.is_some(),
        _ => false,
    };
    let join_columns = if owns_columns {
        join_column_names(&prop.name, join_column, config)
    } else {
        Vec::new()
    };
    let get_bool = |key: &str| {
        options
            .and_then(|o| o.get(key))
            .and_then(|v| v.value.as_bool())
    };
    Some(Relation {
        property: prop.name.to_string(),
        kind,
        target,
        target_class: None,
        target_span: target_arg.map(|a| a.span.range()),
        inverse,
        inverse_span,
        join_columns,
        has_join_column: join_column.is_some(),
        has_join_table,
        nullable: get_bool("nullable"),
        lazy: get_bool("lazy"),
        without_constraint: get_bool("createForeignKeyConstraints") == Some(false),
        options_opaque: options.is_some_and(|o| o.as_object().is_none() || o.has_spread()),
        optional: prop.optional,
        name_span: prop.name_span.range(),
        origin: origin_of(dec),
    })
}

/// `@JoinColumn({ name })`, `@JoinColumn([{ name }, ...])`, or the default name.
fn join_column_names(property: &str, join: Option<&Decorator>, config: &Config) -> Vec<String> {
    let default =
        || naming::join_column_name(property, &config.base_columns.id, config.naming_strategy);
    let Some(arg) = join.and_then(|d| d.arg(0)) else {
        return vec![default()];
    };
    let one = |v: &Value| -> String {
        let referenced = v
            .get("referencedColumnName")
            .and_then(|r| r.value.as_str())
            .unwrap_or(&config.base_columns.id)
            .to_string();
        v.get("name")
            .and_then(|n| n.value.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| {
                naming::join_column_name(property, &referenced, config.naming_strategy)
            })
    };
    match arg.value.as_array() {
        Some(items) => items.iter().map(|i| one(&i.value)).collect(),
        None => vec![one(&arg.value)],
    }
}
