//! Drops the decorator data that nothing reads: that of decorators imported from packages
//! that have nothing to do with TypeORM (OpenAPI, validation, serialization, GraphQL schema).
//!
//! On a typical entity or DTO, `@ApiProperty({ description: ..., example: ... })` and the
//! class-validator stack carry more argument data than every TypeORM decorator together, and
//! facts are kept for every file of the workspace (measured on generated entities: about
//! half of the class facts). Their arguments go. The decorator itself stays (name, spans,
//! `called`) next to any other decorator: rules that compare or remove decorator text read
//! it from the source at those spans. A property whose decorators are all foreign (a DTO
//! field: `@ApiProperty() @IsOptional() @IsString()`) keeps none: every reader of property
//! decorators looks for a TypeORM one or for the decorator at a TypeORM origin's span, and
//! the property's own span still covers the decorators for fixes that remove it. At 20,000
//! generated files those lists were 29 MB of the facts.
//!
//! A decorator is recognised by its import, never by its name alone: a workspace wrapper
//! (`@MultiORMColumn` from `@gauzy/core`, a relative import) or anything from `typeorm` /
//! `@nestjs/typeorm` keeps its arguments, and so does a name with no import in the file.

use super::facts::{ClassFact, Decorator, FileFacts, ImportFact, ImportKind, Name};

/// Packages whose decorators no rule, model step or editor feature reads arguments of.
/// Matched as the whole specifier or its prefix before a `/` (deep imports).
const FOREIGN_DECORATOR_PACKAGES: &[&str] = &[
    "@nestjs/swagger",
    "class-validator",
    "class-transformer",
    "@nestjs/graphql",
    "type-graphql",
];

fn is_foreign_package(specifier: &str) -> bool {
    FOREIGN_DECORATOR_PACKAGES.iter().any(|pkg| {
        specifier
            .strip_prefix(pkg)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The local names bound only to an import from a foreign package: a bare decorator of
/// one of these names (`@ApiProperty(...)`, not `@ns.Name(...)`) keeps no arguments. The
/// class extraction reads it to skip parsing those arguments at all.
pub fn foreign_decorator_names(imports: &[ImportFact]) -> ForeignNames {
    let is_foreign_import =
        |i: &ImportFact| i.kind == ImportKind::Import && is_foreign_package(&i.specifier);
    let foreign: Vec<&Name> = imports
        .iter()
        .filter(|i| is_foreign_import(i))
        .flat_map(|i| &i.names)
        .filter(|n| n.imported != "*")
        .map(|n| &n.local)
        .collect();
    if foreign.is_empty() {
        return ForeignNames::default();
    }
    // A local name bound twice (an import from elsewhere, too) is not decided here.
    let ambiguous = |name: &Name| {
        imports
            .iter()
            .filter(|i| !is_foreign_import(i))
            .flat_map(|i| &i.names)
            .any(|n| n.local == *name)
    };
    ForeignNames(
        foreign
            .into_iter()
            .filter(|n| !ambiguous(n))
            .cloned()
            .collect(),
    )
}

/// [`foreign_decorator_names`]: a handful per file, so a list (looked up for every
/// decorator, where hashing each name cost more than comparing a few).
#[derive(Debug, Default)]
pub struct ForeignNames(Vec<Name>);

impl ForeignNames {
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|n| n.as_str() == name)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Drops the arguments of every decorator bound to an import from a foreign package, and
/// the decorator list of a property that has no other decorator.
pub fn prune_foreign_decorators(facts: &mut FileFacts) {
    let foreign = foreign_decorator_names(&facts.imports);
    if foreign.is_empty() {
        return;
    }
    let is_foreign = |d: &Decorator| {
        // `@ns.Name(...)`: the name is the last segment, the binding is `ns`; not decided.
        let bare = d.name_span().start() == d.span.start() + 1;
        bare && foreign.contains(d.name.as_str())
    };
    let prune = |decorators: &mut [Decorator]| {
        for d in decorators.iter_mut().filter(|d| is_foreign(d)) {
            d.args = Box::default();
        }
    };
    let mut classes = std::mem::take(&mut facts.classes);
    for class in &mut classes {
        prune_class(class, &prune, &is_foreign);
    }
    facts.classes = classes;
}

fn prune_class(
    class: &mut ClassFact,
    prune: &impl Fn(&mut [Decorator]),
    is_foreign: &impl Fn(&Decorator) -> bool,
) {
    prune(&mut class.decorators);
    for p in &mut class.properties {
        if p.decorators.iter().all(is_foreign) {
            p.decorators = Box::default();
        }
        prune(&mut p.decorators);
    }
    for m in &mut class.methods {
        prune(&mut m.decorators);
        for p in &mut m.params {
            prune(&mut p.decorators);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::facts_of;

    fn args_of(src: &str, prop: &str, decorator: &str) -> usize {
        let facts = facts_of(src);
        let class = &facts.classes[0];
        class
            .property(prop)
            .and_then(|p| p.decorator(decorator))
            .or_else(|| class.decorator(decorator))
            .map(|d| d.args.len())
            .unwrap_or(usize::MAX)
    }

    #[test]
    fn a_property_with_only_foreign_decorators_keeps_none() {
        let src = "import { ApiProperty } from '@nestjs/swagger';\n\
                   import { IsOptional, IsString } from 'class-validator';\n\
                   import { Column } from 'typeorm';\n\
                   export class Dto {\n\
                     @ApiProperty({ required: false }) @IsOptional() @IsString() name?: string;\n\
                     @ApiProperty() @Column() kept: string;\n\
                     @IsString() @Unknown() other: string;\n\
                   }";
        let facts = facts_of(src);
        let class = &facts.classes[0];
        let name = class.property("name").unwrap();
        assert!(name.decorators.is_empty());
        // The member's span still covers its decorators (fixes that remove it).
        assert!(src[name.span.range()].starts_with("@ApiProperty("));
        let kept = |p: &str| class.property(p).unwrap().decorators.len();
        assert_eq!([kept("kept"), kept("other")], [2, 2]);
    }

    #[test]
    fn swagger_and_validator_arguments_are_dropped() {
        let src = "import { ApiProperty } from '@nestjs/swagger';\n\
                   import { MaxLength } from 'class-validator';\n\
                   import { Column, Entity } from 'typeorm';\n\
                   @Entity() export class A {\n\
                     @ApiProperty({ description: 'x', example: 'y' })\n\
                     @MaxLength(10)\n\
                     @Column({ length: 10 })\n\
                     name: string;\n\
                   }";
        assert_eq!(args_of(src, "name", "ApiProperty"), 0);
        assert_eq!(args_of(src, "name", "MaxLength"), 0);
        assert_eq!(args_of(src, "name", "Column"), 1);
        let facts = facts_of(src);
        let d = facts.classes[0].properties[0]
            .decorator("ApiProperty")
            .unwrap();
        // The decorator itself stays, spans included.
        assert!(d.called);
        assert_eq!(
            &src[d.span.range()],
            "@ApiProperty({ description: 'x', example: 'y' })"
        );
    }

    #[test]
    fn wrappers_from_the_workspace_keep_their_arguments() {
        for specifier in ["@gauzy/core", "./decorators", "src/core/decorators"] {
            let src = format!(
                "import {{ MultiORMColumn }} from '{specifier}';\n\
                 import {{ IsString }} from 'class-validator/types';\n\
                 export class A {{ @MultiORMColumn({{ nullable: true }}) @IsString({{ each: true }}) name: string; }}"
            );
            assert_eq!(args_of(&src, "name", "MultiORMColumn"), 1, "{specifier}");
            assert_eq!(
                args_of(&src, "name", "IsString"),
                0,
                "deep import of the package"
            );
        }
    }

    #[test]
    fn typeorm_names_without_a_foreign_import_keep_their_arguments() {
        // No import at all, a namespace import, a look-alike package name: all kept.
        let src = "import * as swagger from '@nestjs/swagger';\n\
                   import { Field } from '@nestjs/graphql-extra';\n\
                   export class A {\n\
                     @swagger.ApiProperty({ a: 1 }) @Field({ b: 2 }) @Column({ c: 3 }) x: string;\n\
                   }";
        assert_eq!(args_of(src, "x", "ApiProperty"), 1);
        assert_eq!(args_of(src, "x", "Field"), 1);
        assert_eq!(args_of(src, "x", "Column"), 1);
    }

    #[test]
    fn a_name_also_imported_from_elsewhere_keeps_its_arguments() {
        let src = "import { Field } from '@nestjs/graphql';\n\
                   import { Field } from '@app/orm';\n\
                   export class A { @Field({ nullable: true }) x: string; }";
        assert_eq!(args_of(src, "x", "Field"), 1);
    }

    #[test]
    fn graphql_class_and_parameter_decorators_are_pruned_too() {
        let src = "import { ObjectType, Args } from '@nestjs/graphql';\n\
                   @ObjectType({ description: 'a' }) export class A {\n\
                     find(@Args('id', { type: () => String }) id: string) {}\n\
                   }";
        let facts = facts_of(src);
        let class = &facts.classes[0];
        assert!(class.decorator("ObjectType").unwrap().args.is_empty());
        let param = &class.method("find").unwrap().params[0];
        assert!(param.decorators[0].args.is_empty());
    }
}
