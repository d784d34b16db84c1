//! A small TypeScript lexer that finds function bodies: the `{ .. }` after a parameter
//! list (`m(..) {`, `function f(..): T {`, `(..) => {`), with their nesting, before any
//! parse. [`super::body_elision`] leaves out of the parse the bodies that hold nothing the
//! extraction reads.
//!
//! It knows strings, templates (with `${ .. }` inside), comments and regular expressions
//! well enough to match braces. Where it cannot decide (a `/` after `}`, which may start a
//! regular expression or divide; an unterminated string, template, comment or regular
//! expression; an unbalanced bracket) it gives up on the file, which then gets the full
//! parse. A body it finds wrongly is caught later: the tree of the skeleton must show a
//! function's statement block at each elided `{` ([`super::body_elision`]).

use super::queries::is_word_byte;
use std::ops::Range;

/// A function body found by the lexer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// From `{` to `}` inclusive.
    pub span: Range<usize>,
    /// Inside a top-level function, variable or type declaration (`export const f = () =>
    /// { .. }`): the extraction reads those (decorator wrappers, option builders), so
    /// they are never elided.
    pub in_top_declaration: bool,
}

/// What came before the current token, as far as braces, regular expressions and
/// bodies care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// Start of file.
    Start,
    /// A word: keyword, identifier or number, with its range.
    Word(usize, usize),
    /// `)`: `control` when its `(` followed `if`, `for`, `while`, `switch`, `catch` or
    /// `with`.
    CloseParen {
        control: bool,
    },
    CloseBracket,
    CloseBrace,
    Arrow,
    /// A string, template or regular expression.
    Literal,
    /// Any other punctuation byte.
    Punct(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Paren {
        control: bool,
    },
    Bracket,
    /// `body`: a function body, its `{` offset.
    Brace {
        body: Option<usize>,
    },
    /// `${ .. }` inside a template.
    Substitution,
}

/// Words after which `/` starts a regular expression.
const REGEX_AFTER: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

/// Words before `(` that make its `)` end a condition, not a parameter list.
const CONTROL: &[&str] = &["if", "for", "while", "switch", "catch", "with"];

/// Top-level statements whose bodies the extraction reads (see [`Body`]).
const TOP_DECLARATIONS: &[&str] = &[
    "function",
    "const",
    "let",
    "var",
    "type",
    "interface",
    "namespace",
    "module",
    "declare",
    "enum",
];

/// The function bodies of `src`, in order of their `{`, or why the lexer gave up.
pub fn bodies(src: &[u8]) -> Result<Vec<Body>, &'static str> {
    Lexer::new(src).run()
}

struct Lexer<'s> {
    src: &'s [u8],
    at: usize,
    prev: Prev,
    /// The word before `prev`, when `prev` is a word (`for await (`).
    word_before: Option<(usize, usize)>,
    stack: Vec<Frame>,
    /// After a parameter list's `)` and `:`: the offset of the stack depth the return
    /// type is written at.
    return_type: Option<usize>,
    /// The top-level statement being lexed is a declaration (see [`TOP_DECLARATIONS`]).
    top_declaration: bool,
    bodies: Vec<Body>,
}

impl<'s> Lexer<'s> {
    fn new(src: &'s [u8]) -> Self {
        Lexer {
            src,
            at: 0,
            prev: Prev::Start,
            word_before: None,
            stack: Vec::new(),
            return_type: None,
            top_declaration: false,
            bodies: Vec::new(),
        }
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    fn word(&self, range: (usize, usize)) -> &'s [u8] {
        self.src.get(range.0..range.1).unwrap_or_default()
    }

    fn prev_word_is(&self, words: &[&str]) -> bool {
        match self.prev {
            Prev::Word(s, e) => {
                let w = self.word((s, e));
                words.iter().any(|k| k.as_bytes() == w)
            }
            _ => false,
        }
    }

    fn run(mut self) -> Result<Vec<Body>, &'static str> {
        if self.src.starts_with(b"#!") {
            self.at = memchr::memchr(b'\n', self.src).unwrap_or(self.src.len());
        }
        while let Some(b) = self.byte(self.at) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.at += 1,
                b'/' => self.slash()?,
                b'\'' | b'"' => {
                    self.string(b)?;
                    self.set_prev(Prev::Literal);
                }
                b'`' => {
                    self.at += 1;
                    self.template()?;
                }
                b'(' => self.open_paren(),
                b')' => self.close_paren()?,
                b'[' => {
                    self.stack.push(Frame::Bracket);
                    self.at += 1;
                    self.set_prev(Prev::Punct(b'['));
                }
                b']' => {
                    match self.stack.pop() {
                        Some(Frame::Bracket) => {}
                        _ => return Err("unbalanced ]"),
                    }
                    self.at += 1;
                    self.set_prev(Prev::CloseBracket);
                }
                b'{' => self.open_brace(),
                b'}' => self.close_brace()?,
                b'=' if self.byte(self.at + 1) == Some(b'>') => {
                    self.at += 2;
                    // `(..): T => {`: the return type ends at the arrow.
                    self.return_type = None;
                    self.set_prev(Prev::Arrow);
                }
                b';' => {
                    self.at += 1;
                    if self.stack.is_empty() {
                        self.top_declaration = false;
                    }
                    if self.return_type == Some(self.stack.len()) {
                        self.return_type = None;
                    }
                    self.set_prev(Prev::Punct(b';'));
                }
                b if is_word_byte(b) => self.word_token(),
                _ => {
                    self.at += 1;
                    if b == b'=' && self.return_type == Some(self.stack.len()) {
                        self.return_type = None;
                    }
                    self.set_prev(Prev::Punct(b));
                }
            }
        }
        if !self.stack.is_empty() {
            return Err("unclosed bracket");
        }
        self.bodies.sort_by_key(|b| b.span.start);
        Ok(self.bodies)
    }

    fn set_prev(&mut self, prev: Prev) {
        self.word_before = match (self.prev, prev) {
            (Prev::Word(s, e), Prev::Word(..)) => Some((s, e)),
            _ => None,
        };
        self.prev = prev;
    }

    fn word_token(&mut self) {
        let start = self.at;
        while self.byte(self.at).is_some_and(is_word_byte) {
            self.at += 1;
        }
        let word = self.word((start, self.at));
        let after_dot = self.prev == Prev::Punct(b'.');
        if self.stack.is_empty() && !after_dot {
            if TOP_DECLARATIONS.iter().any(|k| k.as_bytes() == word) {
                self.top_declaration = true;
            } else if word == b"class" && self.starts_statement() {
                self.top_declaration = false;
            }
        }
        self.set_prev(Prev::Word(start, self.at));
    }

    /// Whether a `class` at the top level starts a statement (not `const A = class ..`).
    fn starts_statement(&self) -> bool {
        match self.prev {
            Prev::Start | Prev::CloseBrace | Prev::CloseParen { .. } => true,
            Prev::Punct(b';') => true,
            Prev::Word(..) => self.prev_word_is(&["export", "default", "abstract", "declare"]),
            _ => false,
        }
    }

    fn open_paren(&mut self) {
        let control = self.prev_word_is(CONTROL)
            || (self.prev_word_is(&["await"])
                && self.word_before.is_some_and(|w| self.word(w) == b"for"));
        self.stack.push(Frame::Paren { control });
        self.at += 1;
        self.set_prev(Prev::Punct(b'('));
    }

    fn close_paren(&mut self) -> Result<(), &'static str> {
        let control = match self.stack.pop() {
            Some(Frame::Paren { control }) => control,
            _ => return Err("unbalanced )"),
        };
        self.at += 1;
        self.set_prev(Prev::CloseParen { control });
        if !control && self.next_significant() == Some(b':') {
            self.return_type = Some(self.stack.len());
        }
        Ok(())
    }

    /// The next byte that is not space (comments are not skipped: `) /* */ :` is rare and
    /// only costs a body).
    fn next_significant(&self) -> Option<u8> {
        self.src
            .get(self.at..)?
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace())
    }

    fn open_brace(&mut self) {
        let at = self.at;
        let depth = self.stack.len();
        let body = match self.prev {
            Prev::CloseParen { control: false } | Prev::Arrow => true,
            // `): Promise<T> {`, `): void {`, `): T[] {`, `): { a: 1 } {`: a body; a `{`
            // right after `:`, `|`, `&`, `<` or `,` opens a type literal.
            Prev::Word(..) | Prev::CloseBracket | Prev::CloseBrace | Prev::Punct(b'>') => {
                self.return_type == Some(depth)
            }
            _ => false,
        };
        if body {
            self.return_type = None;
        }
        self.stack.push(Frame::Brace {
            body: body.then_some(at),
        });
        self.at += 1;
        self.set_prev(Prev::Punct(b'{'));
    }

    fn close_brace(&mut self) -> Result<(), &'static str> {
        match self.stack.pop() {
            Some(Frame::Brace { body }) => {
                self.at += 1;
                if let Some(open) = body {
                    self.bodies.push(Body {
                        span: open..self.at,
                        in_top_declaration: self.top_declaration,
                    });
                }
                self.set_prev(Prev::CloseBrace);
                Ok(())
            }
            Some(Frame::Substitution) => {
                self.at += 1;
                self.template()
            }
            _ => Err("unbalanced }"),
        }
    }

    /// `/`: a comment, a regular expression or a division.
    fn slash(&mut self) -> Result<(), &'static str> {
        match self.byte(self.at + 1) {
            Some(b'/') => {
                self.at = memchr::memchr(b'\n', &self.src[self.at..])
                    .map_or(self.src.len(), |nl| self.at + nl);
                Ok(())
            }
            Some(b'*') => {
                let rest = &self.src[self.at + 2..];
                let end = memchr::memmem::find(rest, b"*/").ok_or("unterminated comment")?;
                self.at += 2 + end + 2;
                Ok(())
            }
            _ => {
                let regex = match self.prev {
                    Prev::Start | Prev::Arrow | Prev::Punct(_) => true,
                    Prev::CloseParen { control } => control,
                    Prev::CloseBracket | Prev::Literal => false,
                    Prev::Word(..) => self.prev_word_is(REGEX_AFTER),
                    Prev::CloseBrace => return Err("a / after }"),
                };
                if regex {
                    self.regex()?;
                    self.set_prev(Prev::Literal);
                } else {
                    self.at += 1;
                    self.set_prev(Prev::Punct(b'/'));
                }
                Ok(())
            }
        }
    }

    fn regex(&mut self) -> Result<(), &'static str> {
        self.at += 1;
        let mut class = false;
        loop {
            match self
                .byte(self.at)
                .ok_or("unterminated regular expression")?
            {
                b'\\' => self.at += 2,
                b'\n' | b'\r' => return Err("unterminated regular expression"),
                b'[' => {
                    class = true;
                    self.at += 1;
                }
                b']' => {
                    class = false;
                    self.at += 1;
                }
                b'/' if !class => {
                    self.at += 1;
                    while self.byte(self.at).is_some_and(is_word_byte) {
                        self.at += 1;
                    }
                    return Ok(());
                }
                _ => self.at += 1,
            }
        }
    }

    fn string(&mut self, quote: u8) -> Result<(), &'static str> {
        self.at += 1;
        loop {
            let rest = self.src.get(self.at..).unwrap_or_default();
            let i = memchr::memchr3(quote, b'\\', b'\n', rest).ok_or("unterminated string")?;
            self.at += i;
            match rest[i] {
                b'\\' => self.at += 2,
                b'\n' => return Err("unterminated string"),
                _ => {
                    self.at += 1;
                    return Ok(());
                }
            }
        }
    }

    /// The rest of a template from just after its backtick or a substitution's `}`.
    fn template(&mut self) -> Result<(), &'static str> {
        loop {
            let rest = self.src.get(self.at..).unwrap_or_default();
            let i = memchr::memchr3(b'`', b'\\', b'$', rest).ok_or("unterminated template")?;
            self.at += i;
            match rest[i] {
                b'\\' => self.at += 2,
                b'$' if rest.get(i + 1) == Some(&b'{') => {
                    self.at += 2;
                    self.stack.push(Frame::Substitution);
                    self.set_prev(Prev::Punct(b'{'));
                    return Ok(());
                }
                b'$' => self.at += 1,
                _ => {
                    self.at += 1;
                    self.set_prev(Prev::Literal);
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        bodies(src.as_bytes())
            .unwrap()
            .into_iter()
            .map(|b| &src[b.span])
            .collect()
    }

    #[test]
    fn finds_method_function_and_arrow_bodies() {
        let src = "class A { m(a: string): Promise<void> { return 1; } get x() { y(); } }\n\
                   foo((a) => { b(); }); if (x) { z(); } try { t(); } catch (e) { c(); }";
        assert_eq!(texts(src), ["{ return 1; }", "{ y(); }", "{ b(); }"]);
    }

    #[test]
    fn return_type_literals_are_no_bodies() {
        let src = "class A { m(): { a: string } { return { a: '' }; } n(): A | { b: 1 } { } }";
        assert_eq!(texts(src), ["{ return { a: '' }; }", "{ }"]);
    }

    #[test]
    fn strings_templates_comments_and_regexes_hide_braces() {
        let src = "class A { m() { const s = '}'; const t = `${ {a: 1}.a } }`; // }\n\
                   /* } */ const r = /[}/]\\}/g; return a / b / c; } }";
        assert_eq!(texts(src).len(), 1);
    }

    #[test]
    fn top_level_declarations_are_marked() {
        let src = "export function f() { g(); }\nexport const h = () => { i(); };\n\
                   class B { m() { n(); } }\ndescribe('x', () => { it(); });";
        let found = bodies(src.as_bytes()).unwrap();
        let flags: Vec<bool> = found.iter().map(|b| b.in_top_declaration).collect();
        assert_eq!(flags, [true, true, false, false]);
    }

    #[test]
    fn gives_up_where_unsure() {
        assert!(bodies(b"let a = {} / 2;").is_err());
        assert!(bodies(b"let s = 'open").is_err());
        assert!(bodies(b"f(() => { x();").is_err());
        assert!(bodies(b"let r = /abc").is_err());
    }
}
