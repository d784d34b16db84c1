//! Shared by the REL and TYP rules: the relations a file declares, and what a relation's
//! target (or a type name) denotes as seen from the file that writes it.

use crate::model::{ClassRef, Entity, Relation};
use crate::rules::Ctx;
use crate::syntax::{ImportFact, ImportKind, Value};

/// A relation declared in a file, with every entity that has it (several when it is
/// declared on a base class that many entities extend).
pub struct Declared<'a> {
    pub relation: &'a Relation,
    pub owners: Vec<&'a Entity>,
}

/// The relations declared in `file`, once per declaring class and property.
pub fn declared_relations<'a>(ctx: &Ctx<'a>, file: usize) -> Vec<Declared<'a>> {
    let mut out: Vec<Declared<'a>> = Vec::new();
    for entity in ctx.model.entities_touching(file) {
        for relation in &entity.relations {
            if relation.origin.file != file || relation.origin.class.is_none() {
                continue;
            }
            let same = |d: &&mut Declared<'a>| {
                d.relation.origin.class == relation.origin.class
                    && d.relation.property == relation.property
            };
            match out.iter_mut().find(same) {
                Some(d) => d.owners.push(entity),
                None => out.push(Declared {
                    relation,
                    owners: vec![entity],
                }),
            }
        }
    }
    out
}

/// What a name written in a file stands for.
pub enum Target<'a> {
    Entity(&'a Entity),
    /// Known not to be an entity: a class, interface or type of the workspace, or a name
    /// no entity of the workspace carries.
    NotEntity,
    /// Declared outside the workspace (a package) or not traceable: say nothing.
    Unknown,
}

/// The import of `file` that binds `local`, with the name it imports.
pub fn import_of<'f>(imports: &'f [ImportFact], local: &str) -> Option<(&'f ImportFact, &'f str)> {
    imports.iter().find_map(|i| {
        i.names
            .iter()
            .find(|n| n.local == local)
            .map(|n| (i, n.imported.as_str()))
    })
}

/// The name `local` has where it is declared (`import { User as Account }`: `User`).
pub fn original_name<'f>(ctx: &Ctx<'f>, file: usize, local: &'f str) -> &'f str {
    let Some(source) = ctx.file(file) else {
        return local;
    };
    match import_of(&source.facts.imports, local) {
        Some((_, imported)) if imported != "default" && imported != "*" => imported,
        _ => local,
    }
}

/// What the relation's target (`() => User`, `'User'`) denotes.
pub fn relation_target<'a>(ctx: &Ctx<'a>, file: usize, relation: &'a Relation) -> Target<'a> {
    let Some(name) = relation.target.as_deref() else {
        return Target::Unknown;
    };
    // Resolved through the declaring file's own imports and declarations.
    if let Some(class) = relation.target_class {
        return match ctx.model.entity_of_class(class.file, class.class) {
            Some(entity) => Target::Entity(entity),
            None => Target::NotEntity,
        };
    }
    let is_string = ctx
        .model
        .decorator_at(&relation.origin)
        .and_then(|d| d.arg(0))
        .is_some_and(|a| matches!(a.value, Value::Str(_)));
    if is_string {
        return named_entity(ctx, file, name, true);
    }
    named_entity(ctx, file, name, false)
}

/// What the name `local`, written in `file`, denotes. A string target names the entity
/// directly (no import needed).
pub fn named_entity<'a>(ctx: &Ctx<'a>, file: usize, local: &'a str, by_string: bool) -> Target<'a> {
    let name = if by_string {
        local
    } else {
        original_name(ctx, file, local)
    };
    // A class name resolves through the file's imports (two entities may share it); a
    // string names the entity itself.
    let found = if by_string {
        ctx.entity(name)
    } else {
        ctx.entity_in(file, local)
    };
    if let Some(entity) = found {
        return Target::Entity(entity);
    }
    let Some(source) = ctx.file(file) else {
        return Target::Unknown;
    };
    if declared_in(&source.facts, local) || !ctx.model.classes.named(name).is_empty() {
        return Target::NotEntity;
    }
    match import_of(&source.facts.imports, local) {
        Some((import, imported)) => {
            let resolved = ctx.import_target(file, &import.specifier);
            match resolved {
                Some(target) if declared_through(ctx, target, imported, 0) => Target::NotEntity,
                _ => Target::Unknown,
            }
        }
        None => Target::Unknown,
    }
}

/// How many `export ... from` hops we follow from the imported file.
const MAX_REEXPORT_HOPS: usize = 8;

/// Whether `name` is declared in `file` or in a workspace file it re-exports it from. A
/// barrel whose re-export leads outside the workspace (a package, an excluded or missing
/// file) may be where the entity lives: then we do not know, and say nothing.
fn declared_through(ctx: &Ctx, file: usize, name: &str, hops: usize) -> bool {
    let Some(source) = ctx.file(file) else {
        return false;
    };
    if declared_in(&source.facts, name) {
        return true;
    }
    if hops >= MAX_REEXPORT_HOPS {
        return false;
    }
    source
        .facts
        .imports
        .iter()
        .filter(|i| i.kind == ImportKind::ExportFrom)
        .filter_map(|i| {
            if i.star_reexport {
                return Some((i, name));
            }
            let n = i.names.iter().find(|n| n.local == name)?;
            Some((i, n.imported.as_str()))
        })
        .any(|(import, original)| {
            ctx.import_target(file, &import.specifier)
                .is_some_and(|next| declared_through(ctx, next, original, hops + 1))
        })
}

/// The file itself declares `name` (class, enum, type alias or exported name).
fn declared_in(facts: &crate::syntax::FileFacts, name: &str) -> bool {
    facts.class(name).is_some()
        || facts.enums.iter().any(|e| e.name == name)
        || facts.type_aliases.iter().any(|t| t.name == name)
        || facts.exports.iter().any(|e| e == name)
}

/// What a relation pointing back at one of some owners may name: the owners' classes and
/// the classes they inherit from, and their names (for targets we cannot pin down).
pub struct Back {
    pub names: Vec<String>,
    pub classes: Vec<ClassRef>,
}

pub fn back_names(ctx: &Ctx, owners: &[&Entity]) -> Back {
    let mut back = Back {
        names: Vec::new(),
        classes: Vec::new(),
    };
    for owner in owners {
        back.names.push(owner.name.clone());
        if let Some(class) = owner.class {
            back.classes.push(ClassRef {
                file: owner.file,
                class,
            });
        }
        for a in &owner.ancestors {
            if let Some(class) = ctx.model.class(*a) {
                back.names.push(class.name.to_string());
                back.classes.push(*a);
            }
        }
    }
    back
}

/// Whether `relation` (declared on the other side) points at one of the owners, or at
/// something we cannot trace (then we assume it does). A target resolved to a class is
/// compared as a class: two classes may share a name in different files.
pub fn points_back(ctx: &Ctx, relation: &Relation, back: &Back) -> bool {
    if let Some(class) = relation.target_class {
        return back.classes.contains(&class);
    }
    let names = &back.names;
    let Some(target) = relation.target.as_deref() else {
        return true;
    };
    let original = original_name(ctx, relation.origin.file, target);
    names.iter().any(|n| n == target || n == original)
        || ctx.entity(original).is_none() && ctx.model.classes.named(original).is_empty()
}

/// Whether we see every property of `entity`: its classes are all in the workspace (or the
/// external base is TypeORM's `BaseEntity`, which declares none).
pub fn fully_known(entity: &Entity) -> bool {
    entity
        .external_ancestor
        .as_deref()
        .is_none_or(|a| a == "BaseEntity")
}

/// The relation kind declared on a property that the model keeps as a column because it
/// also carries a column decorator (`@ManyToOne(() => Program) @JoinColumn({ name:
/// 'programId' }) @Column() programId: number`): TypeORM registers both, and the relation's
/// join column reuses the column of the same name, so the relation exists.
pub fn relation_on_column(
    ctx: &Ctx,
    entity: &Entity,
    property: &str,
) -> Option<crate::model::RelationKind> {
    let column = entity.column(property)?;
    let class = ctx.model.class(ClassRef {
        file: column.origin.file,
        class: column.origin.class?,
    })?;
    let prop = class.properties.iter().find(|p| p.name == property)?;
    prop.decorators
        .iter()
        .find_map(|d| match ctx.config.alias_target(&d.name) {
            "ManyToOne" => Some(crate::model::RelationKind::ManyToOne),
            "OneToMany" => Some(crate::model::RelationKind::OneToMany),
            "OneToOne" => Some(crate::model::RelationKind::OneToOne),
            "ManyToMany" => Some(crate::model::RelationKind::ManyToMany),
            _ => None,
        })
}

/// Whether every entity that declares a relation is a `@ViewEntity`. A view mirrors a
/// table entity (same primary key), and its relations usually name that entity's inverse
/// sides: TypeORM finds the inverse by property name and joins on the view's key, which
/// is the table's.
pub fn all_views(owners: &[&Entity]) -> bool {
    !owners.is_empty()
        && owners
            .iter()
            .all(|o| o.kind == crate::model::EntityKind::View)
}
