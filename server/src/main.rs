//! `typeorm-lsp`: with no command (or `lsp`) a language server on stdio; `check` for CI.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use typeorm_lsp::cli::{self, check::CheckOptions, output::OutputFormat};

#[derive(Parser)]
#[command(
    name = "typeorm-lsp",
    version,
    about = "TypeORM schema and query checks, in your editor and in CI"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check a workspace (or files); exit 1 when there are error-severity findings.
    Check {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text, alias = "output-format")]
        format: OutputFormat,
        /// Apply safe fixes.
        #[arg(long)]
        fix: bool,
        /// With --fix: also write the migrations that index fixes create.
        #[arg(long, requires = "fix")]
        with_migrations: bool,
        /// Keep per-file facts in `.typeorm-lsp-cache/` under the workspace root, so the
        /// next run parses only changed files.
        #[arg(long)]
        cache: bool,
    },
    /// Print a rule's documentation.
    Rule {
        /// The rule code, e.g. IDX001.
        code: Option<String>,
        /// Print every rule.
        #[arg(long)]
        all: bool,
    },
    /// Print the workspace's entities as a Mermaid ER diagram.
    Erd {
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// Print the tables TypeORM would create for the workspace (JSON or PostgreSQL DDL).
    Schema {
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = cli::schema::SchemaFormat::Json)]
        format: cli::schema::SchemaFormat,
    },
    /// Run the language server on stdio (the default).
    Lsp,
}

fn main() {
    let args = Args::parse();
    let code = match args.command {
        Some(Command::Check {
            paths,
            format,
            fix,
            with_migrations,
            cache,
        }) => cli::check::run(&CheckOptions {
            paths,
            format,
            fix,
            with_migrations,
            cache,
        }),
        Some(Command::Rule { code, all }) => cli::rule_command(code.as_deref(), all),
        Some(Command::Erd { path }) => cli::erd_command(&path),
        Some(Command::Schema { path, format }) => cli::schema::run(&path, format),
        Some(Command::Lsp) | None => typeorm_lsp::lsp::run_stdio(),
    };
    std::process::exit(code);
}
