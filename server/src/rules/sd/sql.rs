//! A small SQL scanner for the raw-SQL rules (SD001, SEC001): tokens, the tables a
//! statement reads, joins or updates (`FROM` / `JOIN` / `UPDATE`, with schema, quotes and
//! aliases), and a search for soft-delete predicates.
//!
//! It is not a parser: SQL in real code is full of dialect features, placeholders and
//! fragments (`.where('u.id IN (SELECT ...)')`), so the scanner looks only at the shapes
//! the rules need and says "don't know" (None / no table) for everything else. A template
//! literal's `${...}` substitutions become opaque [`HOLE`] tokens; substitutions that are
//! constants (same-file `const` strings) are inlined as their text first.

use crate::finding::Span;
use crate::syntax::{Spanned, Value};

/// Stands for a non-constant `${...}` substitution (or a concatenated non-constant) in
/// the rendered SQL text: a character from the private-use area, which no SQL contains.
pub const HOLE: char = '\u{E000}';

/// Nesting of templates, concatenations and consts beyond which rendering gives up.
const MAX_DEPTH: usize = 32;

/// SQL text rendered from a JavaScript value, with the expressions behind each [`HOLE`].
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub text: String,
    /// The non-constant expressions, in the order their holes appear in `text`.
    pub holes: Vec<Spanned<Value>>,
}

/// Renders a string-ish value as SQL text: string literals, template literals (constant
/// substitutions inlined, others as holes), `+` concatenations and same-file consts.
/// `None` for anything that is not a string at all (a variable, a call).
pub fn render(value: &Value) -> Option<Rendered> {
    let mut out = Rendered {
        text: String::new(),
        holes: Vec::new(),
    };
    render_into(value, &mut out, 0)?;
    Some(out)
}

fn render_into(value: &Value, out: &mut Rendered, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    match value {
        Value::Str(s) => out.text.push_str(s),
        Value::Const { value, .. } => render_into(&value.value, out, depth + 1)?,
        Value::Template { quasis, exprs } => {
            for (i, quasi) in quasis.iter().enumerate() {
                out.text.push_str(quasi);
                if let Some(expr) = exprs.get(i) {
                    render_operand(expr, out, depth + 1);
                }
            }
        }
        Value::Binary { op, operands } if op == "+" => {
            let [left, right] = &**operands;
            // Only a concatenation with a string on one side is SQL text.
            if !is_stringish(&left.value) && !is_stringish(&right.value) {
                return None;
            }
            render_operand(left, out, depth + 1);
            render_operand(right, out, depth + 1);
        }
        _ => return None,
    }
    Some(())
}

/// A substitution or concatenation operand: its text when it is a constant, else a hole.
fn render_operand(expr: &Spanned<Value>, out: &mut Rendered, depth: usize) {
    match constant_text(&expr.value) {
        Some(text) => out.text.push_str(&text),
        None => match &expr.value {
            Value::Template { .. } | Value::Binary { .. } | Value::Const { .. } => {
                let mark = out.text.len();
                let holes = out.holes.len();
                if render_into(&expr.value, out, depth).is_none() {
                    out.text.truncate(mark);
                    out.holes.truncate(holes);
                    push_hole(expr, out);
                }
            }
            _ => push_hole(expr, out),
        },
    }
}

fn push_hole(expr: &Spanned<Value>, out: &mut Rendered) {
    out.text.push(HOLE);
    out.holes.push(expr.clone());
}

/// The text of a constant scalar (string, number, boolean, or a const holding one).
fn constant_text(value: &Value) -> Option<String> {
    match value {
        Value::Str(s) => Some(s.to_string()),
        Value::Num(n) if n.is_finite() => Some(format!("{n}")),
        Value::BigInt(digits) => Some(digits.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Const { value, .. } => constant_text(&value.value),
        _ => None,
    }
}

fn is_stringish(value: &Value) -> bool {
    match value {
        Value::Str(_) | Value::Template { .. } => true,
        Value::Binary { op, operands } => {
            let [left, right] = &**operands;
            op == "+" && (is_stringish(&left.value) || is_stringish(&right.value))
        }
        Value::Const { value, .. } => is_stringish(&value.value),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An unquoted identifier or keyword.
    Word,
    /// A `"quoted"` (or `` `backticked` ``) identifier; `text` is its content.
    Quoted,
    /// A string literal (`'...'`, `E'...'`, `$$...$$`).
    Str,
    Num,
    /// A bind parameter: `$1`, `:name`, `:...names`, `?`, `@name`.
    Param,
    /// A non-constant substitution ([`HOLE`]).
    Hole,
    /// An operator made of `=<>!|&+-*/%^~` characters, or `::`.
    Op,
    /// Any other single character: `( ) , . ;` ...
    Punct,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: Kind,
    pub text: String,
    /// Byte range in the rendered text.
    pub span: Span,
}

impl Token {
    /// Case-insensitive keyword test (for words only).
    pub fn is_word(&self, keyword: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(keyword)
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }

    /// A name: an unquoted word or a quoted identifier.
    pub fn is_name(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Quoted)
    }

    /// Whether this name token denotes `name` (quoted names compare exactly, unquoted ones
    /// case-insensitively, as PostgreSQL folds them).
    pub fn names(&self, name: &str) -> bool {
        match self.kind {
            Kind::Quoted => self.text == name,
            Kind::Word => self.text.eq_ignore_ascii_case(name),
            _ => false,
        }
    }
}

/// Splits SQL text into tokens; comments and whitespace are dropped.
pub fn tokenize(sql: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        src: sql,
        pos: 0,
        out: Vec::new(),
    };
    lexer.run();
    lexer.out
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    out: Vec<Token>,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn is_op_char(c: char) -> bool {
    "=<>!|&+-*/%^~".contains(c)
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    /// Advances while `f` holds; returns the end offset.
    fn eat_while(&mut self, f: impl Fn(char) -> bool) -> usize {
        while let Some(c) = self.peek() {
            if !f(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        self.pos
    }

    fn push(&mut self, kind: Kind, start: usize, text: String) {
        self.out.push(Token {
            kind,
            text,
            span: start..self.pos,
        });
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            match c {
                c if c.is_whitespace() => {
                    self.eat_while(char::is_whitespace);
                }
                '-' if self.peek2() == Some('-') => {
                    self.eat_while(|c| c != '\n');
                }
                '/' if self.peek2() == Some('*') => self.block_comment(),
                '\'' => self.string(start, false),
                'e' | 'E' if self.peek2() == Some('\'') => {
                    self.pos += 1;
                    self.string(start, true);
                }
                '"' | '`' => self.quoted(start, c),
                '$' => self.dollar(start),
                ':' if self.peek2() == Some(':') => {
                    self.pos += 2;
                    self.push(Kind::Op, start, "::".into());
                }
                ':' if self.peek2().is_some_and(|n| is_ident_start(n) || n == '.') => {
                    self.pos += 1;
                    let end = self.eat_while(|c| is_ident_char(c) || c == '.');
                    let text = self.src.get(start..end).unwrap_or("").to_string();
                    self.push(Kind::Param, start, text);
                }
                '?' | '@' => {
                    self.pos += 1;
                    let end = self.eat_while(is_ident_char);
                    let text = self.src.get(start..end).unwrap_or("").to_string();
                    self.push(Kind::Param, start, text);
                }
                HOLE => {
                    self.pos += c.len_utf8();
                    self.push(Kind::Hole, start, String::new());
                }
                c if c.is_ascii_digit() => {
                    let end = self.eat_while(|c| c.is_ascii_alphanumeric() || c == '.');
                    let text = self.src.get(start..end).unwrap_or("").to_string();
                    self.push(Kind::Num, start, text);
                }
                c if is_ident_start(c) => {
                    let end = self.eat_while(is_ident_char);
                    let text = self.src.get(start..end).unwrap_or("").to_string();
                    self.push(Kind::Word, start, text);
                }
                c if is_op_char(c) => {
                    let end = self.eat_while(is_op_char);
                    let text = self.src.get(start..end).unwrap_or("").to_string();
                    self.push(Kind::Op, start, text);
                }
                c => {
                    self.pos += c.len_utf8();
                    self.push(Kind::Punct, start, c.to_string());
                }
            }
        }
    }

    fn block_comment(&mut self) {
        self.pos += 2;
        match self.rest().find("*/") {
            Some(i) => self.pos += i + 2,
            None => self.pos = self.src.len(),
        }
    }

    /// `'...'` with `''` escapes (and backslash escapes in `E'...'`).
    fn string(&mut self, start: usize, backslash: bool) {
        self.pos += 1;
        let mut content = String::new();
        while let Some(c) = self.peek() {
            self.pos += c.len_utf8();
            match c {
                '\\' if backslash => {
                    if let Some(n) = self.peek() {
                        self.pos += n.len_utf8();
                        content.push(n);
                    }
                }
                '\'' if self.peek() == Some('\'') => {
                    self.pos += 1;
                    content.push('\'');
                }
                '\'' => break,
                c => content.push(c),
            }
        }
        self.push(Kind::Str, start, content);
    }

    /// `"ident"` / `` `ident` `` with doubled-quote escapes.
    fn quoted(&mut self, start: usize, quote: char) {
        self.pos += 1;
        let mut content = String::new();
        while let Some(c) = self.peek() {
            self.pos += c.len_utf8();
            if c == quote {
                if self.peek() == Some(quote) {
                    self.pos += 1;
                    content.push(quote);
                    continue;
                }
                break;
            }
            content.push(c);
        }
        self.push(Kind::Quoted, start, content);
    }

    /// `$1` (parameter), `$tag$...$tag$` / `$$...$$` (dollar-quoted string), or a lone `$`.
    fn dollar(&mut self, start: usize) {
        self.pos += 1;
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let end = self.eat_while(|c| c.is_ascii_digit());
            let text = self.src.get(start..end).unwrap_or("").to_string();
            self.push(Kind::Param, start, text);
            return;
        }
        let tag_end = self.eat_while(|c| c.is_alphanumeric() || c == '_');
        if self.peek() != Some('$') {
            self.push(Kind::Punct, start, "$".into());
            return;
        }
        self.pos += 1;
        let tag = self.src.get(start..=tag_end).unwrap_or("$$").to_string();
        let body_start = self.pos;
        let (content, end) = match self.rest().find(&tag) {
            Some(i) => (
                self.src.get(body_start..body_start + i).unwrap_or(""),
                body_start + i + tag.len(),
            ),
            None => (self.rest(), self.src.len()),
        };
        let content = content.to_string();
        self.pos = end;
        self.push(Kind::Str, start, content);
    }
}

/// A table a statement reads, joins or updates.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRef {
    pub schema: Option<String>,
    /// The table name (quotes removed).
    pub name: String,
    pub quoted: bool,
    pub alias: Option<String>,
    /// Index of the name token.
    pub token: usize,
}

impl TableRef {
    /// Whether this reference denotes the table `table` (schema ignored: TypeORM's table
    /// names carry none unless configured, and `public.x` is `x`).
    pub fn is_table(&self, table: &str) -> bool {
        if self.quoted {
            self.name == table
        } else {
            self.name.eq_ignore_ascii_case(table)
        }
    }

    /// The names a column of this table may be qualified with: the alias, else the table
    /// name (both accepted, to stay lenient).
    pub fn qualifiers(&self) -> Vec<&str> {
        let mut out = vec![self.name.as_str()];
        if let Some(alias) = &self.alias {
            out.push(alias);
        }
        out
    }
}

/// Words that end a table reference and therefore are never an alias.
const NOT_ALIAS: &[&str] = &[
    "where",
    "join",
    "left",
    "right",
    "inner",
    "outer",
    "full",
    "cross",
    "natural",
    "on",
    "using",
    "group",
    "order",
    "limit",
    "offset",
    "set",
    "union",
    "except",
    "intersect",
    "returning",
    "for",
    "window",
    "having",
    "values",
    "lateral",
    "fetch",
    "tablesample",
    "select",
    "from",
    "and",
    "or",
    "as",
    "into",
    "when",
    "then",
    "else",
    "end",
    "do",
];

/// Functions whose argument syntax uses `FROM` without naming a table.
const FROM_FUNCTIONS: &[&str] = &["extract", "substring", "trim", "overlay", "position"];

/// Every `FROM` / `JOIN` / `UPDATE` table reference of the statement(s), subqueries
/// included. `DELETE FROM`, `INSERT INTO` and `FOR UPDATE` do not read rows and are left
/// out; derived tables, functions and holes in table position are not tables.
pub fn table_refs(tokens: &[Token]) -> Vec<TableRef> {
    let mut refs = Vec::new();
    // The word before each open parenthesis (to spot `EXTRACT(x FROM y)`).
    let mut parens: Vec<Option<&str>> = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| tokens.get(p));
        if tok.is_punct('(') {
            parens.push(
                prev.filter(|p| p.kind == Kind::Word)
                    .map(|p| p.text.as_str()),
            );
            continue;
        }
        if tok.is_punct(')') {
            parens.pop();
            continue;
        }
        if tok.kind != Kind::Word {
            continue;
        }
        let keyword = tok.text.to_ascii_lowercase();
        let prev_word = prev
            .filter(|p| p.kind == Kind::Word)
            .map(|p| p.text.to_ascii_lowercase());
        match keyword.as_str() {
            "from" => {
                let in_function = parens
                    .last()
                    .copied()
                    .flatten()
                    .is_some_and(|w| FROM_FUNCTIONS.iter().any(|f| w.eq_ignore_ascii_case(f)));
                let skip =
                    in_function || matches!(prev_word.as_deref(), Some("delete" | "distinct"));
                if !skip {
                    ref_list(tokens, i + 1, &mut refs);
                }
            }
            "join" => {
                if let Some((r, _)) = table_ref(tokens, i + 1) {
                    refs.push(r);
                }
            }
            "update" => {
                let skip = matches!(
                    prev_word.as_deref(),
                    Some("do" | "for" | "key" | "on" | "no")
                );
                if !skip {
                    if let Some((r, _)) = table_ref(tokens, i + 1) {
                        refs.push(r);
                    }
                }
            }
            _ => {}
        }
    }
    refs
}

/// `FROM a x, b AS y, ...`: each reference of a comma list.
fn ref_list(tokens: &[Token], mut at: usize, refs: &mut Vec<TableRef>) {
    while let Some((r, next)) = table_ref(tokens, at) {
        refs.push(r);
        match tokens.get(next) {
            Some(t) if t.is_punct(',') => at = next + 1,
            _ => break,
        }
    }
}

/// One table reference starting at `at`: `[ONLY] [schema.]name [[AS] alias]`. Returns it
/// and the index after it.
fn table_ref(tokens: &[Token], mut at: usize) -> Option<(TableRef, usize)> {
    if tokens.get(at).is_some_and(|t| t.is_word("only")) {
        at += 1;
    }
    let first = tokens.get(at)?;
    if !first.is_name() || is_reserved(first) {
        return None;
    }
    let mut schema = None;
    let mut name_at = at;
    // `schema.table` (or `db.schema.table`): keep the last two parts.
    while tokens.get(name_at + 1).is_some_and(|t| t.is_punct('.'))
        && tokens.get(name_at + 2).is_some_and(Token::is_name)
    {
        schema = tokens.get(name_at).map(|t| t.text.clone());
        name_at += 2;
    }
    let name_tok = tokens.get(name_at)?;
    let mut next = name_at + 1;
    if tokens.get(next).is_some_and(|t| t.is_punct('(')) {
        return None; // a function in FROM (`generate_series(...)`, `unnest(...)`)
    }
    if tokens.get(next).is_some_and(|t| t.is_word("as")) {
        next += 1;
    }
    let alias = match tokens.get(next) {
        Some(t) if t.is_name() && !is_reserved(t) => {
            next += 1;
            Some(t.text.clone())
        }
        _ => None,
    };
    Some((
        TableRef {
            schema,
            name: name_tok.text.clone(),
            quoted: name_tok.kind == Kind::Quoted,
            alias,
            token: name_at,
        },
        next,
    ))
}

fn is_reserved(tok: &Token) -> bool {
    tok.kind == Kind::Word && NOT_ALIAS.iter().any(|w| tok.text.eq_ignore_ascii_case(w))
}

/// Whether the SQL tests `column` of a table against NULL or compares it (`x.deleted IS
/// NULL`, `"deleted" IS NOT NULL`, `deleted > now()`). The column may be unqualified,
/// qualified by one of `own` (the table's name or alias), or by a name that is not one of
/// `foreign` (the other tables' names and aliases): that is a derived table or CTE wrapping
/// this table. Any explicit test counts: reading deleted rows on purpose is fine.
pub fn mentions_predicate(tokens: &[Token], column: &str, own: &[&str], foreign: &[&str]) -> bool {
    tokens.iter().enumerate().any(|(i, tok)| {
        tok.names(column)
            && qualified_by(tokens, i, own, foreign)
            && tokens.get(i + 1).is_some_and(is_test_start)
    })
}

/// Whether the SQL tests `alias.column` (qualified exactly by `alias`).
pub fn mentions_qualified(tokens: &[Token], column: &str, alias: &str) -> bool {
    tokens.iter().enumerate().any(|(i, tok)| {
        let qualifier = i.checked_sub(2).and_then(|p| tokens.get(p));
        let dot = i.checked_sub(1).and_then(|p| tokens.get(p));
        tok.names(column)
            && dot.is_some_and(|d| d.is_punct('.'))
            && qualifier.is_some_and(|q| q.names(alias))
            && tokens.get(i + 1).is_some_and(is_test_start)
    })
}

/// The column at `i` is unqualified, or qualified by one of `own`, or by none of `foreign`.
fn qualified_by(tokens: &[Token], i: usize, own: &[&str], foreign: &[&str]) -> bool {
    let dot = i.checked_sub(1).and_then(|p| tokens.get(p));
    if !dot.is_some_and(|d| d.is_punct('.')) {
        return true;
    }
    let Some(q) = i.checked_sub(2).and_then(|p| tokens.get(p)) else {
        return false;
    };
    own.iter().any(|name| q.names(name)) || !foreign.iter().any(|name| q.names(name))
}

/// `IS`, a comparison operator, or `BETWEEN`/`IN` after a column.
fn is_test_start(tok: &Token) -> bool {
    tok.is_word("is")
        || tok.is_word("between")
        || (tok.kind == Kind::Op
            && matches!(
                tok.text.as_str(),
                "=" | "<" | ">" | "<=" | ">=" | "<>" | "!="
            ))
}

/// Whether the hole token at `i` stands where a value goes (after a comparison, `LIKE`,
/// `LIMIT`, ... or inside `IN (...)`), as opposed to where a clause, a table or a column
/// goes. Holes in clause position may hide a filter, so SD001 stays silent about them.
pub fn hole_in_value_position(tokens: &[Token], i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).and_then(|p| tokens.get(p)) else {
        return false;
    };
    match prev.kind {
        Kind::Op => prev.text != "::",
        Kind::Word => ["like", "ilike", "limit", "offset", "between"]
            .iter()
            .any(|w| prev.is_word(w)),
        Kind::Punct if prev.is_punct('(') || prev.is_punct(',') => {
            // Inside `IN (...)` or `ANY(...)`: look back to the list's opening parenthesis.
            tokens
                .get(..i)
                .and_then(|before| before.iter().rposition(|t| t.is_punct('(')))
                .and_then(|open| open.checked_sub(1).and_then(|p| tokens.get(p)))
                .is_some_and(|w| w.is_word("in") || w.is_word("any"))
        }
        _ => false,
    }
}

/// Whether the hole token at `i` is a whole operand of a comparison: `= ${id}`, followed
/// by the end, a keyword, `)`, `,` or `;` (not glued to other text like `${a}.b`).
pub fn hole_is_comparison_operand(tokens: &[Token], i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).and_then(|p| tokens.get(p)) else {
        return false;
    };
    let comparison = (prev.kind == Kind::Op
        && matches!(
            prev.text.as_str(),
            "=" | "<" | ">" | "<=" | ">=" | "<>" | "!="
        ))
        || ["like", "ilike"].iter().any(|w| prev.is_word(w));
    if !comparison {
        return false;
    }
    let Some(hole) = tokens.get(i) else {
        return false;
    };
    match tokens.get(i + 1) {
        None => true,
        Some(next) => {
            let separated = next.span.start > hole.span.end;
            next.is_punct(')')
                || next.is_punct(',')
                || next.is_punct(';')
                || (next.kind == Kind::Op && next.text == "::")
                || (separated && matches!(next.kind, Kind::Word | Kind::Op))
        }
    }
}

/// The highest `$n` parameter number used in the SQL (0 if none).
pub fn max_positional_param(tokens: &[Token]) -> usize {
    tokens
        .iter()
        .filter(|t| t.kind == Kind::Param)
        .filter_map(|t| t.text.strip_prefix('$')?.parse::<usize>().ok())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(sql: &str) -> Vec<(Option<String>, String, Option<String>)> {
        table_refs(&tokenize(sql))
            .into_iter()
            .map(|r| (r.schema, r.name, r.alias))
            .collect()
    }

    fn r(
        schema: Option<&str>,
        name: &str,
        alias: Option<&str>,
    ) -> (Option<String>, String, Option<String>) {
        (
            schema.map(String::from),
            name.to_string(),
            alias.map(String::from),
        )
    }

    #[test]
    fn tokenizes_strings_quotes_params_and_comments() {
        let toks =
            tokenize("SELECT 'it''s', \"Name\", $1, :id, :...ids -- c\n/* x */ x::int, $$a'b$$");
        let kinds: Vec<(Kind, &str)> = toks.iter().map(|t| (t.kind, t.text.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (Kind::Word, "SELECT"),
                (Kind::Str, "it's"),
                (Kind::Punct, ","),
                (Kind::Quoted, "Name"),
                (Kind::Punct, ","),
                (Kind::Param, "$1"),
                (Kind::Punct, ","),
                (Kind::Param, ":id"),
                (Kind::Punct, ","),
                (Kind::Param, ":...ids"),
                (Kind::Word, "x"),
                (Kind::Op, "::"),
                (Kind::Word, "int"),
                (Kind::Punct, ","),
                (Kind::Str, "a'b"),
            ]
        );
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for sql in [
            "'abc",
            "\"abc",
            "$tag$ abc",
            "/* abc",
            "E'\\",
            "$",
            ":",
            "é ü",
        ] {
            let _ = table_refs(&tokenize(sql));
        }
    }

    #[test]
    fn arbitrary_input_does_not_panic() {
        let alphabet: Vec<char> = "ab $'\"`:?@()-/*.,;=<>0é\u{E000}\nEFROMJOIN"
            .chars()
            .collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2000 {
            let mut s = String::new();
            for _ in 0..(seed % 40) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let i = (seed >> 33) as usize % alphabet.len();
                s.push(alphabet.get(i).copied().unwrap_or('a'));
            }
            let toks = tokenize(&s);
            let _ = table_refs(&toks);
            for i in 0..toks.len() {
                let _ = hole_in_value_position(&toks, i);
                let _ = hole_is_comparison_operand(&toks, i);
            }
            let _ = mentions_predicate(&toks, "deleted", &["a"], &["b"]);
        }
    }

    #[test]
    fn finds_from_join_and_update_tables_with_aliases() {
        assert_eq!(
            refs("SELECT * FROM users u LEFT JOIN public.\"order\" AS o ON o.\"userId\" = u.id"),
            vec![
                r(None, "users", Some("u")),
                r(Some("public"), "order", Some("o"))
            ]
        );
        assert_eq!(
            refs("SELECT 1 FROM a, b AS y WHERE a.id = y.id"),
            vec![r(None, "a", None), r(None, "b", Some("y"))]
        );
        assert_eq!(
            refs("UPDATE ONLY product p SET x = 1"),
            vec![r(None, "product", Some("p"))]
        );
        assert_eq!(
            refs("SELECT * FROM users WHERE x"),
            vec![r(None, "users", None)]
        );
    }

    #[test]
    fn skips_forms_that_name_no_read_table() {
        assert!(refs("DELETE FROM users WHERE id = 1").is_empty());
        assert!(refs("INSERT INTO users (a) VALUES (1)").is_empty());
        assert!(refs("SELECT EXTRACT(YEAR FROM created) FROM generate_series(1, 3)").is_empty());
        assert!(refs("SELECT * FROM (SELECT 1) t").is_empty());
        assert!(refs("SELECT a IS DISTINCT FROM b").is_empty());
        assert_eq!(
            refs("SELECT * FROM jobs FOR UPDATE SKIP LOCKED"),
            vec![r(None, "jobs", None)]
        );
        assert!(refs("INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1").is_empty());
    }

    #[test]
    fn subqueries_are_scanned_too() {
        assert_eq!(
            refs("SELECT * FROM orders o WHERE o.user_id IN (SELECT id FROM users WHERE banned)"),
            vec![r(None, "orders", Some("o")), r(None, "users", None)]
        );
    }

    #[test]
    fn predicate_search_respects_qualifiers() {
        let users = ["users", "u"];
        let orders = ["orders", "o"];
        let toks = tokenize(
            "SELECT * FROM users u JOIN orders o ON o.deleted IS NULL WHERE u.\"deleted\" IS NULL",
        );
        assert!(mentions_predicate(&toks, "deleted", &users, &orders));
        let toks = tokenize("SELECT * FROM users u JOIN orders o ON o.deleted IS NULL");
        assert!(!mentions_predicate(&toks, "deleted", &users, &orders));
        assert!(mentions_predicate(&toks, "deleted", &orders, &users));
        let toks = tokenize("SELECT deleted FROM users");
        assert!(!mentions_predicate(&toks, "deleted", &["users"], &[]));
        let toks = tokenize("SELECT * FROM users WHERE deleted IS NOT NULL");
        assert!(mentions_predicate(&toks, "deleted", &["users"], &[]));
        let toks = tokenize("SELECT * FROM (SELECT * FROM users) t WHERE t.deleted IS NULL");
        assert!(mentions_predicate(&toks, "deleted", &["users"], &[]));
    }

    #[test]
    fn renders_templates_with_constant_and_opaque_substitutions() {
        let v = Value::Template {
            quasis: crate::syntax::boxed([
                "SELECT * FROM ".into(),
                " WHERE id = ".into(),
                "".into(),
            ]),
            exprs: crate::syntax::boxed(vec![
                Spanned::new(
                    Value::Const {
                        name: "T".into(),
                        value: Box::new(Spanned::new(Value::Str("users".into()), 0..1)),
                    },
                    10..11,
                ),
                Spanned::new(Value::Ident("id".into()), 20..22),
            ]),
        };
        let out = render(&v).unwrap_or_else(|| panic!("renders"));
        assert_eq!(out.text, format!("SELECT * FROM users WHERE id = {HOLE}"));
        assert_eq!(out.holes.len(), 1);
        let toks = tokenize(&out.text);
        let hole = toks.iter().position(|t| t.kind == Kind::Hole).unwrap_or(0);
        assert!(hole_is_comparison_operand(&toks, hole));
        assert!(hole_in_value_position(&toks, hole));
        assert_eq!(render(&Value::Ident("sql".into())), None);
    }

    #[test]
    fn hole_positions() {
        let text = format!("SELECT * FROM t WHERE a = '{HOLE}' AND {HOLE} AND b IN ({HOLE}) AND c = {HOLE}.x ORDER BY {HOLE}");
        let toks = tokenize(&text);
        let holes: Vec<usize> = toks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == Kind::Hole)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(holes.len(), 4, "the quoted one is inside a string");
        let value: Vec<bool> = holes
            .iter()
            .map(|i| hole_in_value_position(&toks, *i))
            .collect();
        assert_eq!(value, vec![false, true, true, false]);
        let operand: Vec<bool> = holes
            .iter()
            .map(|i| hole_is_comparison_operand(&toks, *i))
            .collect();
        assert_eq!(operand, vec![false, false, false, false]);
        assert_eq!(max_positional_param(&tokenize("a = $1 AND b = $12")), 12);
    }
}
