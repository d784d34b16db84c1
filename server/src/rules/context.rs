//! What a rule sees: the model, the settings, module resolution, and answers to the
//! questions several rules ask (which entity does this query touch?).

use crate::config::Config;
use crate::model::{Entity, Model, SourceFile};
use crate::resolve::Resolver;
use crate::syntax::{QueryBuilderChain, QueryCall, Receiver};
use std::path::{Path, PathBuf};

pub struct Ctx<'a> {
    pub model: &'a Model,
    pub config: &'a Config,
    pub resolver: &'a Resolver,
    pub root: &'a Path,
}

impl<'a> Ctx<'a> {
    pub fn file(&self, file: usize) -> Option<&'a SourceFile> {
        self.model.file(file)
    }

    pub fn path(&self, file: usize) -> PathBuf {
        self.model.path(file)
    }

    /// The entity a class name denotes, if it is one.
    pub fn entity(&self, name: &str) -> Option<&'a Entity> {
        self.model.entity(name)
    }

    /// The entity behind a receiver: a repository's entity, or a custom repository class
    /// (`class OrderRepository extends Repository<Order>`) found anywhere in the workspace.
    pub fn receiver_entity(&self, receiver: &Receiver) -> Option<&'a Entity> {
        match receiver {
            Receiver::Repository { entity } => self
                .entity(entity)
                .or_else(|| self.custom_repository_entity(entity)),
            Receiver::Unknown(type_name) => self.custom_repository_entity(type_name),
            _ => None,
        }
    }

    /// `class XRepository extends Repository<X>` (or `TreeRepository<X>`) -> X.
    pub fn custom_repository_entity(&self, class_name: &str) -> Option<&'a Entity> {
        let class = self
            .model
            .classes
            .named(class_name)
            .iter()
            .find_map(|r| self.model.class(*r))?;
        let extends = class.extends.as_ref()?;
        if !extends.name.ends_with("Repository") {
            return None;
        }
        let arg = extends.type_args.first()?;
        match &arg.kind {
            crate::syntax::TypeKind::Named { name, .. } => self.entity(name),
            _ => None,
        }
    }

    /// The entity a query call reads or writes, if known.
    pub fn call_entity(&self, call: &QueryCall) -> Option<&'a Entity> {
        if let Some(e) = call.entity.as_ref().and_then(|e| self.entity(&e.value)) {
            return Some(e);
        }
        self.receiver_entity(&call.receiver)
    }

    /// The entity a QueryBuilder chain is about, if known.
    pub fn chain_entity(&self, chain: &QueryBuilderChain) -> Option<&'a Entity> {
        if let Some(e) = chain.entity.as_ref().and_then(|e| self.entity(&e.value)) {
            return Some(e);
        }
        self.receiver_entity(&chain.receiver)
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
