//! Navigation over the model, in byte offsets: go to definition (relation target,
//! inverse-side lambda, any workspace class such as `ManagedEntity`), references (an
//! entity's relations and query sites), document symbols and workspace symbols.

use std::path::{Path, PathBuf};

use crate::finding::Span;
use crate::model::{Entity, Model};
use crate::syntax::ClassFact;
use crate::workspace::Workspace;

/// A place in a workspace file.
pub type Place = (PathBuf, Span);

/// Whether `offset` is inside `span` or right at its end (a cursor after a name).
pub fn contains(span: &Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// The identifier at (or right before) `offset` in `text`.
pub fn word_at(text: &str, offset: usize) -> Option<(Span, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let offset = offset.min(text.len());
    let offset = (0..=offset).rev().find(|&i| text.is_char_boundary(i))?;
    let (before, after) = (text.get(..offset)?, text.get(offset..)?);
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = offset
        + after
            .char_indices()
            .find(|&(_, c)| !is_word(c))
            .map_or(after.len(), |(i, _)| i);
    let word = text.get(start..end)?;
    let starts_ok = word.chars().next().is_some_and(|c| !c.is_ascii_digit());
    (starts_ok && !word.is_empty()).then_some((start..end, word))
}

/// Where the thing at `offset` is declared.
pub fn definition(model: &Model, path: &Path, text: &str, offset: usize) -> Vec<Place> {
    if let Some(place) = relation_jump(model, path, offset) {
        return vec![place];
    }
    let Some((_, word)) = word_at(text, offset) else {
        return Vec::new();
    };
    // The class the file's own declarations or imports name, else every class so named.
    if let Some(r) = model
        .file_index(path)
        .and_then(|file| model.class_from(file, word))
    {
        if let Some(class) = model.class(r) {
            return vec![(model.path(r.file), class.name_span.range())];
        }
    }
    let classes: Vec<Place> = model
        .classes
        .named(word)
        .iter()
        .filter_map(|r| Some((model.path(r.file), model.class(*r)?.name_span.range())))
        .collect();
    if !classes.is_empty() {
        return classes;
    }
    model
        .entity(word)
        .map(|e| vec![(model.path(e.file), e.name_span.clone())])
        .unwrap_or_default()
}

/// From a relation's target (`() => User`) to the entity, or from its inverse side
/// (`(u) => u.posts`) to the inverse property.
fn relation_jump(model: &Model, path: &Path, offset: usize) -> Option<Place> {
    let file = model.file_index(path)?;
    let relations = model
        .entities
        .iter()
        .flat_map(|e| &e.relations)
        .filter(|r| r.origin.file == file);
    for r in relations {
        let target = model.relation_target(r);
        if r.target_span.as_ref().is_some_and(|s| contains(s, offset)) {
            let t = target?;
            return Some((model.path(t.file), t.name_span.clone()));
        }
        if r.inverse_span.as_ref().is_some_and(|s| contains(s, offset)) {
            let t = target?;
            let inverse = t.relation(r.inverse.as_deref()?)?;
            return Some((model.path(inverse.origin.file), inverse.name_span.clone()));
        }
    }
    None
}

/// The entity named at `offset` of `path` (its class name, or a reference to it),
/// resolved through that file's declarations and imports.
pub fn entity_at<'a>(
    model: &'a Model,
    path: &Path,
    text: &str,
    offset: usize,
) -> Option<&'a Entity> {
    let (_, word) = word_at(text, offset)?;
    match model.file_index(path) {
        Some(file) => model.entity_from(file, word),
        None => model.entity(word),
    }
}

/// The entity's declaration (if asked), the relations that target it and the queries
/// that read or write it.
pub fn references(
    ws: &Workspace,
    path: &Path,
    text: &str,
    offset: usize,
    with_declaration: bool,
) -> Vec<Place> {
    let model = &ws.model;
    let Some(entity) = entity_at(model, path, text, offset) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if with_declaration {
        out.push((model.path(entity.file), entity.name_span.clone()));
    }
    for other in &model.entities {
        for r in &other.relations {
            if model.relation_targets(r, entity) {
                let span = r.target_span.clone().unwrap_or_else(|| r.name_span.clone());
                out.push((model.path(r.origin.file), span));
            }
        }
    }
    out.extend(query_sites(ws, entity));
    out.sort_by(|a, b| (&a.0, a.1.start, a.1.end).cmp(&(&b.0, b.1.start, b.1.end)));
    out.dedup();
    out
}

/// Repository calls and QueryBuilder chains whose entity is `entity`.
fn query_sites(ws: &Workspace, entity: &Entity) -> Vec<Place> {
    let ctx = ws.ctx();
    let mut out = Vec::new();
    for (i, file) in ws.model.files.iter().enumerate() {
        if super::session::cancel_requested() {
            break;
        }
        let path = ws.model.path(i);
        for call in &file.facts.query_calls {
            if ctx
                .call_entity(i, call)
                .is_some_and(|e| std::ptr::eq(e, entity))
            {
                out.push((path.clone(), call.span.range()));
            }
        }
        for chain in &file.facts.query_builders {
            if ctx
                .chain_entity(i, chain)
                .is_some_and(|e| std::ptr::eq(e, entity))
            {
                out.push((path.clone(), chain.create_span.range()));
            }
        }
    }
    out
}

/// What a symbol is, independent of LSP types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Entity,
    Class,
    Column,
    Relation,
    Property,
    Method,
}

/// A symbol of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    pub detail: Option<String>,
    pub span: Span,
    pub name_span: Span,
    pub children: Vec<Symbol>,
}

/// The classes of a file with their members; entities say their table.
pub fn document_symbols(model: &Model, path: &Path) -> Vec<Symbol> {
    let Some(file) = model.file_index(path) else {
        return Vec::new();
    };
    let Some(source) = model.file(file) else {
        return Vec::new();
    };
    source
        .facts
        .classes
        .iter()
        .enumerate()
        .map(|(ci, class)| class_symbol(model.entity_of_class(file, ci), class))
        .collect()
}

fn class_symbol(entity: Option<&Entity>, class: &ClassFact) -> Symbol {
    let mut children: Vec<Symbol> = class
        .properties
        .iter()
        .map(|p| {
            let kind = match entity {
                Some(e) if e.relation(&p.name).is_some() => SymbolKind::Relation,
                Some(e) if e.column(&p.name).is_some() => SymbolKind::Column,
                _ => SymbolKind::Property,
            };
            let detail = entity
                .and_then(|e| e.column(&p.name))
                .map(|c| c.db_name.clone())
                .or_else(|| p.type_ann.as_ref().map(|t| t.text.to_string()));
            Symbol {
                name: p.name.to_string(),
                kind,
                detail,
                span: p.span.range(),
                name_span: p.name_span.range(),
                children: Vec::new(),
            }
        })
        .collect();
    children.extend(class.methods.iter().map(|m| Symbol {
        name: m.name.to_string(),
        kind: SymbolKind::Method,
        detail: None,
        span: m.span.range(),
        name_span: m.name_span.range(),
        children: Vec::new(),
    }));
    children.sort_by_key(|s| s.span.start);
    Symbol {
        name: class.name.to_string(),
        kind: if entity.is_some() {
            SymbolKind::Entity
        } else {
            SymbolKind::Class
        },
        detail: entity.map(|e| format!("table {}", e.table)),
        span: class.span.range(),
        name_span: class.name_span.range(),
        children,
    }
}

/// Entities whose class or table name contains `query` (case-insensitive), as
/// (class name, table, place), sorted by name.
pub fn workspace_symbols(model: &Model, query: &str) -> Vec<(String, String, Place)> {
    let q = query.to_lowercase();
    let mut out: Vec<(String, String, Place)> = model
        .entities
        .iter()
        .filter(|e| e.name.to_lowercase().contains(&q) || e.table.to_lowercase().contains(&q))
        .map(|e| {
            (
                e.name.clone(),
                e.table.clone(),
                (model.path(e.file), e.name_span.clone()),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const BASE: &str = "export abstract class ManagedEntity {}\n";
    const USER: &str = "import { ManagedEntity } from './base';\n@Entity('users')\nexport class User extends ManagedEntity {\n  @Column() email: string;\n  @OneToMany(() => Post, (p) => p.author) posts: Post[];\n}\n";
    const POST: &str = "@Entity()\nexport class Post extends ManagedEntity {\n  @ManyToOne(() => User, (u) => u.posts) author: User;\n}\n";
    const SVC: &str = "export class S {\n  constructor(@InjectRepository(User) private repo: Repository<User>) {}\n  f() { return this.repo.find({ where: { email: 'x' } }); }\n}\n";

    fn ws() -> Workspace {
        Workspace::from_sources(
            Path::new("/w"),
            Config::default(),
            vec![
                (PathBuf::from("/w/base.ts"), BASE.into()),
                (PathBuf::from("/w/user.ts"), USER.into()),
                (PathBuf::from("/w/post.ts"), POST.into()),
                (PathBuf::from("/w/svc.ts"), SVC.into()),
            ],
        )
    }

    #[test]
    fn words() {
        assert_eq!(word_at("a fooBar;", 4).map(|w| w.1), Some("fooBar"));
        assert_eq!(word_at("a fooBar;", 8).map(|w| w.1), Some("fooBar"));
        assert_eq!(word_at("a 😀 b", 3), None);
        assert_eq!(word_at("x", 99).map(|w| w.1), Some("x"));
        assert_eq!(word_at("", 0), None);
    }

    #[test]
    fn definitions() {
        let ws = ws();
        let post = Path::new("/w/post.ts");
        let at = POST.find("=> User").unwrap() + 3;
        assert_eq!(
            definition(&ws.model, post, POST, at),
            vec![(
                PathBuf::from("/w/user.ts"),
                USER.find("User extends").map(|s| s..s + 4).unwrap()
            )]
        );
        let at = POST.find("u.posts").unwrap() + 3;
        let posts = USER.find("posts:").unwrap();
        assert_eq!(
            definition(&ws.model, post, POST, at),
            vec![(PathBuf::from("/w/user.ts"), posts..posts + 5)]
        );
        let at = POST.find("ManagedEntity").unwrap();
        let base = BASE.find("ManagedEntity").unwrap();
        assert_eq!(
            definition(&ws.model, post, POST, at),
            vec![(PathBuf::from("/w/base.ts"), base..base + 13)]
        );
    }

    #[test]
    fn references_symbols_and_workspace_symbols() {
        let ws = ws();
        let at = USER.find("User extends").unwrap();
        let refs = references(&ws, Path::new("/w/user.ts"), USER, at, true);
        let files: Vec<_> = refs
            .iter()
            .map(|r| r.0.to_string_lossy().into_owned())
            .collect();
        assert!(files.contains(&"/w/post.ts".to_string()), "{refs:?}");
        assert!(files.contains(&"/w/svc.ts".to_string()), "{refs:?}");
        assert!(files.contains(&"/w/user.ts".to_string()), "{refs:?}");
        let syms = document_symbols(&ws.model, Path::new("/w/user.ts"));
        assert_eq!(syms.len(), 1);
        assert_eq!(syms[0].kind, SymbolKind::Entity);
        assert_eq!(syms[0].detail.as_deref(), Some("table users"));
        let kinds: Vec<_> = syms[0].children.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [SymbolKind::Column, SymbolKind::Relation]);
        let found = workspace_symbols(&ws.model, "USERS");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "User");
        assert_eq!(workspace_symbols(&ws.model, "po")[0].0, "Post");
    }

    /// Two `Order` entities: references from a bare word in a service (and from each
    /// declaration) list the sites of the class that file imports, not of the first `Order`.
    #[test]
    fn references_follow_the_files_import_between_same_named_entities() {
        let order = |table: &str| {
            format!("@Entity('{table}')\nexport class Order {{\n  @Column() status: string;\n}}\n")
        };
        let svc = |folder: &str| {
            format!(
                "import {{ Order }} from '../{folder}/order';\nexport class S {{\n  constructor(@InjectRepository(Order) private repo: Repository<Order>) {{}}\n  f() {{ return this.repo.find(); }}\n}}\n"
            )
        };
        let (a_svc, b_svc) = (svc("a"), svc("b"));
        let ws = Workspace::from_sources(
            Path::new("/w"),
            Config::default(),
            vec![
                (PathBuf::from("/w/a/order.ts"), order("a_orders")),
                (PathBuf::from("/w/b/order.ts"), order("b_orders")),
                (PathBuf::from("/w/sa/svc.ts"), a_svc.clone()),
                (PathBuf::from("/w/sb/svc.ts"), b_svc.clone()),
            ],
        );
        let files = |path: &str, text: &str| {
            let at = text.find("Order)").unwrap_or(0);
            let mut files: Vec<String> = references(&ws, Path::new(path), text, at, true)
                .iter()
                .map(|r| r.0.to_string_lossy().into_owned())
                .collect();
            files.dedup();
            files
        };
        assert_eq!(
            files("/w/sb/svc.ts", &b_svc),
            ["/w/b/order.ts", "/w/sb/svc.ts"]
        );
        assert_eq!(
            files("/w/sa/svc.ts", &a_svc),
            ["/w/a/order.ts", "/w/sa/svc.ts"]
        );
    }
}
