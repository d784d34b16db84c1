//! Junction tables of owning `@ManyToMany` relations with `@JoinTable` (views' too).

use super::*;

impl Builder<'_> {
    /// The junction tables of a view's owning many-to-many relations: TypeORM builds them
    /// as for a table, with no column on the view's side (a view has no primary key).
    pub(super) fn view_junctions(&self, view: &Entity) -> Vec<Table> {
        view.relations
            .iter()
            .filter(|r| r.kind == RelationKind::ManyToMany && r.has_join_table)
            .filter_map(|r| {
                let target = self
                    .model
                    .entity_from(r.origin.file, r.target.as_deref()?)?;
                self.junction(view, r, target)
            })
            .collect()
    }

    /// The junction table of an owning `@ManyToMany` with `@JoinTable`.
    pub(super) fn junction(&self, owner: &Entity, r: &Relation, target: &Entity) -> Option<Table> {
        // `@JoinTable(options)`, or an `EntitySchema` relation's `joinTable: { ... }`.
        let jt_opts = match self.model.property_at(&r.origin) {
            Some(prop) => prop
                .decorators
                .iter()
                .find(|d| canon(self.config, &d.name) == "JoinTable")
                .and_then(|d| d.arg(0))
                .map(|a| &a.value),
            None => self
                .schema_entry(&r.origin)?
                .get("joinTable")
                .map(|v| &v.value)
                .filter(|v| v.as_object().is_some()),
        };
        let name = jt_opts
            .and_then(|o| o.get("name"))
            .and_then(|n| self.const_str(r.origin.file, &n.value))
            .unwrap_or_else(|| {
                let raw = format!(
                    "{}_{}_{}",
                    owner.table,
                    r.property.replace('.', "_"),
                    target.table
                );
                snake_case(&raw)
            });
        let name = shorten_junction_name(name);
        let owner_cols = self.columns_of(owner, false);
        let target_cols = self.columns_of(target, false);
        // `joinColumn` or `joinColumns` (`inverseJoinColumn` or `inverseJoinColumns`).
        let side = |table: &str, key: &str, cols: &[Col]| -> Vec<(String, TableColumn)> {
            let explicit = jt_opts
                .and_then(|o| o.get(key).or_else(|| o.get(&format!("{key}s"))))
                .map(|v| &v.value);
            let explicit: Vec<&Value> = match explicit {
                Some(Value::Array(items)) => items.iter().map(|i| &i.value).collect(),
                Some(v) => vec![v],
                None => Vec::new(),
            };
            let referenced: Vec<&Col> = {
                let named: Vec<&str> = explicit
                    .iter()
                    .filter_map(|v| v.get("referencedColumnName").and_then(|n| n.value.as_str()))
                    .collect();
                if named.is_empty() {
                    cols.iter().filter(|c| c.column.primary).collect()
                } else {
                    named
                        .iter()
                        .filter_map(|n| cols.iter().find(|c| c.property == *n))
                        .collect()
                }
            };
            referenced
                .iter()
                .map(|rc| {
                    let given = explicit
                        .iter()
                        .find(|v| {
                            let rn = v.get("referencedColumnName").and_then(|n| n.value.as_str());
                            rn.is_none() || rn == Some(rc.property.as_str())
                        })
                        .and_then(|v| v.get("name"))
                        .and_then(|n| n.value.as_str())
                        .map(str::to_string);
                    let name = given.unwrap_or_else(|| {
                        let raw = format!("{table}_{}", rc.column.name);
                        match self.strategy() {
                            NamingStrategy::Default => camel_case(&raw),
                            NamingStrategy::SnakeCase => snake_case(&raw),
                        }
                    });
                    (
                        rc.column.name.clone(),
                        TableColumn {
                            name,
                            db_type: rc.column.db_type.clone(),
                            array: false,
                            nullable: false,
                            default: None,
                            primary: true,
                            generated: None,
                            length: rc.column.length.clone(),
                            enum_values: rc.column.enum_values.clone(),
                        },
                    )
                })
                .collect()
        };
        let mut left = side(&owner.table, "joinColumn", &owner_cols);
        let mut right = side(&target.table, "inverseJoinColumn", &target_cols);
        // TypeORM's `changeDuplicatedColumnNames`: a self-referencing junction gets `_1`/`_2`.
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            if l.1.name == r.1.name {
                l.1.name = format!("{}_1", l.1.name);
                r.1.name = format!("{}_2", r.1.name);
            }
        }
        let relation_options_at = |origin: &Origin| match self.model.decorator_at(origin) {
            Some(d) => relation_options(d),
            None => self.schema_entry(origin),
        };
        let options = relation_options_at(&r.origin);
        let inverse_options = r.inverse.as_deref().and_then(|inv| {
            let rel = target.relation(inv)?;
            relation_options_at(&rel.origin)
        });
        let has_inverse = r
            .inverse
            .as_deref()
            .and_then(|inv| target.relation(inv))
            .is_some();
        let fk_name = |key: &str, alt: &str| {
            jt_opts
                .and_then(|o| o.get(key).or_else(|| o.get(alt)))
                .map(|v| match &v.value {
                    Value::Array(items) => items.first().map(|i| &i.value),
                    other => Some(other),
                })
                .and_then(|v| v?.get("foreignKeyConstraintName"))
                .and_then(|n| n.value.as_str())
                .map(str::to_string)
        };
        let left_fk_name = fk_name("joinColumn", "joinColumns");
        let right_fk_name = fk_name("inverseJoinColumn", "inverseJoinColumns");
        let left_names: Vec<String> = left.iter().map(|c| c.1.name.clone()).collect();
        let right_names: Vec<String> = right.iter().map(|c| c.1.name.clone()).collect();
        let (inv_delete, inv_update) = if has_inverse {
            (
                option_str(inverse_options, "onDelete").unwrap_or("NO ACTION".into()),
                option_str(inverse_options, "onUpdate").unwrap_or("NO ACTION".into()),
            )
        } else {
            ("CASCADE".into(), "CASCADE".into())
        };
        // `createForeignKeyConstraints: false` on the owning side: a junction without keys.
        let create_fks = options
            .and_then(|o| o.get("createForeignKeyConstraints"))
            .and_then(|v| v.value.as_bool())
            != Some(false);
        let mut foreign_keys = vec![
            ForeignKey {
                name: left_fk_name
                    .unwrap_or_else(|| constraint_name("FK_", 27, &name, &left_names, None)),
                columns: left_names.clone(),
                referenced_table: self.table_of(owner),
                referenced_columns: left.iter().map(|c| c.0.clone()).collect(),
                on_delete: option_str(options, "onDelete").unwrap_or("CASCADE".into()),
                on_update: option_str(options, "onUpdate").unwrap_or("CASCADE".into()),
            },
            ForeignKey {
                name: right_fk_name
                    .unwrap_or_else(|| constraint_name("FK_", 27, &name, &right_names, None)),
                columns: right_names.clone(),
                referenced_table: self.table_of(target),
                referenced_columns: right.iter().map(|c| c.0.clone()).collect(),
                on_delete: inv_delete,
                on_update: inv_update,
            },
        ];
        if !create_fks {
            foreign_keys.clear();
        }
        let indices = [&left_names, &right_names]
            .into_iter()
            .map(|cols| TableIndex {
                name: constraint_name("IDX_", 26, &name, cols, None),
                columns: cols.clone(),
                unique: false,
                where_clause: None,
            })
            .collect();
        Some(Table {
            name,
            entity: None,
            kind: "junction".into(),
            inheritance: None,
            discriminator: None,
            columns: left.into_iter().chain(right).map(|c| c.1).collect(),
            foreign_keys,
            indices,
            uniques: Vec::new(),
        })
    }
}
