//! `typeorm-lsp`: with no command (or `lsp`) a language server on stdio; `check` for CI.

use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use typeorm_lsp::cli::{self, check::CheckOptions, color::ColorChoice, output::OutputFormat};

/// Parsing and fact extraction allocate many small nodes from several threads, where
/// glibc's malloc showed up at about 15% of a cold check's profile. mimalloc, with shrinking
/// blocks moved to their size class ([`typeorm_lsp::alloc::ExactShrink`]).
#[global_allocator]
static ALLOCATOR: typeorm_lsp::alloc::ExactShrink = typeorm_lsp::alloc::ExactShrink;

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
    Check(CheckArgs),
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

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders (default: the current folder).
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text, alias = "output-format")]
    format: OutputFormat,
    /// Apply safe fixes, then report what is left (with a summary on stderr).
    #[arg(long, conflicts_with = "diff")]
    fix: bool,
    /// Print what --fix would change as a unified diff and write nothing; exit 1 when
    /// something would change.
    #[arg(long)]
    diff: bool,
    /// With --fix (or --diff): also write (show) the migrations that index fixes create.
    #[arg(long)]
    with_migrations: bool,
    /// Only these rules: codes or prefixes, comma-separated (`IDX,SD001`; `ALL`).
    #[arg(long, value_name = "CODES")]
    select: Vec<String>,
    /// Not these rules: codes or prefixes, comma-separated.
    #[arg(long, value_name = "CODES")]
    ignore: Vec<String>,
    /// Use this configuration file instead of the workspace's `typeorm-lsp.json`.
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Report errors only, without the summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Exit 0 even when there are error findings (usage errors still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Colour the text output: auto (when stdout is a terminal and NO_COLOR is unset),
    /// always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// Keep per-file facts in `.typeorm-lsp-cache/` under the workspace root, so the
    /// next run parses only changed files.
    #[arg(long)]
    cache: bool,
}

impl CheckArgs {
    fn options(self) -> Result<CheckOptions, String> {
        if self.with_migrations && !(self.fix || self.diff) {
            return Err("--with-migrations needs --fix or --diff".to_string());
        }
        Ok(CheckOptions {
            paths: self.paths,
            format: self.format,
            fix: self.fix,
            with_migrations: self.with_migrations,
            cache: self.cache,
            select: self.select,
            ignore: self.ignore,
            config: self.config,
            quiet: self.quiet,
            statistics: self.statistics,
            exit_zero: self.exit_zero,
            diff: self.diff,
            color: self.color,
        })
    }
}

/// Shown when someone runs the bare command in a terminal, where it would otherwise wait
/// silently for an editor's messages.
const LSP_HINT: &str = "typeorm-lsp: serving the Language Server Protocol on stdio for an editor; to check a project run `typeorm-lsp check` (`typeorm-lsp --help` lists the commands; Ctrl-C quits).";

fn main() {
    let args = Args::parse();
    typeorm_lsp::alloc::configure(match args.command {
        None | Some(Command::Lsp) => typeorm_lsp::alloc::Purge::AfterMs(1000),
        Some(_) => typeorm_lsp::alloc::Purge::Never,
    });
    let code = match args.command {
        Some(Command::Check(check)) => match check.options() {
            Ok(options) => cli::check::run(&options),
            Err(message) => {
                eprintln!("error: {message}");
                cli::EXIT_USAGE
            }
        },
        Some(Command::Rule { code, all }) => cli::rule_command(code.as_deref(), all),
        Some(Command::Erd { path }) => cli::erd_command(&path),
        Some(Command::Schema { path, format }) => cli::schema::run(&path, format),
        Some(Command::Lsp) => typeorm_lsp::lsp::run_stdio(),
        None => {
            if std::io::stdin().is_terminal() {
                eprintln!("{LSP_HINT}");
            }
            typeorm_lsp::lsp::run_stdio()
        }
    };
    std::process::exit(code);
}
