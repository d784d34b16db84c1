//! stdin framing and message validation: no panic, the frames do not depend on how the
//! input is split into reads, and bodies framed by us come back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use typeorm_lsp::lsp::transport::check_framing;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = check_framing(data) {
        panic!("{violation}");
    }
});
