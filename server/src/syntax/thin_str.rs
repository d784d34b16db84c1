//! [`ThinStr`]: a reference-counted immutable string behind one 8-byte pointer.
//!
//! `Arc<str>` is a fat pointer (address and length, 16 bytes). The facts of a workspace
//! hold millions of names, each a pointer to an interned text ([`super::name::Name`]), so
//! the length is kept once, in the text's block, next to the count: one allocation per
//! text (`count | len | bytes`) and 8 bytes per reference. The counting is triomphe's
//! `ThinArc` (servo's thin `Arc`); this type only keeps its bytes UTF-8.

use triomphe::ThinArc;

/// A counted, immutable UTF-8 text behind a thin pointer.
#[derive(Clone)]
pub struct ThinStr(ThinArc<(), u8>);

impl ThinStr {
    pub fn new(text: &str) -> ThinStr {
        ThinStr(ThinArc::from_header_and_slice((), text.as_bytes()))
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: the bytes were copied from a `&str` in `new` and the block is immutable.
        unsafe { std::str::from_utf8_unchecked(&self.0.slice) }
    }

    /// How many references the text has (as `Arc::strong_count`).
    pub fn count(&self) -> usize {
        ThinArc::strong_count(&self.0)
    }

    /// The same block (as `Arc::ptr_eq`).
    pub fn ptr_eq(&self, other: &ThinStr) -> bool {
        std::ptr::eq(self.0.ptr(), other.0.ptr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_its_text_and_counts_references() {
        assert_eq!(std::mem::size_of::<ThinStr>(), 8);
        assert_eq!(std::mem::size_of::<Option<ThinStr>>(), 8);
        let a = ThinStr::new("referencedColumnName");
        let b = a.clone();
        assert!(a.ptr_eq(&b));
        assert!(!a.ptr_eq(&ThinStr::new("referencedColumnName")));
        assert_eq!(a.count(), 2);
        drop(b);
        assert_eq!(a.count(), 1);
        assert_eq!(a.as_str(), "referencedColumnName");
        assert_eq!(ThinStr::new("").as_str(), "");
        assert_eq!(ThinStr::new("é€𝄞").as_str(), "é€𝄞");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = a.clone();
                std::thread::spawn(move || {
                    let copies: Vec<ThinStr> = (0..1000).map(|_| c.clone()).collect();
                    copies.len()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 1000);
        }
        assert_eq!(a.count(), 1);
    }
}
