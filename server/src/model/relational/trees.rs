//! Tree entities: the kind of `@Tree` and the closure table of `closure-table` trees.

use super::*;

impl Builder<'_> {
    /// `@Tree('closure-table' | 'materialized-path' | 'nested-set')`.
    pub(super) fn tree_kind(&self, e: &Entity) -> Option<String> {
        let Some(class) = self.class_of(e) else {
            return self
                .schema_tree(e)?
                .get("type")?
                .value
                .as_str()
                .map(str::to_string);
        };
        class
            .decorators
            .iter()
            .find(|d| canon(self.config, &d.name) == "Tree")
            .and_then(|d| d.arg(0))
            .and_then(|a| a.value.as_str())
            .map(str::to_string)
    }

    /// An `EntitySchema`'s tree: the first of its `trees: [{ type, options }]` (TypeORM
    /// registers each, and the metadata builder reads the first).
    pub(super) fn schema_tree(&self, e: &Entity) -> Option<&Value> {
        let trees = self.entity_schema_options(e)?.get("trees")?;
        trees.value.as_array()?.first().map(|t| &t.value)
    }

    /// TypeORM's closure junction table `<table>_closure` (`id_ancestor`, `id_descendant`).
    /// The options object of the entity's `@Tree('closure-table', { ... })`.
    pub(super) fn tree_options(&self, e: &Entity) -> Option<&Value> {
        let Some(class) = self.class_of(e) else {
            return self.schema_tree(e)?.get("options").map(|o| &o.value);
        };
        class
            .decorators
            .iter()
            .find(|d| canon(self.config, &d.name) == "Tree")
            .and_then(|d| d.arg(1))
            .map(|a| &a.value)
    }

    pub(super) fn closure_table(&self, e: &Entity, cols: &[Col], primary: &[String]) -> Table {
        let options = self.tree_options(e);
        // `closureTableName: 'foo'` names the table `foo_closure`, as the entity's name
        // would (`closureJunctionTableName`).
        let base = options
            .and_then(|o| o.get("closureTableName"))
            .and_then(|v| v.value.as_str())
            .unwrap_or(&e.table);
        let name = format!("{base}_closure");
        let mut columns = Vec::new();
        let mut foreign_keys = Vec::new();
        let mut indices = Vec::new();
        for side in ["ancestor", "descendant"] {
            let mut side_cols = Vec::new();
            for p in primary {
                let src = cols.iter().find(|c| &c.column.name == p);
                let ty = src.map(|c| c.column.db_type.clone()).unwrap_or_default();
                // `ancestorColumnName: (column) => 'ancestor_' + column.propertyName`.
                let property = src.map_or(p.as_str(), |c| c.property.as_str());
                let col = options
                    .and_then(|o| o.get(&format!("{side}ColumnName")))
                    .and_then(|f| column_name_function(&f.value, property))
                    .unwrap_or_else(|| format!("{p}_{side}"));
                columns.push(TableColumn {
                    name: col.clone(),
                    db_type: ty,
                    array: false,
                    nullable: false,
                    default: None,
                    primary: true,
                    generated: None,
                    length: src.and_then(|c| c.column.length.clone()),
                    enum_values: src.and_then(|c| c.column.enum_values.clone()),
                });
                side_cols.push(col);
            }
            foreign_keys.push(ForeignKey {
                name: constraint_name("FK_", 27, &name, &side_cols, None),
                columns: side_cols.clone(),
                referenced_table: self.table_of(e),
                referenced_columns: primary.to_vec(),
                on_delete: "CASCADE".into(),
                on_update: "NO ACTION".into(),
            });
            indices.push(TableIndex {
                name: constraint_name("IDX_", 26, &name, &side_cols, None),
                columns: side_cols,
                unique: false,
                where_clause: None,
            });
        }
        // TypeORM's ClosureJunctionEntityMetadataBuilder: an entity with a
        // `@TreeLevelColumn()` gives its closure table an integer `level`.
        if e.columns.iter().any(|c| c.kind == ColumnKind::TreeLevel) {
            columns.push(TableColumn {
                name: "level".into(),
                db_type: "integer".into(),
                array: false,
                nullable: false,
                default: None,
                primary: false,
                generated: None,
                length: None,
                enum_values: None,
            });
        }
        Table {
            name,
            entity: None,
            kind: "closure-junction".into(),
            inheritance: None,
            discriminator: None,
            columns,
            foreign_keys,
            indices,
            uniques: Vec::new(),
        }
    }
}
