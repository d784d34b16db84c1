//! What names and types stand for: repositories, managers, data sources, query runners.

use super::{ClassScope, Extractor, FnScope, Known, Recv};
use crate::syntax::facts::{Name, Receiver, Spanned, Value};
use crate::syntax::ids::{fields, KindExt};
use crate::syntax::value::{all_children, first_named, member_path, named_iter, parse_value};
use tree_sitter::Node;

/// Names that mean an `EntityManager` when nothing else is known.
const MANAGER_NAMES: &[&str] = &[
    "manager",
    "entityManager",
    "em",
    "transactionalEntityManager",
    "transactionManager",
];

/// PascalCase globals that are never ActiveRecord entities.
const NOT_ENTITIES: &[&str] = &[
    "Object",
    "Array",
    "Promise",
    "JSON",
    "Math",
    "Reflect",
    "Date",
    "Number",
    "String",
    "Boolean",
    "Symbol",
    "Buffer",
    "Intl",
    "Map",
    "Set",
    "WeakMap",
    "Proxy",
    "BigInt",
    "Error",
    "RegExp",
    "Logger",
    "Test",
    "TypeOrmModule",
];

/// The receiver a name suggests by itself: `manager`, `dataSource`, `queryRunner`, ...
pub(super) fn by_name(name: &str) -> Option<Known> {
    let lower = name.to_ascii_lowercase();
    let receiver = if MANAGER_NAMES.contains(&name) || lower.ends_with("entitymanager") {
        Receiver::Manager
    } else if lower.ends_with("datasource") || lower.ends_with("connection") {
        Receiver::DataSource
    } else if lower.ends_with("queryrunner") {
        Receiver::QueryRunner
    } else {
        return None;
    };
    Some(Known::of(receiver))
}

/// The receiver the text of an expression suggests for a raw `.query()` call: anything
/// ending with `dataSource`, `connection`, `manager`, `queryRunner`, `repository`, `repo`.
pub(super) fn by_suffix(expr: &str) -> Option<Receiver> {
    let lower = expr.to_ascii_lowercase();
    if lower.ends_with("datasource") || lower.ends_with("connection") {
        Some(Receiver::DataSource)
    } else if lower.ends_with("manager") {
        Some(Receiver::Manager)
    } else if lower.ends_with("queryrunner") {
        Some(Receiver::QueryRunner)
    } else if lower.ends_with("repository") || lower.ends_with("repo") {
        Some(Receiver::Unknown(expr.into()))
    } else {
        None
    }
}

/// `User`, `UserProfile` (not `USER`, not `user`).
pub(super) fn is_pascal_case(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().any(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// An argument that names an entity: a PascalCase identifier or an identifier-like string.
pub(super) fn entity_arg(arg: &Spanned<Value>) -> Option<Spanned<Name>> {
    let name = match &arg.value {
        Value::Ident(name) if is_pascal_case(name) => name,
        Value::Str(s)
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
        {
            s
        }
        _ => return None,
    };
    Some(Spanned::new(name.clone(), arg.span))
}

impl Extractor<'_> {
    /// Finds `class X extends Repository<E>` (any base ending in `Repository`) anywhere.
    ///
    /// A class extending another custom repository is resolved only if that one was seen
    /// first. The classes are taken in the order of a last-child-first depth-first walk
    /// (the order this was first written with): later classes first, an enclosing class
    /// before the classes inside it. For class nodes, which never share an end, that is
    /// the order of decreasing end, then increasing start.
    pub(super) fn collect_custom_repos(&mut self, classes: &[Node]) {
        let mut ordered = classes.to_vec();
        ordered.sort_by_key(|n| (std::cmp::Reverse(n.end_byte()), n.start_byte()));
        for node in ordered {
            let name = node.child_by_field_id(fields().name);
            let entity = self.extends_repository(node).and_then(|k| k.entity);
            if let (Some(name), Some(entity)) = (name, entity) {
                self.custom_repos
                    .insert(self.text(name).to_string(), entity);
            }
        }
    }

    /// `extends Repository<User>` -> Repository{User}.
    fn extends_repository(&self, class: Node) -> Option<Known> {
        let (base, clause) = self.extends_clause(class)?;
        if let Some(entity) = self.custom_repos.get(&base) {
            // `class AdminUserRepository extends UserRepository`.
            return Some(Known::repository(entity.clone()));
        }
        if !base.ends_with("Repository") {
            return None;
        }
        let arg = named_iter(clause.child_by_field_id(fields().type_arguments)?).next()?;
        let entity = last_segment(self.text(arg)).to_string();
        Some(Known::repository(Spanned::new(
            entity.into(),
            arg.byte_range(),
        )))
    }

    /// What `this` is in a class: the repository it extends, or for an ActiveRecord
    /// entity (`class User extends BaseEntity`) the entity's own repository.
    fn this_of_class(&self, class: Node) -> Option<Known> {
        if let Some(known) = self.extends_repository(class) {
            return Some(known);
        }
        let (base, _) = self.extends_clause(class)?;
        if base != "BaseEntity" {
            return None;
        }
        let name = class.child_by_field_id(fields().name)?;
        let entity = Spanned::new(self.text(name).into(), name.byte_range());
        Some(Known::repository(entity))
    }

    /// `extends CrudService<Order>` (a generic base that is no repository): `Order`, when
    /// it is the only type argument and names a class (not `T`, not `string`).
    fn generic_base_entity(&self, class: Node) -> Option<Spanned<Name>> {
        let (base, clause) = self.extends_clause(class)?;
        if base.ends_with("Repository") || base == "BaseEntity" {
            return None;
        }
        let args = clause.child_by_field_id(fields().type_arguments)?;
        let mut iter = named_iter(args);
        let (Some(arg), None) = (iter.next(), iter.next()) else {
            return None;
        };
        if !matches!(
            arg.fast_kind(),
            "type_identifier" | "nested_type_identifier"
        ) {
            return None;
        }
        let name = last_segment(self.text(arg));
        // a single capital (`T`) is a type parameter passed on, not an entity
        (is_pascal_case(name) && name.len() > 1)
            .then(|| Spanned::new(name.into(), arg.byte_range()))
    }

    /// The last segment of the `extends` value, and the clause (for its type arguments).
    fn extends_clause<'t>(&self, class: Node<'t>) -> Option<(String, Node<'t>)> {
        let body_start = class
            .child_by_field_id(fields().body)
            .map(|b| b.start_byte())
            .unwrap_or(usize::MAX);
        let heritage = named_iter(class)
            .find(|c| c.fast_kind() == "class_heritage" && c.start_byte() < body_start)?;
        let clause = named_iter(heritage).find(|c| c.fast_kind() == "extends_clause")?;
        let value = clause.child_by_field_id(fields().value)?;
        let base = member_path(value, self.src)?;
        Some((last_segment(&base).to_string(), clause))
    }

    /// The class environment: members from fields and constructor parameter properties.
    pub(super) fn class_scope(&self, class: Node) -> ClassScope {
        let mut scope = ClassScope {
            this_recv: self.this_of_class(class),
            generic_entity: self.generic_base_entity(class),
            ..ClassScope::default()
        };
        let Some(body) = class.child_by_field_id(fields().body) else {
            return scope;
        };
        for member in named_iter(body) {
            match member.fast_kind() {
                "public_field_definition" => {
                    if let Some(name) = member.child_by_field_id(fields().name) {
                        let recv = self.declared_recv(member);
                        scope.members.insert(self.text(name).to_string(), recv);
                    }
                }
                "method_definition" if self.is_constructor(member) => {
                    for (name, recv, is_property) in self.params(member) {
                        if is_property {
                            scope.members.insert(name, recv);
                        }
                    }
                }
                _ => {}
            }
        }
        scope
    }

    fn is_constructor(&self, method: Node) -> bool {
        method
            .child_by_field_id(fields().name)
            .is_some_and(|n| self.text(n) == "constructor")
    }

    /// Binds a function's parameters; the callback of `.transaction(...)` gets a manager.
    pub(super) fn bind_params(&self, func: Node, scope: &mut FnScope) {
        let in_transaction = self.mentions_transaction && is_transaction_callback(func, self.src);
        if let Some(p) = func.child_by_field_id(fields().parameter) {
            let recv = match in_transaction {
                true => Recv::Known(Known::of(Receiver::Manager)),
                false => Recv::Untyped,
            };
            scope.vars.insert(self.text(p).to_string(), recv);
        }
        for (i, (name, recv, _)) in self.params(func).into_iter().enumerate() {
            let recv = match recv {
                Recv::Untyped if in_transaction && i == 0 => {
                    Recv::Known(Known::of(Receiver::Manager))
                }
                other => other,
            };
            scope.vars.insert(name, recv);
        }
    }

    /// `(name, what it is, is a parameter property)` for each simple parameter.
    fn params(&self, func: Node) -> Vec<(String, Recv, bool)> {
        simple_params(func)
            .into_iter()
            .map(|(p, pattern)| {
                let is_property = all_children(p).any(|c| {
                    matches!(
                        c.fast_kind(),
                        "accessibility_modifier" | "override_modifier" | "readonly"
                    )
                });
                (
                    self.text(pattern).to_string(),
                    self.declared_recv(p),
                    is_property,
                )
            })
            .collect()
    }

    /// What a field or parameter is, from its decorators, then its type annotation.
    fn declared_recv(&self, node: Node) -> Recv {
        let from_decorator = named_iter(node)
            .filter(|c| c.fast_kind() == "decorator")
            .find_map(|d| self.decorator_recv(d));
        if let Some(k) = from_decorator {
            return Recv::Known(k);
        }
        match node.child_by_field_id(fields().type_) {
            Some(t) => self.recv_from_type(t),
            None => Recv::Untyped,
        }
    }

    /// `@InjectRepository(User)`, `@InjectEntityManager()`, `@InjectDataSource()`.
    fn decorator_recv(&self, decorator: Node) -> Option<Known> {
        let call = named_iter(decorator).find(|c| c.fast_kind() == "call_expression")?;
        let callee = member_path(call.child_by_field_id(fields().function)?, self.src)?;
        match last_segment(&callee) {
            "InjectRepository" => {
                let args = call.child_by_field_id(fields().arguments)?;
                let first = first_named(args)?;
                let entity = entity_arg(&parse_value(first, self.src))?;
                Some(Known::repository(entity))
            }
            "InjectEntityManager" => Some(Known::of(Receiver::Manager)),
            "InjectDataSource" | "InjectConnection" => Some(Known::of(Receiver::DataSource)),
            _ => None,
        }
    }

    /// What a type annotation says: `Repository<User>`, `EntityManager`, `DataSource`,
    /// `QueryRunner`, a custom repository class of this file, or a `...Repository` type
    /// declared elsewhere (kept by name for the model).
    pub(super) fn recv_from_type(&self, ty: Node) -> Recv {
        match ty.fast_kind() {
            "type_annotation" | "parenthesized_type" => match first_named(ty) {
                Some(inner) => self.recv_from_type(inner),
                None => Recv::Opaque,
            },
            "union_type" => named_iter(ty)
                .filter(|m| !is_nullish_type(*m, self.src))
                .map(|m| self.recv_from_type(m))
                .next()
                .unwrap_or(Recv::Opaque),
            "generic_type" => self.recv_from_generic(ty),
            "type_identifier" | "nested_type_identifier" => {
                self.recv_from_type_name(last_segment(self.text(ty)))
            }
            _ => Recv::Opaque,
        }
    }

    fn recv_from_generic(&self, ty: Node) -> Recv {
        let name = ty
            .child_by_field_id(fields().name)
            .map(|n| last_segment(self.text(n)))
            .unwrap_or("");
        let arg = ty
            .child_by_field_id(fields().type_arguments)
            .and_then(|a| named_iter(a).next());
        match arg {
            Some(arg) if name.ends_with("Repository") => {
                let entity = last_segment(self.text(arg)).to_string();
                Recv::Known(Known::repository(Spanned::new(
                    entity.into(),
                    arg.byte_range(),
                )))
            }
            _ => Recv::Opaque,
        }
    }

    fn recv_from_type_name(&self, name: &str) -> Recv {
        let receiver = match name {
            "EntityManager" | "MongoEntityManager" => Receiver::Manager,
            "DataSource" | "Connection" => Receiver::DataSource,
            "QueryRunner" => Receiver::QueryRunner,
            _ => {
                if let Some(entity) = self.custom_repos.get(name) {
                    return Recv::Known(Known::repository(entity.clone()));
                }
                if name.ends_with("Repository") || name.ends_with("Repo") {
                    return Recv::Known(Known::of(Receiver::Unknown(name.into())));
                }
                return Recv::Opaque;
            }
        };
        Recv::Known(Known::of(receiver))
    }

    /// What a bare identifier is: a variable of an enclosing scope, a telling name, or an
    /// ActiveRecord class (`User.find()`).
    pub(super) fn lookup_ident(&self, node: Node) -> Recv {
        let name = self.text(node);
        let bound = self.fns.iter().rev().find_map(|f| f.vars.get(name));
        match bound {
            Some(Recv::Untyped) => by_name(name).map(Recv::Known).unwrap_or(Recv::Untyped),
            Some(other) => other.clone(),
            None => {
                if let Some(k) = by_name(name) {
                    Recv::Known(k)
                } else if is_pascal_case(name) && !NOT_ENTITIES.contains(&name) {
                    Recv::Known(Known::repository(Spanned::new(
                        name.into(),
                        node.byte_range(),
                    )))
                } else {
                    Recv::Untyped
                }
            }
        }
    }

    /// `this.name`: a class member, else a repository member inherited from a generic base
    /// (`this.repository` in `extends CrudService<Order>`), else a telling name.
    pub(super) fn lookup_member(&self, name: &str) -> Recv {
        let class = self.classes.last();
        let member = class.and_then(|c| c.members.get(name));
        let lower = name.to_ascii_lowercase();
        if member.is_none() && (lower.ends_with("repository") || lower.ends_with("repo")) {
            if let Some(entity) = class.and_then(|c| c.generic_entity.clone()) {
                return Recv::Known(Known::repository(entity));
            }
        }
        match member {
            Some(Recv::Untyped) | None => by_name(name).map(Recv::Known).unwrap_or(Recv::Untyped),
            Some(other) => other.clone(),
        }
    }

    /// `this` as a receiver: the repository a class extends, if any.
    pub(super) fn this_recv(&self) -> Recv {
        self.classes
            .last()
            .and_then(|c| c.this_recv.clone())
            .map(Recv::Known)
            .unwrap_or(Recv::Untyped)
    }
}

/// `null` / `undefined` members of a union type.
fn is_nullish_type(ty: Node, src: &str) -> bool {
    matches!(
        crate::syntax::value::text(ty, src),
        "null" | "undefined" | "void"
    )
}

/// A function passed to `.transaction(...)`: its first parameter is an `EntityManager`.
fn is_transaction_callback(func: Node, src: &str) -> bool {
    // Declarations and methods are never arguments; this also spares their `parent()`,
    // which tree-sitter finds by descending from the root.
    if matches!(
        func.fast_kind(),
        "method_definition" | "function_declaration" | "generator_function_declaration"
    ) {
        return false;
    }
    let Some(call) = func
        .parent()
        .filter(|p| p.fast_kind() == "arguments")
        .and_then(|a| a.parent())
    else {
        return false;
    };
    call.child_by_field_id(fields().function)
        .and_then(|f| f.child_by_field_id(fields().property))
        .is_some_and(|p| crate::syntax::value::text(p, src) == "transaction")
}

/// `a.b.C` -> `C`; also strips type arguments written into a name.
pub(super) fn last_segment(path: &str) -> &str {
    let path = path.split('<').next().unwrap_or(path);
    path.rsplit('.').next().unwrap_or(path).trim()
}

/// `(parameter, its name)` for each parameter of `func` that binds a plain name (not a
/// destructuring pattern).
pub(super) fn simple_params(func: Node) -> Vec<(Node, Node)> {
    let Some(list) = func.child_by_field_id(fields().parameters) else {
        return Vec::new();
    };
    named_iter(list)
        .filter(|p| matches!(p.fast_kind(), "required_parameter" | "optional_parameter"))
        .filter_map(|p| {
            let pattern = p.child_by_field_id(fields().pattern)?;
            (pattern.fast_kind() == "identifier").then_some((p, pattern))
        })
        .collect()
}
