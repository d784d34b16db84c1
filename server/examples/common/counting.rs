//! mimalloc (as `check` uses it) behind counters of the live heap, shared by the examples
//! that measure memory through the allocator (`live_bytes`, `facts_heap`, `check_memory`).
//! Each includes this file with `#[path]` and installs [`Counting`] as its allocator.

#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

pub struct Counting;

/// Bytes asked for and not freed yet.
pub static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
/// Allocations not freed yet.
pub static LIVE_ALLOCS: AtomicUsize = AtomicUsize::new(0);
/// The highest `LIVE_BYTES` since it was last reset.
pub static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);
/// Live bytes as the allocator hands them out (its size classes round requests up).
pub static USABLE_BYTES: AtomicUsize = AtomicUsize::new(0);

static MIMALLOC: typeorm_lsp::alloc::ExactShrink = typeorm_lsp::alloc::ExactShrink;

fn usable(ptr: *mut u8) -> usize {
    // SAFETY: `ptr` is a live block of mimalloc (or null, for which it answers 0).
    unsafe { libmimalloc_sys::mi_usable_size(ptr.cast()) }
}

fn grow(by: usize) {
    let now = LIVE_BYTES.fetch_add(by, Relaxed) + by;
    PEAK_BYTES.fetch_max(now, Relaxed);
}

// SAFETY: every call is forwarded to mimalloc unchanged; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        LIVE_ALLOCS.fetch_add(1, Relaxed);
        let ptr = unsafe { MIMALLOC.alloc(layout) };
        USABLE_BYTES.fetch_add(usable(ptr), Relaxed);
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        LIVE_ALLOCS.fetch_sub(1, Relaxed);
        USABLE_BYTES.fetch_sub(usable(ptr), Relaxed);
        unsafe { MIMALLOC.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as the allocator does it for large blocks: both live while copying.
        grow(new_size);
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        USABLE_BYTES.fetch_sub(usable(ptr), Relaxed);
        let ptr = unsafe { MIMALLOC.realloc(ptr, layout, new_size) };
        USABLE_BYTES.fetch_add(usable(ptr), Relaxed);
        ptr
    }
}

/// A field of `/proc/self/status` (`VmRSS:`, `VmHWM:`) in MB.
pub fn status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
