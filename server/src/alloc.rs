//! Allocator settings for the binaries (the library itself allocates through whatever
//! global allocator its host chose).

use std::ffi::c_void;

/// mimalloc's `mi_option_purge_delay` (the v3 header's enum order; libmimalloc-sys pins the
/// C sources, and `purge_delay_option_is_the_documented_default` checks the index).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

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
/// percent of a cold check) and sets the purge delay. Call once, before the first parser
/// is created: a tree must be freed by the allocator that made it.
pub fn configure(purge: Purge) {
    let delay = match purge {
        Purge::Never => -1,
        Purge::AfterMs(ms) => ms,
    };
    // SAFETY: called at the start of `main`, before any tree-sitter object exists, so every
    // tree is allocated and freed by mimalloc; mi_option_set only stores an integer.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, delay as _);
        tree_sitter::set_allocator(
            Some(ts_malloc),
            Some(ts_calloc),
            Some(ts_realloc),
            Some(ts_free),
        );
    }
}

unsafe extern "C" fn ts_malloc(size: usize) -> *mut c_void {
    unsafe { libmimalloc_sys::mi_malloc(size) }
}

unsafe extern "C" fn ts_calloc(count: usize, size: usize) -> *mut c_void {
    unsafe { libmimalloc_sys::mi_calloc(count, size) }
}

unsafe extern "C" fn ts_realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    unsafe { libmimalloc_sys::mi_realloc(ptr, size) }
}

unsafe extern "C" fn ts_free(ptr: *mut c_void) {
    unsafe { libmimalloc_sys::mi_free(ptr) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_option_is_the_documented_default() {
        // mimalloc v3's options.c defaults purge_delay to 1000 ms (its header still says
        // 10); no neighbouring option defaults to 1000, so a shifted enum fails here.
        let value = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(value, 1000);
    }
}
