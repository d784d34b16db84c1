//! Classes with their decorators, properties, methods and constructor parameters.

use super::facts::{
    ClassFact, Decorator, Extends, FileFacts, MethodFact, Name, ParamFact, PropertyFact,
};
use super::scan::Scan;
use super::types::parse_type;
use super::value::{
    all_children, call_args, first_named, member_path, named_iter, parse_value, text,
};
use crate::syntax::ids::{fields, KindExt};
use std::borrow::Cow;
use tree_sitter::Node;

pub fn extract_classes(root: Node, src: &str, facts: &mut FileFacts) {
    classes_from_scan(&Scan::of(root), src, facts);
}

/// Names of decorators whose arguments are not parsed (see [`super::prune`]).
type Foreign = super::prune::ForeignNames;

/// Classes nested in functions or namespaces are rare in entity code but cheap to find;
/// classes nested in other classes are not ours to report.
///
/// The imports must be extracted first: the arguments of decorators imported from foreign
/// packages are dropped anyway, so they are not parsed.
pub fn classes_from_scan(scan: &Scan, src: &str, facts: &mut FileFacts) {
    let foreign = super::prune::foreign_decorator_names(&facts.imports);
    for c in &scan.top_classes {
        if let Some(class) = class_fact(c.node, c.parent, src, &foreign) {
            facts.classes.push(class);
        }
    }
    facts.classes.sort_by_key(|c| c.span.start());
}

/// Decorators that are direct children of `node` (classes, fields, parameters).
fn child_decorators(node: Node, src: &str, foreign: &Foreign) -> Vec<Decorator> {
    named_iter(node)
        .filter(|c| c.fast_kind() == "decorator")
        .filter_map(|d| decorator_skipping(d, src, foreign))
        .collect()
}

pub fn decorator(node: Node, src: &str) -> Option<Decorator> {
    decorator_skipping(node, src, &Foreign::default())
}

/// [`decorator`], without parsing the arguments of a bare decorator named in `foreign`.
fn decorator_skipping(node: Node, src: &str, foreign: &Foreign) -> Option<Decorator> {
    DecoratorHead::of(node, src).map(|head| head.build(src, foreign))
}

/// What a decorator is called, read before deciding what to build of it: the decorators
/// of a DTO field are all foreign, and the prune would drop them whole (building one
/// interns its name, which costs cache misses on a table shared by the threads).
struct DecoratorHead<'t, 's> {
    node: Node<'t>,
    call: Option<Node<'t>>,
    name_node: Node<'t>,
    name: Cow<'s, str>,
}

impl<'t, 's> DecoratorHead<'t, 's> {
    fn of(node: Node<'t>, src: &'s str) -> Option<Self> {
        let expr = first_named(node)?;
        let (callee, call) = match expr.fast_kind() {
            "call_expression" => (expr.child_by_field_id(fields().function)?, Some(expr)),
            _ => (expr, None),
        };
        let name_node = match callee.fast_kind() {
            "member_expression" => callee.child_by_field_id(fields().property)?,
            _ => callee,
        };
        // `@Foo<Bar>()` parses the callee with type arguments; keep the bare name. A plain
        // identifier is its own path: no segments to join.
        let name = match name_node.fast_kind() {
            "identifier" => Cow::Borrowed(text(name_node, src)),
            _ => Cow::Owned(
                member_path(name_node, src).unwrap_or_else(|| text(name_node, src).to_string()),
            ),
        };
        Some(DecoratorHead {
            node,
            call,
            name_node,
            name,
        })
    }

    /// Bare (`@Name`, not `@ns.Name`) and bound to an import from a foreign package (as
    /// the prune decides it).
    fn is_foreign(&self, foreign: &Foreign) -> bool {
        let bare = self.name_node.start_byte() == self.node.start_byte() + 1;
        bare && foreign.contains(self.name.as_ref())
    }

    fn build(self, src: &str, foreign: &Foreign) -> Decorator {
        let args = match self.call {
            Some(call) if !self.is_foreign(foreign) => call_args(call, src),
            _ => Vec::new(),
        };
        Decorator::new(
            Name::new(&self.name),
            self.name_node.byte_range().into(),
            self.node.byte_range().into(),
            args.into(),
            self.call.is_some(),
        )
    }
}

fn class_fact(node: Node, parent: Option<Node>, src: &str, foreign: &Foreign) -> Option<ClassFact> {
    let name_node = node.child_by_field_id(fields().name)?;
    let body = node.child_by_field_id(fields().body)?;
    let exported = parent.is_some_and(|p| p.fast_kind() == "export_statement");
    let mut decorators = child_decorators(node, src, foreign);
    let mut span = node.byte_range();
    if let Some(p) = parent.filter(|_| exported) {
        let mut outer = child_decorators(p, src, foreign);
        outer.append(&mut decorators);
        decorators = outer;
        span = p.byte_range();
    }
    let (extends, heritage_span, implements) = heritage(node, src);
    let mut class = ClassFact {
        name: text(name_node, src).into(),
        name_span: name_node.byte_range().into(),
        span: span.into(),
        body_span: body.byte_range().into(),
        is_abstract: node.fast_kind() == "abstract_class_declaration",
        is_exported: exported,
        decorators: decorators.into(),
        extends,
        heritage_span: heritage_span.map(Into::into),
        implements,
        properties: Vec::new(),
        methods: Vec::new(),
    };
    members(body, src, foreign, &mut class);
    Some(class)
}

type Heritage = (Option<Extends>, Option<std::ops::Range<usize>>, Vec<Name>);

fn heritage(class: Node, src: &str) -> Heritage {
    let mut extends = None;
    let mut span = None;
    let mut implements = Vec::new();
    let Some(h) = named_iter(class).find(|c| c.fast_kind() == "class_heritage") else {
        return (None, None, implements);
    };
    for clause in named_iter(h) {
        match clause.fast_kind() {
            "extends_clause" => {
                span = Some(clause.byte_range());
                if let Some(value) = clause.child_by_field_id(fields().value) {
                    let type_args = clause
                        .child_by_field_id(fields().type_arguments)
                        .map(|a| named_iter(a).map(|t| parse_type(t, src)).collect())
                        .unwrap_or_default();
                    let path =
                        member_path(value, src).unwrap_or_else(|| text(value, src).to_string());
                    // `extends Mixin(Base)`: the name is the call's text; no class matches.
                    let name = path.rsplit('.').next().unwrap_or(&path).to_string();
                    extends = Some(Extends {
                        name: name.into(),
                        span: value.byte_range().into(),
                        type_args,
                    });
                }
            }
            "implements_clause" => {
                for t in named_iter(clause) {
                    let ty = parse_type(t, src);
                    let name = match &ty.kind {
                        super::facts::TypeKind::Named { name, .. } => name.clone(),
                        _ => ty.text.clone(),
                    };
                    implements.push(name);
                }
            }
            _ => {}
        }
    }
    (extends, span, implements)
}

fn members(body: Node, src: &str, foreign: &Foreign, class: &mut ClassFact) {
    // Method decorators are siblings that precede the method in the class body.
    let mut pending: Vec<(Decorator, usize)> = Vec::new();
    for member in named_iter(body) {
        match member.fast_kind() {
            "decorator" => {
                if let Some(d) = decorator_skipping(member, src, foreign) {
                    let start = member.start_byte();
                    pending.push((d, start));
                }
            }
            "public_field_definition" => {
                pending.clear();
                if let Some(p) = property(member, src, foreign) {
                    class.properties.push(p);
                }
            }
            "method_definition" | "abstract_method_signature" | "method_signature" => {
                let start = pending.first().map(|(_, s)| *s);
                let decorators: Vec<Decorator> = pending.drain(..).map(|(d, _)| d).collect();
                // A decorated accessor (`@Column() get title()`) is a property to TypeORM:
                // its decorators see the property's name and `design:type`.
                if !decorators.is_empty() && is_accessor(member) {
                    if let Some(p) = accessor_property(member, src, decorators, start) {
                        class.properties.push(p);
                    }
                    continue;
                }
                if let Some(m) = method(member, src, foreign, decorators, start) {
                    class.methods.push(m);
                }
            }
            _ => pending.clear(),
        }
    }
}

/// What the direct children of a member or parameter say, read in one pass (one cursor
/// instead of one per question).
#[derive(Default)]
struct ChildMarks<'t, 's> {
    decorators: Vec<DecoratorHead<'t, 's>>,
    optional: bool,
    is_static: bool,
    readonly: bool,
    /// `private` / `public` / `protected` / `override`.
    modifier: bool,
}

fn child_marks<'t, 's>(node: Node<'t>, src: &'s str) -> ChildMarks<'t, 's> {
    let mut marks = ChildMarks::default();
    for child in all_children(node) {
        match child.fast_kind() {
            "decorator" if child.is_named() => {
                marks.decorators.extend(DecoratorHead::of(child, src));
            }
            "?" => marks.optional = true,
            "static" => marks.is_static = true,
            "readonly" => marks.readonly = true,
            "accessibility_modifier" | "override_modifier" if child.is_named() => {
                marks.modifier = true;
            }
            _ => {}
        }
    }
    marks
}

fn build_all(heads: Vec<DecoratorHead>, src: &str, foreign: &Foreign) -> Vec<Decorator> {
    heads.into_iter().map(|h| h.build(src, foreign)).collect()
}

fn has_child_kind(node: Node, kind: &str) -> bool {
    all_children(node).any(|c| c.fast_kind() == kind)
}

fn property(node: Node, src: &str, foreign: &Foreign) -> Option<PropertyFact> {
    let name = node.child_by_field_id(fields().name)?;
    let marks = child_marks(node, src);
    // The prune keeps no decorator of a property whose decorators are all foreign.
    let decorators: Vec<Decorator> = if marks.decorators.iter().all(|d| d.is_foreign(foreign)) {
        Vec::new()
    } else {
        build_all(marks.decorators, src, foreign)
    };
    Some(PropertyFact {
        name: super::value::property_key(name, src).into(),
        name_span: name.byte_range().into(),
        span: node.byte_range().into(),
        decorators: decorators.into(),
        type_ann: node
            .child_by_field_id(fields().type_)
            .map(|t| parse_type(t, src)),
        optional: marks.optional,
        is_static: marks.is_static,
        initializer: node
            .child_by_field_id(fields().value)
            .map(|v| Box::new(parse_value(v, src))),
    })
}

fn method(
    node: Node,
    src: &str,
    foreign: &Foreign,
    decorators: Vec<Decorator>,
    start: Option<usize>,
) -> Option<MethodFact> {
    let name = node.child_by_field_id(fields().name)?;
    let body = node.child_by_field_id(fields().body);
    let params = node
        .child_by_field_id(fields().parameters)
        .map(|ps| {
            named_iter(ps)
                .filter_map(|p| parameter(p, src, foreign))
                .collect()
        })
        .unwrap_or_default();
    let span = start.unwrap_or(node.start_byte())..node.end_byte();
    Some(MethodFact {
        name: text(name, src).into(),
        name_span: name.byte_range().into(),
        span: span.into(),
        body_span: body.map(|b| b.byte_range().into()),
        body_is_empty: body.is_some_and(|b| first_named(b).is_none()),
        params,
        decorators: decorators.into(),
        is_static: has_child_kind(node, "static"),
    })
}

fn is_accessor(node: Node) -> bool {
    all_children(node).any(|c| matches!(c.fast_kind(), "get" | "set"))
}

/// A decorated `get` / `set` accessor as the property it defines: its type is the getter's
/// return type or the setter's parameter type, as TypeScript emits for `design:type`.
fn accessor_property(
    node: Node,
    src: &str,
    decorators: Vec<Decorator>,
    start: Option<usize>,
) -> Option<PropertyFact> {
    let name = node.child_by_field_id(fields().name)?;
    let setter_param_type = || {
        let params = node.child_by_field_id(fields().parameters)?;
        let first = named_iter(params).next()?;
        first.child_by_field_id(fields().type_)
    };
    let type_ann = node
        .child_by_field_id(fields().return_type)
        .or_else(setter_param_type)
        .map(|t| parse_type(t, src));
    Some(PropertyFact {
        name: super::value::property_key(name, src).into(),
        name_span: name.byte_range().into(),
        span: (start.unwrap_or(node.start_byte())..node.end_byte()).into(),
        decorators: decorators.into(),
        type_ann,
        optional: false,
        is_static: has_child_kind(node, "static"),
        initializer: None,
    })
}

fn parameter(node: Node, src: &str, foreign: &Foreign) -> Option<ParamFact> {
    if !matches!(
        node.fast_kind(),
        "required_parameter" | "optional_parameter"
    ) {
        return None;
    }
    let pattern = node.child_by_field_id(fields().pattern)?;
    let marks = child_marks(node, src);
    let is_property = marks.modifier || marks.readonly;
    Some(ParamFact {
        name: text(pattern, src).into(),
        name_span: pattern.byte_range().into(),
        decorators: build_all(marks.decorators, src, foreign).into(),
        type_ann: node
            .child_by_field_id(fields().type_)
            .map(|t| parse_type(t, src)),
        is_property,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classes as extraction builds them, and as they were built before: every argument
    /// parsed, then the foreign ones dropped by the prune.
    fn skipped_and_dropped(src: &str) -> (Vec<ClassFact>, Vec<ClassFact>) {
        let tree = crate::syntax::new_parser().parse(src, None).unwrap();
        let root = tree.root_node();
        let scan = Scan::of_source(root, src);
        let mut dropped = FileFacts::default();
        classes_from_scan(&scan, src, &mut dropped); // no imports yet: nothing skipped
        super::super::imports::imports_from_scan(&scan, src, &mut dropped);
        super::super::prune::prune_foreign_decorators(&mut dropped);
        (crate::syntax::extract(&tree, src).classes, dropped.classes)
    }

    #[test]
    fn skipping_foreign_arguments_is_dropping_them() {
        let src = "import { ApiProperty as Api } from '@nestjs/swagger';\n\
                   import { IsString, Length } from 'class-validator';\n\
                   import * as v from 'class-validator';\n\
                   import { Length as L2 } from './local';\n\
                   import { Column, Entity } from 'typeorm';\n\
                   @Api({ a: 1 }) @Entity('t') export class A {\n\
                     @Api({ description: 'x' }) @IsString() @Length(1, 2) @v.Max(3)\n\
                     @Column({ length: 10 }) name: string;\n\
                     m(@Api({ b: 2 }) @Column() p: string) {}\n\
                     @Api({ c: 3 }) @Unknown(4) n() {}\n\
                   }";
        let (skipped, dropped) = skipped_and_dropped(src);
        assert_eq!(skipped, dropped);
        let name = &skipped[0].properties[0];
        let args = |d: &str| name.decorator(d).map(|d| d.args.len());
        assert_eq!(
            [args("Api"), args("Length"), args("Max"), args("Column")],
            [Some(0), Some(0), Some(1), Some(1)]
        );
    }

    /// TypeORM's decorators on an accessor declare the property: `@Column() get title()`
    /// is a column typed by the getter, a decorated setter one typed by its parameter. An
    /// undecorated accessor, a method named `get` and a decorated method stay methods.
    #[test]
    fn decorated_accessors_are_properties() {
        let src = "import { Column, Entity, AfterLoad } from 'typeorm';\n\
                   @Entity() export class A {\n\
                     set title(v: string) {}\n\
                     @Column() get title(): string { return ''; }\n\
                     @Column() set code(v: number) {}\n\
                     get plain(): string { return ''; }\n\
                     get() {}\n\
                     @AfterLoad() load() {}\n\
                   }";
        let facts = crate::syntax::facts_of(src);
        let class = &facts.classes[0];
        let props: Vec<(&str, Option<&str>)> = class
            .properties
            .iter()
            .map(|p| (&*p.name, p.type_ann.as_ref().map(|t| &*t.text)))
            .collect();
        assert_eq!(props, [("title", Some("string")), ("code", Some("number"))]);
        assert!(class.properties[0].decorator("Column").is_some());
        let methods: Vec<&str> = class.methods.iter().map(|m| &*m.name).collect();
        assert_eq!(methods, ["title", "plain", "get", "load"]);
    }

    #[test]
    fn skipping_foreign_arguments_is_dropping_them_on_every_fixture_file() {
        for (path, src) in crate::syntax::fixture_files::fixture_sources() {
            let (skipped, dropped) = skipped_and_dropped(&src);
            assert_eq!(skipped, dropped, "{}", path.display());
        }
    }
}
