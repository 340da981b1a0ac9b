//! The whole pipeline on arbitrary input: lint with every rule, then apply
//! every fix (unsafe ones too). Nothing may panic, and the fixed text must
//! re-parse with no more syntax errors than the input had.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static SETTINGS: layerlint::Settings =
            layerlint::Settings::only(&["ALL"]).expect("ALL selects every rule");
    }
    let Ok(source) = std::str::from_utf8(data) else {
        let _ = SETTINGS.with(|s| layerlint::lint_bytes(data, s).diagnostics.len());
        return;
    };
    SETTINGS.with(|settings| {
        let _ = layerlint::lint(source, settings);
        let fixed = layerlint::fix(source, settings, true);
        let before = layerlint::parse(source).errors.len();
        let after = layerlint::parse(&fixed.text).errors.len();
        assert!(
            after <= before,
            "fixing added syntax errors ({before} -> {after}):\n--- input\n{source}\n--- fixed\n{}",
            fixed.text
        );
    });
});
