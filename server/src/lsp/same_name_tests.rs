//! Two entity classes named `User` in different folders: hover and go-to-definition
//! follow the file's own import, as TypeScript does, never the first class of the name.

use super::hover::hover;
use super::navigation::definition;
use crate::config::Config;
use crate::workspace::Workspace;
use std::path::{Path, PathBuf};

const A_USER: &str = "import { Entity, PrimaryGeneratedColumn, OneToMany } from 'typeorm';
import { Post } from './post';
@Entity('a_users')
export class User {
  @PrimaryGeneratedColumn() id: number;
  @OneToMany(() => Post, (p) => p.author) posts: Post[];
}
";
const A_POST: &str = "import { Entity, PrimaryGeneratedColumn, ManyToOne } from 'typeorm';
import { User } from './user';
@Entity('a_posts')
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => User, (u) => u.posts) author: User;
}
";
const B_USER: &str = "import { Entity, PrimaryGeneratedColumn, OneToMany } from 'typeorm';
import { Post as Article } from './article';
@Entity('b_users')
export class User {
  @PrimaryGeneratedColumn() id: number;
  @OneToMany(() => Article, (p) => p.writer) posts: Article[];
}
";
const B_ARTICLE: &str = "import { Entity, PrimaryGeneratedColumn, ManyToOne } from 'typeorm';
import { User as Writer } from './user';
@Entity('b_articles')
export class Post {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => Writer, (u) => u.posts) writer: Writer;
}
";

fn ws() -> Workspace {
    Workspace::from_sources(
        Path::new("/w"),
        Config::default(),
        vec![
            (PathBuf::from("/w/a/user.ts"), A_USER.into()),
            (PathBuf::from("/w/a/post.ts"), A_POST.into()),
            (PathBuf::from("/w/b/user.ts"), B_USER.into()),
            (PathBuf::from("/w/b/article.ts"), B_ARTICLE.into()),
        ],
    )
}

fn at(text: &str, needle: &str, plus: usize) -> usize {
    text.find(needle).map(|i| i + plus).unwrap_or(0)
}

#[test]
fn hover_resolves_through_the_files_imports() {
    let ws = ws();
    let article = Path::new("/w/b/article.ts");
    let (md, _) = hover(&ws.model, article, B_ARTICLE, at(B_ARTICLE, "writer:", 0))
        .expect("hover on the relation");
    assert!(md.contains("- target table: `b_users`"), "{md}");
    let (md, _) = hover(&ws.model, article, B_ARTICLE, at(B_ARTICLE, "=> Writer", 4))
        .expect("hover on the target");
    assert!(md.starts_with("**User**: entity, table `b_users`"), "{md}");
    assert!(md.contains("`Post.writer` (ManyToOne)"), "{md}");
    assert!(!md.contains("`Post.author`"), "{md}");
    let a_user = Path::new("/w/a/user.ts");
    let (md, _) =
        hover(&ws.model, a_user, A_USER, at(A_USER, "class User", 7)).expect("hover on the class");
    assert!(md.contains("`Post.author` (ManyToOne)"), "{md}");
    assert!(!md.contains("`Post.writer`"), "{md}");
}

#[test]
fn definition_resolves_through_the_files_imports() {
    let ws = ws();
    let article = Path::new("/w/b/article.ts");
    let b_user = PathBuf::from("/w/b/user.ts");
    let class = at(B_USER, "User {", 0)..at(B_USER, "User {", 4);
    assert_eq!(
        definition(&ws.model, article, B_ARTICLE, at(B_ARTICLE, "=> Writer", 4)),
        vec![(b_user.clone(), class.clone())]
    );
    let posts = at(B_USER, "posts:", 0)..at(B_USER, "posts:", 5);
    assert_eq!(
        definition(&ws.model, article, B_ARTICLE, at(B_ARTICLE, "u.posts", 3)),
        vec![(b_user.clone(), posts)]
    );
    // The word `Writer` in a type: the class its import renames, in b/.
    assert_eq!(
        definition(
            &ws.model,
            article,
            B_ARTICLE,
            at(B_ARTICLE, "writer: Writer", 9)
        ),
        vec![(b_user, class)]
    );
}
