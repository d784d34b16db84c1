//! Settings: `typeorm-lsp.json` and LSP settings.
//!
//! The file at the workspace root is JSONC (comments and trailing commas allowed). LSP
//! settings (the `typeormLsp` section, or `initializationOptions`) are layered over it key
//! by key. Both go through the same lenient layering: a bad key is reported with its
//! position and skipped, and every valid key still applies, so one typo never turns the
//! whole configuration back to defaults.

use crate::finding::Severity;
use crate::model::subsquid::TypedColumn;
use jsonc_parser::ast::{Object as AstObject, Value as AstValue};
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The name of the configuration file at the workspace root.
pub const CONFIG_FILE_NAME: &str = "typeorm-lsp.json";

/// Keys that editor clients put into the `typeormLsp` settings section for themselves
/// (VS Code's `trace.server`, the server binary path); `merged_with` ignores them instead
/// of reporting them as unknown.
pub const CLIENT_ONLY_KEYS: &[&str] = &["trace", "server"];

/// Settings of typeorm-lsp, read from `typeorm-lsp.json` at the workspace root and from
/// the editor's `typeormLsp` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[schemars(title = "typeorm-lsp configuration")]
pub struct Config {
    /// The JSON schema of this file (ignored by typeorm-lsp; lets editors validate it).
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,

    /// The abstract class every entity must extend, directly or through other classes.
    pub base_class: String,

    /// The property names of the four columns the managed base class provides.
    pub base_columns: BaseColumns,

    /// The module specifier prefix of absolute imports inside the project: a file
    /// `<sourceRoot>/a/b.ts` is imported as `<importPrefix>a/b`.
    pub import_prefix: String,

    /// The folder, relative to the workspace root, whose files are imported with
    /// `importPrefix`. Relative imports of files under it are reported (IMP001).
    pub source_root: String,

    /// How table and column names are derived from class and property names when no
    /// explicit name is given (TypeORM's default strategy, or snake_case).
    pub naming_strategy: NamingStrategy,

    /// Per-rule severity override by rule code (e.g. `"IDX004": "off"`).
    #[schemars(extend("propertyNames" = { "pattern": "^[A-Z]{2,4}[0-9]{3}$" }))]
    pub rules: BTreeMap<String, RuleLevel>,

    /// Globs relative to the workspace root; when non-empty, only files matching one of
    /// them (or lying in a folder matching one) are checked.
    pub include: Vec<String>,

    /// Globs relative to the workspace root; files matching one of them (or lying in a
    /// folder matching one) are not checked.
    pub exclude: Vec<String>,

    /// Wrapper decorators and the TypeORM decorator each stands for
    /// (e.g. `"MultiORMEntity": "Entity"`).
    pub decorator_aliases: BTreeMap<String, String>,

    /// Folder, relative to the workspace root, where index fixes create migrations.
    /// Default: the folder of the existing migrations, else `src/migrations`.
    pub migrations_dir: Option<String>,

    /// The file-name style of entity and migration files (NAM001). Unset: kebab-case,
    /// unless 90% or more of the entity files share another style.
    pub file_naming: Option<FileNaming>,

    /// The casing of column and relation property names (NAM002). Unset: camelCase,
    /// unless 90% or more of the multi-word property names use snake_case.
    pub property_naming: Option<PropertyNaming>,

    /// Also flag relations whose TypeScript type lacks `null` while the relation is
    /// nullable by TypeORM's default (a `@ManyToOne` without `nullable: false`).
    pub strict_relation_nullability: bool,

    /// The database type. Reserved: only `postgres` is supported.
    #[schemars(extend("enum" = ["postgres"]))]
    pub database: String,

    /// Where this configuration was read from, so that later validation (unknown rule
    /// codes) can still point at a line of the file.
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Option<Arc<ConfigOrigin>>,

    /// Wrapper decorators found in the workspace's own code (`MultiORMColumn` -> `Column`),
    /// filled in when the workspace loads; `decoratorAliases` wins over them.
    #[serde(skip)]
    #[schemars(skip)]
    pub workspace_aliases: BTreeMap<String, String>,

    /// Column types a workspace wrapper rewrites on PostgreSQL before it returns
    /// `Column(options)` (`DbAwareColumn` -> `datetime` -> `timestamp with time zone`),
    /// filled in with [`Config::workspace_aliases`].
    #[serde(skip)]
    #[schemars(skip)]
    pub workspace_postgres_types: BTreeMap<String, BTreeMap<String, String>>,

    /// Typed column decorators of a package, by the name the workspace imports them under
    /// (subsquid's `StringColumn_` applies `Column('text', options)`), filled in with
    /// [`Config::workspace_aliases`].
    #[serde(skip)]
    #[schemars(skip)]
    pub workspace_typed_columns: BTreeMap<String, TypedColumn>,

    /// Whether `namingStrategy` was written in the file or the settings; otherwise the
    /// workspace's DataSources decide it when it loads.
    #[serde(skip)]
    #[schemars(skip)]
    pub naming_strategy_configured: bool,

    /// Whether `naming_strategy` came from the workspace's DataSources (detected again
    /// when they change).
    #[serde(skip)]
    #[schemars(skip)]
    pub naming_strategy_detected: bool,
}

/// The property names of the managed base class's columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BaseColumns {
    /// The primary key column.
    pub id: String,
    /// The `@CreateDateColumn`.
    pub created: String,
    /// The `@UpdateDateColumn`.
    pub updated: String,
    /// The `@DeleteDateColumn` (soft delete).
    pub deleted: String,
}

/// How TypeORM derives database names from class and property names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NamingStrategy {
    /// TypeORM's `DefaultNamingStrategy`: table = snake_case of the class, column = the
    /// property name as written.
    #[default]
    Default,
    /// `typeorm-naming-strategies`' `SnakeNamingStrategy`: tables and columns snake_case.
    SnakeCase,
}

/// A file-name style (NAM001).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum FileNaming {
    /// `user-profile.entity.ts`
    #[serde(rename = "kebab-case")]
    KebabCase,
    /// `UserProfile.entity.ts`
    #[serde(rename = "PascalCase")]
    PascalCase,
    /// `userProfile.entity.ts`
    #[serde(rename = "camelCase")]
    CamelCase,
    /// `user_profile.entity.ts`
    #[serde(rename = "snake_case")]
    SnakeCase,
}

/// A property-name style (NAM002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PropertyNaming {
    /// `ownerId`
    #[serde(rename = "camelCase")]
    CamelCase,
    /// `owner_id`
    #[serde(rename = "snake_case")]
    SnakeCase,
}

impl PropertyNaming {
    pub fn label(self) -> &'static str {
        match self {
            PropertyNaming::CamelCase => "camelCase",
            PropertyNaming::SnakeCase => "snake_case",
        }
    }
}

/// The severity of a rule, or `off`. `warn` (ESLint's spelling) means `warning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(extend("enum" = ["error", "warning", "warn", "info", "off"]))]
pub enum RuleLevel {
    Error,
    #[serde(alias = "warn")]
    Warning,
    Info,
    Off,
}

impl RuleLevel {
    /// The severity findings get, `None` when the rule is turned off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Error => Some(Severity::Error),
            RuleLevel::Warning => Some(Severity::Warning),
            RuleLevel::Info => Some(Severity::Info),
            RuleLevel::Off => None,
        }
    }
}

/// The file a configuration came from and its text, kept to locate keys in it later.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigOrigin {
    pub path: PathBuf,
    pub text: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            schema: None,
            base_class: "ManagedEntity".to_string(),
            base_columns: BaseColumns::default(),
            import_prefix: "src/".to_string(),
            source_root: "src".to_string(),
            naming_strategy: NamingStrategy::Default,
            rules: BTreeMap::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            decorator_aliases: BTreeMap::new(),
            migrations_dir: None,
            file_naming: None,
            property_naming: None,
            strict_relation_nullability: false,
            database: "postgres".to_string(),
            origin: None,
            workspace_aliases: BTreeMap::new(),
            workspace_postgres_types: BTreeMap::new(),
            workspace_typed_columns: BTreeMap::new(),
            naming_strategy_configured: false,
            naming_strategy_detected: false,
        }
    }
}

impl Default for BaseColumns {
    fn default() -> Self {
        BaseColumns {
            id: "id".to_string(),
            created: "created".to_string(),
            updated: "updated".to_string(),
            deleted: "deleted".to_string(),
        }
    }
}

/// A problem in the configuration, located in the file when it came from one.
///
/// `key` names the setting whose value is wrong (`rules.IDX001`), or, for an unknown key,
/// the object that contains it (`None` at the top level; the message names the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: Option<PathBuf>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl ConfigError {
    /// An error not tied to a file position.
    pub fn new(message: impl Into<String>) -> Self {
        ConfigError {
            file: None,
            line: None,
            column: None,
            key: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// An error found while layering settings, before it is located in a file.
#[derive(Debug)]
struct RawError {
    /// Path of the key to point at in the file.
    path: Vec<String>,
    /// The setting shown before the message (see `ConfigError::key`).
    key: Option<String>,
    message: String,
}

impl Config {
    /// Reads `typeorm-lsp.json` from the workspace root, failing on its first problem
    /// (the CLI's behaviour). A missing file gives the defaults.
    pub fn load(workspace_root: &Path) -> Result<Config, ConfigError> {
        let (config, mut errors) = Self::load_lenient(workspace_root);
        match errors.is_empty() {
            true => Ok(config),
            false => Err(errors.remove(0)),
        }
    }

    /// Reads `typeorm-lsp.json` from the workspace root, skipping bad keys: the returned
    /// config holds every valid setting, the errors (in file order) describe the rest.
    /// The language server uses this so that one typo does not disable the rest.
    pub fn load_lenient(workspace_root: &Path) -> (Config, Vec<ConfigError>) {
        let path = workspace_root.join(CONFIG_FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_json_text_lenient(&text, &path),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => (Config::default(), vec![]),
            Err(err) => {
                let mut error = ConfigError::new(format!("cannot read the file: {err}"));
                error.file = Some(path);
                (Config::default(), vec![error])
            }
        }
    }

    /// Parses a configuration file's text, failing on its first problem.
    pub fn from_json_text(text: &str, file_path: &Path) -> Result<Config, ConfigError> {
        let (config, mut errors) = Self::from_json_text_lenient(text, file_path);
        match errors.is_empty() {
            true => Ok(config),
            false => Err(errors.remove(0)),
        }
    }

    /// Parses a configuration file's text, skipping bad keys (see `load_lenient`).
    pub fn from_json_text_lenient(text: &str, file_path: &Path) -> (Config, Vec<ConfigError>) {
        let origin = Arc::new(ConfigOrigin {
            path: file_path.to_path_buf(),
            text: text.to_string(),
        });
        let defaults = Config {
            origin: Some(origin.clone()),
            ..Config::default()
        };
        let parsed = match parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
        {
            Ok(parsed) => parsed,
            Err(err) => {
                let error = ConfigError {
                    file: Some(file_path.to_path_buf()),
                    line: Some(err.line_display()),
                    column: Some(err.column_display()),
                    key: None,
                    message: err.kind().to_string(),
                };
                return (defaults, vec![error]);
            }
        };
        let Some(ast) = parsed.value else {
            return (defaults, vec![]);
        };
        let Some(root_object) = ast.as_object() else {
            let raw = RawError {
                path: vec![],
                key: None,
                message: "the configuration must be a JSON object".to_string(),
            };
            return (defaults, vec![locate(&origin, Some(&ast), raw)]);
        };
        let Value::Object(layer) = Value::from(ast.clone()) else {
            return (defaults, vec![]);
        };
        let (mut config, raw_errors) = apply_layer(&defaults, &layer, &[]);
        config.naming_strategy_configured = layer.contains_key("namingStrategy");
        let mut errors: Vec<ConfigError> = raw_errors
            .into_iter()
            .map(|raw| locate_in_object(&origin, root_object, raw))
            .collect();
        errors.sort_by_key(|e| (e.line, e.column));
        (config, errors)
    }

    /// Layers LSP settings (the `typeormLsp` section or `initializationOptions`) over this
    /// configuration: objects merge key by key, other values replace. An invalid key is
    /// reported and skipped while the valid rest still applies. `null` means "no settings",
    /// and so does `[]`: Lua clients (neovim) encode an empty table as an empty array.
    pub fn merged_with(&self, overrides: &Value) -> (Config, Vec<ConfigError>) {
        match overrides {
            Value::Null => (self.clone(), vec![]),
            Value::Array(items) if items.is_empty() => (self.clone(), vec![]),
            Value::Object(layer) => {
                let (mut config, raw_errors) = apply_layer(self, layer, CLIENT_ONLY_KEYS);
                config.naming_strategy_configured |= layer.contains_key("namingStrategy");
                let errors = raw_errors.into_iter().map(unlocated).collect();
                (config, errors)
            }
            _ => (
                self.clone(),
                vec![ConfigError::new("the settings must be a JSON object")],
            ),
        }
    }

    /// Reports every code in `rules` that is not one of `known` (the rule registry's
    /// codes), located in the configuration file when the code was written there.
    pub fn validate_rule_codes(&self, known: &[&str]) -> Vec<ConfigError> {
        self.rules
            .keys()
            .filter(|code| !known.contains(&code.as_str()))
            .map(|code| {
                let raw = RawError {
                    path: vec!["rules".to_string(), code.clone()],
                    key: Some("rules".to_string()),
                    message: unknown_key_message("rule", code, known),
                };
                self.locate_if_written(raw)
            })
            .collect()
    }

    /// The configured level of a rule: `None` = not configured (use the rule's default),
    /// `Some(None)` = turned off, `Some(Some(severity))` = the severity to use.
    pub fn severity_override(&self, code: &str) -> Option<Option<Severity>> {
        self.rules.get(code).map(|level| level.severity())
    }

    /// The TypeORM decorator a (possibly wrapper) decorator stands for: the alias target
    /// from `decoratorAliases`, or the name itself.
    pub fn alias_target<'a>(&'a self, decorator: &'a str) -> &'a str {
        self.decorator_aliases
            .get(decorator)
            .or_else(|| self.workspace_aliases.get(decorator))
            .map(String::as_str)
            .or_else(|| self.typed_column(decorator).map(|_| "Column"))
            .unwrap_or(decorator)
    }

    /// The typed column decorator of a package `decorator` names (subsquid's
    /// `StringColumn_`), if it is one and no alias says otherwise.
    pub fn typed_column(&self, decorator: &str) -> Option<TypedColumn> {
        if self.decorator_aliases.contains_key(decorator) {
            return None;
        }
        self.workspace_typed_columns.get(decorator).copied()
    }

    /// The type TypeORM receives when `decorator` is written with `type: written`: what a
    /// workspace wrapper rewrites it to on PostgreSQL, or `written`.
    pub fn wrapped_type<'a>(&'a self, decorator: &str, written: &'a str) -> &'a str {
        self.workspace_postgres_types
            .get(decorator)
            .and_then(|rewrites| rewrites.get(written))
            .map_or(written, String::as_str)
    }

    /// The file this configuration was read from, if any.
    pub fn file_path(&self) -> Option<&Path> {
        self.origin.as_deref().map(|origin| origin.path.as_path())
    }

    /// Locates an error in the origin file when its key path is written there.
    fn locate_if_written(&self, raw: RawError) -> ConfigError {
        let Some(origin) = &self.origin else {
            return unlocated(raw);
        };
        let parsed = parse_to_ast(
            &origin.text,
            &CollectOptions::default(),
            &ParseOptions::default(),
        );
        let offset = parsed
            .ok()
            .and_then(|parsed| parsed.value)
            .and_then(|ast| ast.as_object().and_then(|o| key_offset(o, &raw.path)));
        match offset {
            Some(offset) => located(origin, offset, raw),
            None => unlocated(raw),
        }
    }
}

/// The JSON schema of `typeorm-lsp.json`, pretty-printed (the checked-in
/// `typeorm-lsp.schema.json` and the VS Code extension's `jsonValidation` use it).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Config);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Applies `layer` over `base` key by key (one level deeper for object-valued settings),
/// keeping every change that still deserialises and reporting the others.
fn apply_layer(
    base: &Config,
    layer: &Map<String, Value>,
    ignored: &[&str],
) -> (Config, Vec<RawError>) {
    let Ok(Value::Object(mut current)) = serde_json::to_value(base) else {
        return (base.clone(), vec![]);
    };
    let known = top_level_keys();
    let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut errors = Vec::new();
    for (key, value) in layer {
        if ignored.contains(&key.as_str()) {
            continue;
        }
        if !known.contains(key) {
            errors.push(RawError {
                path: vec![key.clone()],
                key: None,
                message: unknown_key_message("key", key, &known_refs),
            });
            continue;
        }
        apply_key(&mut current, key, value, &mut errors);
    }
    let mut config: Config = serde_json::from_value(Value::Object(current)).unwrap_or_default();
    config.origin = base.origin.clone();
    (config, errors)
}

/// Applies one top-level key: object values over object settings merge entry by entry
/// (a bad rule level skips only that rule), anything else replaces the setting.
fn apply_key(
    current: &mut Map<String, Value>,
    key: &str,
    value: &Value,
    errors: &mut Vec<RawError>,
) {
    let merge_entries = matches!(
        (value, current.get(key)),
        (Value::Object(_), Some(Value::Object(_)))
    );
    if !merge_entries {
        let mut candidate = current.clone();
        candidate.insert(key.to_string(), value.clone());
        match check(&candidate, key) {
            Ok(()) => *current = candidate,
            Err(message) => errors.push(value_error(vec![key.to_string()], message)),
        }
        return;
    }
    let Value::Object(entries) = value else {
        return;
    };
    for (entry, entry_value) in entries {
        let mut candidate = current.clone();
        if let Some(Value::Object(target)) = candidate.get_mut(key) {
            target.insert(entry.clone(), entry_value.clone());
        }
        match check(&candidate, key) {
            Ok(()) => *current = candidate,
            Err(message) => errors.push(entry_error(key, entry, message)),
        }
    }
}

/// An error about the value of the setting at `path`.
fn value_error(path: Vec<String>, message: String) -> RawError {
    RawError {
        key: Some(path.join(".")),
        path,
        message,
    }
}

/// An error about one entry of an object setting: unknown keys are shown under the
/// object, bad values under the entry.
fn entry_error(key: &str, entry: &str, message: String) -> RawError {
    let path = vec![key.to_string(), entry.to_string()];
    match message.starts_with("unknown key") {
        true => RawError {
            path,
            key: Some(key.to_string()),
            message,
        },
        false => value_error(path, message),
    }
}

/// Whether a candidate configuration is valid: it deserialises and passes the checks
/// serde cannot express. Only the key being applied can have made it invalid.
fn check(candidate: &Map<String, Value>, key: &str) -> Result<(), String> {
    let config: Config = serde_json::from_value(Value::Object(candidate.clone()))
        .map_err(|err| readable_serde_message(&err.to_string()))?;
    match key {
        "include" => check_globs(&config.include),
        "exclude" => check_globs(&config.exclude),
        "database" if config.database != "postgres" => Err(format!(
            "unsupported database \"{}\" (only postgres is supported)",
            config.database
        )),
        "baseClass" if config.base_class.trim().is_empty() => Err("must not be empty".to_string()),
        _ => Ok(()),
    }
}

/// Every glob must compile, so discovery never silently ignores a pattern.
fn check_globs(globs: &[String]) -> Result<(), String> {
    for glob in globs {
        if let Err(err) = globset::Glob::new(glob) {
            return Err(format!("invalid glob \"{glob}\": {}", err.kind()));
        }
    }
    Ok(())
}

/// The top-level keys a configuration accepts, from the serialised defaults (so the list
/// cannot drift from the struct), plus `$schema`.
fn top_level_keys() -> Vec<String> {
    let mut keys: Vec<String> = match serde_json::to_value(Config::default()) {
        Ok(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    keys.push("$schema".to_string());
    keys
}

/// Rewrites serde's messages into the style of the rest: quoted values, plain lists
/// (`unknown variant `warn`, expected one of `error`, ...` ->
/// `unknown variant "warn", expected one of error, ...`), and unknown fields as keys.
fn readable_serde_message(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((name, expected)) = rest.split_once('`') {
            let list = expected
                .trim_start_matches(", expected one of ")
                .trim_start_matches(", expected ")
                .replace('`', "");
            let options: Vec<&str> = list.split(", ").collect();
            return unknown_key_message("key", name, &options);
        }
    }
    match message.split_once(", expected") {
        Some((head, tail)) => format!(
            "{}, expected{}",
            head.replace('`', "\""),
            tail.replace('`', "")
        ),
        None => message.replace('`', "\""),
    }
}

/// `unknown key "namingStrategyy" (did you mean "namingStrategy"?)`, or the list of the
/// accepted names when none is close.
fn unknown_key_message(what: &str, name: &str, known: &[&str]) -> String {
    let closest = known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min();
    match closest {
        Some((_, k)) => format!("unknown {what} \"{name}\" (did you mean \"{k}\"?)"),
        None => format!(
            "unknown {what} \"{name}\" (expected one of {})",
            known.join(", ")
        ),
    }
}

/// Levenshtein distance, case-insensitive, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let deletion = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insertion = row.get(j).copied().unwrap_or(0) + 1;
            row.push(substitution.min(deletion).min(insertion));
        }
        previous = row;
    }
    previous.last().copied().unwrap_or(0)
}

/// An error with no file position (LSP settings).
fn unlocated(raw: RawError) -> ConfigError {
    ConfigError {
        file: None,
        line: None,
        column: None,
        key: raw.key,
        message: raw.message,
    }
}

/// Locates an error at its key inside the file's top-level object, else at the start.
fn locate_in_object(origin: &ConfigOrigin, root: &AstObject<'_>, raw: RawError) -> ConfigError {
    let offset = key_offset(root, &raw.path).unwrap_or(root.range.start);
    located(origin, offset, raw)
}

/// Locates an error at the start of a value (used for a non-object file).
fn locate(origin: &ConfigOrigin, value: Option<&AstValue<'_>>, raw: RawError) -> ConfigError {
    let offset = value.map(value_start).unwrap_or(0);
    located(origin, offset, raw)
}

fn value_start(value: &AstValue<'_>) -> usize {
    match value {
        AstValue::StringLit(v) => v.range.start,
        AstValue::NumberLit(v) => v.range.start,
        AstValue::BooleanLit(v) => v.range.start,
        AstValue::Object(v) => v.range.start,
        AstValue::Array(v) => v.range.start,
        AstValue::NullKeyword(v) => v.range.start,
    }
}

fn located(origin: &ConfigOrigin, offset: usize, raw: RawError) -> ConfigError {
    let (line, column) = line_column(&origin.text, offset);
    ConfigError {
        file: Some(origin.path.clone()),
        line: Some(line),
        column: Some(column),
        key: raw.key,
        message: raw.message,
    }
}

/// The byte offset of the key at `path` (the last occurrence, which is the one that
/// wins in JSON), following objects.
fn key_offset(object: &AstObject<'_>, path: &[String]) -> Option<usize> {
    let (first, rest) = path.split_first()?;
    let property = object
        .properties
        .iter()
        .rev()
        .find(|p| p.name.as_str() == first.as_str())?;
    if rest.is_empty() {
        return Some(property.range.start);
    }
    match property.value.as_object() {
        Some(inner) => key_offset(inner, rest).or(Some(property.range.start)),
        None => Some(property.range.start),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = text.get(..end).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_empty_array_of_settings_is_no_settings() {
        let (config, errors) = Config::default().merged_with(&serde_json::json!([]));
        assert!(errors.is_empty());
        assert_eq!(config, Config::default());
        let (_, errors) = Config::default().merged_with(&serde_json::json!([1]));
        assert_eq!(errors.len(), 1);
    }

    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> (Config, Vec<ConfigError>) {
        Config::from_json_text_lenient(text, Path::new("typeorm-lsp.json"))
    }

    #[test]
    fn defaults_follow_the_house_conventions() {
        let config = Config::default();
        assert_eq!(config.base_class, "ManagedEntity");
        assert_eq!(config.base_columns.deleted, "deleted");
        assert_eq!(config.import_prefix, "src/");
        assert_eq!(config.source_root, "src");
        assert_eq!(config.naming_strategy, NamingStrategy::Default);
        assert_eq!(config.database, "postgres");
        assert!(!config.strict_relation_nullability);
    }

    #[test]
    fn reads_jsonc_with_comments_trailing_commas_and_schema() {
        let text = r#"{
  "$schema": "./typeorm-lsp.schema.json",
  // the base
  "baseClass": "BaseModel",
  "baseColumns": { "deleted": "deletedAt", },
  "namingStrategy": "snake_case",
  "rules": { "IDX004": "off", "SD002": "error" },
  "decoratorAliases": { "MultiORMEntity": "Entity" },
  "migrationsDir": "db/migrations",
  /* block */ "strictRelationNullability": true,
}"#;
        let config = Config::from_json_text(text, Path::new("typeorm-lsp.json"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.base_class, "BaseModel");
        assert_eq!(config.base_columns.deleted, "deletedAt");
        assert_eq!(config.base_columns.id, "id");
        assert_eq!(config.naming_strategy, NamingStrategy::SnakeCase);
        assert_eq!(config.severity_override("IDX004"), Some(None));
        assert_eq!(
            config.severity_override("SD002"),
            Some(Some(Severity::Error))
        );
        assert_eq!(config.severity_override("IDX001"), None);
        assert_eq!(config.alias_target("MultiORMEntity"), "Entity");
        assert_eq!(config.alias_target("Column"), "Column");
        assert_eq!(config.migrations_dir.as_deref(), Some("db/migrations"));
        assert!(config.strict_relation_nullability);
        assert_eq!(config.file_path(), Some(Path::new("typeorm-lsp.json")));
    }

    #[test]
    fn empty_file_gives_defaults() {
        let (config, errors) = parse("  // nothing\n");
        assert!(errors.is_empty());
        assert_eq!(config.base_class, "ManagedEntity");
    }

    #[test]
    fn unknown_key_points_at_the_key_and_suggests() {
        let text = "{\n  \"baseClass\": \"X\",\n\n  \"namingStrategyy\": \"default\"\n}";
        let err = Config::from_json_text(text, Path::new("typeorm-lsp.json"))
            .err()
            .unwrap_or_else(|| panic!("expected an error"));
        assert_eq!((err.line, err.column), (Some(4), Some(3)));
        assert_eq!(err.key, None);
        assert_eq!(
            err.to_string(),
            "typeorm-lsp.json:4:3: unknown key \"namingStrategyy\" (did you mean \"namingStrategy\"?)"
        );
        let (_, errors) = parse("{ \"zzzzzzzz\": 1 }");
        assert!(errors[0].message.contains("expected one of"));
        assert!(errors[0].message.contains("baseClass"));
    }

    #[test]
    fn bad_rule_level_is_skipped_and_located() {
        let text = "{\n  \"rules\": {\n    \"IDX004\": \"off\",\n    \"IDX001\": \"warnng\"\n  },\n  \"baseClass\": \"B\"\n}";
        let (config, errors) = parse(text);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "typeorm-lsp.json:4:5: rules.IDX001: unknown variant \"warnng\", expected one of error, warn, warning, info, off"
        );
        assert_eq!(config.severity_override("IDX004"), Some(None));
        assert_eq!(config.severity_override("IDX001"), None);
        assert_eq!(config.base_class, "B");
    }

    #[test]
    fn unknown_base_column_is_reported_under_its_object() {
        let (config, errors) = parse("{ \"baseColumns\": { \"idd\": \"x\", \"deleted\": \"d\" } }");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].key.as_deref(), Some("baseColumns"));
        assert!(errors[0].message.starts_with("unknown key \"idd\""));
        assert_eq!(config.base_columns.deleted, "d");
    }

    #[test]
    fn wrong_types_and_semantic_errors_are_reported() {
        let (config, errors) = parse(
            "{ \"baseClass\": 3, \"include\": [\"src/[\"], \"database\": \"mysql\", \"sourceRoot\": \"app\" }",
        );
        let keys: Vec<_> = errors.iter().filter_map(|e| e.key.clone()).collect();
        assert_eq!(keys, vec!["baseClass", "include", "database"]);
        assert!(errors[0].message.starts_with("invalid type: integer \"3\""));
        assert_eq!(config.base_class, "ManagedEntity");
        assert!(config.include.is_empty());
        assert_eq!(config.source_root, "app");
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = Config::from_json_text("{\n  \"a\": \n}", Path::new("c.json"))
            .err()
            .unwrap_or_else(|| panic!("expected an error"));
        assert_eq!(err.line, Some(3));
        assert!(err.to_string().starts_with("c.json:3:"));
        let (_, errors) = parse("[1]");
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn warn_is_accepted_as_warning_in_the_file_and_the_settings() {
        let (file, errors) = parse(r#"{ "rules": { "IDX004": "warn" } }"#);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            file.severity_override("IDX004"),
            Some(Some(Severity::Warning))
        );
        let (merged, errors) =
            Config::default().merged_with(&json!({ "rules": { "SD002": "warn" } }));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            merged.severity_override("SD002"),
            Some(Some(Severity::Warning))
        );
        assert!(json_schema().contains("\"warn\""));
    }

    #[test]
    fn settings_merge_key_by_key_over_the_file() {
        let (file, _) = parse(r#"{ "rules": { "IDX004": "off" }, "baseClass": "FileBase" }"#);
        let settings = json!({
            "rules": { "SD002": "error", "IDX001": "nope" },
            "baseColumns": { "deleted": "removedAt" },
            "namingStrategy": "camel",
            "importPrefix": "@app/",
            "trace": { "server": "verbose" },
            "bogus": true
        });
        let (merged, errors) = file.merged_with(&settings);
        assert_eq!(merged.severity_override("IDX004"), Some(None));
        assert_eq!(
            merged.severity_override("SD002"),
            Some(Some(Severity::Error))
        );
        assert_eq!(merged.base_class, "FileBase");
        assert_eq!(merged.base_columns.deleted, "removedAt");
        assert_eq!(merged.base_columns.id, "id");
        assert_eq!(merged.import_prefix, "@app/");
        assert_eq!(merged.naming_strategy, NamingStrategy::Default);
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown.iter().any(|s| s.starts_with("unknown key \"bogus\"")));
        assert!(shown
            .iter()
            .any(|s| s.starts_with("namingStrategy: unknown variant")));
        assert!(shown.iter().any(|s| s.starts_with("rules.IDX001:")));
        assert_eq!(file.merged_with(&Value::Null).0, file);
        assert_eq!(file.merged_with(&json!(3)).1.len(), 1);
    }

    #[test]
    fn unknown_rule_codes_are_located_in_the_file() {
        let text = "{\n  \"rules\": {\n    \"IDX01\": \"off\",\n    \"IDX001\": \"info\"\n  }\n}";
        let (config, errors) = parse(text);
        assert!(errors.is_empty());
        let errors = config.validate_rule_codes(&["IDX001", "IDX002"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "typeorm-lsp.json:3:5: rules: unknown rule \"IDX01\" (did you mean \"IDX001\"?)"
        );
        let (merged, _) = Config::default().merged_with(&json!({ "rules": { "X": "off" } }));
        let errors = merged.validate_rule_codes(&["IDX001"]);
        assert_eq!(errors[0].file, None);
    }

    #[test]
    fn load_reads_the_file_or_defaults() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Config::load(dir.path()).ok(), Some(Config::default()));
        std::fs::write(
            dir.path().join(CONFIG_FILE_NAME),
            "{ \"sourceRoot\": \"lib\" }",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let config = Config::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.source_root, "lib");
        std::fs::write(dir.path().join(CONFIG_FILE_NAME), "{ \"x\": 1 }")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(Config::load(dir.path()).is_err());
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
        assert_eq!(line_column("abc", 99), (1, 4));
    }

    #[test]
    fn schema_file_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../typeorm-lsp.schema.json");
        let schema = json_schema();
        assert!(schema.contains("\"baseClass\""));
        assert!(schema.contains("\"$schema\""));
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &schema).unwrap_or_else(|e| panic!("{e}"));
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            on_disk, schema,
            "typeorm-lsp.schema.json is stale: run with UPDATE_SCHEMA=1"
        );
    }
}
