//! `.dockerignore` parsing and matching on arbitrary input: the bytes are
//! the ignore file, and each of its lines (and a few fixed paths) is also
//! matched as a path. Nothing may panic.

#![no_main]

use layerlint::semantic::context::IgnoreFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = IgnoreFile::parse(data) else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let fixed = ["", ".", "a", "a/b/c", "node_modules/x", ".git/HEAD", "src/main.rs"];
    for path in text.lines().chain(fixed) {
        let _ = file.excluded_by(path);
        let _ = file.matcher().matches_or_parent_matches(path);
        let _ = file.matcher().must_walk_excluded_dir(path);
    }
});
