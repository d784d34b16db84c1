//! [`ThinStr`]: a reference-counted immutable string behind one 8-byte pointer.
//!
//! `Arc<str>` is a fat pointer (address and length, 16 bytes). The facts of a workspace
//! hold millions of names, each a pointer to an interned text ([`super::name::Name`]), so
//! the length is kept once, in the text's block, next to the count: one allocation per
//! text (`count | len | bytes`) and 8 bytes per reference.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;
use std::sync::atomic::{fence, AtomicUsize, Ordering};

#[repr(C)]
struct Header {
    count: AtomicUsize,
    len: usize,
}

/// A counted, immutable UTF-8 text behind a thin pointer.
pub struct ThinStr(NonNull<Header>);

// SAFETY: the text is immutable and the count atomic, as in `Arc<str>`.
unsafe impl Send for ThinStr {}
unsafe impl Sync for ThinStr {}

/// The block of a text of `len` bytes, and where the bytes start in it.
fn layout(len: usize) -> (Layout, usize) {
    let bytes = Layout::array::<u8>(len).unwrap_or_else(|_| too_long());
    let (layout, offset) = Layout::new::<Header>()
        .extend(bytes)
        .unwrap_or_else(|_| too_long());
    (layout.pad_to_align(), offset)
}

#[cold]
fn too_long() -> ! {
    panic!("text too long for a ThinStr")
}

/// A count this high means references leak (as `Arc` does, abort rather than wrap).
const MAX_COUNT: usize = isize::MAX as usize;

impl ThinStr {
    pub fn new(text: &str) -> ThinStr {
        let (layout, offset) = layout(text.len());
        // SAFETY: the layout has a non-zero size (the header); the header is written
        // before the pointer is used, and `offset + len` is inside the block.
        unsafe {
            let block = alloc(layout);
            let Some(header) = NonNull::new(block.cast::<Header>()) else {
                handle_alloc_error(layout)
            };
            header.as_ptr().write(Header {
                count: AtomicUsize::new(1),
                len: text.len(),
            });
            std::ptr::copy_nonoverlapping(text.as_ptr(), block.add(offset), text.len());
            ThinStr(header)
        }
    }

    fn header(&self) -> &Header {
        // SAFETY: the block lives while this reference counts in it.
        unsafe { self.0.as_ref() }
    }

    pub fn as_str(&self) -> &str {
        let len = self.header().len;
        let (_, offset) = layout(len);
        // SAFETY: `len` bytes copied from a `&str` start at `offset`; never written again.
        unsafe {
            let bytes = std::slice::from_raw_parts(self.0.as_ptr().cast::<u8>().add(offset), len);
            std::str::from_utf8_unchecked(bytes)
        }
    }

    /// How many references the text has (as `Arc::strong_count`).
    pub fn count(&self) -> usize {
        self.header().count.load(Ordering::Acquire)
    }

    /// The same block (as `Arc::ptr_eq`).
    pub fn ptr_eq(&self, other: &ThinStr) -> bool {
        self.0 == other.0
    }
}

impl Clone for ThinStr {
    fn clone(&self) -> ThinStr {
        // Relaxed as `Arc::clone`: a new reference is made from an existing one.
        let old = self.header().count.fetch_add(1, Ordering::Relaxed);
        if old > MAX_COUNT {
            std::process::abort();
        }
        ThinStr(self.0)
    }
}

impl Drop for ThinStr {
    fn drop(&mut self) {
        // As `Arc::drop`: the last owner sees every other owner's uses before freeing.
        if self.header().count.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        fence(Ordering::Acquire);
        let (layout, _) = layout(self.header().len);
        // SAFETY: this was the last reference; the block was allocated with this layout.
        unsafe { dealloc(self.0.as_ptr().cast::<u8>(), layout) }
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
