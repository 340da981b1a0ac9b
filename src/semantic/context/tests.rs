//! moby/patternmatcher's and ignorefile's own test tables, and build
//! contexts on disk.

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

