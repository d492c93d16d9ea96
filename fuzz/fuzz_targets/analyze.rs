//! Any bytes → `analyze` must return (a model and diagnostics), never panic.
//! Run: `cargo +nightly fuzz run analyze -- -max_total_time=600` (see docs/MODEL.md, "Fuzzing").
#![no_main]

use backend_pro::{analyze, AnalyzeOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The CLI reads bytes and decodes lossily; do the same.
    let text = String::from_utf8_lossy(data);
    let a = analyze(&text, &AnalyzeOptions::default());
    // The model must always serialize and read back.
    let yaml = a.model.to_yaml();
    let _ = backend_pro::model::Model::from_yaml(&yaml);
});
