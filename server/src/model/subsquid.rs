//! Subsquid's typed column decorators (`@subsquid/typeorm-store`): its generated models
//! write `@StringColumn_({nullable: false})` where TypeORM's own decorator would be
//! `@Column('text', {nullable: false})`. Each one applies `Column` with a fixed database
//! type, some with a value transformer (a `numeric` read back as `bigint` or `number`), so
//! the type cannot be inferred from the property's TypeScript type as a bare `@Column()`'s
//! would be.

use super::SourceFile;
use crate::syntax::ImportKind;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The package whose typed column decorators are known.
pub const STORE: &str = "@subsquid/typeorm-store";

/// What one of the package's typed column decorators passes to TypeORM's `Column`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypedColumn {
    /// The database type, as the package writes it (`int4`, `bool`).
    pub db_type: &'static str,
    /// It adds a `transformer` of its own: the property holds what that returns (a
    /// `bigint` for a `numeric`), not what the driver does.
    pub transformer: bool,
}

const fn typed(db_type: &'static str, transformer: bool) -> TypedColumn {
    TypedColumn {
        db_type,
        transformer,
    }
}

/// The package's typed column decorators, as its `src/decorators/columns/*.ts` define
/// them (the same from version 1.5.1 through 1.9.2).
const TYPED_COLUMNS: &[(&str, TypedColumn)] = &[
    ("BigDecimalColumn", typed("numeric", true)),
    ("BigIntColumn", typed("numeric", true)),
    ("BooleanColumn", typed("bool", false)),
    ("BytesColumn", typed("bytea", false)),
    ("DateTimeColumn", typed("timestamp with time zone", false)),
    ("FloatColumn", typed("numeric", true)),
    ("IntColumn", typed("int4", false)),
    ("JSONColumn", typed("jsonb", false)),
    ("StringColumn", typed("text", false)),
];

/// The typed column decorator `imported` names in the package, if it is one.
pub fn typed_column(imported: &str) -> Option<TypedColumn> {
    TYPED_COLUMNS
        .iter()
        .find(|(name, _)| *name == imported)
        .map(|(_, column)| *column)
}

/// Local name -> typed column, for every name a workspace file imports one of the
/// package's typed column decorators under (`import {StringColumn as StringColumn_}`).
/// Decorator names are global in the model: a name two files bind differently counts for
/// neither.
pub fn derive_typed_columns(files: &[Arc<SourceFile>]) -> BTreeMap<String, TypedColumn> {
    // Every binding of every name: `None` where a file imports it from elsewhere.
    let mut bindings: BTreeMap<&str, Vec<Option<TypedColumn>>> = BTreeMap::new();
    let imports = files
        .iter()
        .flat_map(|f| &f.facts.imports)
        .filter(|i| i.kind == ImportKind::Import && !i.type_only);
    for import in imports {
        for name in import.names.iter() {
            let column = (import.specifier == STORE)
                .then(|| typed_column(&name.imported))
                .flatten();
            bindings
                .entry(name.local.as_str())
                .or_default()
                .push(column);
        }
    }
    bindings
        .into_iter()
        .filter_map(|(name, found)| {
            let first = (*found.first()?)?;
            found
                .iter()
                .all(|c| *c == Some(first))
                .then(|| (name.to_string(), first))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::workspace;

    const TICK: &str = "import {Entity, PrimaryColumn, IntColumn, BigIntColumn as Big, Column} from \"@subsquid/typeorm-store\"

@Entity()
export class Tick {
    @PrimaryColumn()
    id!: string

    @IntColumn({nullable: false})
    index!: number

    @Big({nullable: false})
    liquidity!: bigint

    @Column(\"int8\", {nullable: true})
    gross!: bigint | null
}
";

    // Another file binds `Big` to a decorator of its own: the name means nothing for sure.
    const OTHER: &str = "import {Big} from \"./big\"
export const x = Big
";

    fn db_type(files: &[(&str, &str)], property: &str) -> Option<String> {
        let ws = workspace(files);
        let tick = ws.model.entity("Tick").expect("Tick is an entity");
        tick.column(property).and_then(|c| c.db_type.clone())
    }

    #[test]
    fn typed_columns_imported_under_their_own_or_another_name_fix_the_type() {
        let files = [("src/model/tick.model.ts", TICK)];
        assert_eq!(db_type(&files, "index").as_deref(), Some("int4"));
        assert_eq!(db_type(&files, "liquidity").as_deref(), Some("numeric"));
        // The store's `Column` is TypeORM's, with the type it is given.
        assert_eq!(db_type(&files, "gross").as_deref(), Some("int8"));
        let ws = workspace(&files);
        let liquidity = ws.model.entity("Tick").and_then(|t| t.column("liquidity"));
        assert!(liquidity.is_some_and(|c| c.decorator_transformer));
        let index = ws.model.entity("Tick").and_then(|t| t.column("index"));
        assert!(index.is_some_and(|c| !c.decorator_transformer));
    }

    #[test]
    fn an_edit_of_the_import_retypes_the_columns() {
        let mut ws = workspace(&[("src/model/tick.model.ts", TICK)]);
        let path =
            std::path::Path::new(crate::rules::testing::ROOT).join("src/model/tick.model.ts");
        let edited = TICK.replace("BigIntColumn as Big", "FloatColumn as Big");
        let edited = edited.replace("IntColumn, ", "StringColumn as IntColumn, ");
        ws.update_file(std::sync::Arc::new(crate::model::SourceFile::new(
            path, edited,
        )));
        let tick = ws.model.entity("Tick").expect("Tick is an entity");
        let db_type = |p: &str| tick.column(p).and_then(|c| c.db_type.as_deref());
        assert_eq!(db_type("index"), Some("text"));
        assert_eq!(db_type("liquidity"), Some("numeric"));
    }

    #[test]
    fn a_name_bound_elsewhere_to_something_else_is_no_typed_column() {
        let files = [("src/model/tick.model.ts", TICK), ("src/other.ts", OTHER)];
        assert_eq!(db_type(&files, "liquidity"), None);
        assert_eq!(db_type(&files, "index").as_deref(), Some("int4"));
    }
}
