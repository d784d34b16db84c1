//! [`Name`]: the text of an identifier, key, literal or specifier in the facts, interned.
//!
//! Facts are kept for every file of the workspace and hold a few hundred names per file,
//! most of them repeated across files (decorator names, option keys, import specifiers,
//! type names). A `Name` is a thin shared pointer to the one copy of its text
//! ([`ThinStr`]): 8 bytes where an `Arc<str>` takes 16 and an inline string 24, and a
//! specifier imported by a thousand files is stored once per thread.
//!
//! Each thread interns into its own table: one table shared by the extraction threads
//! made every lookup take a lock and every clone of a common name (`Column`, `varchar`)
//! write a count that the other core had just written, and those cache-line transfers cost
//! more than the lookups (`perf`, check of 5,000 generated files: 3.6% of the time in
//! `Name::new`). A text met by two threads is stored twice; equality falls back to
//! comparing texts when the pointers differ.
//!
//! A table holds a reference to each of its texts; when it has doubled since its last
//! sweep, texts no `Name` points to any more are dropped, so a long editing session does
//! not accumulate the texts of edits gone by.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Deref;
use std::sync::OnceLock;

use super::thin_str::ThinStr;

/// An interned, immutable string (see the module doc).
#[derive(Clone)]
pub struct Name(ThinStr);

/// A table is not swept before it holds this many texts.
const MIN_SWEEP: usize = 1 << 18;

/// One thread's texts (see the module doc).
struct Interner {
    hasher: foldhash::fast::FixedState,
    texts: hashbrown::HashTable<ThinStr>,
    /// Sweep when the table grows past this.
    next_sweep: usize,
}

thread_local! {
    static INTERNER: RefCell<Interner> = const {
        RefCell::new(Interner {
            hasher: foldhash::fast::FixedState::with_seed(0x7970_656f_726d),
            texts: hashbrown::HashTable::new(),
            next_sweep: MIN_SWEEP,
        })
    };
}

impl Interner {
    fn intern(&mut self, text: &str) -> ThinStr {
        let hash = self.hasher.hash_one(text);
        if let Some(found) = self.texts.find(hash, |t| t.as_str() == text) {
            return found.clone();
        }
        if self.texts.len() >= self.next_sweep {
            // Only the table holds a text with a count of one, and only this thread can
            // make a new reference to it from the table.
            self.texts.retain(|t| t.count() > 1);
            self.next_sweep = (self.texts.len() * 2).max(MIN_SWEEP);
        }
        let text = ThinStr::new(text);
        let hasher = &self.hasher;
        self.texts
            .insert_unique(hash, text.clone(), |t| hasher.hash_one(t.as_str()));
        text
    }
}

impl Name {
    /// The interned copy of `text`.
    pub fn new(text: &str) -> Name {
        if text.is_empty() {
            return Name::default();
        }
        // A thread tearing down its locals has no table left: that text goes uninterned.
        let interned = INTERNER.try_with(|interner| interner.borrow_mut().intern(text));
        Name(interned.unwrap_or_else(|_| ThinStr::new(text)))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Default for Name {
    fn default() -> Name {
        static EMPTY: OnceLock<ThinStr> = OnceLock::new();
        Name(EMPTY.get_or_init(|| ThinStr::new("")).clone())
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.0.ptr_eq(&other.0) || self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` does, so that `Borrow<str>` lookups agree.
        self.as_str().hash(state)
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

macro_rules! eq_with {
    ($($ty:ty),*) => {$(
        impl PartialEq<$ty> for Name {
            fn eq(&self, other: &$ty) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }
        impl PartialEq<Name> for $ty {
            fn eq(&self, other: &Name) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}

eq_with!(str, String);

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<&Name> for Name {
    fn eq(&self, other: &&Name) -> bool {
        self == *other
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::new(text)
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Name {
        Name::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::new(&text)
    }
}

impl From<std::borrow::Cow<'_, str>> for Name {
    fn from(text: std::borrow::Cow<'_, str>) -> Name {
        Name::new(&text)
    }
}

impl From<&Name> for Name {
    fn from(name: &Name) -> Name {
        name.clone()
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.as_str().to_string()
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Name, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Name, E> {
                Ok(Name::new(v))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_one_copy() {
        let a = Name::new("referencedColumnName");
        let b = Name::from(String::from("referencedColumnName"));
        assert!(a.0.ptr_eq(&b.0));
        assert_eq!(a, b);
        assert_eq!(a, "referencedColumnName");
        assert_eq!("referencedColumnName", a);
        assert_ne!(a, Name::new("referencedColumn"));
        assert_eq!(Name::new(""), Name::default());
        assert_eq!(
            format!("{a:?} {a}"),
            "\"referencedColumnName\" referencedColumnName"
        );
    }

    #[test]
    fn texts_nothing_points_to_are_swept() {
        // Fill one run of texts well past a sweep; only the last few stay referenced.
        let kept: Vec<Name> = (0..MIN_SWEEP * 3)
            .map(|i| Name::new(&format!("sweep-test-{i}")))
            .rev()
            .take(10)
            .collect();
        let total = INTERNER.with(|interner| interner.borrow().texts.len());
        assert!(total < MIN_SWEEP * 3, "{total} texts kept");
        assert_eq!(kept[0], format!("sweep-test-{}", MIN_SWEEP * 3 - 1));
    }

    #[test]
    fn serde_round_trip_interns() {
        let a = Name::new("typeorm");
        let bytes = postcard::to_allocvec(&a).unwrap();
        let b: Name = postcard::from_bytes(&bytes).unwrap();
        assert!(a.0.ptr_eq(&b.0));
    }
}
