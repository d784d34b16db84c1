//! Embedded classes: their prefixes, columns, indexes and many-to-many junctions, walked
//! as TypeORM walks them (nested ones included).

use super::*;

impl Builder<'_> {
    pub(super) fn embedded_prefix(&self, c: &Column) -> String {
        let options = self
            .model
            .decorator_at(&c.origin)
            .and_then(|d| d.args.iter().find(|a| a.value.as_object().is_some()));
        match options
            .and_then(|o| o.value.get("prefix"))
            .map(|p| &p.value)
        {
            Some(Value::Bool(false)) => String::new(),
            Some(v) => v.as_str().map(str::to_string).unwrap_or(c.property.clone()),
            None => c.property.clone(),
        }
    }

    /// The columns of an embedded class (and the classes it embeds), with their prefixes;
    /// `class_name` as `from_file` writes it (its import, else the first of that name).
    pub(super) fn embedded_columns(
        &self,
        from_file: usize,
        class_name: &str,
        prefixes: &[String],
        out: &mut Vec<Col>,
        depth: usize,
    ) {
        if depth > 8 {
            return;
        }
        let class_ref = self.model.class_from(from_file, class_name);
        let first = || self.model.classes.named(class_name).first().copied();
        let Some(class_ref) = class_ref.or_else(first) else {
            return;
        };
        let Some(class) = self.model.class(class_ref) else {
            return;
        };
        // The columns an embedded class inherits come first, as TypeORM collects an embedded
        // type's columns over its inheritance tree (`class UserInfo extends PersonalInfo`).
        let inherited_from = out.len();
        if let Some(parent) = &class.extends {
            self.embedded_columns(class_ref.file, &parent.name, prefixes, out, depth + 1);
        }
        let inherited_to = out.len();
        let origin_of = |d: &Decorator| Origin {
            file: class_ref.file,
            class: Some(class_ref.class),
            span: d.span.range(),
        };
        for prop in class.properties.iter().filter(|p| !p.is_static) {
            if let Some(r) = crate::model::columns::relation(prop, self.config, origin_of) {
                let key = format!("{}.{}", prefixes.join("."), r.property);
                for col in self.relation_columns(&r, prefixes, &key, true) {
                    merge_join_column(out, col);
                }
                continue;
            }
            let Some(c) = crate::model::columns::column(self.model, prop, self.config, origin_of)
            else {
                continue;
            };
            if c.kind == ColumnKind::Embedded {
                let mut next = prefixes.to_vec();
                next.push(self.embedded_prefix(&c));
                if let Some(t) = c.embedded.as_deref() {
                    self.embedded_columns(class_ref.file, t, &next, out, depth + 1);
                }
                continue;
            }
            // A property the class declares again keeps its inherited declaration: TypeORM
            // keeps the first of a property's columns in decorator order, and a parent
            // class's decorators run first.
            if out
                .get(inherited_from..inherited_to)
                .is_some_and(|inherited| inherited.iter().any(|x| x.property == c.property))
            {
                continue;
            }
            let col = self.table_column(&c, prefixes);
            merge_join_column(
                out,
                Col {
                    column: col,
                    property: c.property.clone(),
                    fk: None,
                },
            );
        }
    }

    /// Every class embedded in `e`, nested ones included (at most 8 levels), with its
    /// property path (`["counters", "likes"]`): what TypeORM prefixes and walks for the
    /// indexes, unique columns and many-to-many junctions declared inside them.
    pub(super) fn embedded_classes(&self, e: &Entity) -> Vec<(ClassRef, Vec<String>)> {
        let mut out = Vec::new();
        for c in e.columns.iter().filter(|c| c.kind == ColumnKind::Embedded) {
            if let Some(target) = c.embedded.as_deref() {
                self.collect_embedded(c.origin.file, target, vec![c.property.clone()], &mut out);
            }
        }
        out
    }

    pub(super) fn collect_embedded(
        &self,
        from_file: usize,
        class_name: &str,
        path: Vec<String>,
        out: &mut Vec<(ClassRef, Vec<String>)>,
    ) {
        if path.len() > 9 {
            return;
        }
        let first = || self.model.classes.named(class_name).first().copied();
        let Some(class_ref) = self.model.class_from(from_file, class_name).or_else(first) else {
            return;
        };
        let Some(class) = self.model.class(class_ref) else {
            return;
        };
        if out.iter().any(|(r, p)| *r == class_ref && *p == path) {
            return;
        }
        // What an embedded class inherits is declared inside it too, under the same path.
        if let Some(parent) = &class.extends {
            self.collect_embedded(class_ref.file, &parent.name, path.clone(), out);
        }
        let origin_of = |d: &Decorator| Origin {
            file: class_ref.file,
            class: Some(class_ref.class),
            span: d.span.range(),
        };
        let nested: Vec<(String, String)> = class
            .properties
            .iter()
            .filter(|p| !p.is_static)
            .filter(|p| crate::model::columns::relation(p, self.config, origin_of).is_none())
            .filter_map(|p| crate::model::columns::column(self.model, p, self.config, origin_of))
            .filter(|c| c.kind == ColumnKind::Embedded)
            .filter_map(|c| Some((c.property.clone(), c.embedded?)))
            .collect();
        out.push((class_ref, path.clone()));
        for (property, target) in nested {
            let mut next = path.clone();
            next.push(property);
            self.collect_embedded(class_ref.file, &target, next, out);
        }
    }

    /// `@Index` (on a property, or on the class with its property names) and `unique: true`
    /// columns inside an entity's embedded classes: TypeORM puts them on the embedding
    /// entity's prefixed columns.
    pub(super) fn embedded_indexes(&self, e: &Entity) -> Vec<EmbeddedKey> {
        let mut out = Vec::new();
        for (class_ref, path) in self.embedded_classes(e) {
            if let Some(class) = self.model.class(class_ref) {
                self.embedded_index_specs(class_ref, class, &path, &mut out);
            }
        }
        out
    }

    pub(super) fn embedded_index_specs(
        &self,
        class_ref: ClassRef,
        class: &ClassFact,
        path: &[String],
        out: &mut Vec<EmbeddedKey>,
    ) {
        let origin_of = |d: &Decorator| Origin {
            file: class_ref.file,
            class: Some(class_ref.class),
            span: d.span.range(),
        };
        let prefix = path.join(".");
        let is_index = |d: &&Decorator| canon(self.config, &d.name) == "Index";
        let spec = |d: &Decorator, own: Option<&str>| -> Option<EmbeddedKey> {
            let mut name = None;
            let mut columns = own
                .map(|p| vec![format!("{prefix}.{p}")])
                .unwrap_or_default();
            let mut options = None;
            for a in &d.args {
                match &a.value {
                    Value::Str(n) => name = Some(n.to_string()),
                    Value::Array(items) if own.is_none() => {
                        for i in items {
                            columns.push(format!("{prefix}.{}", i.value.as_str()?));
                        }
                    }
                    v if v.as_object().is_some() => options = Some(v),
                    _ => return None,
                }
            }
            if options
                .and_then(|o| o.get("synchronize"))
                .and_then(|v| v.value.as_bool())
                == Some(false)
            {
                return None;
            }
            let unique = options
                .and_then(|o| o.get("unique"))
                .and_then(|v| v.value.as_bool());
            let where_clause = option_str(options, "where");
            Some(EmbeddedKey::Index {
                name,
                paths: columns,
                unique: unique == Some(true),
                where_clause,
            })
        };
        for d in class.decorators.iter().filter(is_index) {
            out.extend(
                spec(d, None)
                    .filter(|k| matches!(k, EmbeddedKey::Index { paths, .. } if !paths.is_empty())),
            );
        }
        for prop in class.properties.iter().filter(|p| !p.is_static) {
            for d in prop.decorators.iter().filter(is_index) {
                out.extend(spec(d, Some(&prop.name)));
            }
            let Some(c) = crate::model::columns::column(self.model, prop, self.config, origin_of)
            else {
                continue;
            };
            let unique = self
                .model
                .decorator_at(&c.origin)
                .and_then(|d| d.args.iter().find(|a| a.value.as_object().is_some()))
                .and_then(|o| o.value.get("unique"))
                .and_then(|u| u.value.as_bool());
            if unique == Some(true) && c.kind != ColumnKind::Embedded {
                let columns = vec![format!("{prefix}.{}", prop.name)];
                out.push(EmbeddedKey::Unique { paths: columns });
            }
        }
    }

    /// The owning `@ManyToMany` relations inside an entity's embedded classes, each named by
    /// its property path (`counters.likedUsers`).
    pub(super) fn embedded_many_to_many(&self, e: &Entity) -> Vec<Relation> {
        let mut out = Vec::new();
        for (class_ref, path) in self.embedded_classes(e) {
            let Some(class) = self.model.class(class_ref) else {
                continue;
            };
            let origin_of = |d: &Decorator| Origin {
                file: class_ref.file,
                class: Some(class_ref.class),
                span: d.span.range(),
            };
            for prop in class.properties.iter().filter(|p| !p.is_static) {
                if let Some(mut r) = crate::model::columns::relation(prop, self.config, origin_of) {
                    if r.kind == RelationKind::ManyToMany && r.has_join_table {
                        r.property = format!("{}.{}", path.join("."), r.property);
                        out.push(r);
                    }
                }
            }
        }
        out
    }
}
