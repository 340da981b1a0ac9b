//! BuildKit variable expansion on arbitrary input: the first line is the
//! word, every later `NAME=value` line a known variable (`NAME?` an unknown
//! one). Expansion must not panic, and every part of the result must map
//! back inside the word.

#![no_main]

use std::borrow::Cow;

use layerlint::semantic::vars::{Lex, MapEnv, Missing, UnknownReason, expand_word, expand_words};
use layerlint::syntax::{TextRange, Word};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (word, vars) = input.split_once('\n').unwrap_or((input, ""));
    let missing = if vars.starts_with('!') { Missing::Unknown } else { Missing::Empty };
    let mut env = MapEnv::new(missing);
    for line in vars.lines() {
        if let Some((name, value)) = line.split_once('=') {
            env = env.known(name, value);
        } else if let Some(name) = line.strip_suffix('?') {
            env = env.unknown(name, UnknownReason::BaseImage);
        }
    }
    let word = Word {
        value: Cow::Borrowed(word),
        range: TextRange::from_usize(0, word.len()),
    };
    for lex in [Lex::new('\\'), Lex::new('`'), Lex { escape: '\\', quotes: false }] {
        if let Ok(expanded) = expand_word(&word, input, &env, lex) {
            for part in expanded.parts() {
                assert!(part.range.end as usize <= word.value.len(), "{part:?} outside {word:?}");
                let _ = expanded.text_of(part);
            }
        }
        let _ = expand_words(&word, input, &env, lex);
    }
});
