//! moby/patternmatcher's and ignorefile's own test tables, and build
//! contexts on disk.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use tempfile::TempDir;

use super::gopath::{clean, dir};
use super::*;

fn matcher(patterns: &[&str]) -> Result<PatternMatcher, PatternError> {
    PatternMatcher::new(patterns.iter().enumerate().map(|(i, p)| (i + 1, *p)))
}

/// patternmatcher's top-level `MatchesOrParentMatches(file, patterns)`.
fn top_level(file: &str, patterns: &[&str]) -> Result<bool, PatternError> {
    let m = matcher(patterns)?;
    let file = clean(file);
    if file == "." {
        return Ok(false);
    }
    Ok(m.matches_or_parent_matches(&file).is_some())
}

/// `MatchesUsingParentResults` fed its parents' results, as a walk does.
fn walked(m: &PatternMatcher, text: &str) -> bool {
    let parent = dir(text);
    let mut info = MatchInfo::default();
    if parent != "." {
        let parts: Vec<&str> = parent.split('/').collect();
        for i in 0..parts.len() {
            info = m
                .matches_using_parent_results(&parts[..=i].join("/"), &info)
                .1;
        }
    }
    m.matches_using_parent_results(text, &info).0.is_some()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pass {
    Fail,
    Exact,
    Inexact,
}
use Pass::{Exact, Fail, Inexact};

/// `TestMatches` in `patternmatcher_test.go` (with the two non-Windows cases).
const MATCHES: &[(&str, &str, Pass)] = &[
    ("**", "file", Exact),
    ("**", "file/", Exact),
    ("**/", "file", Exact),
    ("**/", "file/", Exact),
    ("**", "/", Exact),
    ("**/", "/", Exact),
    ("**", "dir/file", Exact),
    ("**/", "dir/file", Exact),
    ("**", "dir/file/", Exact),
    ("**/", "dir/file/", Exact),
    ("**/**", "dir/file", Exact),
    ("**/**", "dir/file/", Exact),
    ("dir/**", "dir/file", Exact),
    ("dir/**", "dir/file/", Exact),
    ("dir/**", "dir/dir2/file", Exact),
    ("dir/**", "dir/dir2/file/", Exact),
    ("**/dir", "dir", Exact),
    ("**/dir", "dir/file", Inexact),
    ("**/dir2/*", "dir/dir2/file", Exact),
    ("**/dir2/*", "dir/dir2/file/", Inexact),
    ("**/dir2/**", "dir/dir2/dir3/file", Exact),
    ("**/dir2/**", "dir/dir2/dir3/file/", Exact),
    ("**file", "file", Exact),
    ("**file", "dir/file", Exact),
    ("**/file", "dir/file", Exact),
    ("**file", "dir/dir/file", Exact),
    ("**/file", "dir/dir/file", Exact),
    ("**/file*", "dir/dir/file", Exact),
    ("**/file*", "dir/dir/file.txt", Exact),
    ("**/file*txt", "dir/dir/file.txt", Exact),
    ("**/file*.txt", "dir/dir/file.txt", Exact),
    ("**/file*.txt*", "dir/dir/file.txt", Exact),
    ("**/**/*.txt", "dir/dir/file.txt", Exact),
    ("**/**/*.txt2", "dir/dir/file.txt", Fail),
    ("**/*.txt", "file.txt", Exact),
    ("**/**/*.txt", "file.txt", Exact),
    ("a**/*.txt", "a/file.txt", Exact),
    ("a**/*.txt", "a/dir/file.txt", Exact),
    ("a**/*.txt", "a/dir/dir/file.txt", Exact),
    ("a/*.txt", "a/dir/file.txt", Fail),
    ("a/*.txt", "a/file.txt", Exact),
    ("a/*.txt**", "a/file.txt", Exact),
    ("a[b-d]e", "ae", Fail),
    ("a[b-d]e", "ace", Exact),
    ("a[b-d]e", "aae", Fail),
    ("a[^b-d]e", "aze", Exact),
    (".*", ".foo", Exact),
    (".*", "foo", Fail),
    ("abc.def", "abcdef", Fail),
    ("abc.def", "abc.def", Exact),
    ("abc.def", "abcZdef", Fail),
    ("abc?def", "abcZdef", Exact),
    ("abc?def", "abcdef", Fail),
    ("**/foo/bar", "foo/bar", Exact),
    ("**/foo/bar", "dir/foo/bar", Exact),
    ("**/foo/bar", "dir/dir2/foo/bar", Exact),
    ("abc/**", "abc", Fail),
    ("abc/**", "abc/def", Exact),
    ("abc/**", "abc/def/ghi", Exact),
    ("**/.foo", ".foo", Exact),
    ("**/.foo", "bar.foo", Fail),
    ("a(b)c/def", "a(b)c/def", Exact),
    ("a(b)c/def", "a(b)c/xyz", Fail),
    ("a.|)$(}+{bc", "a.|)$(}+{bc", Exact),
    (
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Exact,
    ),
    (
        "dist/*.whl",
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Exact,
    ),
    ("a\\\\", "a\\", Exact),
    ("a\\*b", "a*b", Exact),
];

/// `multiPatternTests` in `patternmatcher_test.go`.
const MULTI: &[(&[&str], &str, Pass)] = &[
    (&["**", "!util/docker/web"], "util/docker/web/foo", Fail),
    (
        &["**", "!util/docker/web", "util/docker/web/foo"],
        "util/docker/web/foo",
        Exact,
    ),
    (
        &[
            "**",
            "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        ],
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Fail,
    ),
    (
        &["**", "!dist/*.whl"],
        "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
        Fail,
    ),
];

#[test]
fn patternmatcher_matches_table() {
    assert_eq!(MATCHES.len(), 68);
    for &(pattern, text, pass) in MATCHES {
        let m = matcher(&[pattern]).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        let case = format!("pattern={pattern:?} text={text:?}");
        assert_eq!(
            m.matches_exact(text).is_some(),
            pass == Exact,
            "MatchesExact {case}"
        );
        assert_eq!(
            m.matches_or_parent_matches(text).is_some(),
            pass != Fail,
            "MatchesOrParentMatches {case}"
        );
        assert_eq!(
            walked(&m, text),
            pass != Fail,
            "MatchesUsingParentResults {case}"
        );
        assert_eq!(
            m.matches_using_parent_results(text, &MatchInfo::default())
                .0
                .is_some(),
            pass != Fail,
            "MatchesUsingParentResultsNoContext {case}"
        );
    }
    for &(patterns, text, pass) in MULTI {
        let m = matcher(patterns).unwrap();
        let case = format!("patterns={patterns:?} text={text:?}");
        assert_eq!(
            m.matches_or_parent_matches(text).is_some(),
            pass != Fail,
            "{case}"
        );
        assert_eq!(walked(&m, text), pass != Fail, "{case}");
        assert_eq!(
            m.matches_using_parent_results(text, &MatchInfo::default())
                .0
                .is_some(),
            pass != Fail,
            "{case}"
        );
    }
}

/// `matchTests` in `patternmatcher_test.go` (Go's `filepath.Match` table run
/// through patternmatcher, so parents match too: `a*` matches `ab/c`).
/// `None` = the pattern is refused.
const FILEPATH_MATCHES: &[(&str, &str, Option<bool>)] = &[
    ("abc", "abc", Some(true)),
    ("*", "abc", Some(true)),
    ("*c", "abc", Some(true)),
    ("a*", "a", Some(true)),
    ("a*", "abc", Some(true)),
    ("a*", "ab/c", Some(true)),
    ("a*/b", "abc/b", Some(true)),
    ("a*/b", "a/c/b", Some(false)),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", Some(true)),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Some(true)),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Some(false)),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Some(false)),
    ("a*b?c*x", "abxbbxdbxebxczzx", Some(true)),
    ("a*b?c*x", "abxbbxdbxebxczzy", Some(false)),
    ("ab[c]", "abc", Some(true)),
    ("ab[b-d]", "abc", Some(true)),
    ("ab[e-g]", "abc", Some(false)),
    ("ab[^c]", "abc", Some(false)),
    ("ab[^b-d]", "abc", Some(false)),
    ("ab[^e-g]", "abc", Some(true)),
    ("a\\*b", "a*b", Some(true)),
    ("a\\*b", "ab", Some(false)),
    ("a?b", "a☺b", Some(true)),
    ("a[^a]b", "a☺b", Some(true)),
    ("a???b", "a☺b", Some(false)),
    ("a[^a][^a][^a]b", "a☺b", Some(false)),
    ("[a-ζ]*", "α", Some(true)),
    ("*[a-ζ]", "A", Some(false)),
    ("a?b", "a/b", Some(false)),
    ("a*b", "a/b", Some(false)),
    ("[\\]a]", "]", Some(true)),
    ("[\\-]", "-", Some(true)),
    ("[x\\-]", "x", Some(true)),
    ("[x\\-]", "-", Some(true)),
    ("[x\\-]", "z", Some(false)),
    ("[\\-x]", "x", Some(true)),
    ("[\\-x]", "-", Some(true)),
    ("[\\-x]", "a", Some(false)),
    ("[]a]", "]", None),
    ("[-]", "-", None),
    ("[x-]", "x", None),
    ("[x-]", "-", None),
    ("[x-]", "z", None),
    ("[-x]", "x", None),
    ("[-x]", "-", None),
    ("[-x]", "a", None),
    ("\\", "a", None),
    ("[a-b-c]", "a", None),
    ("[", "a", None),
    ("[^", "a", None),
    ("[^bc", "a", None),
    ("a[", "a", None),
    ("a[", "ab", None),
    ("*x", "xxx", Some(true)),
];

#[test]
fn patternmatcher_filepath_table() {
    assert_eq!(FILEPATH_MATCHES.len(), 54);
    for &(pattern, text, want) in FILEPATH_MATCHES {
        assert_eq!(
            top_level(text, &[pattern]).ok(),
            want,
            "Match({pattern:?}, {text:?})"
        );
    }
}

/// The single-case tests of `patternmatcher_test.go`.
#[test]
fn patternmatcher_single_cases() {
    assert_eq!(top_level("fileutils.go", &["*"]), Ok(true));
    assert_eq!(top_level("fileutils.go", &["*.go"]), Ok(true));
    assert_eq!(
        top_level("fileutils.go", &["!fileutils.go", "*.go"]),
        Ok(true)
    );
    assert_eq!(
        top_level("docs/README.md", &["docs", "!docs/README.md"]),
        Ok(false)
    );
    assert_eq!(
        top_level("docs/README.md", &["docs/", "!docs/README.md"]),
        Ok(false)
    );
    assert_eq!(
        top_level("docs/README.md", &["docs/*", "!docs/README.md"]),
        Ok(false)
    );
    assert_eq!(
        top_level("fileutils.go", &["*.go", "!fileutils.go"]),
        Ok(false)
    );
    assert_eq!(top_level(".", &["*.go"]), Ok(false));
    assert!(top_level("fileutils.go", &["!"]).is_err());
    assert_eq!(top_level("/any/path/there", &[]), Ok(false));
    assert!(top_level("/any/path/there", &["["]).is_err());

    assert_eq!(matcher(&["docs", "config"]).unwrap().patterns().len(), 2);
    assert_eq!(
        matcher(&["docs", "config", ""]).unwrap().patterns().len(),
        2
    );
    assert!(
        matcher(&["docs", "!docs/README.md"])
            .unwrap()
            .has_exceptions()
    );
    assert!(
        matcher(&["docs", "  !docs/README.md"])
            .unwrap()
            .has_exceptions()
    );
    assert!(
        matcher(&["docs", "!docs/README.md  "])
            .unwrap()
            .has_exceptions()
    );
    let err = matcher(&["!"]).unwrap_err();
    assert_eq!(err.message, r#"illegal exclusion pattern: "!""#);

    // patternmatcher accepts `[Local-Only]/` and fails when it is first
    // evaluated (`l-O` is an empty range to Go's regexp); it is refused
    // up front here.
    let err = matcher(&["[Local-Only]/"]).unwrap_err();
    assert!(
        err.message.contains("invalid character class range"),
        "{err}"
    );
}

/// `TestReadAll` in `ignorefile_test.go`.
#[test]
fn ignorefile_read_all() {
    assert!(read_patterns(b"").is_empty());
    let content =
        "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ";
    let got: Vec<String> = read_patterns(content.as_bytes())
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    assert_eq!(
        got,
        [
            "test1",
            "test2",
            "a/file/here",
            "lastfile",
            "!inverted/abs/path",
            "!",
            "!"
        ]
    );
}

#[test]
fn ignore_file_reading_details() {
    let text =
        "\u{FEFF}# comment\r\n  # not a comment\r\n\t/build/  \n\n!  /keep//me/.\nsub/../x\n/\n";
    let got = read_patterns(text.as_bytes());
    assert_eq!(
        got,
        [
            (2, "# not a comment".to_owned()),
            (3, "build".to_owned()),
            (5, "!keep/me".to_owned()),
            (6, "x".to_owned()),
            (7, "/".to_owned()),
        ]
    );
    let file = IgnoreFile::parse(text.as_bytes()).unwrap();
    let lines: Vec<usize> = file.patterns().iter().map(Pattern::line).collect();
    assert_eq!(lines, [2, 3, 5, 6, 7]);
    assert_eq!(file.patterns()[1].source(), "/build/");
    assert_eq!(file.patterns()[1].text(), "build");
    assert!(file.patterns()[2].is_exception());
    // ` # not a comment` is a pattern for the file `# not a comment`.
    assert!(file.excluded_by("# not a comment").is_some());
}

#[test]
fn bad_patterns_name_their_line() {
    let err = IgnoreFile::parse(b"node_modules\n\n  *.[ch  \n").unwrap_err();
    assert_eq!(err.line, 3);
    assert_eq!(err.pattern, "*.[ch");
    assert_eq!(
        err.to_string(),
        "line 3: invalid pattern `*.[ch`: syntax error in pattern"
    );
    for bad in ["a\\", "[]", "[z-a]", "!", "x[^]", "\\q"] {
        assert!(IgnoreFile::parse(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn docker_oddities() {
    let m = matcher(&["[!a]"]).unwrap();
    // `[!a]` is not a negation: it matches `!` or `a`.
    assert!(m.matches_exact("!").is_some() && m.matches_exact("a").is_some());
    assert!(m.matches_exact("b").is_none());
    // `{a,b}` is literal.
    let m = matcher(&["{a,b}.txt"]).unwrap();
    assert!(m.matches_exact("{a,b}.txt").is_some() && m.matches_exact("a.txt").is_none());
    // patternmatcher leaves `|`, `{`, `}` unescaped: in a pattern that
    // becomes a regexp they are regexp syntax (an exact pattern stays exact).
    let m = matcher(&["*.log|*.tmp"]).unwrap();
    assert!(m.matches_exact("a.tmp").is_some() && m.matches_exact("a.log.bak").is_some());
    assert!(matcher(&["a{2}*"]).unwrap().matches_exact("aab").is_some());
    assert!(matcher(&["a{2}*"]).unwrap().matches_exact("a{2}").is_none());
    assert!(matcher(&["a{2}"]).unwrap().matches_exact("a{2}").is_some());
    assert!(matcher(&["*{2}"]).is_err());
    // `**file` matches any path ending in `file`, `myfile` too.
    assert!(
        matcher(&["**file"])
            .unwrap()
            .matches_exact("dir/myfile")
            .is_some()
    );
    // `*` never crosses `/`, but the parent rule makes `a*` exclude `ab/c`.
    let m = matcher(&["a*"]).unwrap();
    assert!(m.matches_exact("ab/c").is_none() && m.matches_or_parent_matches("ab/c").is_some());
    // The last matching pattern wins.
    let m = matcher(&["*.md", "!README*.md", "README-secret.md"]).unwrap();
    assert_eq!(m.matches_or_parent_matches("README-secret.md"), Some(2));
    assert_eq!(m.matches_or_parent_matches("README.md"), None);
    assert_eq!(m.matches_or_parent_matches("docs.md"), Some(0));
    // Escapes and POSIX classes mean what Go's regexp makes of them.
    assert!(matcher(&["a\\?"]).unwrap().matches_exact("a?").is_some());
    assert!(
        matcher(&["[[:digit:]]x"])
            .unwrap()
            .matches_exact("7x")
            .is_some()
    );
    assert!(matcher(&["v\\d"]).unwrap().matches_exact("v1").is_some());
}

// Build contexts on disk.

fn tree(spec: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in spec {
        let full = dir.path().join(path);
        if let Some(dir_path) = path.strip_suffix('/') {
            fs::create_dir_all(dir.path().join(dir_path)).unwrap();
        } else {
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, content).unwrap();
        }
    }
    dir
}

fn load(root: &Path, dockerfile: Option<&str>) -> BuildContext {
    let dockerfile = dockerfile.map(|d| root.join(d));
    BuildContext::load(root, dockerfile.as_deref(), WalkOptions::default()).unwrap()
}

fn included(ctx: &BuildContext) -> Vec<&str> {
    ctx.entries()
        .iter()
        .filter(|e| e.kind() != EntryKind::Dir && !e.is_excluded())
        .map(Entry::path)
        .collect()
}

#[test]
fn per_dockerfile_ignore_file_wins() {
    let ctx = tree(&[
        (".dockerignore", "*.log\n"),
        ("Dockerfile", "FROM scratch\n"),
        ("Dockerfile.dev", "FROM scratch\n"),
        ("Dockerfile.dev.dockerignore", "secret.txt\n"),
        ("app.log", ""),
        ("secret.txt", ""),
    ]);
    let root = ctx.path();
    assert_eq!(
        find_ignore_file(root, Some(&root.join("Dockerfile.dev"))),
        Some(root.join("Dockerfile.dev.dockerignore"))
    );
    let dev = load(root, Some("Dockerfile.dev"));
    assert_eq!(
        dev.ignore_path(),
        Some(root.join("Dockerfile.dev.dockerignore").as_path())
    );
    assert!(included(&dev).contains(&"app.log"));
    assert!(!included(&dev).contains(&"secret.txt"));

    let plain = load(root, Some("Dockerfile"));
    assert_eq!(
        plain.ignore_path(),
        Some(root.join(".dockerignore").as_path())
    );
    assert!(!included(&plain).contains(&"app.log"));
    assert!(included(&plain).contains(&"secret.txt"));

    // No Dockerfile known (stdin): the context's file.
    assert_eq!(
        load(root, None).ignore_path(),
        Some(root.join(".dockerignore").as_path())
    );
}

#[test]
fn per_dockerfile_ignore_file_lives_beside_the_dockerfile() {
    let ctx = tree(&[
        (".dockerignore", "*.log\n"),
        ("docker/api.Dockerfile", "FROM scratch\n"),
        ("docker/api.Dockerfile.dockerignore", ""),
        ("api.Dockerfile.dockerignore", "*\n"),
        ("app.log", ""),
    ]);
    let root = ctx.path();
    let api = load(root, Some("docker/api.Dockerfile"));
    // An empty per-Dockerfile file still wins: nothing is excluded.
    assert_eq!(
        api.ignore_path(),
        Some(root.join("docker/api.Dockerfile.dockerignore").as_path())
    );
    assert!(api.ignore_file().unwrap().patterns().is_empty());
    assert!(included(&api).contains(&"app.log"));
    // A directory named like the ignore file is no ignore file.
    let ctx = tree(&[(".dockerignore/", ""), ("a", "")]);
    assert_eq!(find_ignore_file(ctx.path(), None), None);
}

#[test]
fn exceptions_reinclude_files_in_excluded_dirs() {
    let ctx = tree(&[
        (".dockerignore", "docs\n!docs/README.md\nlogs\n!**/*.keep\n"),
        ("docs/README.md", ""),
        ("docs/guide.md", ""),
        ("logs/a.log", ""),
        ("logs/deep/b.keep", ""),
        ("main.go", ""),
    ]);
    let c = load(ctx.path(), None);
    let inc = included(&c);
    assert!(inc.contains(&"docs/README.md"));
    assert!(inc.contains(&"logs/deep/b.keep"));
    assert!(!inc.contains(&"docs/guide.md"));
    assert!(!inc.contains(&"logs/a.log"));
    let guide = c.entry("docs/guide.md").unwrap();
    assert_eq!(
        c.pattern(guide.pattern_index().unwrap()).unwrap().source(),
        "docs"
    );
    // `docs` is excluded but walked (an exception names a path inside it).
    let docs = c.entry("docs").unwrap();
    assert!(docs.is_excluded() && !docs.is_pruned());
}

#[test]
fn excluded_node_modules_is_not_walked() {
    let ctx = tree(&[(".dockerignore", "node_modules\n"), ("index.js", "")]);
    let modules = ctx.path().join("node_modules/pkg");
    fs::create_dir_all(&modules).unwrap();
    for i in 0..10_000 {
        fs::write(modules.join(format!("f{i}.js")), "").unwrap();
    }
    let c = load(ctx.path(), None);
    // `.dockerignore`, `index.js`, `node_modules`: nothing below it.
    assert_eq!(c.visited(), 3);
    assert!(c.entry("node_modules").unwrap().is_pruned());
    assert!(c.below("node_modules").is_empty());

    // An exception inside it makes BuildKit walk it, and us too.
    fs::write(
        ctx.path().join(".dockerignore"),
        "node_modules\n!node_modules/pkg/f7.js\n",
    )
    .unwrap();
    let c = load(ctx.path(), None);
    assert_eq!(c.visited(), 3 + 1 + 10_000);
    assert_eq!(
        included(&c),
        [".dockerignore", "index.js", "node_modules/pkg/f7.js"]
    );
    // An exception elsewhere does not.
    fs::write(
        ctx.path().join(".dockerignore"),
        "node_modules\n!index.js\n",
    )
    .unwrap();
    assert_eq!(load(ctx.path(), None).visited(), 3);
}

#[test]
fn walk_stops_at_the_file_limit() {
    let ctx = tree(&[("a/1", ""), ("a/2", ""), ("b/3", ""), ("c", ""), ("d", "")]);
    let c = BuildContext::load(ctx.path(), None, WalkOptions { file_limit: 4 }).unwrap();
    assert_eq!(c.stopped_after(), Some(4));
    assert_eq!(
        c.note().as_deref(),
        Some("context walk stopped after 4 files")
    );
    let paths: Vec<&str> = c.entries().iter().map(Entry::path).collect();
    assert_eq!(paths, ["a", "a/1", "a/2", "b"]);
    let d = c.resolve_source("d").unwrap();
    assert!(d.incomplete);
    let full = load(ctx.path(), None);
    assert_eq!(full.stopped_after(), None);
    assert_eq!(full.note(), None);
}

#[cfg(unix)]
#[test]
fn symlinks_are_listed_not_followed() {
    use std::os::unix::fs::symlink;
    let ctx = tree(&[("dir/file", ""), ("real.txt", "x")]);
    let root = ctx.path();
    symlink("b", root.join("a")).unwrap();
    symlink("a", root.join("b")).unwrap();
    symlink(".", root.join("dir/loop")).unwrap();
    symlink("..", root.join("dir/up")).unwrap();
    symlink("real.txt", root.join("link.txt")).unwrap();
    let c = load(root, None);
    let kinds: Vec<(&str, EntryKind)> = c.entries().iter().map(|e| (e.path(), e.kind())).collect();
    assert_eq!(
        kinds,
        [
            ("a", EntryKind::Symlink),
            ("b", EntryKind::Symlink),
            ("dir", EntryKind::Dir),
            ("dir/file", EntryKind::File),
            ("dir/loop", EntryKind::Symlink),
            ("dir/up", EntryKind::Symlink),
            ("link.txt", EntryKind::Symlink),
            ("real.txt", EntryKind::File),
        ]
    );
    // A COPY source that is a link reads its target; a loop reads nothing.
    let link = c.resolve_source("link.txt").unwrap();
    assert_eq!(paths(link.included()), ["real.txt"]);
    assert_eq!(
        c.resolve_source("a").unwrap().missing,
        Some(Missing::NotFound)
    );
    // A wildcard that meets a file and a link to it reads the file once.
    let both = c.resolve_source("*.txt").unwrap();
    assert_eq!(paths(both.included()), ["real.txt"]);
    // A link to the root brings the whole context.
    let root_link = c.resolve_source("dir/up").unwrap();
    assert!(root_link.included().any(|e| e.path() == "dir/file"));
    assert_eq!(root_link.missing, None);
    // Through a link to a directory, clamped at the root.
    let via = c.resolve_source("dir/up/dir/loop/file").unwrap();
    assert_eq!(paths(via.included()), ["dir/file"]);
}

#[cfg(unix)]
#[test]
fn unreadable_directories_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let ctx = tree(&[
        ("locked/secret", ""),
        ("ignored/x", ""),
        ("ok", ""),
        (".dockerignore", "ignored\n"),
    ]);
    let root = ctx.path();
    for dir in ["locked", "ignored"] {
        fs::set_permissions(root.join(dir), fs::Permissions::from_mode(0o000)).unwrap();
    }
    if fs::read_dir(root.join("locked")).is_ok() {
        // Running as root: permissions don't stop us, nothing to test.
        eprintln!("note: running with CAP_DAC_OVERRIDE, unreadable-directory test skipped");
        return;
    }
    let c = load(root, None);
    assert_eq!(c.problems().len(), 1, "{:?}", c.problems());
    assert_eq!(c.problems()[0].path, "locked");
    assert!(!c.problems()[0].excluded);
    assert!(c.entry("ok").is_some());
    assert!(c.resolve_source("locked").unwrap().incomplete);
    assert!(!c.resolve_source("ok").unwrap().incomplete);
    for dir in ["locked", "ignored"] {
        fs::set_permissions(root.join(dir), fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn source_tree() -> TempDir {
    tree(&[
        (
            ".dockerignore",
            "*.env\nnode_modules\nbuild/**\n!build/keep.txt\n",
        ),
        ("a.txt", ""),
        ("b.txt", ""),
        ("c.md", ""),
        (".env", ""),
        ("prod.env", ""),
        ("src/main.rs", ""),
        ("src/lib.rs", ""),
        ("src/util/mod.rs", ""),
        ("src/x/y/deep.go", ""),
        ("src/x/top.go", ""),
        ("node_modules/pkg/index.js", ""),
        ("build/out.bin", ""),
        ("build/keep.txt", ""),
        ("empty/", ""),
    ])
}

fn paths<'a>(entries: impl Iterator<Item = &'a Entry>) -> Vec<&'a str> {
    entries.map(Entry::path).collect()
}

fn excluded<'c>(files: &'c SourceFiles<'c>) -> Vec<(&'c str, &'c str)> {
    files
        .excluded()
        .map(|x| (x.entry.path(), x.pattern.source()))
        .collect()
}

#[test]
fn wildcard_sources() {
    let ctx = source_tree();
    let c = load(ctx.path(), None);
    let txt = c.resolve_source("*.txt").unwrap();
    assert!(txt.wildcard);
    assert_eq!(paths(txt.included()), ["a.txt", "b.txt"]);
    assert_eq!(txt.missing, None);

    let rs = c.resolve_source("src/*.rs").unwrap();
    assert_eq!(paths(rs.included()), ["src/lib.rs", "src/main.rs"]);
    // `**` is `*`: one level, a matched directory brings its contents.
    let go = c.resolve_source("src/**/*.go").unwrap();
    assert_eq!(paths(go.included()), ["src/x/top.go"]);
    let dirs = c.resolve_source("src/[ux]*").unwrap();
    assert_eq!(
        paths(dirs.included()),
        ["src/util/mod.rs", "src/x/top.go", "src/x/y/deep.go"]
    );
    let class = c.resolve_source("[ab].txt").unwrap();
    assert_eq!(paths(class.included()), ["a.txt", "b.txt"]);

    // Only excluded files match: BuildKit sees no match and copies nothing.
    let env = c.resolve_source("*.env").unwrap();
    assert!(env.included().len() == 0);
    assert_eq!(excluded(&env), [(".env", "*.env"), ("prod.env", "*.env")]);
    assert_eq!(env.missing, Some(Missing::NoWildcardMatch));
    assert_eq!(
        c.resolve_source("*.xyz").unwrap().missing,
        Some(Missing::NoWildcardMatch)
    );
    // An empty directory is a match.
    assert_eq!(c.resolve_source("emp?y").unwrap().missing, None);
    // Into a directory the walk skipped.
    let modules = c.resolve_source("node_modules/*/index.js").unwrap();
    assert_eq!(excluded(&modules), [("node_modules", "node_modules")]);
    assert!(matches!(
        c.resolve_source("src/[").unwrap_err(),
        SourceError::BadPattern { .. }
    ));
}

#[test]
fn directory_and_root_sources() {
    let ctx = source_tree();
    let c = load(ctx.path(), None);
    for spelling in ["src", "src/", "./src", "/src", "src/.", "src/util/.."] {
        let s = c.resolve_source(spelling).unwrap();
        assert_eq!(s.path, "src", "{spelling}");
        assert_eq!(
            paths(s.included()),
            [
                "src/lib.rs",
                "src/main.rs",
                "src/util/mod.rs",
                "src/x/top.go",
                "src/x/y/deep.go"
            ],
            "{spelling}"
        );
        assert!(s.excluded().next().is_none() && s.missing.is_none() && !s.incomplete);
    }
    for spelling in [".", "./", "/", ""] {
        let all = c.resolve_source(spelling).unwrap();
        assert_eq!(all.path, "", "{spelling}");
        assert!(paths(all.included()).contains(&"build/keep.txt"));
        assert!(!paths(all.included()).contains(&"build/out.bin"));
        assert_eq!(
            excluded(&all),
            [
                (".env", "*.env"),
                ("build/out.bin", "build/**"),
                ("node_modules", "node_modules"),
                ("prod.env", "*.env"),
            ]
        );
    }
    // `build` itself is not excluded (`build/**` needs something after
    // the slash); its contents are, but for the exception.
    let build = c.resolve_source("build").unwrap();
    assert_eq!(paths(build.included()), ["build/keep.txt"]);
    assert_eq!(excluded(&build), [("build/out.bin", "build/**")]);
    assert_eq!(build.missing, None);
}

#[test]
fn missing_and_excluded_sources() {
    let ctx = source_tree();
    let c = load(ctx.path(), None);
    let nope = c.resolve_source("nope.txt").unwrap();
    assert_eq!(nope.missing, Some(Missing::NotFound));
    assert!(nope.included().len() == 0);
    assert_eq!(
        c.resolve_source("src/nope/x").unwrap().missing,
        Some(Missing::NotFound)
    );
    assert_eq!(
        c.resolve_source("a.txt/x").unwrap().missing,
        Some(Missing::NotFound)
    );

    let env = c.resolve_source("prod.env").unwrap();
    assert_eq!(env.missing, Some(Missing::Excluded));
    assert_eq!(excluded(&env), [("prod.env", "*.env")]);
    let module = c.resolve_source("node_modules/pkg/index.js").unwrap();
    assert_eq!(module.missing, Some(Missing::Excluded));
    assert_eq!(excluded(&module), [("node_modules", "node_modules")]);
    assert_eq!(
        c.resolve_source("node_modules").unwrap().missing,
        Some(Missing::Excluded)
    );

    assert_eq!(
        c.resolve_source("../secrets/key").unwrap_err(),
        SourceError::EscapesContext {
            resolved_as: "secrets/key".to_owned()
        }
    );
    assert!(matches!(
        c.resolve_source("src/../../x"),
        Err(SourceError::EscapesContext { .. })
    ));
    assert_eq!(
        c.resolve_source("https://example.com/a.tgz").unwrap_err(),
        SourceError::Remote
    );
    assert!(is_remote_source("git@github.com:moby/buildkit.git"));
}

#[test]
fn cache_shares_one_walk() {
    fn is_sync<T: Sync + Send>() {}
    is_sync::<ContextCache>();
    is_sync::<BuildContext>();

    let ctx = tree(&[
        ("Dockerfile", ""),
        ("api.Dockerfile", ""),
        ("api.Dockerfile.dockerignore", "*.md\n"),
        ("README.md", ""),
    ]);
    let root = ctx.path();
    let cache = ContextCache::new(WalkOptions::default());
    let results: Vec<Arc<BuildContext>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| cache.get(root, Some(&root.join("Dockerfile"))).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(results.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])));
    let api = cache.get(root, Some(&root.join("api.Dockerfile"))).unwrap();
    assert!(!Arc::ptr_eq(&api, &results[0]));
    assert!(api.entry("README.md").unwrap().is_excluded());
    assert!(!results[0].entry("README.md").unwrap().is_excluded());
    assert!(cache.get(&root.join("missing"), None).is_err());
}

#[test]
fn bad_ignore_file_is_an_error_naming_file_and_line() {
    let ctx = tree(&[(".dockerignore", "ok\n[\n")]);
    let err = BuildContext::load(ctx.path(), None, WalkOptions::default()).unwrap_err();
    match &err {
        ContextError::Pattern { error, .. } => assert_eq!(error.line, 2),
        ContextError::Io { .. } => panic!("{err}"),
    }
    assert!(
        err.to_string()
            .ends_with(".dockerignore: line 2: invalid pattern `[`: syntax error in pattern")
    );
}

/// A realistic ignore file for the benchmarks.
const BENCH_IGNORE: &str = "\
.git
node_modules
**/*.log
*.md
!README.md
build/**
dist
**/__pycache__
.env*
coverage
tmp/*
*.swp
**/.DS_Store
target
.venv
docs/**/*.png
!docs/keep/**
vendor
*.tmp
.idea
";

/// Paths of a synthetic 100k-file tree: `pkgNN/modMM/fileKKK.ext`.
fn bench_paths() -> Vec<String> {
    let exts = ["rs", "md", "log", "py", "png", "json", "txt", "tmp"];
    let mut paths = Vec::with_capacity(100_000);
    for p in 0..100 {
        for m in 0..10 {
            for f in 0..100 {
                let top = match p % 10 {
                    0 => "node_modules",
                    1 => "docs",
                    2 => "build",
                    _ => "src",
                };
                let ext = exts[f % exts.len()];
                paths.push(format!("{top}/pkg{p:02}/mod{m}/file{f:03}.{ext}"));
            }
        }
    }
    paths
}

/// `cargo test --release --lib bench_ -- --ignored --nocapture`
#[test]
#[ignore = "benchmark"]
#[allow(clippy::cast_precision_loss)] // rates for humans
fn bench_matcher() {
    let file = IgnoreFile::parse(BENCH_IGNORE.as_bytes()).unwrap();
    let m = file.matcher();
    let paths = bench_paths();
    let n = m.patterns().len();
    let start = std::time::Instant::now();
    let mut excluded = 0;
    for _ in 0..5 {
        excluded += paths
            .iter()
            .filter(|p| m.matches_or_parent_matches(p).is_some())
            .count();
    }
    let secs = start.elapsed().as_secs_f64();
    let checks = 5.0 * paths.len() as f64;
    eprintln!(
        "matches_or_parent_matches: {n} patterns x {} paths x 5 in {secs:.3}s = {:.2}M paths/s, {:.1}M pattern-path checks/s ({} excluded per pass)",
        paths.len(),
        checks / secs / 1e6,
        checks * n as f64 / secs / 1e6,
        excluded / 5
    );
    let start = std::time::Instant::now();
    for p in &paths {
        std::hint::black_box(file.excluded_by(p));
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "excluded_by (walk semantics, from the root each time): {:.2}M paths/s",
        paths.len() as f64 / secs / 1e6
    );
}

#[test]
#[ignore = "benchmark"]
#[allow(clippy::cast_precision_loss)] // rates for humans
fn bench_walk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let start = std::time::Instant::now();
    for path in bench_paths() {
        let full = root.join(&path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(full, "").unwrap();
    }
    eprintln!(
        "created 100k files in {:.2}s",
        start.elapsed().as_secs_f64()
    );
    let time = |label: &str, options: WalkOptions| {
        let start = std::time::Instant::now();
        let c = BuildContext::load(root, None, options).unwrap();
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{label}: {} entries visited, {} listed, in {secs:.3}s ({:.0}k entries/s)",
            c.visited(),
            c.entries().len(),
            c.visited() as f64 / secs / 1e3
        );
        c
    };
    time("walk, no ignore file", WalkOptions::default());
    fs::write(root.join(".dockerignore"), BENCH_IGNORE).unwrap();
    let c = time("walk, 20-pattern ignore file", WalkOptions::default());
    let start = std::time::Instant::now();
    let all = c.resolve_source(".").unwrap();
    let src = c.resolve_source("src").unwrap();
    let wild = c.resolve_source("src/*/mod1/*.rs").unwrap();
    eprintln!(
        "resolve `.` ({} files), `src` ({}), `src/*/mod1/*.rs` ({}) in {:.3}s",
        all.included().len(),
        src.included().len(),
        wild.included().len(),
        start.elapsed().as_secs_f64()
    );
    time("walk, limit 10k", WalkOptions { file_limit: 10_000 });
    let cache = ContextCache::new(WalkOptions::default());
    cache.get(root, None).unwrap();
    let start = std::time::Instant::now();
    for _ in 0..1000 {
        std::hint::black_box(cache.get(root, None).unwrap());
    }
    eprintln!("cache hit: {:.1}us", start.elapsed().as_secs_f64() * 1e3);
}

/// Differential check against the real patternmatcher: reads JSON lines
/// `{"p": [patterns], "f": path}` from `$PATTERNMATCHER_CASES` and writes,
/// per case, `ERR` or three digits (`MatchesOrParentMatches`, the walk's
/// `MatchesUsingParentResults`, exact) to `$PATTERNMATCHER_CASES.rust`, to
/// compare with a small Go program running patternmatcher on the same
/// file (Debian packages `golang-go`, `golang-github-moby-patternmatcher-dev`).
#[test]
#[ignore = "needs cases produced with Go"]
fn differential_patternmatcher() {
    use std::fmt::Write as _;
    let Ok(cases) = std::env::var("PATTERNMATCHER_CASES") else {
        return;
    };
    let mut out = String::new();
    for line in fs::read_to_string(&cases).unwrap().lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let patterns: Vec<&str> = case["p"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let path = case["f"].as_str().unwrap();
        match matcher(&patterns) {
            Err(_) => out.push_str("ERR\n"),
            Ok(m) => {
                let digit = |b: bool| if b { '1' } else { '0' };
                let _ = writeln!(
                    out,
                    "{}{}{}",
                    digit(m.matches_or_parent_matches(path).is_some()),
                    digit(walked(&m, path)),
                    digit(m.matches_exact(path).is_some())
                );
            }
        }
    }
    fs::write(format!("{cases}.rust"), out).unwrap();
}

/// What a resolution says, in a form two resolutions can be compared by.
fn summary(result: Result<SourceFiles<'_>, SourceError>) -> String {
    match result {
        Ok(files) => format!(
            "path={:?} wildcard={} missing={:?} incomplete={} included={:?} excluded={:?}",
            files.path,
            files.wildcard,
            files.missing,
            files.incomplete,
            paths(files.included()),
            excluded(&files),
        ),
        Err(e) => format!("error: {e}"),
    }
}

/// Resolving a source with a partial walk (the default) says exactly what
/// resolving it against the whole walk says, for every kind of source:
/// files, directories, wildcards, missing and excluded paths, symlinks
/// inside and out of the part walked, unreadable directories.
#[test]
fn partial_walks_resolve_like_the_whole_walk() {
    #[cfg(unix)]
    use std::os::unix::fs::{PermissionsExt, symlink};
    let ctx = source_tree();
    let root = ctx.path();
    fs::create_dir_all(root.join("links")).unwrap();
    fs::create_dir_all(root.join("locked/inner")).unwrap();
    fs::write(root.join("locked/inner/f"), "").unwrap();
    #[cfg(unix)]
    {
        symlink("../src", root.join("links/src")).unwrap();
        symlink("../a.txt", root.join("links/a.txt")).unwrap();
        symlink("..", root.join("links/up")).unwrap();
        symlink("../nowhere", root.join("links/dangling")).unwrap();
        symlink("/src/x", root.join("links/abs")).unwrap();
        symlink("../node_modules/pkg", root.join("links/pkg")).unwrap();
        fs::set_permissions(root.join("locked/inner"), fs::Permissions::from_mode(0o000)).unwrap();
    }
    let sources = [
        ".",
        "a.txt",
        "/a.txt",
        "./src/",
        "src",
        "src/*.rs",
        "src/x/*",
        "src/*/*.go",
        "*.txt",
        "*",
        "s?c",
        "[ab].txt",
        "src/x/y",
        "nope.txt",
        "src/nope/x",
        "a.txt/x",
        "prod.env",
        "*.env",
        "node_modules",
        "node_modules/pkg/index.js",
        "node_modules/*",
        "build",
        "build/keep.txt",
        "build/*",
        "build/out.bin",
        "empty",
        "empty/*",
        "links",
        "links/*",
        "links/src",
        "links/src/main.rs",
        "links/a.txt",
        "links/up",
        "links/up/src/lib.rs",
        "links/dangling",
        "links/abs",
        "links/abs/top.go",
        "links/pkg",
        "links/s*",
        "links/*.txt",
        "locked",
        "locked/inner",
        "locked/inner/f",
        "locked/*",
        "locked/inner/*",
        "[",
        "src/[",
        "../x",
        "https://example.com/x",
    ];
    for source in sources {
        let partial = load(root, None);
        let part = summary(partial.resolve_source(source));
        // Only the whole context, a wildcard at the root, or a link that
        // leads out of the part walked needs the whole walk.
        let first = source.trim_start_matches("./").trim_start_matches('/');
        let first = first.split('/').next().unwrap_or_default();
        let may_walk_all = source == "." || contains_wildcards(first) || first == "links";
        assert!(
            may_walk_all || partial.whole_if_walked().is_none(),
            "{source}: walked the whole context"
        );
        let whole = load(root, None);
        whole.entries();
        assert_eq!(part, summary(whole.resolve_source(source)), "{source}");
    }
    #[cfg(unix)]
    fs::set_permissions(root.join("locked/inner"), fs::Permissions::from_mode(0o755)).unwrap();
}

/// A source naming one file reads the directories on the way to it, not
/// the rest of the context; one that names the whole context walks it once.
#[test]
fn sources_walk_only_what_they_name() {
    let ctx = source_tree();
    let c = load(ctx.path(), None);
    assert_eq!(
        paths(c.resolve_source("src/x/top.go").unwrap().included()),
        ["src/x/top.go"]
    );
    assert_eq!(
        paths(c.resolve_source("src/x/*.go").unwrap().included()),
        ["src/x/top.go"]
    );
    assert!(c.whole_if_walked().is_none());
    // The layer model and the rules resolving one source share its walk
    // and its resolution.
    assert!(Arc::ptr_eq(&c.walk_scope("src/x"), &c.walk_scope("src/x")));
    assert!(Arc::ptr_eq(
        &c.resolution("src/x/*.go").unwrap(),
        &c.resolution("src/x/*.go").unwrap()
    ));
    assert!(
        c.listings
            .lock()
            .unwrap()
            .keys()
            .all(|dir| ["", "src", "src/x"].contains(&dir.as_str())),
        "{:?}",
        c.listings.lock().unwrap().keys()
    );
    let all = c.resolve_source(".").unwrap();
    assert!(paths(all.included()).contains(&"src/util/mod.rs"));
    assert!(c.whole_if_walked().is_some());
}
