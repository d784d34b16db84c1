//! Which request sizes the size classes round up most, for the live heap after loading a
//! workspace as `check` does: `cargo run --release --example alloc_waste -- DIR`.
//! Prints, per requested size, the live bytes asked for and held (mi_usable_size).

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Tally;

const SIZES: usize = 4097;
static ASKED: [AtomicUsize; SIZES] = [const { AtomicUsize::new(0) }; SIZES];
static HELD: [AtomicUsize; SIZES] = [const { AtomicUsize::new(0) }; SIZES];
static COUNT: [AtomicUsize; SIZES] = [const { AtomicUsize::new(0) }; SIZES];
static MIMALLOC: typeorm_lsp::alloc::ExactShrink = typeorm_lsp::alloc::ExactShrink;

fn slot(size: usize) -> usize {
    size.min(SIZES - 1)
}

fn usable(ptr: *mut u8) -> usize {
    unsafe { libmimalloc_sys::mi_usable_size(ptr.cast()) }
}

unsafe impl GlobalAlloc for Tally {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { MIMALLOC.alloc(layout) };
        let s = slot(layout.size());
        ASKED[s].fetch_add(layout.size(), Relaxed);
        HELD[s].fetch_add(usable(ptr), Relaxed);
        COUNT[s].fetch_add(1, Relaxed);
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let s = slot(layout.size());
        ASKED[s].fetch_sub(layout.size(), Relaxed);
        HELD[s].fetch_sub(usable(ptr), Relaxed);
        COUNT[s].fetch_sub(1, Relaxed);
        unsafe { MIMALLOC.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Tally = Tally;

fn main() {
    typeorm_lsp::alloc::configure(typeorm_lsp::alloc::Purge::Never);
    let root = std::fs::canonicalize(std::env::args().nth(1).expect("DIR")).expect("DIR exists");
    let config = typeorm_lsp::cli::load_config(&root).unwrap_or_default();
    let ws = typeorm_lsp::workspace::Workspace::load_texts_later(&root, config);
    let mut rows: Vec<(usize, usize, usize, usize)> = (0..SIZES)
        .map(|s| {
            (
                s,
                ASKED[s].load(Relaxed),
                HELD[s].load(Relaxed),
                COUNT[s].load(Relaxed),
            )
        })
        .filter(|r| r.3 > 0)
        .collect();
    let (asked, held): (usize, usize) = rows.iter().fold((0, 0), |a, r| (a.0 + r.1, a.1 + r.2));
    println!(
        "live: asked {:.1} MB, held {:.1} MB",
        asked as f64 / 1e6,
        held as f64 / 1e6
    );
    rows.sort_by_key(|r| std::cmp::Reverse(r.2 - r.1));
    for (s, a, h, n) in rows.iter().take(25) {
        println!(
            "size {s:>5}: {n:>8} allocs, asked {:>7.1} MB, held {:>7.1} MB, waste {:>6.1} MB",
            *a as f64 / 1e6,
            *h as f64 / 1e6,
            (h - a) as f64 / 1e6
        );
    }
    std::mem::forget(ws);
}
