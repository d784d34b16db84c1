//! Per-file facts: everything the model and the rules need from one file, computed from its
//! text alone. Plain data (no tree-sitter nodes), so it can be cached and shared.

use serde::{Deserialize, Serialize};

pub use super::name::Name;
pub use super::span::ByteSpan;

// Lists that never grow after extraction are boxed slices: no capacity word, no spare room
// (the facts of every file are kept), and an empty one allocates nothing.

/// A value with the byte range it was written at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: ByteSpan,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: impl Into<ByteSpan>) -> Self {
        Spanned {
            value,
            span: span.into(),
        }
    }
}

/// A JavaScript expression as far as the rules care: literals, arrays, objects, arrows and
/// references are kept; anything else is `Other` (its text is at the span).
///
/// 24 bytes (a tag and 16 bytes of fields): values are most of the facts (every decorator
/// argument and option object, every query argument), so the lists of the rarer variants
/// are boxed once more ([`Boxed`], 8 bytes) to keep the common ones small.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// A string literal, or a template literal without substitutions (cooked text).
    Str(Name),
    /// A template literal with substitutions: `quasis.len() == exprs.len() + 1`.
    Template {
        quasis: Boxed<[Name]>,
        exprs: Boxed<[Spanned<Value>]>,
    },
    Num(f64),
    /// A BigInt literal (`0n`, `0x10n`) as its decimal digits, sign included: what
    /// `String(value)` gives. Kept apart from `Num` because TypeORM writes a BigInt default
    /// unquoted (`typeof` is `"bigint"`, not `"number"`).
    BigInt(Name),
    Bool(bool),
    Null,
    Undefined,
    /// A bare identifier (`User`, `opts`).
    Ident(Name),
    /// A dotted path (`Status.Active`, `this.repo`, `post.author`).
    Member(Name),
    Array(Box<[Spanned<Value>]>),
    Object(Box<[Prop]>),
    /// `() => User`, `(post) => post.author`; a block body is `Other`.
    Arrow {
        params: Boxed<[Name]>,
        body: Box<Spanned<Value>>,
    },
    /// A function expression or method inside an object literal (`toStringList: function
    /// () {...}`, `to(value) {...}`); its body is not read. TypeORM tells functions apart
    /// from values (an object given as `enum` lists its values, not its functions).
    Function,
    /// `IsNull()`, `In([1, 2])`, `Not(x)`: the callee as written and the arguments.
    Call {
        callee: Name,
        args: Boxed<[Spanned<Value>]>,
    },
    /// `a + b` (string concatenation is what matters): the left and the right operand.
    Binary {
        op: Name,
        operands: Box<[Spanned<Value>; 2]>,
    },
    /// A reference to a `const` of the same file whose initializer is shown here, followed
    /// from the use site (`const sql = '...'; db.query(sql)`).
    Const {
        name: Name,
        value: Box<Spanned<Value>>,
    },
    Other,
}

/// A list behind one more box: 8 bytes instead of 16 in a [`Value`] (reads as the list).
pub type Boxed<T> = Box<Box<T>>;

/// Boxes a list for a [`Value`] field.
pub fn boxed<T>(items: impl Into<Box<[T]>>) -> Boxed<[T]> {
    Box::new(items.into())
}

/// One member of an object literal. Spreads have `key == "..."`; methods have a `Other` value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prop {
    pub key: Name,
    pub key_span: ByteSpan,
    pub value: Spanned<Value>,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            Value::Const { value, .. } => value.value.as_str(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Const { value, .. } => value.value.as_bool(),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Prop]> {
        match self {
            Value::Object(props) => Some(props),
            Value::Const { value, .. } => value.value.as_object(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Spanned<Value>]> {
        match self {
            Value::Array(items) => Some(items),
            Value::Const { value, .. } => value.value.as_array(),
            _ => None,
        }
    }

    /// The identifier or dotted path, if this is a reference.
    pub fn as_reference(&self) -> Option<&str> {
        match self {
            Value::Ident(s) | Value::Member(s) => Some(s),
            _ => None,
        }
    }

    /// Looks up `key` in an object literal (the last one wins, as in JavaScript).
    pub fn get(&self, key: &str) -> Option<&Spanned<Value>> {
        self.as_object()?
            .iter()
            .rev()
            .find(|p| p.key == key)
            .map(|p| &p.value)
    }

    /// True if the object literal has a spread (`...opts`), whose keys are unknown.
    pub fn has_spread(&self) -> bool {
        self.as_object()
            .is_some_and(|props| props.iter().any(|p| p.key == "..."))
    }

    /// For `() => User` or `'User'`: the class name a relation or type function names.
    pub fn type_target(&self) -> Option<&str> {
        match self {
            Value::Arrow { body, .. } => match &body.value {
                Value::Ident(name) => Some(name),
                // `() => 'Country'`: TypeORM calls the function and looks the string up as
                // an entity name, as it does a bare string.
                Value::Str(s) => Some(s),
                Value::Member(path) => path.rsplit('.').next(),
                _ => None,
            },
            Value::Str(s) => Some(s),
            Value::Ident(name) => Some(name),
            _ => None,
        }
    }
}

/// A decorator: `@Name(args)` or `@Name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decorator {
    /// The name as written (last segment of a dotted callee).
    pub name: Name,
    /// From `@` to the closing parenthesis.
    pub span: ByteSpan,
    pub args: Box<[Spanned<Value>]>,
    /// Where the name starts and its length in the text ([`Decorator::name_span`]): 6
    /// bytes where a span takes 8, which keeps a decorator at 40 bytes (the facts hold
    /// millions: a DTO property has 3-5).
    name_start: u32,
    name_len: u16,
    /// Whether it was written as a call (`@Index()` vs `@Index`).
    pub called: bool,
}

impl Decorator {
    pub fn new(
        name: Name,
        name_span: ByteSpan,
        span: ByteSpan,
        args: Box<[Spanned<Value>]>,
        called: bool,
    ) -> Decorator {
        let name_start = u32::try_from(name_span.start()).unwrap_or(u32::MAX);
        // A longer name (type arguments of a generic decorator) is cut, never wrapped.
        let name_len = u16::try_from(name_span.len()).unwrap_or(u16::MAX);
        Decorator {
            name,
            span,
            args,
            name_start,
            name_len,
            called,
        }
    }

    /// The name as written (with type arguments, if any).
    pub fn name_span(&self) -> ByteSpan {
        let start = self.name_start as usize;
        ByteSpan::new(start, start + self.name_len as usize)
    }

    pub fn arg(&self, i: usize) -> Option<&Spanned<Value>> {
        self.args.get(i)
    }

    /// The first object-literal argument (the options), if any.
    pub fn options(&self) -> Option<&Spanned<Value>> {
        self.args.iter().find(|a| a.value.as_object().is_some())
    }
}

/// A TypeScript type annotation, parsed as far as the rules need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeAnn {
    pub text: Name,
    pub span: ByteSpan,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TypeKind {
    /// `string`, `number`, `boolean`, `any`, `unknown`, `object`, `bigint`, `void`, `never`.
    Keyword(Name),
    /// `User`, `Promise<User>`, `Array<T>`, `Relation<T>`, `ns.Type`.
    Named {
        name: Name,
        args: Box<[TypeAnn]>,
    },
    /// `T[]`.
    Array(Box<TypeAnn>),
    Union(Box<[TypeAnn]>),
    /// `'a'`, `1`, `true`.
    Literal(Name),
    Null,
    Undefined,
    /// `{ a: string }` object type literal.
    ObjectLiteral,
    Other,
}

impl TypeAnn {
    /// Union members (a non-union is one member).
    pub fn members(&self) -> Vec<&TypeAnn> {
        match &self.kind {
            TypeKind::Union(items) => items.iter().flat_map(|t| t.members()).collect(),
            _ => vec![self],
        }
    }

    pub fn includes_null(&self) -> bool {
        self.members().iter().any(|t| t.kind == TypeKind::Null)
    }

    pub fn includes_undefined(&self) -> bool {
        self.members().iter().any(|t| t.kind == TypeKind::Undefined)
    }

    /// The type without `null` and `undefined` members (None if nothing is left or it
    /// would need a new union).
    pub fn non_nullish(&self) -> Vec<&TypeAnn> {
        self.members()
            .into_iter()
            .filter(|t| !matches!(t.kind, TypeKind::Null | TypeKind::Undefined))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyFact {
    pub name: Name,
    pub name_span: ByteSpan,
    /// The whole member, decorators included.
    pub span: ByteSpan,
    pub decorators: Box<[Decorator]>,
    pub type_ann: Option<TypeAnn>,
    /// `name?: T`.
    pub optional: bool,
    pub is_static: bool,
    /// Boxed: most properties have none, and a `Spanned<Value>` inline is 72 bytes.
    pub initializer: Option<Box<Spanned<Value>>>,
}

impl PropertyFact {
    pub fn decorator(&self, name: &str) -> Option<&Decorator> {
        self.decorators.iter().find(|d| d.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamFact {
    pub name: Name,
    pub name_span: ByteSpan,
    pub decorators: Box<[Decorator]>,
    pub type_ann: Option<TypeAnn>,
    /// `private`/`public`/`protected`/`readonly`: a parameter property of the class.
    pub is_property: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodFact {
    pub name: Name,
    pub name_span: ByteSpan,
    /// The whole method, decorators included.
    pub span: ByteSpan,
    /// The `{ ... }` block, if any.
    pub body_span: Option<ByteSpan>,
    /// The body holds no statements (comments do not count).
    pub body_is_empty: bool,
    pub params: Box<[ParamFact]>,
    pub decorators: Box<[Decorator]>,
    pub is_static: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassFact {
    pub name: Name,
    pub name_span: ByteSpan,
    /// The whole declaration, decorators (and `export`) included.
    pub span: ByteSpan,
    /// The `{ ... }` body.
    pub body_span: ByteSpan,
    pub is_abstract: bool,
    pub is_exported: bool,
    pub decorators: Box<[Decorator]>,
    /// The `extends` expression: its name (last segment), the type arguments as written,
    /// and the span of the whole clause value.
    pub extends: Option<Extends>,
    /// Span of the `extends X` clause (keyword included), for fixes that replace it.
    pub heritage_span: Option<ByteSpan>,
    pub implements: Vec<Name>,
    pub properties: Vec<PropertyFact>,
    pub methods: Vec<MethodFact>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extends {
    pub name: Name,
    pub span: ByteSpan,
    /// `Repository<User>` -> `["User"]`.
    pub type_args: Vec<TypeAnn>,
}

impl ClassFact {
    pub fn decorator(&self, name: &str) -> Option<&Decorator> {
        self.decorators.iter().find(|d| d.name == name)
    }

    pub fn property(&self, name: &str) -> Option<&PropertyFact> {
        self.properties.iter().find(|p| p.name == name)
    }

    pub fn method(&self, name: &str) -> Option<&MethodFact> {
        self.methods.iter().find(|m| m.name == name)
    }

    pub fn constructor(&self) -> Option<&MethodFact> {
        self.method("constructor")
    }

    /// A TypeORM migration: a concrete class implementing `MigrationInterface`.
    pub fn is_migration(&self) -> bool {
        !self.is_abstract
            && self
                .implements
                .iter()
                .any(|i| i.rsplit('.').next() == Some("MigrationInterface"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    /// `import ... from 'x'` or `import 'x'`.
    Import,
    /// `export ... from 'x'`, `export * from 'x'`.
    ExportFrom,
    /// `import x = require('x')`.
    ImportEquals,
    /// `import('x')`.
    Dynamic,
    /// `require('x')`.
    Require,
    /// `jest.mock('x')` and friends.
    JestMock,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedName {
    /// The exported name: `default`, `*`, or the name.
    pub imported: Name,
    pub local: Name,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportFact {
    pub kind: ImportKind,
    pub specifier: Name,
    /// The specifier's text without its quotes.
    pub specifier_span: ByteSpan,
    /// The whole statement or call.
    pub span: ByteSpan,
    /// Names brought in (or re-exported). Empty for `export * from` and side-effect imports.
    pub names: Box<[ImportedName]>,
    /// For `import { a, b } from`: the span of the `{ ... }` (to extend the list).
    pub named_list_span: Option<ByteSpan>,
    pub type_only: bool,
    /// `export * from 'x'`.
    pub star_reexport: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumFact {
    pub name: Name,
    pub name_span: ByteSpan,
    /// Members with their initializer, if any.
    pub members: Vec<(Name, Option<Value>)>,
    pub is_exported: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeAliasFact {
    pub name: Name,
    pub ty: TypeAnn,
    pub is_exported: bool,
}

/// A top-level `const NAME = value` (or `export const`), or a top-level `function NAME`
/// that returns an object literal, as the arrow it equals (`Value::Arrow`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstFact {
    pub name: Name,
    pub name_span: ByteSpan,
    pub value: Spanned<Value>,
    pub is_exported: bool,
}

/// `// typeorm-lsp-ignore CODE[, CODE]: reason` — silences those codes on the next line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suppression {
    pub span: ByteSpan,
    pub codes: Vec<Spanned<String>>,
    pub reason: Option<String>,
    /// The zero-based line the comment applies to (the next line with code).
    pub target_line: usize,
}

/// What a query-ish call is made on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Receiver {
    /// A `Repository<Entity>` (injected, `getRepository(Entity)`, a class extending
    /// `Repository<Entity>`, a custom repository), or an ActiveRecord class (`User.find`).
    Repository {
        entity: Name,
    },
    /// An `EntityManager` (the entity is the first argument of the call).
    Manager,
    /// A `DataSource` / `Connection`.
    DataSource,
    QueryRunner,
    /// A receiver we could not classify; its text.
    Unknown(Name),
}

/// A call `receiver.method(args)` that reads or writes through TypeORM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryCall {
    pub receiver: Receiver,
    /// The entity class the call is about: the repository's entity, or the manager's first
    /// argument when it names a class.
    pub entity: Option<Spanned<Name>>,
    pub method: Name,
    pub method_span: ByteSpan,
    /// The arguments after the entity argument (for managers) or all arguments.
    pub args: Box<[Spanned<Value>]>,
    /// The whole call expression.
    pub span: ByteSpan,
    /// The method or function this call sits in (`up`, `findAll`), if any.
    pub enclosing_function: Option<Name>,
}

/// One call in a QueryBuilder chain: `.where('u.email = :e', { e })`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainCall {
    pub method: Name,
    pub method_span: ByteSpan,
    pub args: Box<[Spanned<Value>]>,
    pub span: ByteSpan,
}

/// A QueryBuilder chain from `createQueryBuilder(...)` to its end, including calls made
/// later on a variable that holds the builder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryBuilderChain {
    pub receiver: Receiver,
    /// The entity: the repository's, or `createQueryBuilder(Entity, 'alias')` on a manager,
    /// or a later `.from(Entity, 'alias')` / `.update(Entity)` / `.delete().from(Entity)`.
    pub entity: Option<Spanned<Name>>,
    /// The main alias (`createQueryBuilder('u')`).
    pub alias: Option<Name>,
    /// The `createQueryBuilder` call itself.
    pub create_span: ByteSpan,
    /// `createQueryBuilder` and every call after it, in order.
    pub calls: Vec<ChainCall>,
    pub enclosing_function: Option<Name>,
}

/// `synchronize: <value>` (and siblings) in DataSource / TypeOrmModule options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrmOptions {
    /// `new DataSource`, `TypeOrmModule.forRoot`, `forRootAsync`, `createConnection`,
    /// `ormconfig`.
    pub origin: Name,
    pub options: Spanned<Value>,
}

/// `new EntitySchema<T>({ ... })`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntitySchemaFact {
    /// The variable it is assigned to, if any.
    pub variable: Option<Name>,
    pub options: Spanned<Value>,
    pub span: ByteSpan,
}

/// A top-level function (or `const f = (...) => ...`) that may wrap a TypeORM decorator:
/// `function MultiORMColumn(o) { return (t, k) => { Column(o)(t, k); } }`. Only functions
/// that apply a decorator (`X(...)(...)`) or return a function and call helpers are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionFact {
    pub name: Name,
    pub is_exported: bool,
    /// Callees of `X(...)(...)` in the body: the decorators it applies.
    pub applies: Vec<Name>,
    /// Plain identifier callees in the body: helpers that may apply one.
    pub calls: Vec<Name>,
    /// Column types the wrapper rewrites before `return Column(options)`, as a PostgreSQL
    /// deployment runs it (`datetime` -> `timestamp with time zone`); other types pass
    /// unchanged.
    #[serde(default)]
    pub postgres_types: Box<[(Name, Name)]>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileFacts {
    pub classes: Vec<ClassFact>,
    pub imports: Vec<ImportFact>,
    /// Names this file exports from its own declarations (`export class X`, `export { X }`,
    /// `export default X`).
    pub exports: Vec<Name>,
    /// The name behind `export default`: `export default class X`, `export default X`,
    /// `export { X as default }`.
    pub default_export: Option<Name>,
    /// `export { a as b }` of the file's own declarations: `imported` is the name in this
    /// file (`a`), `local` the exported one (`b`).
    pub export_renames: Vec<ImportedName>,
    /// Top-level functions shaped like decorator factories (see [`FunctionFact`]).
    pub functions: Vec<FunctionFact>,
    pub enums: Vec<EnumFact>,
    pub type_aliases: Vec<TypeAliasFact>,
    pub consts: Vec<ConstFact>,
    pub query_calls: Vec<QueryCall>,
    pub query_builders: Vec<QueryBuilderChain>,
    pub orm_options: Vec<OrmOptions>,
    pub entity_schemas: Vec<EntitySchemaFact>,
    pub suppressions: Vec<Suppression>,
    /// Byte offset of the start of each line; empty when the file has no suppressions
    /// (matching a finding to a suppression comment is what needs lines after parsing).
    pub line_starts: Vec<usize>,
    /// tree-sitter reported ERROR or MISSING nodes.
    pub has_syntax_errors: bool,
    /// A migration that names a `QueryRunner` index method ([`super::INDEX_API_METHODS`]).
    pub mentions_index_api: bool,
}

impl FileFacts {
    /// The import (by index) that binds `local` in this file with `import { x as local }`
    /// or `import local from`, and the name it imports.
    pub fn import_binding(&self, local: &str) -> Option<(usize, &ImportedName)> {
        self.imports
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == ImportKind::Import)
            .find_map(|(at, i)| Some((at, i.names.iter().find(|n| n.local == local)?)))
    }

    pub fn class(&self, name: &str) -> Option<&ClassFact> {
        self.classes.iter().find(|c| c.name == name)
    }

    /// The file declares a migration class.
    pub fn has_migration(&self) -> bool {
        self.classes.iter().any(ClassFact::is_migration)
    }

    /// Zero-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        super::line_of(&self.line_starts, offset)
    }
}
