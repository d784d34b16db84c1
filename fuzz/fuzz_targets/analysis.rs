//! text -> facts -> model -> rules -> fixes: no panic, every fix applies, keeps a clean
//! file clean and is idempotent (see `typeorm_lsp::selfcheck`). Input: up to four files
//! separated by NUL bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use typeorm_lsp::selfcheck;

fuzz_target!(|data: &[u8]| {
    let sources = selfcheck::sources_from_bytes(data);
    if let Err(violation) = selfcheck::check(sources, 8) {
        panic!("{violation}");
    }
});
