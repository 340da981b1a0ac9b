//! Parses arbitrary bytes (when they are UTF-8), checks that every range in
//! the tree lies inside the source on character boundaries and that borrowed
//! values match their ranges, then renders BuildKit's dump.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "ranges.rs"]
mod ranges;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let file = layerlint::syntax::parse(source);
    let problems = ranges::check(&file);
    assert!(
        problems.is_empty(),
        "{} range problem(s) for {source:?}:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let _ = layerlint::syntax::dump::dump(&file);
});
