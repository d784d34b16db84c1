//! Code actions: each finding's fixes as quick fixes (the first safe one preferred), a
//! suppression comment, and `source.fixAll.typeorm-lsp` with every safe fix of the file.
//!
//! Fixes are byte edits of workspace texts; they become workspace edits here. Cross-file
//! fixes (an entity edit plus a migration file) use `documentChanges` with `CreateFile`
//! when the client supports resource operations, else plain `changes`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions, Diagnostic,
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, Range, RenameFile, ResourceOp, TextDocumentEdit, TextEdit as LspTextEdit, Uri,
    WorkspaceEdit,
};

use super::diagnostics::{is_diagnostic_of, to_diagnostic};
use super::position::{LineIndex, PositionEncoding};
use super::session::{path_uri, ClientCaps};
use crate::finding::{Applicability, FileChange, Finding, Fix, Span, TextEdit};
use crate::rules::edits;

/// The kind of the suppression action.
pub const SUPPRESS_KIND: &str = "quickfix.typeorm-lsp.suppress";
/// The kind of the fix-all action.
pub const FIX_ALL_KIND: &str = "source.fixAll.typeorm-lsp";

/// A file as the client sees it: its URI, the text the fix spans refer to, and the
/// version of the open document (None when closed).
#[derive(Debug, Clone)]
pub struct FileView {
    pub uri: Uri,
    pub text: Arc<str>,
    pub version: Option<i32>,
}

/// What building actions needs from the session.
pub struct ActionCtx<'a> {
    pub caps: &'a ClientCaps,
    pub enc: PositionEncoding,
    /// The view of a file fixes edit (open buffer, workspace copy or disk).
    pub view: &'a dyn Fn(&Path) -> Option<FileView>,
}

/// The actions for `span` of the document `doc` (whose findings are `findings`).
pub fn actions(
    ctx: &ActionCtx<'_>,
    doc: &FileView,
    findings: &[Finding],
    span: &Span,
    context: &[Diagnostic],
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let index = LineIndex::new(&doc.text);
    let mut out = Vec::new();
    let wanted = |kind: &str| wants(only, kind);
    let is_asked = asked(findings, span, context);
    for (fi, finding) in findings.iter().enumerate() {
        if !is_asked(finding) {
            continue;
        }
        let diag = to_diagnostic(finding, &doc.text, &index, ctx.enc, None);
        if wanted(CodeActionKind::QUICKFIX.as_str()) {
            out.extend(fix_actions(ctx, doc, fi, finding, &diag));
        }
        if wanted(SUPPRESS_KIND) {
            out.extend(suppress_action(ctx, doc, &index, finding, &diag));
        }
    }
    if fix_all_asked(only) {
        out.extend(fix_all(ctx, doc, findings));
    }
    out.into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// Builds, on demand, the deferred fixes of the findings `wanted` picks (by index),
/// against the published workspace `ws` of the document. Fixes are built only when that
/// snapshot holds the buffer's text (the findings' spans, already moved onto the buffer,
/// then match what the rule finds again); otherwise, for the moment between an edit and
/// the next snapshot, those fixes are left out. The other findings keep their deferred
/// fixes unbuilt (no actions are made from them).
pub fn build_wanted_fixes(
    ws: Option<&crate::workspace::Workspace>,
    doc: &FileView,
    findings: &mut [Finding],
    wanted: impl Fn(&Finding) -> bool,
) {
    let picked: Vec<usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.has_deferred_fix() && wanted(f))
        .map(|(i, _)| i)
        .collect();
    if picked.is_empty() {
        return;
    }
    let path = super::session::uri_path(&doc.uri);
    let in_step = ws.filter(|ws| {
        path.as_deref()
            .and_then(|p| ws.files.get(p))
            .is_some_and(|f| *f.text() == *doc.text)
    });
    let mut chosen: Vec<Finding> = picked
        .iter()
        .filter_map(|&i| findings.get(i).cloned())
        .collect();
    match in_step {
        Some(ws) => ws.build_fixes(&mut chosen),
        None => chosen
            .iter_mut()
            .for_each(|f| f.fixes.retain(|x| !x.deferred)),
    }
    for (i, built) in picked.into_iter().zip(chosen) {
        if let Some(slot) = findings.get_mut(i) {
            *slot = built;
        }
    }
}

/// Whether `only` asks for the fix-all action by name (a client asking for every kind
/// gets the quick fixes of the range; fixing the whole file is built when asked for).
pub fn fix_all_asked(only: Option<&[CodeActionKind]>) -> bool {
    only.is_some() && wants(only, FIX_ALL_KIND)
}

/// Whether the client's `only` filter admits `kind` (a requested kind is a prefix).
fn wants(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    let Some(only) = only else {
        return true;
    };
    only.iter().any(|k| {
        let k = k.as_str();
        kind == k || kind.starts_with(&format!("{k}."))
    })
}

/// Which findings a request is about: those whose diagnostics the client sent in the
/// context (asked from one diagnostic's hover, a client gets that diagnostic's fixes, not
/// its neighbours' on the same span), else, when the context names none of them (empty,
/// other tools' diagnostics, or stale), those whose span meets the requested range.
pub fn asked<'a>(
    findings: &[Finding],
    span: &'a Span,
    context: &'a [Diagnostic],
) -> impl Fn(&Finding) -> bool + 'a {
    let in_context = move |f: &Finding| context.iter().any(|d| is_diagnostic_of(d, f));
    let by_context = findings.iter().any(in_context);
    move |f: &Finding| {
        if by_context {
            in_context(f)
        } else {
            f.span.start <= span.end && span.start <= f.span.end
        }
    }
}

fn fix_actions(
    ctx: &ActionCtx<'_>,
    doc: &FileView,
    finding_index: usize,
    finding: &Finding,
    diag: &Diagnostic,
) -> Vec<CodeAction> {
    finding
        .fixes
        .iter()
        .enumerate()
        .filter_map(|(i, fix)| {
            let mut action = CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag.clone()]),
                is_preferred: Some(i == 0 && fix.applicability == Applicability::Safe),
                ..CodeAction::default()
            };
            if ctx.caps.resolve_edits && is_costly(fix) {
                // The client asks for the edit when the user picks the action.
                action.data = Some(
                    serde_json::to_value(ResolveData {
                        uri: doc.uri.as_str().to_string(),
                        version: doc.version,
                        finding: finding_index,
                        fix: i,
                    })
                    .ok()?,
                );
            } else {
                action.edit = Some(workspace_edit(ctx, &fix.changes)?);
            }
            Some(action)
        })
        .collect()
}

/// Fixes that touch other files or create them (migrations): worth resolving lazily.
fn is_costly(fix: &Fix) -> bool {
    fix.creates_migration
        || fix.changes.len() > 1
        || fix
            .changes
            .iter()
            .any(|c| !matches!(c, FileChange::Edit { .. }))
}

/// What a lazily resolved quick fix carries to `codeAction/resolve`: the document version
/// its findings belong to, and which fix of which finding it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResolveData {
    pub uri: String,
    pub version: Option<i32>,
    pub finding: usize,
    pub fix: usize,
}

/// Fills in the edit of an action from [`ResolveData`]; None when the findings it points
/// at are gone (the document changed since).
pub fn resolve_edit(
    ctx: &ActionCtx<'_>,
    findings: &[Finding],
    data: &ResolveData,
) -> Option<WorkspaceEdit> {
    let fix = findings.get(data.finding)?.fixes.get(data.fix)?;
    workspace_edit(ctx, &fix.changes)
}

/// `// typeorm-lsp-ignore CODE: reason` above the finding's line, indented like it.
fn suppress_action(
    ctx: &ActionCtx<'_>,
    doc: &FileView,
    index: &LineIndex,
    finding: &Finding,
    diag: &Diagnostic,
) -> Option<CodeAction> {
    let text = &doc.text;
    let line = index.line_of(finding.span.start);
    let start = index.line_range(line)?.start;
    let indent = edits::indentation_at(text, start);
    let new_text = format!(
        "{indent}// typeorm-lsp-ignore {}: reason{}",
        finding.code,
        edits::line_ending(text)
    );
    let at = index.offset_to_position(text, start, ctx.enc);
    let edit = single_file_edit(ctx, doc, vec![lsp_insert(at, new_text)]);
    Some(CodeAction {
        title: format!("Suppress {} on this line", finding.code),
        kind: Some(CodeActionKind::new(SUPPRESS_KIND)),
        diagnostics: Some(vec![diag.clone()]),
        edit: Some(edit),
        ..CodeAction::default()
    })
}

/// Every safe fix's edits to this document that do not collide with an earlier one.
/// Migrations and other files are left to the individual quick fixes: a save action
/// should not create files.
fn fix_all(ctx: &ActionCtx<'_>, doc: &FileView, findings: &[Finding]) -> Option<CodeAction> {
    let path = super::session::uri_path(&doc.uri)?;
    let mut accepted: Vec<TextEdit> = Vec::new();
    for fix in findings.iter().filter_map(|f| {
        f.fixes
            .iter()
            .find(|x| x.applicability == Applicability::Safe)
    }) {
        let edits = own_edits(&fix.changes, &path);
        if edits.is_empty() || edits.iter().any(|e| collides(&accepted, e)) {
            continue;
        }
        for e in edits {
            if !accepted.contains(e) {
                accepted.push(e.clone());
            }
        }
    }
    if accepted.is_empty() {
        return None;
    }
    let index = LineIndex::new(&doc.text);
    let lsp = accepted
        .iter()
        .map(|e| to_lsp_edit(&doc.text, &index, ctx.enc, e))
        .collect();
    Some(CodeAction {
        title: "Fix all safe typeorm-lsp problems".to_string(),
        kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
        edit: Some(single_file_edit(ctx, doc, lsp)),
        ..CodeAction::default()
    })
}

/// The edits of `changes` to `path`, or none when the fix touches anything else (its
/// edits here may not stand on their own).
fn own_edits<'a>(changes: &'a [FileChange], path: &Path) -> Vec<&'a TextEdit> {
    let mut out = Vec::new();
    for change in changes {
        match change {
            FileChange::Edit { path: p, edits } if p == path => out.extend(edits),
            FileChange::Create { .. } => {}
            _ => return Vec::new(),
        }
    }
    out
}

/// Overlap with a different accepted edit (two insertions at one point collide too:
/// their order would be arbitrary).
fn collides(accepted: &[TextEdit], edit: &TextEdit) -> bool {
    accepted.iter().any(|a| {
        a != edit
            && a.span.start <= edit.span.end
            && edit.span.start <= a.span.end
            && !(a.span.end == edit.span.start && a.span.start < a.span.end)
            && !(edit.span.end == a.span.start && edit.span.start < edit.span.end)
    })
}

/// A workspace edit for a fix's changes; None when the client cannot express one of them
/// (a rename without resource operations) or a file cannot be read.
pub fn workspace_edit(ctx: &ActionCtx<'_>, changes: &[FileChange]) -> Option<WorkspaceEdit> {
    let ops_ok = ctx.caps.document_changes;
    if !ops_ok || !ctx.caps.create_files {
        return plain_edit(ctx, changes);
    }
    let mut ops = Vec::new();
    for change in changes {
        match change {
            FileChange::Edit { path, edits } => {
                let view = (ctx.view)(path)?;
                ops.push(DocumentChangeOperation::Edit(text_document_edit(
                    ctx, &view, edits,
                )));
            }
            FileChange::Create { path, contents } => {
                let uri = path_uri(path)?;
                ops.push(DocumentChangeOperation::Op(ResourceOp::Create(
                    CreateFile {
                        uri: uri.clone(),
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    },
                )));
                ops.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                    edits: vec![OneOf::Left(lsp_insert(
                        Position::new(0, 0),
                        contents.clone(),
                    ))],
                }));
            }
            FileChange::Rename { from, to } => {
                if !ctx.caps.rename_files {
                    return None;
                }
                ops.push(DocumentChangeOperation::Op(ResourceOp::Rename(
                    RenameFile {
                        old_uri: path_uri(from)?,
                        new_uri: path_uri(to)?,
                        options: None,
                        annotation_id: None,
                    },
                )));
            }
        }
    }
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(ops)),
        ..WorkspaceEdit::default()
    })
}

/// `changes` by URI, for clients without resource operations: a created file becomes an
/// insertion into its (new) URI; a rename cannot be expressed.
fn plain_edit(ctx: &ActionCtx<'_>, changes: &[FileChange]) -> Option<WorkspaceEdit> {
    let mut map: HashMap<Uri, Vec<LspTextEdit>> = HashMap::new();
    for change in changes {
        match change {
            FileChange::Edit { path, edits } => {
                let view = (ctx.view)(path)?;
                let index = LineIndex::new(&view.text);
                map.entry(view.uri.clone()).or_default().extend(
                    edits
                        .iter()
                        .map(|e| to_lsp_edit(&view.text, &index, ctx.enc, e)),
                );
            }
            FileChange::Create { path, contents } => {
                map.entry(path_uri(path)?)
                    .or_default()
                    .push(lsp_insert(Position::new(0, 0), contents.clone()));
            }
            FileChange::Rename { .. } => return None,
        }
    }
    Some(WorkspaceEdit {
        changes: Some(map),
        ..WorkspaceEdit::default()
    })
}

fn text_document_edit(
    ctx: &ActionCtx<'_>,
    view: &FileView,
    edits: &[TextEdit],
) -> TextDocumentEdit {
    let index = LineIndex::new(&view.text);
    TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: view.uri.clone(),
            version: view.version,
        },
        edits: edits
            .iter()
            .map(|e| OneOf::Left(to_lsp_edit(&view.text, &index, ctx.enc, e)))
            .collect(),
    }
}

/// Edits to one document, versioned when the client supports `documentChanges`.
fn single_file_edit(ctx: &ActionCtx<'_>, doc: &FileView, edits: Vec<LspTextEdit>) -> WorkspaceEdit {
    if ctx.caps.document_changes {
        let edit = TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: doc.uri.clone(),
                version: doc.version,
            },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        };
        return WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![edit])),
            ..WorkspaceEdit::default()
        };
    }
    WorkspaceEdit {
        changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn to_lsp_edit(text: &str, index: &LineIndex, enc: PositionEncoding, e: &TextEdit) -> LspTextEdit {
    LspTextEdit {
        range: index.span_to_range(text, &e.span, enc),
        new_text: e.new_text.clone(),
    }
}

fn lsp_insert(at: Position, new_text: String) -> LspTextEdit {
    LspTextEdit {
        range: Range::new(at, at),
        new_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Fix;
    use std::path::PathBuf;

    fn view(text: &str) -> FileView {
        FileView {
            uri: "file:///w/a.ts".parse().unwrap(),
            text: Arc::from(text),
            version: Some(3),
        }
    }

    fn finding(text: &str, needle: &str, fix_text: &str) -> Finding {
        let start = text.find(needle).unwrap();
        let at = edits::line_start(text, start);
        Finding::new(
            "IDX001",
            PathBuf::from("/w/a.ts"),
            start..start + needle.len(),
            "m",
        )
        .with_fix(Fix::edit(
            "Add @Index()",
            PathBuf::from("/w/a.ts"),
            vec![TextEdit {
                span: at..at,
                new_text: fix_text.to_string(),
            }],
        ))
    }

    fn run(text: &str, findings: &[Finding], span: Span, caps: ClientCaps) -> Vec<CodeAction> {
        run_only(text, findings, span, caps, None)
    }

    fn run_only(
        text: &str,
        findings: &[Finding],
        span: Span,
        caps: ClientCaps,
        only: Option<&[CodeActionKind]>,
    ) -> Vec<CodeAction> {
        let doc = view(text);
        let v = doc.clone();
        let lookup = move |p: &Path| (p == Path::new("/w/a.ts")).then(|| v.clone());
        let ctx = ActionCtx {
            caps: &caps,
            enc: PositionEncoding::Utf16,
            view: &lookup,
        };
        actions(&ctx, &doc, findings, &span, &[], only)
            .into_iter()
            .filter_map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => Some(a),
                CodeActionOrCommand::Command(_) => None,
            })
            .collect()
    }

    fn plain_edits(a: &CodeAction) -> Vec<LspTextEdit> {
        let changes = a.edit.as_ref().unwrap().changes.as_ref().unwrap();
        changes.values().next().unwrap().clone()
    }

    #[test]
    fn quickfix_suppress_and_fix_all() {
        let text = "class A {\n  \t@ManyToOne()\n  a: B;\n  b: C;\n}\n";
        let f1 = finding(text, "a: B", "  @Index()\n");
        let f2 = finding(text, "b: C", "  @Index()\n");
        let at = text.find("a: B").unwrap() + 1;
        let found = run(
            text,
            &[f1.clone(), f2.clone()],
            at..at,
            ClientCaps::default(),
        );
        let titles: Vec<_> = found.iter().map(|a| a.title.as_str()).collect();
        // Fixing the whole file is built only when asked for by kind.
        assert_eq!(titles, ["Add @Index()", "Suppress IDX001 on this line"]);
        assert_eq!(found[0].is_preferred, Some(true));
        let quick = plain_edits(&found[0]);
        assert_eq!(
            quick[0].range,
            Range::new(Position::new(2, 0), Position::new(2, 0))
        );
        let suppress = plain_edits(&found[1]);
        assert_eq!(
            suppress[0].new_text,
            "  // typeorm-lsp-ignore IDX001: reason\n"
        );
        assert_eq!(suppress[0].range.start, Position::new(2, 0));
        let only = [CodeActionKind::SOURCE_FIX_ALL];
        let fix_all = run_only(text, &[f1, f2], at..at, ClientCaps::default(), Some(&only));
        assert_eq!(fix_all.len(), 1);
        let all = plain_edits(&fix_all[0]);
        assert_eq!(all.len(), 2);
        assert_eq!(fix_all[0].kind, Some(CodeActionKind::new(FIX_ALL_KIND)));
    }

    #[test]
    fn a_diagnostic_in_the_context_gets_its_own_actions_not_its_neighbours() {
        // Two findings on one span (IDX001 and REL002 on the same relation): asked from
        // the REL002 diagnostic, the client gets REL002's actions only.
        let text = "class A {\n  @ManyToOne()\n  a: B;\n}\n";
        let idx = finding(text, "a: B", "  @Index()\n");
        let mut rel = idx.clone();
        rel.code = "REL002";
        rel.fixes.clear();
        let findings = [idx, rel.clone()];
        let index = LineIndex::new(text);
        let diag = to_diagnostic(&rel, text, &index, PositionEncoding::Utf16, None);
        let doc = view(text);
        let v = doc.clone();
        let lookup = move |_: &Path| Some(v.clone());
        let caps = ClientCaps::default();
        let ctx = ActionCtx {
            caps: &caps,
            enc: PositionEncoding::Utf16,
            view: &lookup,
        };
        let titles = |context: &[Diagnostic]| -> Vec<String> {
            actions(&ctx, &doc, &findings, &rel.span, context, None)
                .into_iter()
                .filter_map(|a| match a {
                    CodeActionOrCommand::CodeAction(a) => Some(a.title),
                    CodeActionOrCommand::Command(_) => None,
                })
                .collect()
        };
        assert_eq!(
            titles(std::slice::from_ref(&diag)),
            ["Suppress REL002 on this line"]
        );
        // Without our diagnostics in the context (none, or a stale one), the range decides.
        let mut stale = diag.clone();
        stale.data = None;
        for context in [vec![], vec![stale]] {
            assert_eq!(
                titles(&context),
                [
                    "Add @Index()",
                    "Suppress IDX001 on this line",
                    "Suppress REL002 on this line"
                ]
            );
        }
    }

    #[test]
    fn only_filter_and_resource_operations() {
        assert!(wants(Some(&[CodeActionKind::SOURCE]), FIX_ALL_KIND));
        assert!(!wants(Some(&[CodeActionKind::SOURCE]), "quickfix"));
        assert!(wants(Some(&[CodeActionKind::QUICKFIX]), SUPPRESS_KIND));
        assert!(!wants(
            Some(&[CodeActionKind::new("source.fix")]),
            FIX_ALL_KIND
        ));
        let caps = ClientCaps {
            document_changes: true,
            create_files: true,
            ..ClientCaps::default()
        };
        let doc = view("x");
        let v = doc.clone();
        let lookup = move |_: &Path| Some(v.clone());
        let ctx = ActionCtx {
            caps: &caps,
            enc: PositionEncoding::Utf16,
            view: &lookup,
        };
        let changes = vec![
            FileChange::Edit {
                path: PathBuf::from("/w/a.ts"),
                edits: vec![TextEdit {
                    span: 0..1,
                    new_text: "y".into(),
                }],
            },
            FileChange::Create {
                path: PathBuf::from("/w/m.ts"),
                contents: "m".into(),
            },
        ];
        let edit = workspace_edit(&ctx, &changes).unwrap();
        let Some(DocumentChanges::Operations(ops)) = edit.document_changes else {
            panic!("expected operations");
        };
        assert_eq!(ops.len(), 3);
        assert!(
            matches!(&ops[1], DocumentChangeOperation::Op(ResourceOp::Create(c)) if c.uri.as_str() == "file:///w/m.ts")
        );
        let rename = [FileChange::Rename {
            from: PathBuf::from("/w/a.ts"),
            to: PathBuf::from("/w/b.ts"),
        }];
        assert!(workspace_edit(&ctx, &rename).is_none(), "no rename support");
    }
}
