//! What a rule sees: the model, the settings, module resolution, and answers to the
//! questions several rules ask (which entity does this query touch?).

use crate::config::Config;
use crate::finding::{Applicability, FileChange, Fix, TextEdit};
use crate::model::{Entity, Model, SourceFile};
use crate::resolve::Resolver;
use crate::syntax::{QueryBuilderChain, QueryCall, Receiver};
use std::path::{Path, PathBuf};

pub struct Ctx<'a> {
    pub model: &'a Model,
    pub config: &'a Config,
    pub resolver: &'a Resolver,
    pub root: &'a Path,
    /// Whether rules build their fixes' edits. Off for diagnostics: a finding then carries
    /// its fixes' titles and applicability only ([`Fix::deferred`]), and
    /// [`super::build_fixes`] re-runs the rule on that file with fixes on when they are
    /// asked for.
    pub fixes: bool,
}

impl<'a> Ctx<'a> {
    /// The same context with fixes built.
    pub fn with_fixes(&self) -> Ctx<'a> {
        Ctx {
            fixes: true,
            ..*self
        }
    }

    /// A fix titled `title`. With fixes wanted, `build` makes its changes now (None: no
    /// fix after all); otherwise `build` is not called and the fix is deferred.
    pub fn fix(
        &self,
        title: impl Into<String>,
        applicability: Applicability,
        build: impl FnOnce() -> Option<Vec<FileChange>>,
    ) -> Option<Fix> {
        if !self.fixes {
            return Some(Fix::deferred(title, applicability));
        }
        let changes = build()?;
        Some(Fix {
            applicability,
            ..Fix::safe(title, changes)
        })
    }

    /// A fix an existing builder makes: built by `build` now when fixes are wanted,
    /// else deferred with the `title` and `applicability` the builder would give.
    pub fn defer(
        &self,
        title: impl Into<String>,
        applicability: Applicability,
        build: impl FnOnce() -> Option<Fix>,
    ) -> Option<Fix> {
        if self.fixes {
            build()
        } else {
            Some(Fix::deferred(title, applicability))
        }
    }

    /// A safe fix (see [`Ctx::fix`]).
    pub fn fix_safe(
        &self,
        title: impl Into<String>,
        build: impl FnOnce() -> Option<Vec<FileChange>>,
    ) -> Option<Fix> {
        self.fix(title, Applicability::Safe, build)
    }

    /// A safe fix that edits one file (see [`Ctx::fix`]).
    pub fn edit_fix(
        &self,
        title: impl Into<String>,
        path: impl FnOnce() -> PathBuf,
        build: impl FnOnce() -> Option<Vec<TextEdit>>,
    ) -> Option<Fix> {
        self.fix_safe(title, || {
            Some(vec![FileChange::Edit {
                path: path(),
                edits: build()?,
            }])
        })
    }

    pub fn file(&self, file: usize) -> Option<&'a SourceFile> {
        self.model.file(file)
    }

    pub fn path(&self, file: usize) -> PathBuf {
        self.model.path(file)
    }

    /// The workspace file that `specifier`, imported by `file`, names: from the model's
    /// import index (resolved once with the model), resolving only a specifier the file
    /// does not import.
    pub fn import_target(&self, file: usize, specifier: &str) -> Option<usize> {
        let source = self.file(file)?;
        match source
            .facts
            .imports
            .iter()
            .position(|i| i.specifier == specifier)
        {
            Some(i) => self.model.links.target(file, i),
            None => {
                let exists = |p: &Path| self.model.by_path.contains_key(p);
                let target = self.resolver.resolve(&source.path, specifier, &exists)?;
                self.model.file_index(&target)
            }
        }
    }

    /// The entity a class name denotes, if it is one (the first of that name; prefer
    /// [`Ctx::entity_in`] where the file that writes the name is known).
    pub fn entity(&self, name: &str) -> Option<&'a Entity> {
        self.model.entity(name)
    }

    /// The entity `name` denotes where `file` writes it: through the file's own
    /// declarations and imports (a lookup in the model's import index), as TypeScript
    /// resolves it, so two same-named entities in different folders stay apart.
    pub fn entity_in(&self, file: usize, name: &str) -> Option<&'a Entity> {
        self.model.entity_from(file, name)
    }

    /// The entity behind a receiver written in `file`: a repository's entity, or a custom
    /// repository class (`class OrderRepository extends Repository<Order>`).
    pub fn receiver_entity(&self, file: usize, receiver: &Receiver) -> Option<&'a Entity> {
        match receiver {
            Receiver::Repository { entity } => self
                .entity_in(file, entity)
                .or_else(|| self.custom_repository_entity(file, entity)),
            Receiver::Unknown(type_name) => self.custom_repository_entity(file, type_name),
            _ => None,
        }
    }

    /// `class XRepository extends Repository<X>` (or `TreeRepository<X>`) -> X: the class
    /// `class_name` denotes in `file` (else the first of that name), and X as its own file
    /// resolves it.
    pub fn custom_repository_entity(&self, file: usize, class_name: &str) -> Option<&'a Entity> {
        let r = self
            .model
            .class_from(file, class_name)
            .or_else(|| self.model.classes.named(class_name).first().copied())?;
        let extends = self.model.class(r)?.extends.as_ref()?;
        if !extends.name.ends_with("Repository") {
            return None;
        }
        let arg = extends.type_args.first()?;
        match &arg.kind {
            crate::syntax::TypeKind::Named { name, .. } => self.entity_in(r.file, name),
            _ => None,
        }
    }

    /// The entity a query call in `file` reads or writes, if known.
    pub fn call_entity(&self, file: usize, call: &QueryCall) -> Option<&'a Entity> {
        if let Some(e) = call
            .entity
            .as_ref()
            .and_then(|e| self.entity_in(file, &e.value))
        {
            return Some(e);
        }
        self.receiver_entity(file, &call.receiver)
    }

    /// The entity a QueryBuilder chain in `file` is about, if known.
    pub fn chain_entity(&self, file: usize, chain: &QueryBuilderChain) -> Option<&'a Entity> {
        if let Some(e) = chain
            .entity
            .as_ref()
            .and_then(|e| self.entity_in(file, &e.value))
        {
            return Some(e);
        }
        self.receiver_entity(file, &chain.receiver)
    }

    /// Tests, migrations and seeders touch every row and scan tables on purpose (fixtures,
    /// cleanup, backfills): rules about query safety and cost skip them. A file counts when
    /// it lies under a test, migration or seed folder, is named `*.spec.ts` / `*.test.ts` /
    /// `*.seed.ts` / `*.seeder.ts`, or declares a migration class.
    pub fn is_test_or_migration(&self, file: usize) -> bool {
        let path = self.path(file);
        let s = path.to_string_lossy().replace('\\', "/");
        const FOLDERS: &[&str] = &[
            "/test/",
            "/tests/",
            "/__tests__/",
            "/migrations/",
            "/migration/",
            "/seeds/",
            "/seeders/",
            "/seed/",
            "/seeding/",
        ];
        const SUFFIXES: &[&str] = &[
            ".spec.ts",
            ".test.ts",
            ".e2e-spec.ts",
            ".seed.ts",
            ".seeder.ts",
        ];
        FOLDERS.iter().any(|d| s.contains(d))
            || SUFFIXES.iter().any(|x| s.ends_with(x))
            || self.file(file).is_some_and(|f| f.facts.has_migration())
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::workspace;

    #[test]
    fn diagnostics_defer_fixes_and_build_fixes_fills_them() {
        let entity = "import { Entity, Column } from 'typeorm';
import { ManagedEntity } from 'src/common/managed-entity';

@Entity()
export class Pet extends ManagedEntity {
  @Column({ type: 'timestamp' })
  born: string;
}
";
        let ws = workspace(&[("src/pets/Pet.entity.ts", entity)]);
        let mut found = ws.check_all();
        let codes: Vec<&str> = found.iter().map(|f| f.code).collect();
        assert!(
            codes.contains(&"NAM001") && codes.contains(&"TYP001"),
            "{codes:?}"
        );
        for f in &found {
            assert!(f.fixes.iter().all(|x| x.deferred && x.changes.is_empty()));
            assert!(!f.fixes.is_empty(), "{} has a fix title", f.code);
        }
        ws.build_fixes(&mut found);
        for f in &found {
            assert!(!f.has_deferred_fix());
            assert!(f.fixes.iter().all(|x| !x.changes.is_empty()), "{}", f.code);
        }
    }

    #[test]
    fn seeders_tests_and_migrations_are_recognised() {
        let migration = "import { MigrationInterface, QueryRunner } from 'typeorm';
export class AddUsers1700000000000 implements MigrationInterface {
  async up(q: QueryRunner) {}
  async down(q: QueryRunner) {}
}
";
        let files = [
            ("src/database/seeds/users.ts", ""),
            ("src/users/users.seeder.ts", ""),
            ("src/users/seedling.service.ts", ""),
            ("src/users/users.service.spec.ts", ""),
            ("src/db/1700000000000-add-users.ts", migration),
        ];
        let ws = workspace(&files);
        let ctx = ws.ctx();
        let skipped = |rel: &str| {
            let path = std::path::Path::new(crate::rules::testing::ROOT).join(rel);
            ws.model
                .file_index(&path)
                .is_some_and(|i| ctx.is_test_or_migration(i))
        };
        assert!(skipped("src/database/seeds/users.ts"));
        assert!(skipped("src/users/users.seeder.ts"));
        assert!(!skipped("src/users/seedling.service.ts"));
        assert!(skipped("src/users/users.service.spec.ts"));
        assert!(
            skipped("src/db/1700000000000-add-users.ts"),
            "a migration class outside a migrations folder"
        );
    }
}
