//! A cheaper read of migration files: runs of `await queryRunner.query(`SQL`);`
//! statements are parsed once per run instead of once per statement.
//!
//! Why: migrations are about half of the bytes of a large workspace (ever-gauzy: 278 files,
//! 17.4 MB of 37 MB) and a fifth to a third of its parse. Their bulk is long runs of one
//! statement shape, a raw query with a literal, and tree-sitter's cost is per token and
//! node (the SQL inside a template costs little), so a 2.8 MB migration of 17,000 such
//! statements costs as much as its 17,000 statements. Here a small lexer finds the runs;
//! tree-sitter parses a copy of the text in which every statement of a run but the first
//! is blanked out with spaces (so every node keeps its offsets and lines in the real text,
//! and the extraction reads the real text unchanged); the first statement's facts are then
//! copied to the blanked ones, with their own spans and SQL.
//!
//! A statement is blanked only if it is exactly `await NAME.query(LITERAL);` (spaces or
//! tabs after `await`, whitespace around LITERAL, nothing else between the tokens) where
//! LITERAL is a template without `${` or a quoted string on one line, with no escapes but
//! `` \` `` `\'` `\"` `\\` (its value is its text with those resolved), and it follows
//! the previous statement of its run, with the same NAME, after nothing but whitespace. The
//! statements of a run sit in one block and one function with nothing declared between
//! them, so the full extraction would classify them alike; the copy relies on that, and on
//! the first statement's `QueryCall` being the one expected.
//!
//! The file gets the full parse instead ([`Fallback`]) when:
//! - it does not mention `MigrationInterface` (other files keep the full parse);
//! - the lexer is unsure of it: a `/` that starts neither comment (a regular expression or
//!   a division: telling them apart needs the parser), an unterminated string, template or
//!   comment, an unbalanced `}`, or a suppression comment (its lines are matched later);
//! - less than [`MIN_BLANKED_BYTES`] would be blanked;
//! - the tree disagrees: it has a syntax error, or a blanked run is not whitespace between
//!   the statements of one block (a quote or backtick the lexer misread);
//! - the first statement of a run did not give the expected `QueryCall` (a receiver the
//!   extraction does not classify as a query runner, say).
//!
//! Tests compare the facts of both paths on the fixtures and on edge cases, and
//! `examples/migration_parse_check.rs` on whole workspaces.

use super::facts::{FileFacts, Name, QueryCall, Spanned, Value};
use super::skeleton;
use memchr::{memchr, memchr3};
use std::ops::Range;
use tree_sitter::{Node, Parser};

/// Below this many blanked bytes, the full parse costs about as much.
pub const MIN_BLANKED_BYTES: usize = 256;

/// Why a file got the full parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fallback {
    NotAMigration,
    /// The lexer met something it does not decide (see the module docs).
    Lexer(&'static str),
    NothingToBlank,
    SyntaxErrors,
    /// A blanked run is not whitespace between the statements of one block in the tree.
    TreeDisagrees,
    /// The first statement of a run did not give the expected query call.
    FirstCallDiffers,
    /// tree-sitter returned no tree.
    Parser,
}

/// Parses a migration with its query runs blanked and extracts its facts, or says why the
/// full parse should read it.
pub fn facts(parser: &mut Parser, src: &str) -> Result<FileFacts, Fallback> {
    if !super::mentions(src, "MigrationInterface") {
        return Err(Fallback::NotAMigration);
    }
    if super::mentions(src, super::misc::SUPPRESSION_MARKER) {
        return Err(Fallback::Lexer("a suppression comment"));
    }
    let runs = query_runs(src.as_bytes()).map_err(Fallback::Lexer)?;
    let blanked: usize = runs.iter().map(|r| r.blanked().len()).sum();
    if blanked < MIN_BLANKED_BYTES {
        return Err(Fallback::NothingToBlank);
    }
    let gone = blanked_ranges(&runs);
    let mut tree =
        skeleton::parse_without(parser, src.as_bytes(), &gone).ok_or(Fallback::Parser)?;
    if tree.root_node().has_error() {
        return Err(Fallback::SyntaxErrors);
    }
    skeleton::put_back(&mut tree, src.as_bytes(), &gone);
    let root = tree.root_node();
    if !runs.iter().all(|run| blanked_between_statements(root, run)) {
        return Err(Fallback::TreeDisagrees);
    }
    let mut facts = super::extract(&tree, src);
    facts.query_calls = with_blanked_calls(std::mem::take(&mut facts.query_calls), &runs, src)?;
    Ok(facts)
}

/// One `await NAME.query(LITERAL);` statement.
#[derive(Debug, Clone)]
struct QueryStatement {
    /// From `await` to `;`.
    statement: Range<usize>,
    /// `NAME.query(LITERAL)`: the call's span in its fact.
    call: Range<usize>,
    /// `query`.
    method: Range<usize>,
    /// The literal with its quotes; its value is the text between them.
    literal: Range<usize>,
}

/// Statements of one shape and receiver that follow each other: the first is parsed, the
/// rest blanked.
#[derive(Debug)]
struct Run {
    first: QueryStatement,
    rest: Vec<QueryStatement>,
}

impl Run {
    /// From the start of the first blanked statement to the end of the last.
    fn blanked(&self) -> Range<usize> {
        match (self.rest.first(), self.rest.last()) {
            (Some(a), Some(b)) => a.statement.start..b.statement.end,
            _ => 0..0,
        }
    }
}

/// The blanked text of each run that has one, in order.
fn blanked_ranges(runs: &[Run]) -> Vec<Range<usize>> {
    runs.iter()
        .map(Run::blanked)
        .filter(|r| !r.is_empty())
        .collect()
}

/// The smallest node around a blanked run is the block (or case clause, or file) that
/// holds the run's first statement: nothing was blanked inside a string, template or
/// comment, and the run did not cross a block.
fn blanked_between_statements(root: Node, run: &Run) -> bool {
    let span = run.blanked();
    if span.is_empty() {
        return true;
    }
    let Some(around) = root.descendant_for_byte_range(span.start, span.end) else {
        return false;
    };
    let holds_first = around.start_byte() < run.first.statement.start
        && around.end_byte() > span.end
        && around
            .descendant_for_byte_range(run.first.statement.start, run.first.statement.end)
            .and_then(|n| n.parent())
            .is_some_and(|statement_parent| statement_parent == around);
    matches!(
        around.kind(),
        "statement_block" | "program" | "switch_case" | "switch_default"
    ) && holds_first
}

/// The extracted calls with a copy of each run's first call for each of its blanked
/// statements, right after it (the extraction lists calls in source order).
fn with_blanked_calls(
    calls: Vec<QueryCall>,
    runs: &[Run],
    src: &str,
) -> Result<Vec<QueryCall>, Fallback> {
    let blanked: usize = runs.iter().map(|r| r.rest.len()).sum();
    let mut out = Vec::with_capacity(calls.len() + blanked);
    let mut runs = runs.iter().filter(|r| !r.rest.is_empty()).peekable();
    for call in calls {
        let Some(run) = runs.next_if(|r| r.first.call.start <= call.span.start()) else {
            out.push(call);
            continue;
        };
        if call != expected_call(&call, &run.first, src) {
            return Err(Fallback::FirstCallDiffers);
        }
        let copies: Vec<QueryCall> = run
            .rest
            .iter()
            .map(|s| expected_call(&call, s, src))
            .collect();
        out.push(call);
        out.extend(copies);
    }
    if runs.next().is_some() {
        return Err(Fallback::FirstCallDiffers);
    }
    out.shrink_to_fit();
    Ok(out)
}

/// The call fact of `statement`, with what the spans and the SQL do not decide (receiver,
/// entity, enclosing function) taken from `like`.
fn expected_call(like: &QueryCall, statement: &QueryStatement, src: &str) -> QueryCall {
    let literal = &statement.literal;
    let value = literal_value(src.get(literal.clone()).unwrap_or(""));
    QueryCall {
        receiver: like.receiver.clone(),
        entity: like.entity.clone(),
        method: Name::from("query"),
        method_span: statement.method.clone().into(),
        args: Box::new([Spanned::new(Value::Str(Name::from(value)), literal.clone())]),
        span: statement.call.clone().into(),
        enclosing_function: like.enclosing_function.clone(),
    }
}

/// What the lexer is inside of, innermost last.
enum Frame {
    /// `{ ... }` in code.
    Brace,
    /// `${ ... }` in a template: its `}` goes back to the template.
    Substitution,
}

/// The runs of query statements of the file, in order; an error when the lexer is unsure
/// where code, strings, comments and templates are.
fn query_runs(src: &[u8]) -> Result<Vec<Run>, &'static str> {
    let mut runs: Vec<Run> = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut in_template = false;
    // The run a statement right here would continue, and its receiver.
    let mut open_run: Option<(usize, Range<usize>)> = None;
    let mut at = 0;
    while at < src.len() {
        if in_template {
            let next = memchr3(b'`', b'\\', b'$', &src[at..])
                .map(|n| at + n)
                .ok_or("unterminated template")?;
            match src[next] {
                b'`' => {
                    in_template = false;
                    at = next + 1;
                }
                b'\\' => at = next + 2,
                b'$' if src.get(next + 1) == Some(&b'{') => {
                    frames.push(Frame::Substitution);
                    in_template = false;
                    at = next + 2;
                }
                _ => at = next + 1,
            }
            continue;
        }
        let byte = src[at];
        if byte == b'a' && !is_ident_byte(at.checked_sub(1).map(|p| src[p])) {
            if let Some((statement, receiver)) = query_statement(src, at) {
                let continues = open_run.as_ref().is_some_and(|(end, name)| {
                    src[*end..at].iter().all(u8::is_ascii_whitespace)
                        && src.get(name.clone()) == src.get(receiver.clone())
                });
                at = statement.statement.end;
                match runs.last_mut() {
                    Some(run) if continues => run.rest.push(statement),
                    _ => runs.push(Run {
                        first: statement,
                        rest: Vec::new(),
                    }),
                }
                open_run = Some((at, receiver));
                continue;
            }
        }
        match byte {
            b'\'' | b'"' => at = string_end(src, at)?,
            b'`' => {
                in_template = true;
                at += 1;
            }
            b'/' => match src.get(at + 1) {
                Some(b'/') => at = memchr(b'\n', &src[at..]).map_or(src.len(), |n| at + n),
                Some(b'*') => {
                    let body = at + 2;
                    at = memchr::memmem::find(&src[body..], b"*/")
                        .map(|n| body + n + 2)
                        .ok_or("unterminated comment")?;
                }
                _ => return Err("a regular expression or a division"),
            },
            b'{' => {
                frames.push(Frame::Brace);
                at += 1;
            }
            b'}' => {
                match frames.pop() {
                    Some(Frame::Brace) => {}
                    Some(Frame::Substitution) => in_template = true,
                    None => return Err("unbalanced }"),
                }
                at += 1;
            }
            _ => at += 1,
        }
    }
    if in_template || !frames.is_empty() {
        return Err("unterminated template or block");
    }
    Ok(runs)
}

/// `await NAME.query(LITERAL);` starting at `at`, with the span of NAME.
fn query_statement(src: &[u8], at: usize) -> Option<(QueryStatement, Range<usize>)> {
    let mut i = at + expect(src, at, b"await")?;
    let spaces = src[i..]
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    if spaces == 0 {
        return None;
    }
    i += spaces;
    let name_start = i;
    if !src
        .get(i)
        .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'$'))
    {
        return None;
    }
    while is_ident_byte(src.get(i).copied()) {
        i += 1;
    }
    let name = name_start..i;
    i += expect(src, i, b".")?;
    let method = i..i + 5;
    i += expect(src, i, b"query(")?;
    i += whitespace(src, i);
    let literal_start = i;
    let literal_end = literal_end(src, i)?;
    i = literal_end + whitespace(src, literal_end);
    i += expect(src, i, b");")?;
    let statement = QueryStatement {
        statement: at..i,
        call: name_start..i - 1,
        method,
        literal: literal_start..literal_end,
    };
    Some((statement, name))
}

/// The end of the template or quoted string opening at `at`, if its value is its text
/// with [`SIMPLE_ESCAPES`] resolved ([`literal_value`]): no `${`, no other escape, no line
/// end in a quoted string.
fn literal_end(src: &[u8], at: usize) -> Option<usize> {
    let quote = *src.get(at)?;
    let ends_line = |b: u8| quote != b'`' && matches!(b, b'\n' | b'\r');
    let mut i = at + 1;
    while let Some(&b) = src.get(i) {
        match b {
            _ if b == quote => return Some(i + 1),
            b'\\' if src.get(i + 1).is_some_and(|e| SIMPLE_ESCAPES.contains(e)) => i += 2,
            b'\\' => return None,
            b'$' if quote == b'`' && src.get(i + 1) == Some(&b'{') => return None,
            _ if ends_line(b) => return None,
            _ => i += 1,
        }
    }
    None
}

/// Escapes whose value is the character escaped, in the grammar and in
/// [`super::value`] alike (MySQL migrations quote names with `` \` ``).
const SIMPLE_ESCAPES: &[u8] = b"`'\"\\";

/// The value of a literal [`literal_end`] accepted: the text between its quotes, each
/// escape replaced by the character it escapes.
fn literal_value(literal: &str) -> std::borrow::Cow<'_, str> {
    let inner = literal
        .get(1..literal.len().saturating_sub(1))
        .unwrap_or("");
    if !inner.contains('\\') {
        return inner.into();
    }
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.extend(chars.next()),
            _ => value.push(c),
        }
    }
    value.into()
}

/// The length of the whitespace (line ends included) at `at`.
fn whitespace(src: &[u8], at: usize) -> usize {
    src.get(at..).map_or(0, |rest| {
        rest.iter().take_while(|b| b.is_ascii_whitespace()).count()
    })
}

/// The length of `word` if the text at `at` starts with it.
fn expect(src: &[u8], at: usize, word: &[u8]) -> Option<usize> {
    src.get(at..)?.starts_with(word).then_some(word.len())
}

fn is_ident_byte(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$') || b >= 0x80)
}

/// The offset just after the closing quote of the string literal opening at `at`.
fn string_end(src: &[u8], at: usize) -> Result<usize, &'static str> {
    let quote = src[at];
    let mut i = at + 1;
    while i < src.len() {
        let next = memchr3(quote, b'\\', b'\n', &src[i..])
            .map(|n| i + n)
            .ok_or("unterminated string")?;
        match src[next] {
            b'\\' => i = next + 2,
            b'\n' => return Err("unterminated string"),
            _ => return Ok(next + 1),
        }
    }
    Err("unterminated string")
}
