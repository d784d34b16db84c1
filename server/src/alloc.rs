//! Allocator settings for the binaries (the library itself allocates through whatever
//! global allocator its host chose).

use std::ffi::c_void;

/// mimalloc's `mi_option_purge_delay` (the v3 header's enum order; libmimalloc-sys pins the
/// C sources, and `purge_delay_option_is_the_documented_default` checks the index).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc's `mi_option_arena_eager_commit` (same enum; checked by
/// `arenas_are_committed_on_demand`).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Arenas are committed on demand. mimalloc commits them eagerly on Linux by default, and
/// eagerly committed memory is backed by transparent huge pages where the kernel allows it
/// (`madvise` mode): every fault then zeroes, or first compacts, 2 MB. That was 6.4 s of
/// system time in a 10,000-file check (0.7 s on demand, 11.2 s wall against 6.5 s). The
/// option has to hold before the first arena is reserved, at the first allocation, which
/// is before `main`: a numbered `.init_array` entry runs ahead of mimalloc's own
/// (unnumbered) constructor and of Rust's runtime setup.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00050"]
static COMMIT_ARENAS_ON_DEMAND: extern "C" fn() = commit_arenas_on_demand;

#[cfg(target_os = "linux")]
extern "C" fn commit_arenas_on_demand() {
    // SAFETY: mi_option_set stores an integer in mimalloc's option table; it neither
    // allocates nor needs mimalloc to be initialized.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) }
}

/// mimalloc, except that a block shrunk into a smaller size class moves there.
///
/// mimalloc's `realloc` keeps a block in place when the new size is at least half the old
/// one, so `shrink_to_fit` and `Vec::into_boxed_slice` gave nothing back: a list of 3
/// decorators (120 bytes) built with room for 4 kept its 160-byte block. The facts of every
/// file are lists made that way, and at 20,000 generated files the blocks held 374 MB for
/// 282 MB asked. Growing, and shrinking within the same size class, stay mimalloc's.
pub struct ExactShrink;

/// The alignment every mimalloc block has anyway; a stricter one keeps mimalloc's realloc.
const PLAIN_ALIGN: usize = 16;

// SAFETY: every call goes to mimalloc; the shrinking path is alloc + copy + free of blocks
// that mimalloc made, with the new size (smaller than the old) copied.
unsafe impl std::alloc::GlobalAlloc for ExactShrink {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let shrinks = new_size < layout.size() && new_size > 0 && layout.align() <= PLAIN_ALIGN;
        // SAFETY: `ptr` is a live block of mimalloc.
        if shrinks
            && unsafe {
                libmimalloc_sys::mi_good_size(new_size)
                    < libmimalloc_sys::mi_usable_size(ptr.cast())
            }
        {
            // SAFETY: the size is non-zero and the alignment the caller's (valid) one.
            let smaller =
                unsafe { std::alloc::Layout::from_size_align_unchecked(new_size, layout.align()) };
            let moved = unsafe { self.alloc(smaller) };
            if !moved.is_null() {
                // SAFETY: both blocks hold at least `new_size` bytes and are distinct.
                unsafe {
                    std::ptr::copy_nonoverlapping(ptr, moved, new_size);
                    self.dealloc(ptr, layout);
                }
            }
            return moved;
        }
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

/// How long freed memory stays mapped before mimalloc returns it to the OS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purge {
    /// A batch command: keep freed pages for reuse. Returning them only to fault them in
    /// again cost a second of system time (page zeroing) in a 5,000-file check.
    Never,
    /// The language server: give memory back this long after it was freed (mimalloc's
    /// default is 1000 ms).
    AfterMs(i64),
}

/// Routes tree-sitter's allocations through mimalloc (instead of glibc's malloc, a few
/// percent of a cold check), into a heap of their own ([`TREE_HEAP`]), and sets the purge
/// delay. Call once, before the first parser is created: a tree must be freed by the
/// allocator that made it.
pub fn configure(purge: Purge) {
    // Keeps the constructor's object linked into every binary that configures.
    #[cfg(target_os = "linux")]
    std::hint::black_box(&COMMIT_ARENAS_ON_DEMAND);
    let delay = match purge {
        Purge::Never => -1,
        Purge::AfterMs(ms) => ms,
    };
    // SAFETY: called at the start of `main`, before any tree-sitter object exists, so every
    // tree is allocated and freed by mimalloc; mi_option_set only stores an integer.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, delay as _);
        if tree_heap().is_null() {
            // Null if mimalloc could not make one: then the default heap serves.
            let heap = libmimalloc_sys::mi_heap_new();
            TREE_HEAP.store(heap, std::sync::atomic::Ordering::Relaxed);
        }
        tree_sitter::set_allocator(
            Some(ts_malloc),
            Some(ts_calloc),
            Some(ts_realloc),
            Some(ts_free),
        );
    }
}

/// The heap of tree-sitter's allocations (trees, parser stacks): pages of their own, apart
/// from the facts. Sharing pages with the facts, a tree freed after extraction left holes
/// between facts that stay, so the next file's parse allocated from cold, scattered blocks
/// (a 20,000-file check spent 7% of its CPU in mimalloc's allocation path, against 1% for
/// the bare parse, and tree-sitter's own node code ran twice as long); in pages of their
/// own, the next tree reuses the last one's blocks while they are still in the cache.
/// Every parsing thread allocates in this one heap: mimalloc v3 (libmimalloc-sys's default)
/// lets any thread allocate in a heap; v2's heaps are bound to the thread that made them,
/// so its `v2` feature must stay off.
static TREE_HEAP: std::sync::atomic::AtomicPtr<libmimalloc_sys::mi_heap_t> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

fn tree_heap() -> *mut libmimalloc_sys::mi_heap_t {
    TREE_HEAP.load(std::sync::atomic::Ordering::Relaxed)
}

unsafe extern "C" fn ts_malloc(size: usize) -> *mut c_void {
    match tree_heap() {
        heap if heap.is_null() => unsafe { libmimalloc_sys::mi_malloc(size) },
        heap => unsafe { libmimalloc_sys::mi_heap_malloc(heap, size) },
    }
}

unsafe extern "C" fn ts_calloc(count: usize, size: usize) -> *mut c_void {
    match tree_heap() {
        heap if heap.is_null() => unsafe { libmimalloc_sys::mi_calloc(count, size) },
        heap => unsafe { libmimalloc_sys::mi_heap_calloc(heap, count, size) },
    }
}

unsafe extern "C" fn ts_realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    match tree_heap() {
        heap if heap.is_null() => unsafe { libmimalloc_sys::mi_realloc(ptr, size) },
        heap => unsafe { libmimalloc_sys::mi_heap_realloc(heap, ptr, size) },
    }
}

unsafe extern "C" fn ts_free(ptr: *mut c_void) {
    unsafe { libmimalloc_sys::mi_free(ptr) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_shrunk_into_a_smaller_size_class_moves_there_with_its_bytes() {
        use std::alloc::{GlobalAlloc, Layout};
        let layout = Layout::from_size_align(4096, 8).unwrap();
        unsafe {
            let block = ExactShrink.alloc(layout);
            assert!(!block.is_null());
            for i in 0..4096 {
                *block.add(i) = i as u8;
            }
            // 3000 bytes is more than half of 4096: mimalloc alone would keep the block.
            let shrunk = ExactShrink.realloc(block, layout, 3000);
            assert!(!shrunk.is_null());
            assert_eq!(
                libmimalloc_sys::mi_usable_size(shrunk.cast()),
                libmimalloc_sys::mi_good_size(3000)
            );
            assert!((0..3000).all(|i| *shrunk.add(i) == i as u8));
            // Within its size class a block stays where it is.
            let small = Layout::from_size_align(3000, 8).unwrap();
            let same = ExactShrink.realloc(shrunk, small, 2999);
            assert_eq!(same, shrunk);
            ExactShrink.dealloc(same, Layout::from_size_align(2999, 8).unwrap());
        }
    }

    #[test]
    fn purge_delay_option_is_the_documented_default() {
        // mimalloc v3's options.c defaults purge_delay to 1000 ms (its header still says
        // 10); no neighbouring option defaults to 1000, so a shifted enum fails here.
        let value = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(value, 1000);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn arenas_are_committed_on_demand() {
        // The default is 2 ("eager where the OS overcommits"); 0 means the constructor ran
        // before this test and hit the right option.
        std::hint::black_box(&COMMIT_ARENAS_ON_DEMAND);
        let value = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_ARENA_EAGER_COMMIT) };
        assert_eq!(value, 0);
    }
}
