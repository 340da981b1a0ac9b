//! Snapshots of the shell model of every `RUN` in `tests/fixtures/shell/`:
//! form, shell, the text the shell reads, mounts, constructs, and one line
//! per command (connectors before/after, construct, assignments, words as
//! `raw→value` with quoted parts in ‹…› and dynamic parts in {…},
//! redirects, line:column range and the source it covers).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use layerlint::semantic::Stages;
use layerlint::semantic::shell::{ShellScripts, dump::dump_runs};
use layerlint::syntax::parse;

#[test]
fn shell_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shell");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert!(entries.len() >= 10);
    for path in entries {
        let source = std::fs::read_to_string(&path).unwrap();
        let file = parse(&source);
        let stages = Stages::new(&file);
        let scripts = ShellScripts::new(&file, &stages);
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        insta::with_settings!({
            snapshot_path => "../snapshots/shell",
            prepend_module_to_snapshot => false,
            description => format!("tests/fixtures/shell/{name}.Dockerfile"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, dump_runs(&file, &scripts));
        });
    }
}
