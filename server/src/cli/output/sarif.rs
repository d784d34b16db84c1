//! SARIF 2.1.0 output, in the subset GitHub code scanning accepts: one run, the rule
//! catalogue in `tool.driver.rules`, results with physical locations relative to
//! `%SRCROOT%`. Columns are UTF-16 code units (SARIF's default `columnKind`), end columns
//! exclusive.

use super::{relative_path, sorted, ColumnUnit, Locator, RuleInfo, SourceLookup};
use crate::finding::{Finding, Severity, Span};
use serde::Serialize;
use sha1::{Digest, Sha1};
use std::collections::HashMap;
use std::path::Path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const TOOL_NAME: &str = "typeorm-lsp";
/// Where people learn about the tool; shown by SARIF viewers next to the tool name.
pub const INFORMATION_URI: &str = "https://github.com/typeorm-lsp/typeorm-lsp";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    /// Where `%SRCROOT%` is: the folder paths are relative to (the current directory).
    original_uri_base_ids: std::collections::BTreeMap<&'static str, BaseUri>,
    column_kind: &'static str,
    results: Results<'a>,
}

/// The results, made one at a time while they are serialized (a large workspace's log is
/// never held whole): serializing walks the findings in order, once.
struct Results<'a> {
    findings: Vec<&'a Finding>,
    root: &'a Path,
    rules: &'a [RuleInfo],
    locator: std::cell::RefCell<Locator<'a>>,
    fingerprints: std::cell::RefCell<Fingerprints>,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut locator = self.locator.borrow_mut();
        let mut fingerprints = self.fingerprints.borrow_mut();
        let mut results = serializer.serialize_seq(Some(self.findings.len()))?;
        for finding in &self.findings {
            let fingerprint = fingerprints.next(finding, self.root);
            results.serialize_element(&to_result(
                finding,
                self.root,
                self.rules,
                &mut locator,
                fingerprint,
            ))?;
        }
        results.end()
    }
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

/// The `file://` URI of a folder, with the trailing `/` SARIF requires of base URIs.
fn folder_uri(root: &Path) -> String {
    let absolute = relative_path(root, Path::new(""));
    let slash = if absolute.starts_with('/') { "" } else { "/" };
    let mut uri = format!("file://{slash}{}", encode_uri_path(&absolute));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    information_uri: &'static str,
    version: &'a str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    help_uri: &'a str,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    locations: [SarifLocation<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    partial_fingerprints: HashMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

impl ArtifactLocation {
    /// Relative to `%SRCROOT%` inside the root; an absolute `file://` URI outside it.
    fn new(path: &Path, root: &Path) -> Self {
        if path.starts_with(root) {
            ArtifactLocation {
                uri: encode_uri_path(&relative_path(path, root)),
                uri_base_id: Some(SRCROOT),
            }
        } else {
            let absolute = relative_path(path, Path::new(""));
            let slash = if absolute.starts_with('/') { "" } else { "/" };
            ArtifactLocation {
                uri: format!("file://{slash}{}", encode_uri_path(&absolute)),
                uri_base_id: None,
            }
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// SARIF's name for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Writes a SARIF log for this build's version to `out`, one result at a time.
pub fn write(
    out: &mut dyn std::io::Write,
    findings: &[Finding],
    root: &Path,
    sources: &dyn SourceLookup,
    rules: &[RuleInfo],
) -> std::io::Result<()> {
    write_with_version(
        out,
        findings,
        root,
        sources,
        rules,
        env!("CARGO_PKG_VERSION"),
    )
}

/// Writes a SARIF log naming the tool `version` (a parameter so snapshots survive
/// version bumps).
fn write_with_version(
    out: &mut dyn std::io::Write,
    findings: &[Finding],
    root: &Path,
    sources: &dyn SourceLookup,
    rules: &[RuleInfo],
    version: &str,
) -> std::io::Result<()> {
    let results = Results {
        findings: sorted(findings),
        root,
        rules,
        locator: std::cell::RefCell::new(Locator::new(sources)),
        fingerprints: Default::default(),
    };
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: TOOL_NAME,
                    information_uri: INFORMATION_URI,
                    version,
                    rules: rules.iter().map(to_rule).collect(),
                },
            },
            original_uri_base_ids: std::collections::BTreeMap::from([(
                SRCROOT,
                BaseUri {
                    uri: folder_uri(root),
                },
            )]),
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn to_rule(rule: &RuleInfo) -> Rule<'_> {
    Rule {
        id: rule.code,
        name: rule.code,
        short_description: Text { text: rule.summary },
        help_uri: &rule.help_uri,
        default_configuration: Configuration {
            level: level(rule.default_severity),
        },
    }
}

fn to_result<'a>(
    finding: &'a Finding,
    root: &Path,
    rules: &[RuleInfo],
    locator: &mut Locator,
    fingerprint: String,
) -> SarifResult<'a> {
    let related_locations = finding
        .related
        .iter()
        .enumerate()
        .map(|(id, related)| SarifLocation {
            id: Some(id),
            physical_location: physical(&related.path, &related.span, root, locator),
            message: Some(Text {
                text: &related.message,
            }),
        })
        .collect();
    SarifResult {
        rule_id: finding.code,
        rule_index: rules.iter().position(|rule| rule.code == finding.code),
        level: level(finding.severity),
        message: Text {
            text: &finding.message,
        },
        locations: [SarifLocation {
            id: None,
            physical_location: physical(&finding.path, &finding.span, root, locator),
            message: None,
        }],
        related_locations,
        partial_fingerprints: HashMap::from([("typeormLsp/v1", fingerprint)]),
    }
}

fn physical(path: &Path, span: &Span, root: &Path, locator: &mut Locator) -> PhysicalLocation {
    let (start, end) = locator.range(path, span, ColumnUnit::Utf16);
    PhysicalLocation {
        artifact_location: ArtifactLocation::new(path, root),
        region: Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
        },
    }
}

/// Percent-encodes a `/`-separated path for use as a URI reference: everything but
/// unreserved characters, `/` and harmless sub-delimiters (a `:` would read as a scheme).
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Fingerprints that survive edits elsewhere in the file: a hash of code, path and
/// message, plus the occurrence number among identical ones (as GitHub's own line hashes
/// do), so two identical findings in a file stay two alerts.
#[derive(Default)]
struct Fingerprints {
    seen: HashMap<String, usize>,
}

impl Fingerprints {
    fn next(&mut self, finding: &Finding, root: &Path) -> String {
        let mut hasher = Sha1::new();
        for part in [
            finding.code,
            &relative_path(&finding.path, root),
            &finding.message,
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        let hash: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let count = self.seen.entry(hash.clone()).or_insert(0);
        *count += 1;
        format!("{hash}:{count}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::test_support;
    use serde_json::Value;

    fn rules() -> Vec<RuleInfo> {
        vec![RuleInfo {
            code: "IDX002",
            summary: "A query that no index can serve",
            default_severity: Severity::Warning,
            help_uri: "https://example.com/rules/IDX002".to_string(),
        }]
    }

    fn rendered() -> String {
        let findings = test_support::findings();
        let sources = test_support::sources();
        crate::cli::output::to_string(|out| {
            write_with_version(
                out,
                &findings,
                &test_support::root(),
                &sources,
                &rules(),
                "0.0.0-test",
            )
        })
    }

    #[test]
    fn has_the_fields_github_needs() {
        let value: Value = serde_json::from_str(&rendered()).unwrap_or(Value::Null);
        assert_eq!(value["version"], "2.1.0");
        assert!(value["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif-2.1.0")));
        let run = &value["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "typeorm-lsp");
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "IDX002");
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
            "warning"
        );
        let result = &run["results"][1];
        assert_eq!(result["ruleId"], "IDX002");
        assert_eq!(result["ruleIndex"], 0);
        assert_eq!(result["level"], "warning");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "src/users/user.service.ts"
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file:///ws/");
        // `🎉` is two UTF-16 code units, so the column is one more than in chars.
        assert_eq!(location["region"]["startColumn"], 29);
        assert_eq!(location["region"]["endColumn"], 46);
        assert_eq!(location["region"]["startLine"], 3);
        assert_eq!(
            result["relatedLocations"][0]["message"]["text"],
            "column `email` declared here"
        );
        let imp = &run["results"][0];
        assert_eq!(imp["level"], "error");
        assert!(imp.get("ruleIndex").is_none());
    }

    #[test]
    fn fingerprints_distinguish_identical_findings() {
        let finding = Finding::new("IDX002", "/ws/a.ts".into(), 0..1, "m");
        let mut fingerprints = Fingerprints::default();
        let root = Path::new("/ws");
        let first = fingerprints.next(&finding, root);
        let second = fingerprints.next(&finding, root);
        assert_ne!(first, second);
        assert_eq!(first.split(':').next(), second.split(':').next());
    }

    #[test]
    fn paths_outside_the_root_are_file_uris() {
        let location = ArtifactLocation::new(Path::new("/other/a.ts"), Path::new("/ws"));
        assert_eq!(location.uri, "file:///other/a.ts");
        assert_eq!(location.uri_base_id, None);
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            encode_uri_path("src/my file:名.ts"),
            "src/my%20file%3A%E5%90%8D.ts"
        );
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(rendered());
    }
}
