//! Single-table inheritance: the discriminator column, its enum and each entity's value.

use super::*;

impl Builder<'_> {
    /// `@TableInheritance({ column: { type: 'enum', enum: ContentType } })`: the values.
    pub(super) fn inheritance_enum(&self, e: &Entity) -> Option<Vec<String>> {
        let class = self.class_of(e)?;
        let d = class
            .decorators
            .iter()
            .find(|d| canon(self.config, &d.name) == "TableInheritance")?;
        let column = &d.arg(0)?.value.get("column")?.value;
        self.enum_list(e.file, &column.get("enum")?.value)
    }

    /// `@TableInheritance({ column: { name, type, length } })` on the entity.
    pub(super) fn inheritance_column(
        &self,
        e: &Entity,
    ) -> Option<(String, String, Option<String>)> {
        let class = self.class_of(e)?;
        let d = class
            .decorators
            .iter()
            .find(|d| canon(self.config, &d.name) == "TableInheritance")?;
        let column = d
            .arg(0)
            .and_then(|a| a.value.get("column"))
            .map(|c| &c.value);
        let name = column
            .and_then(|c| c.get("name"))
            .and_then(|n| n.value.as_str())
            .unwrap_or("type")
            .to_string();
        let ty = column
            .and_then(|c| c.get("type"))
            .and_then(|n| n.value.as_str())
            .unwrap_or("varchar");
        let length = column
            .and_then(|c| c.get("length"))
            .and_then(|l| match &l.value {
                Value::Num(n) => Some(js_number(*n)),
                Value::Str(s) => Some(s.to_string()),
                _ => None,
            });
        Some((name, normalize_type(ty), length))
    }

    /// `@ChildEntity(value)`: a string, a number, or an enum member's value
    /// (`@ChildEntity(ContentType.Photo)` is `'photo'`); the class name without one.
    pub(super) fn discriminator_value(&self, e: &Entity) -> serde_json::Value {
        let given = self
            .class_of(e)
            .and_then(|c| {
                c.decorators
                    .iter()
                    .find(|d| canon(self.config, &d.name) == "ChildEntity")
            })
            .and_then(|d| d.arg(0))
            .map(|a| {
                self.enum_member(e.file, &a.value)
                    .unwrap_or_else(|| a.value.clone())
            });
        match given {
            Some(Value::Str(s)) => serde_json::Value::from(s.as_str()),
            Some(Value::Num(n)) if n.is_finite() => serde_json::Number::from_f64(n)
                .map(|n| match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => (f as i64).into(),
                    _ => serde_json::Value::Number(n),
                })
                .unwrap_or_else(|| e.name.clone().into()),
            _ => e.name.clone().into(),
        }
    }
}
