//! Gives back the spare capacity of every `Vec` and `String` in a file's facts.
//!
//! Facts live as long as the workspace, for every file. Vectors built by pushing or by
//! collecting a filtered iterator keep room for 4 or 8 elements when they hold one or
//! two (a decorator list, a call's arguments): measured on generated entities, that slack
//! was about half of the heap the facts took.

use super::facts::*;

/// Drops spare capacity, recursively.
pub trait Shrink {
    fn shrink(&mut self);
}

impl Shrink for String {
    fn shrink(&mut self) {
        self.shrink_to_fit();
    }
}

impl Shrink for Name {
    fn shrink(&mut self) {}
}

impl Shrink for usize {
    fn shrink(&mut self) {}
}

impl<T: Shrink> Shrink for Vec<T> {
    fn shrink(&mut self) {
        self.iter_mut().for_each(Shrink::shrink);
        self.shrink_to_fit();
    }
}

impl<T: Shrink> Shrink for Box<[T]> {
    fn shrink(&mut self) {
        self.iter_mut().for_each(Shrink::shrink);
    }
}

impl<T: Shrink> Shrink for Option<T> {
    fn shrink(&mut self) {
        if let Some(inner) = self {
            inner.shrink();
        }
    }
}

impl<T: Shrink> Shrink for Box<T> {
    fn shrink(&mut self) {
        (**self).shrink();
    }
}

impl<A: Shrink, B: Shrink> Shrink for (A, B) {
    fn shrink(&mut self) {
        self.0.shrink();
        self.1.shrink();
    }
}

impl<T: Shrink> Shrink for Spanned<T> {
    fn shrink(&mut self) {
        self.value.shrink();
    }
}

impl Shrink for Value {
    fn shrink(&mut self) {
        match self {
            Value::Str(s) | Value::BigInt(s) | Value::Ident(s) | Value::Member(s) => s.shrink(),
            Value::Template { quasis, exprs } => {
                quasis.shrink();
                exprs.shrink();
            }
            Value::Array(items) => items.shrink(),
            Value::Object(props) => props.shrink(),
            Value::Arrow { params, body } => {
                params.shrink();
                body.shrink();
            }
            Value::Call { callee, args } => {
                callee.shrink();
                args.shrink();
            }
            Value::Binary { op, operands } => {
                op.shrink();
                operands.iter_mut().for_each(Shrink::shrink);
            }
            Value::Const { name, value } => {
                name.shrink();
                value.shrink();
            }
            Value::Num(_)
            | Value::Bool(_)
            | Value::Null
            | Value::Undefined
            | Value::Function
            | Value::Other => {}
        }
    }
}

/// `Shrink` for a struct: the listed fields are shrunk, the others are plain data.
macro_rules! shrink_fields {
    ($($ty:ty => [$($field:ident),*]),* $(,)?) => {
        $(impl Shrink for $ty {
            fn shrink(&mut self) {
                $(self.$field.shrink();)*
            }
        })*
    };
}

shrink_fields! {
    Prop => [key, value],
    Decorator => [name, args],
    TypeAnn => [text, kind],
    PropertyFact => [name, decorators, type_ann, initializer],
    ParamFact => [name, decorators, type_ann],
    MethodFact => [name, params, decorators],
    ClassFact => [name, decorators, extends, implements, properties, methods],
    Extends => [name, type_args],
    ImportedName => [imported, local],
    FunctionFact => [name, applies, calls, postgres_types],
    ImportFact => [specifier, names],
    EnumFact => [name, members],
    TypeAliasFact => [name, ty],
    ConstFact => [name, value],
    Suppression => [codes, reason],
    QueryCall => [receiver, entity, method, args, enclosing_function],
    ChainCall => [method, args],
    QueryBuilderChain => [receiver, entity, alias, calls, enclosing_function],
    OrmOptions => [origin, options],
    EntitySchemaFact => [variable, options],
    FileFacts => [
        classes, imports, exports, default_export, export_renames, functions, enums, type_aliases, consts, query_calls, query_builders,
        orm_options, entity_schemas, suppressions, line_starts
    ],
}

impl Shrink for TypeKind {
    fn shrink(&mut self) {
        match self {
            TypeKind::Keyword(s) | TypeKind::Literal(s) => s.shrink(),
            TypeKind::Named { name, args } => {
                name.shrink();
                args.shrink();
            }
            TypeKind::Array(inner) => inner.shrink(),
            TypeKind::Union(items) => items.shrink(),
            TypeKind::Null | TypeKind::Undefined | TypeKind::ObjectLiteral | TypeKind::Other => {}
        }
    }
}

impl Shrink for Receiver {
    fn shrink(&mut self) {
        match self {
            Receiver::Repository { entity } | Receiver::Unknown(entity) => entity.shrink(),
            Receiver::Manager | Receiver::DataSource | Receiver::QueryRunner => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinking_keeps_the_facts_and_drops_the_slack() {
        let src = "@Entity() export class A { @Column({ a: 1 }) x: string; }";
        let mut facts = crate::syntax::facts_of(src);
        let before = facts.clone();
        facts.classes.reserve(10);
        facts.shrink();
        assert_eq!(facts, before);
        assert_eq!(facts.classes.capacity(), facts.classes.len());
        let properties = &facts.classes[0].properties;
        assert_eq!(properties.capacity(), properties.len());
    }
}
