//! Any bytes → `analyze` must return (a model and diagnostics), never panic.
//! Run: `cargo +nightly fuzz run analyze -- -max_total_time=600` (see docs/MODEL.md, "Fuzzing").
#![no_main]

use backend_pro::{analyze_bytes, AnalyzeOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI hands the PRD's bytes to the library, which decodes them; do the same.
    let a = analyze_bytes(data, &AnalyzeOptions::default());
    // The model must always serialize and read back.
    let yaml = a.model.to_yaml();
    let _ = backend_pro::model::Model::from_yaml(&yaml);
});
