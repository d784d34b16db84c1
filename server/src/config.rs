//! Settings: `typeorm-lsp.json` and LSP settings.
