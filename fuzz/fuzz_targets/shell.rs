//! The shell model on arbitrary input: the bytes are a `RUN` line's text.
//! Parsing must not panic, and every command word's range must lie inside
//! the source on character boundaries.

#![no_main]

use layerlint::semantic::shell::{Script, ShellText};
use layerlint::syntax::TextRange;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let text = ShellText::verbatim(source, TextRange::from_usize(0, source.len()));
    let script = Script::parse(&text);
    for command in &script.commands {
        for word in command.name.iter().chain(&command.args) {
            let range = word.range.as_usize();
            assert!(
                range.end <= source.len() && source.get(range.clone()).is_some(),
                "word range {range:?} outside or inside a character of {source:?}"
            );
        }
    }
});
