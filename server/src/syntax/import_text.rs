//! Plain import statements read from their text: `import { A, B as C } from './x';`,
//! `import D, * as E from 'y';`, `import './z';`. Most statements of a file are imports,
//! and reading one node by node (clause, list, each specifier and its name, the string)
//! cost about 8k instructions, against a few hundred for its text.
//!
//! Only a statement made of identifiers (ASCII), `{ } , *`, `as`, `from`, a leading
//! `type`, one module string without escapes and an optional `;`, separated by ASCII
//! blanks, is read here; anything else (comments, `{ type A }`, string names, attributes,
//! `= require(..)`,
//! non-ASCII outside the string) gives `None` and is left to the tree. The tests compare
//! both readings.

use super::facts::ImportedName;
use std::ops::Range;

/// What [`read`] found, with byte offsets into the file.
#[derive(Debug, PartialEq)]
pub(super) struct PlainImport<'s> {
    /// The module string's contents (no quotes, no escapes).
    pub specifier: &'s str,
    pub specifier_span: Range<usize>,
    /// In source order: the default import, then `* as x` or the `{ .. }` list.
    pub names: Vec<ImportedName>,
    /// The `{ .. }` list, braces included.
    pub named_list_span: Option<Range<usize>>,
    /// `import type ..`.
    pub type_only: bool,
}

/// Reads the import statement `text` that starts at byte `start` of its file.
pub(super) fn read(text: &str, start: usize) -> Option<PlainImport<'_>> {
    let mut r = Reader {
        text: text.as_bytes(),
        src: text,
        at: 0,
    };
    r.keyword("import")?;
    let mut names = Vec::new();
    let mut named_list_span = None;
    let mut type_only = false;
    if !r.at_quote() {
        if matches!(r.peek(), Some(b'{' | b'*')) {
            r.list_or_namespace(start, &mut names, &mut named_list_span)?;
        } else {
            let mut local = r.word()?;
            if local == "type" {
                // `import type { A }`, `import type * as B`, `import type C from`; but
                // `import type from 'x'` imports a default named `type`, and the rest
                // (`import type, { A }`) is left to the tree.
                type_only = true;
                if matches!(r.peek(), Some(b'{' | b'*')) {
                    r.list_or_namespace(start, &mut names, &mut named_list_span)?;
                    r.keyword("from")?;
                    return r.rest(start, names, named_list_span, type_only);
                }
                local = r.word().filter(|w| *w != "from")?;
            }
            names.push(ImportedName {
                imported: "default".into(),
                local: local.into(),
            });
            if r.eat(b',') {
                if type_only {
                    return None;
                }
                r.list_or_namespace(start, &mut names, &mut named_list_span)?;
            }
        }
        r.keyword("from")?;
    }
    r.rest(start, names, named_list_span, type_only)
}

struct Reader<'s> {
    text: &'s [u8],
    /// The same text, to slice words and the string from (no UTF-8 check of their own).
    src: &'s str,
    at: usize,
}

impl<'s> Reader<'s> {
    /// The module string and the end of the statement.
    fn rest(
        mut self,
        start: usize,
        names: Vec<ImportedName>,
        named_list_span: Option<Range<usize>>,
        type_only: bool,
    ) -> Option<PlainImport<'s>> {
        let (specifier, range) = self.string()?;
        self.eat(b';');
        self.skip_blanks();
        if self.at != self.text.len() {
            return None;
        }
        Some(PlainImport {
            specifier,
            specifier_span: start + range.start..start + range.end,
            names,
            named_list_span,
            type_only,
        })
    }

    fn skip_blanks(&mut self) {
        while self.text.get(self.at).is_some_and(|b| is_blank(*b)) {
            self.at += 1;
        }
    }

    /// The next byte after blanks.
    fn peek(&mut self) -> Option<u8> {
        self.skip_blanks();
        self.text.get(self.at).copied()
    }

    fn at_quote(&mut self) -> bool {
        matches!(self.peek(), Some(b'\'' | b'"'))
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    /// The identifier after blanks, without moving past it.
    fn peek_word(&mut self) -> Option<&'s str> {
        self.skip_blanks();
        let len = self
            .text
            .get(self.at..)?
            .iter()
            .take_while(|b| is_ident_byte(**b))
            .count();
        let word = self.src.get(self.at..self.at + len)?;
        match word.as_bytes().first() {
            Some(b) if !b.is_ascii_digit() => Some(word),
            _ => None,
        }
    }

    fn word(&mut self) -> Option<&'s str> {
        let word = self.peek_word()?;
        self.at += word.len();
        Some(word)
    }

    fn keyword(&mut self, keyword: &str) -> Option<()> {
        (self.word()? == keyword).then_some(())
    }

    /// `{ a, b as c, }` or `* as ns`.
    fn list_or_namespace(
        &mut self,
        start: usize,
        names: &mut Vec<ImportedName>,
        list_span: &mut Option<Range<usize>>,
    ) -> Option<()> {
        if self.eat(b'*') {
            self.keyword("as")?;
            names.push(ImportedName {
                imported: "*".into(),
                local: self.word()?.into(),
            });
            return Some(());
        }
        self.peek();
        let open = self.at;
        if !self.eat(b'{') {
            return None;
        }
        loop {
            if self.eat(b'}') {
                break;
            }
            let imported = self.word()?;
            // `{ type A }` or a name `type`: the tree tells
            if imported == "type" {
                return None;
            }
            let local = match self.peek_word() {
                Some("as") => {
                    self.word()?;
                    self.word()?
                }
                _ => imported,
            };
            names.push(ImportedName {
                imported: imported.into(),
                local: local.into(),
            });
            if !self.eat(b',') {
                self.eat(b'}').then_some(())?;
                break;
            }
        }
        *list_span = Some(start + open..start + self.at);
        Some(())
    }

    /// A quoted string without escapes or line breaks: its contents and their range.
    fn string(&mut self) -> Option<(&'s str, Range<usize>)> {
        let quote = self.peek().filter(|q| matches!(q, b'\'' | b'"'))?;
        let from = self.at + 1;
        let len = self.text.get(from..)?.iter().position(|b| *b == quote)?;
        let contents = self.src.get(from..from + len)?;
        if memchr::memchr3(b'\\', b'\n', b'\r', contents.as_bytes()).is_some() {
            return None;
        }
        self.at = from + len + 1;
        Some((contents, from..from + len))
    }
}

/// ASCII blanks (a vertical tab or a non-ASCII space leaves the statement to the tree).
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(i: &PlainImport) -> Vec<(String, String)> {
        i.names
            .iter()
            .map(|n| (n.imported.to_string(), n.local.to_string()))
            .collect()
    }

    #[test]
    fn reads_the_plain_shapes() {
        let src = "import D, { A, B as C, } from './x';";
        let Some(i) = read(src, 10) else {
            panic!("read");
        };
        assert_eq!(i.specifier, "./x");
        assert_eq!(
            &src[i.specifier_span.start - 10..i.specifier_span.end - 10],
            "./x"
        );
        assert_eq!(
            names(&i),
            [("default", "D"), ("A", "A"), ("B", "C")].map(|(a, b)| (a.into(), b.into()))
        );
        let list = i.named_list_span.map(|s| &src[s.start - 10..s.end - 10]);
        assert_eq!(list, Some("{ A, B as C, }"));
        let ns = read("import * as N from \"y\"", 0).map(|i| names(&i));
        assert_eq!(ns, Some(vec![("*".into(), "N".into())]));
        let side = read("import 'z'  ;\n", 0);
        assert_eq!(side.map(|i| (i.specifier, i.names.len())), Some(("z", 0)));
    }

    #[test]
    fn leaves_the_rest_to_the_tree() {
        for src in [
            "import type from 'a';",
            "import type, { A } from 'a';",
            "import type A, { B } from 'a';",
            "import { type A } from 'a';",
            "import { 'a-b' as A } from 'a';",
            "import { A } /* c */ from 'a';",
            "import { A } from 'a\\'b';",
            "import x = require('a');",
            "import j from 'a' with { type: 'json' };",
            "import { 名 } from 'a';",
            "import { A } from `a`;",
            "import { A from 'a';",
            "import A from 'a' extra;",
        ] {
            assert_eq!(read(src, 0), None, "{src}");
        }
    }
}
