//! Expansion and scoping tests. The tables hold facts from BuildKit's own
//! tests (`shell/envVarTest`, `shell/lex_test.go`) and from its behaviour,
//! written in our own format.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use super::*;
use crate::semantic::Stages;
use crate::syntax::{Args, Dockerfile, Keyword, Word, parse};

/// A word covering the whole of `text`.
fn word(text: &str) -> Word<'_> {
    Word {
        value: Cow::Borrowed(text),
        range: TextRange::from_usize(0, text.len()),
    }
}

fn expand(text: &str, env: &MapEnv, lex: Lex) -> Result<Expanded, ExpandError> {
    expand_word(&word(text), text, env, lex)
}

fn value(text: &str, env: &MapEnv) -> Result<String, ExpandError> {
    expand(text, env, Lex::new('\\')).map(|e| e.display().to_string())
}

/// The environment of BuildKit's `envVarTest`.
fn envvartest_env() -> MapEnv {
    MapEnv::new(Missing::Empty)
        .known("PWD", "/home")
        .known("SHELL", "bash")
        .known("KOREAN", "한국어")
        .known("NULL", "")
}

/// `(input, expected)`: `None` means an error. Unix rows only.
const ENV_VAR_TEST: &[(&str, Option<&str>)] = &[
    ("hello", Some("hello")),
    ("he'll'o", Some("hello")),
    ("he'llo", None),
    ("he\\'llo", Some("he'llo")),
    ("he\\\\'llo", None),
    ("abc\\tdef", Some("abctdef")),
    ("\"abc\\tdef\"", Some("abc\\tdef")),
    ("\"abc\\\\tdef\"", Some("abc\\tdef")),
    ("'abc\\tdef'", Some("abc\\tdef")),
    ("hello\\", Some("hello")),
    ("hello\\\\", Some("hello\\")),
    ("\"hello", None),
    ("\"hello\\\"", None),
    ("\"hel'lo\"", Some("hel'lo")),
    ("'hello", None),
    ("'hello\\'", Some("hello\\")),
    ("'hello\\there'", Some("hello\\there")),
    ("'hello\\\\there'", Some("hello\\\\there")),
    ("\"''\"", Some("''")),
    ("$.", Some("$.")),
    ("he$1x", Some("hex")),
    ("he$.x", Some("he$.x")),
    ("he$pwd.", Some("he.")),
    ("he$PWD", Some("he/home")),
    ("he\\$PWD", Some("he$PWD")),
    ("he\\\\$PWD", Some("he\\/home")),
    ("\"he\\$PWD\"", Some("he$PWD")),
    ("\"he\\\\$PWD\"", Some("he\\/home")),
    ("\\${}", Some("${}")),
    ("\\${}aaa", Some("${}aaa")),
    ("he\\${}", Some("he${}")),
    ("he\\${}xx", Some("he${}xx")),
    ("${}", None),
    ("${}aaa", None),
    ("he${}", None),
    ("he${}xx", None),
    ("he${hi}", Some("he")),
    ("he${hi}xx", Some("hexx")),
    ("he${PWD}", Some("he/home")),
    ("he${.}", None),
    ("he${XXX:-000}xx", Some("he000xx")),
    ("he${PWD:-000}xx", Some("he/homexx")),
    ("he${XXX:-$PWD}xx", Some("he/homexx")),
    ("he${XXX:-${PWD:-yyy}}xx", Some("he/homexx")),
    ("he${XXX:-${YYY:-yyy}}xx", Some("heyyyxx")),
    ("he${XXX:YYY}", None),
    ("he${XXX?}", None),
    ("he${XXX:?}", None),
    ("he${PWD?}", Some("he/home")),
    ("he${PWD:?}", Some("he/home")),
    ("he${NULL?}", Some("he")),
    ("he${NULL:?}", None),
    ("he${XXX:+${PWD}}xx", Some("hexx")),
    ("he${PWD:+${XXX}}xx", Some("hexx")),
    ("he${PWD:+${SHELL}}xx", Some("hebashxx")),
    ("he${XXX:+000}xx", Some("hexx")),
    ("he${PWD:+000}xx", Some("he000xx")),
    ("'he${XX}'", Some("he${XX}")),
    ("\"he${PWD}\"", Some("he/home")),
    ("\"he'$PWD'\"", Some("he'/home'")),
    ("\"$PWD\"", Some("/home")),
    ("'$PWD'", Some("$PWD")),
    ("'\\$PWD'", Some("\\$PWD")),
    ("'\"hello\"'", Some("\"hello\"")),
    ("'he\\$PWD'", Some("he\\$PWD")),
    ("he${PWD", None),
    ("he${PWD:=000}xx", None),
    ("he${PWD:+${PWD}:}xx", Some("he/home:xx")),
    ("he${XXX:-\\$PWD:}xx", Some("he$PWD:xx")),
    ("he${XXX:-\\${PWD}z}xx", Some("he${PWDz}xx")),
    ("안녕하세요", Some("안녕하세요")),
    ("안'녕'하세요", Some("안녕하세요")),
    ("안'녕하세요", None),
    ("안녕\\'하세요", Some("안녕'하세요")),
    ("안\\\\'녕하세요", None),
    ("안녕\\t하세요", Some("안녕t하세요")),
    ("\"안녕\\t하세요\"", Some("안녕\\t하세요")),
    ("'안녕\\t하세요", None),
    ("안녕하세요\\", Some("안녕하세요")),
    ("안녕하세요\\\\", Some("안녕하세요\\")),
    ("\"안녕하세요", None),
    ("\"안녕하세요\\\"", None),
    ("\"안녕'하세요\"", Some("안녕'하세요")),
    ("'안녕하세요\\'", Some("안녕하세요\\")),
    ("안녕$1x", Some("안녕x")),
    ("안녕$.x", Some("안녕$.x")),
    ("안녕$pwd.", Some("안녕.")),
    ("안녕$PWD", Some("안녕/home")),
    ("안녕\\\\$PWD", Some("안녕\\/home")),
    ("안녕${}xx", None),
    ("안녕${hi}xx", Some("안녕xx")),
    ("안녕${XXX:-${YYY:-yyy}}xx", Some("안녕yyyxx")),
    ("안녕${XXX:YYY}", None),
    ("안녕${PWD:+${SHELL}}xx", Some("안녕bashxx")),
    ("'안녕${XX}'", Some("안녕${XX}")),
    ("\"안녕'$PWD'\"", Some("안녕'/home'")),
    ("안녕${PWD", None),
    ("안녕${XXX:-\\${PWD}z}xx", Some("안녕${PWDz}xx")),
    ("$KOREAN", Some("한국어")),
    ("안녕$KOREAN", Some("안녕한국어")),
    ("${{aaa}", None),
    ("${aaa}}", Some("}")),
    ("${aaa", None),
    ("${{aaa:-bbb}", None),
    ("${aaa:-bbb}}", Some("bbb}")),
    ("${aaa:-bbb", None),
    ("${aaa:-bbb}", Some("bbb")),
    ("${aaa:-${bbb:-ccc}}", Some("ccc")),
    ("${aaa:-bbb ${foo}", None),
    ("${aaa:-bbb {foo}", Some("bbb {foo")),
    ("${:}", None),
    ("${:-bbb}", None),
    ("${:+bbb}", None),
    // Positional parameters are never set.
    ("$1", Some("")),
    ("${1}", Some("")),
    ("${1:+bbb}", Some("")),
    ("${1:-bbb}", Some("bbb")),
    ("$999aaa", Some("aaa")),
    ("${999}aaa", Some("aaa")),
    ("${999:-bbb}aaa", Some("bbbaaa")),
    ("$001", Some("")),
    ("${001:+bbb}aaa", Some("aaa")),
    ("${001:-bbb}aaa", Some("bbbaaa")),
    // Nor are special parameters.
    ("$@", Some("")),
    ("${@:-bbb}", Some("bbb")),
    ("$@@@", Some("@@")),
    ("$@aaa", Some("aaa")),
    ("${@:+bbb}aaa", Some("aaa")),
    ("$*", Some("")),
    ("${*:-bbb}", Some("bbb")),
    ("$#", Some("")),
    ("${#}", Some("")),
    ("${#:+bbb}", Some("")),
    ("${#:-bbb}", Some("bbb")),
    ("$?", Some("")),
    ("${?:-bbb}", Some("bbb")),
    ("$-", Some("")),
    ("${-:-bbb}", Some("bbb")),
    ("$$", Some("")),
    ("${$:-bbb}", Some("bbb")),
    ("$!", Some("")),
    ("${!:-bbb}", Some("bbb")),
    ("$0", Some("")),
    ("${0:+bbb}", Some("")),
    ("${0:-bbb}", Some("bbb")),
];

#[test]
fn buildkit_env_var_test() {
    let env = envvartest_env();
    for &(input, expected) in ENV_VAR_TEST {
        let got = value(input, &env);
        match expected {
            Some(want) => assert_eq!(got.as_deref().ok(), Some(want), "{input:?}: {got:?}"),
            None => assert!(got.is_err(), "{input:?} should fail, got {got:?}"),
        }
    }
}

/// `(input, env, expected, matched, unmatched)`, from BuildKit's
/// `TestProcessWithMatches`. `None` means an error.
type MatchCase = (
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
    &'static [&'static str],
    &'static [&'static str],
);

const MATCHES: &[MatchCase] = &[
    ("x", &[("DUMMY", "dummy")], Some("x"), &[], &[]),
    (
        "x ${UNUSED}",
        &[("DUMMY", "dummy")],
        Some("x "),
        &[],
        &["UNUSED"],
    ),
    ("x ${FOO}", &[("FOO", "y")], Some("x y"), &["FOO"], &[]),
    (
        "${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}",
        &[("FOO", "xxx"), ("BAR", "")],
        Some("xxx  ccc"),
        &["FOO", "BAR"],
        &["BAZ"],
    ),
    (
        "${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}",
        &[("FOO", "xxx"), ("BAR", "")],
        Some("xxx bbb ccc"),
        &["FOO", "BAR"],
        &["BAZ"],
    ),
    (
        "${FOO:-}",
        &[("FOO", "xxx"), ("BAR", "")],
        Some("xxx"),
        &["FOO"],
        &[],
    ),
    ("${FOO:-}", &[], Some(""), &[], &["FOO"]),
    (
        "${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}",
        &[("FOO", "xxx"), ("BAR", "")],
        Some("aaa bbb "),
        &["FOO", "BAR"],
        &["BAZ"],
    ),
    (
        "${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}",
        &[("FOO", "xxx"), ("BAR", "")],
        Some("aaa  "),
        &["FOO", "BAR"],
        &["BAZ"],
    ),
    (
        "${FOO?aaa}",
        &[("FOO", "xxx"), ("BAR", "")],
        Some("xxx"),
        &["FOO"],
        &[],
    ),
    (
        "${BAR?bbb}",
        &[("FOO", "xxx"), ("BAR", "")],
        Some(""),
        &["BAR"],
        &[],
    ),
    ("${BAZ?ccc}", &[("FOO", "xxx"), ("BAR", "")], None, &[], &[]),
    (
        "${FOO:?aaa}",
        &[("FOO", "xxx"), ("BAR", "")],
        Some("xxx"),
        &["FOO"],
        &[],
    ),
    (
        "${BAR:?bbb}",
        &[("FOO", "xxx"), ("BAR", "")],
        None,
        &[],
        &[],
    ),
    (
        "${BAZ:?ccc}",
        &[("FOO", "xxx"), ("BAR", "")],
        None,
        &[],
        &[],
    ),
    ("${BAZ:?}", &[("FOO", "xxx"), ("BAR", "")], None, &[], &[]),
    ("${FOO=aaa}", &[("FOO", "xxx"), ("BAR", "")], None, &[], &[]),
    (
        "${FOO=:aaa}",
        &[("FOO", "xxx"), ("BAR", "")],
        None,
        &[],
        &[],
    ),
    ("${FOO=}", &[], None, &[], &[]),
    (
        "${FOO#()[]{\\}^$.\\*\\?|\\\\}",
        &[("FOO", "()[]{}^$.*?|\\x")],
        Some("x"),
        &["FOO"],
        &[],
    ),
    (
        "${FOO%%\\**}",
        &[("FOO", "xx**")],
        Some("xx"),
        &["FOO"],
        &[],
    ),
    ("${FOO#*x*y}", &[("FOO", "xxyy")], Some("y"), &["FOO"], &[]),
    ("${FOO#*}", &[("FOO", "xxyy")], Some("xxyy"), &["FOO"], &[]),
    (
        "${FOO#$BAR}",
        &[("FOO", "xxyy"), ("BAR", "x")],
        Some("xyy"),
        &["FOO", "BAR"],
        &[],
    ),
    (
        "${FOO#$BAR}",
        &[("FOO", "xxyy"), ("BAR", "")],
        Some("xxyy"),
        &["FOO", "BAR"],
        &[],
    ),
    ("${FOO#}", &[("FOO", "xxyy")], Some("xxyy"), &["FOO"], &[]),
    ("${FOO##*x}", &[("FOO", "xxyy")], Some("yy"), &["FOO"], &[]),
    ("${FOO##}", &[("FOO", "xxyy")], Some("xxyy"), &["FOO"], &[]),
    ("${FOO#?\\?}", &[("FOO", "???y")], Some("?y"), &["FOO"], &[]),
    (
        "${ABC:-.}${FOO%x}${ABC:-.}",
        &[("FOO", "xxyy")],
        Some(".xxyy."),
        &["FOO"],
        &["ABC"],
    ),
    (
        "${FOO%%\\**\\*}",
        &[("FOO", "a***yy*")],
        Some("a"),
        &["FOO"],
        &[],
    ),
    ("${FOO%}", &[("FOO", "xxyy")], Some("xxyy"), &["FOO"], &[]),
    (
        "${FOO%%$BAR}",
        &[("FOO", "xxyy"), ("BAR", "")],
        Some("xxyy"),
        &["FOO", "BAR"],
        &[],
    ),
    (
        "${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}",
        &[("FOO", "/foo*/*/*.txt"), ("NEEDLE", "\\*/")],
        Some("/foo.*/*.txt - /foo..*.txt"),
        &["FOO", "NEEDLE"],
        &[],
    ),
    (
        "${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}",
        &[("FOO", "/tmp/tmp/bar.txt"), ("NEEDLE", "/tmp")],
        Some("/tmp/bar.txt - /bar.txt"),
        &["FOO", "NEEDLE"],
        &[],
    ),
    (
        "${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}",
        &[
            ("FOO", "/a/foo/b/c.txt"),
            ("NEEDLE", "/?/"),
            ("REPLACEMENT", "/"),
        ],
        Some("/foo/b/c.txt - /foo/c.txt"),
        &["FOO", "NEEDLE", "REPLACEMENT"],
        &[],
    ),
    (
        "${FOO/$NEEDLE/$REPLACEMENT}",
        &[
            ("FOO", "http://google.de"),
            ("NEEDLE", "http://"),
            ("REPLACEMENT", "https://"),
        ],
        Some("https://google.de"),
        &["FOO", "NEEDLE", "REPLACEMENT"],
        &[],
    ),
    (
        "${FOO//\\//\\/}",
        &[("FOO", "/tmp/foo.txt")],
        Some("\\/tmp\\/foo.txt"),
        &["FOO"],
        &[],
    ),
    (
        "${FOO/$BAR/ww}",
        &[("FOO", "xxyy"), ("BAR", "")],
        Some("wwxxyy"),
        &["FOO", "BAR"],
        &[],
    ),
    ("${FOO//ww}", &[("FOO", "xxyy")], None, &[], &[]),
    ("${FOO//}", &[("FOO", "xxyy")], None, &[], &[]),
    ("${FOO///}", &[("FOO", "xxyy")], Some("xxyy"), &["FOO"], &[]),
    ("${FOO///}", &[], Some(""), &[], &["FOO"]),
];

#[test]
fn buildkit_process_with_matches() {
    for &(input, vars, expected, matched, unmatched) in MATCHES {
        let mut env = MapEnv::new(Missing::Empty);
        for &(k, v) in vars {
            env = env.known(k, v);
        }
        let got = expand(input, &env, Lex::new('\\'));
        let Some(want) = expected else {
            assert!(got.is_err(), "{input:?} should fail, got {got:?}");
            continue;
        };
        let Ok(got) = got else {
            panic!("{input:?} failed: {got:?}");
        };
        assert_eq!(got.known(), Some(want), "{input:?}");
        let mut found: Vec<&str> = got
            .references()
            .iter()
            .filter(|r| r.origin.is_some())
            .map(|r| r.name.as_str())
            .collect();
        let mut missing: Vec<&str> = got
            .references()
            .iter()
            .filter(|r| r.origin.is_none())
            .map(|r| r.name.as_str())
            .collect();
        for list in [&mut found, &mut missing] {
            list.sort_unstable();
            list.dedup();
        }
        let mut matched = matched.to_vec();
        matched.sort_unstable();
        let mut unmatched = unmatched.to_vec();
        unmatched.sort_unstable();
        assert_eq!(found, matched, "{input:?} matched");
        assert_eq!(missing, unmatched, "{input:?} unmatched");
    }
}

#[test]
fn buildkit_mandatory_vars() {
    let set = MapEnv::default().known("VAR", "plain").known("ARG", "x");
    let empty = MapEnv::default().known("VAR", "").known("ARG", "x");
    let unset = MapEnv::default().known("ARG", "x");
    let no_empty = "${VAR:?message here$ARG}";
    let no_unset = "${VAR?message here$ARG}";
    assert_eq!(value(no_empty, &set).ok().as_deref(), Some("plain"));
    for env in [&empty, &unset] {
        let err = value(no_empty, env).err().map(|e| e.message);
        assert_eq!(err.as_deref(), Some("VAR: message herex"));
    }
    assert_eq!(value(no_unset, &set).ok().as_deref(), Some("plain"));
    assert_eq!(value(no_unset, &empty).ok().as_deref(), Some(""));
    assert_eq!(
        value(no_unset, &unset).err().map(|e| e.message).as_deref(),
        Some("VAR: message herex")
    );
}

#[test]
fn buildkit_platform_release_name() {
    let release =
        "something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz";
    let base = MapEnv::default()
        .known("VERSION", "v1.2.3")
        .known("TARGETOS", "linux");
    let arm = base
        .clone()
        .known("TARGETARCH", "arm")
        .known("TARGETVARIANT", "v7");
    assert_eq!(
        value(release, &arm).ok().as_deref(),
        Some("something-v1.2.3.linux-arm-v7.tar.gz")
    );
    let arm64 = base.clone().known("TARGETARCH", "arm64");
    assert_eq!(
        value(release, &arm64.clone().known("TARGETVARIANT", ""))
            .ok()
            .as_deref(),
        Some("something-v1.2.3.linux-arm64.tar.gz")
    );
    assert_eq!(
        value(release, &arm64).ok().as_deref(),
        Some("something-v1.2.3.linux-arm64.tar.gz")
    );
}

/// `(input, kind, message, the text the error range covers)`.
const ERRORS: &[(&str, ExpandErrorKind, &str, &str)] = &[
    (
        "${}",
        ExpandErrorKind::BadSubstitution,
        "syntax error: bad substitution",
        "${}",
    ),
    (
        "he${}xx",
        ExpandErrorKind::BadSubstitution,
        "syntax error: bad substitution",
        "${}",
    ),
    (
        "${:-x}",
        ExpandErrorKind::BadSubstitution,
        "syntax error: bad substitution",
        "${:",
    ),
    (
        "${{a}",
        ExpandErrorKind::BadSubstitution,
        "syntax error: bad substitution",
        "${{",
    ),
    (
        "a${",
        ExpandErrorKind::MissingBrace,
        "syntax error: missing '}'",
        "${",
    ),
    (
        "${aaa",
        ExpandErrorKind::MissingBrace,
        "syntax error: missing '}'",
        "${aaa",
    ),
    (
        "${aaa:-bbb",
        ExpandErrorKind::MissingBrace,
        "syntax error: missing '}'",
        "${aaa:-bbb",
    ),
    (
        "${a:",
        ExpandErrorKind::MissingBrace,
        "syntax error: missing '}'",
        "${a:",
    ),
    (
        "${a:-'x}",
        ExpandErrorKind::MissingBrace,
        "syntax error: missing '}'",
        "${a:-'x}",
    ),
    (
        "${a:-${}}",
        ExpandErrorKind::BadSubstitution,
        "syntax error: bad substitution",
        "${}",
    ),
    (
        "${a/b}",
        ExpandErrorKind::MissingSlash,
        "syntax error: missing '/' in ${}",
        "${a/b}",
    ),
    (
        "${a/b/c",
        ExpandErrorKind::MissingBrace,
        "syntax error: missing '}'",
        "${a/b/c",
    ),
    (
        "he${XXX:YYY}",
        ExpandErrorKind::UnsupportedModifier,
        "unsupported modifier (:Y) in substitution",
        "${XXX:YYY}",
    ),
    (
        "${FOO=aaa}",
        ExpandErrorKind::UnsupportedModifier,
        "unsupported modifier (=) in substitution",
        "${FOO=",
    ),
    (
        "${PWD:=000}",
        ExpandErrorKind::UnsupportedModifier,
        "unsupported modifier (:=) in substitution",
        "${PWD:=000}",
    ),
    (
        "${.}",
        ExpandErrorKind::UnsupportedModifier,
        "unsupported modifier (.) in substitution",
        "${.",
    ),
    (
        "${a b}",
        ExpandErrorKind::UnsupportedModifier,
        "unsupported modifier ( ) in substitution",
        "${a ",
    ),
    (
        "${PWD:}",
        ExpandErrorKind::MissingBrace,
        "syntax error: missing '}'",
        "${PWD:}",
    ),
    (
        "${PWD:}x}",
        ExpandErrorKind::UnsupportedModifier,
        "unsupported modifier (:}) in substitution",
        "${PWD:}x}",
    ),
    (
        "${PWD#\\x}",
        ExpandErrorKind::InvalidPattern,
        "invalid pattern (\\x) in substitution: invalid escape '\\x'",
        "${PWD#\\x}",
    ),
    (
        "${PWD%a\\x}",
        ExpandErrorKind::InvalidPattern,
        "invalid pattern (\\xa) in substitution: invalid escape '\\x'",
        "${PWD%a\\x}",
    ),
    (
        "${UNSET/\\x/y}",
        ExpandErrorKind::InvalidPattern,
        "invalid pattern (\\x) in substitution: invalid escape '\\x'",
        "${UNSET/\\x/y}",
    ),
    (
        "${XXX?}",
        ExpandErrorKind::Required,
        "XXX: is not allowed to be unset",
        "${XXX?}",
    ),
    (
        "${XXX:?}",
        ExpandErrorKind::Required,
        "XXX: is not allowed to be unset",
        "${XXX:?}",
    ),
    (
        "${NULL:?}",
        ExpandErrorKind::Required,
        "NULL: is not allowed to be empty",
        "${NULL:?}",
    ),
    (
        "${XXX?set $PWD please}",
        ExpandErrorKind::Required,
        "XXX: set /home please",
        "${XXX?set $PWD please}",
    ),
    (
        "he'llo",
        ExpandErrorKind::UnterminatedQuote,
        "unexpected end of statement while looking for matching single-quote",
        "'llo",
    ),
    (
        "a \"b c",
        ExpandErrorKind::UnterminatedQuote,
        "unexpected end of statement while looking for matching double-quote",
        "\"b c",
    ),
];

#[test]
fn errors_have_buildkit_messages_and_ranges() {
    let env = envvartest_env();
    for &(input, kind, message, covered) in ERRORS {
        let Err(err) = expand(input, &env, Lex::new('\\')) else {
            panic!("{input:?} should fail");
        };
        assert_eq!(
            (err.kind, err.message.as_str()),
            (kind, message),
            "{input:?}"
        );
        assert_eq!(err.range.slice(input), covered, "{input:?}");
        assert_eq!(err.word, input);
    }
    let Err(err) = expand("${}", &env, Lex::new('\\')) else {
        panic!("must fail");
    };
    assert_eq!(
        err.to_string(),
        "failed to process \"${}\": syntax error: bad substitution"
    );
}

#[test]
fn nesting_is_bounded() {
    let deep = "${a:-".repeat(MAX_DEPTH + 5) + &"}".repeat(MAX_DEPTH + 5);
    let err = value(&deep, &MapEnv::default()).err();
    assert_eq!(err.map(|e| e.kind), Some(ExpandErrorKind::TooDeep));
    let ok = "${a:-".repeat(50) + "x" + &"}".repeat(50);
    assert_eq!(value(&ok, &MapEnv::default()).ok().as_deref(), Some("x"));
}

#[test]
fn values_are_bounded() {
    // Every level of `${v//}` with an empty pattern puts the replacement
    // between every two characters: eight levels of a 16-byte value would
    // be 17^8 bytes. (A fuzzer found the shape.)
    let env = MapEnv::new(Missing::Empty).known("v", "abcdefghijklmnop");
    let mut nested = "x".to_string();
    for _ in 0..8 {
        nested = format!("${{v///{nested}}}");
    }
    let expanded = expand(&nested, &env, Lex::new('\\')).unwrap();
    assert_eq!(expanded.known(), None);
    // Three levels stay known: 17 * 17 * 17 characters or so.
    let small = "${v///${v///${v///x}}}";
    let known = expand(small, &env, Lex::new('\\')).unwrap();
    assert!(known.known().is_some_and(|v| v.len() > 4_000));

    // A long pattern against a long value is not matched (every pair of
    // characters would be visited): the result is unknown.
    let long = "ab".repeat(5_000);
    let env = MapEnv::new(Missing::Empty)
        .known("v", &long)
        .known("p", &long);
    for op in ["#", "##", "%", "%%", "/", "//"] {
        let slash = if op.starts_with('/') { "/x" } else { "" };
        let text = format!("${{v{op}$p{slash}}}");
        let expanded = expand(&text, &env, Lex::new('\\')).unwrap();
        assert_eq!(expanded.known(), None, "{text}");
    }
    let short = format!("${{v#{}}}", "ab".repeat(10));
    let trimmed = expand(&short, &env, Lex::new('\\')).unwrap();
    assert_eq!(trimmed.known().map(str::len), Some(10_000 - 20));

    // `ARG B=$A$A`, `ARG C=$B$B`…: the value doubles on every line.
    let mut source = "FROM scratch\nARG A0=0123456789abcdef\n".to_string();
    for i in 1..40 {
        let _ = writeln!(source, "ARG A{i}=$A{p}$A{p}", p = i - 1);
    }
    source.push_str("RUN echo $A39\n");
    let file = parse(&source);
    let stages = Stages::new(&file);
    let model = VarModel::new(&file, &stages, &VarOptions::default());
    let last = file.instructions.len() - 1;
    let a16 = model.lookup(last, "A16").unwrap();
    assert!(matches!(&a16.value, Value::Known(v) if v.len() == 16 << 16));
    let a39 = model.lookup(last, "A39").unwrap();
    assert!(matches!(a39.value, Value::Unknown(_)), "{:?}", a39.value);
}

/// The inputs on which the `expand` fuzz target timed out
/// (`tests/fixtures/fuzz/expand/`), run the way the target runs them: the
/// first line is the word, each later `NAME=value` line a variable.
#[test]
fn fuzz_timeouts_finish() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/expand");
    let mut ran = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let input = String::from_utf8_lossy(&bytes);
        let (word_text, vars) = input.split_once('\n').unwrap_or((&input, ""));
        let mut env = MapEnv::new(Missing::Empty);
        for line in vars.lines() {
            if let Some((name, value)) = line.split_once('=') {
                env = env.known(name, value);
            }
        }
        for lex in [Lex::new('\\'), Lex::new('`')] {
            let _ = expand_word(&word(word_text), word_text, &env, lex);
            let _ = expand_words(&word(word_text), word_text, &env, lex);
        }
        ran += 1;
    }
    assert_eq!(ran, 3);
}

#[test]
fn backtick_escape() {
    let env = envvartest_env();
    let lex = Lex::new('`');
    let run = |input: &str| {
        expand(input, &env, lex)
            .map(|e| e.display().to_string())
            .ok()
    };
    assert_eq!(run("he`$PWD").as_deref(), Some("he$PWD"));
    // `\` is plain text with the backtick escape.
    assert_eq!(run("he\\$PWD").as_deref(), Some("he\\/home"));
    assert_eq!(
        run("C:\\Program` Files").as_deref(),
        Some("C:\\Program Files")
    );
    assert_eq!(run("\"a`\"b\"").as_deref(), Some("a\"b"));
    assert_eq!(run("\"a\\\"").as_deref(), Some("a\\"));
    assert_eq!(run("\"a`$PWD\"").as_deref(), Some("a$PWD"));
    assert_eq!(run("\"a`x\"").as_deref(), Some("a`x"));
    assert_eq!(run("a``b").as_deref(), Some("a`b"));
    assert_eq!(run("ab`").as_deref(), Some("ab"));
    assert_eq!(run("'a`b'").as_deref(), Some("a`b"));
    assert_eq!(run("${XXX:-`}}").as_deref(), Some("}"));
    // In patterns the escape character is kept (and only `\` escapes in
    // the pattern itself), so ``a`` `` matches ``a`` `` literally.
    let env = MapEnv::default().known("V", "a``b");
    let run = |input: &str| expand(input, &env, lex).map(|e| e.display().to_string());
    assert_eq!(run("${V#a``}").ok().as_deref(), Some("b"));
    assert_eq!(
        run("${V#a`}").err().map(|e| e.kind),
        Some(ExpandErrorKind::MissingBrace)
    );
}

#[test]
fn heredoc_lexing_keeps_quotes() {
    let env = envvartest_env();
    let run = |input: &str| expand(input, &env, Lex::heredoc()).map(|e| e.display().to_string());
    assert_eq!(
        run("echo '$PWD' \"$SHELL\"\n").ok().as_deref(),
        Some("echo '/home' \"bash\"\n")
    );
    assert_eq!(run("it's \\$PWD").ok().as_deref(), Some("it's $PWD"));
    assert!(run("${}").is_err());
}

#[test]
fn process_words() {
    let env = MapEnv::default()
        .known("hi", "hi")
        .known("space", "abc  def")
        .known("leading", "  ab c")
        .known("trailing", "ab c   ")
        .known("PORTS", "80 443")
        .unknown("U", UnknownReason::UnsetArg);
    let cases: &[(&str, &[&str])] = &[
        ("hello", &["hello"]),
        ("hello${hi}bye", &["hellohibye"]),
        ("hello${space}bye", &["helloabc", "defbye"]),
        ("hello\"${space}\"bye", &["helloabc  defbye"]),
        ("hello \"${space}\"bye", &["hello", "abc  defbye"]),
        ("hello${leading}def", &["hello", "ab", "cdef"]),
        ("hello\"${leading}\" def", &["hello  ab c", "def"]),
        ("hello\"${leading}\"", &["hello  ab c"]),
        ("hello${leading}", &["hello", "ab", "c"]),
        ("hello${trailing}", &["helloab", "c"]),
        ("hello${trailing}d", &["helloab", "c", "d"]),
        ("hello\"${trailing}\"d", &["helloab c   d"]),
        ("hello'${leading}'def", &["hello${leading}def"]),
        ("  a   b  ", &["a", "b"]),
        ("a\\ b", &["a b"]),
        ("''", &[]),
        ("a '' b", &["a", "b"]),
        ("8080 $PORTS/tcp", &["8080", "80", "443/tcp"]),
        ("$U-x y", &["${U}-x", "y"]),
    ];
    for &(input, want) in cases {
        let got = expand_words(&word(input), input, &env, Lex::new('\\'));
        let Ok(got) = got else {
            panic!("{input:?}: {got:?}");
        };
        let words: Vec<&str> = got.words.iter().map(Expanded::display).collect();
        assert_eq!(words, want, "{input:?}");
    }
    let got = expand_words(&word("$U x"), "$U x", &env, Lex::new('\\'));
    let Ok(got) = got else { panic!("must expand") };
    assert!(!got.words[0].is_known());
    assert!(got.words[1].is_known());
    assert_eq!(got.references.len(), 1);
    assert!(expand_words(&word("a ${"), "a ${", &env, Lex::new('\\')).is_err());

    // Each word's parts map back to the source.
    let src = "p${space}\"q ${X:-r}\" $U";
    let got = expand_words(&word(src), src, &env, Lex::new('\\'));
    let Ok(got) = got else { panic!("must expand") };
    let shown: Vec<Vec<(&str, &str)>> = got
        .words
        .iter()
        .map(|w| {
            w.parts()
                .iter()
                .map(|p| (w.text_of(p), p.range.slice(src)))
                .collect()
        })
        .collect();
    assert_eq!(
        shown,
        [
            vec![("p", "p"), ("abc", "${space}")],
            vec![("def", "${space}"), ("q ", "q "), ("r", "r")],
            vec![("${U}", "$U")],
        ]
    );
}

#[test]
fn unknown_values() {
    let env = MapEnv::new(Missing::Unknown)
        .unknown("TAG", UnknownReason::UnsetArg)
        .unknown("ARCH", UnknownReason::Platform)
        .unknown(
            "URL",
            UnknownReason::Partial {
                display: "https://x/${V}".to_string(),
                nonempty: true,
            },
        )
        .known("K", "abc")
        .known("E", "");
    let run = |input: &str| match expand(input, &env, Lex::new('\\')) {
        Ok(e) => e,
        Err(e) => panic!("{input:?}: {e}"),
    };

    let e = run("node:$NODE_VERSION-alpine");
    assert!(!e.is_known());
    assert_eq!(e.known(), None);
    assert_eq!(e.display(), "node:${NODE_VERSION}-alpine");
    let kinds: Vec<String> = e
        .parts()
        .iter()
        .map(|p| match &p.kind {
            PartKind::Text => format!("text {}", e.text_of(p)),
            PartKind::Var { name } => format!("var {name}"),
            PartKind::Unknown(u) => format!("unknown {} {:?}", u.name, u.reason),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "text node:",
            "unknown NODE_VERSION Some(BaseImage)",
            "text -alpine"
        ]
    );

    // The fallback is recorded.
    let e = run("${TAG:-latest}");
    assert_eq!(e.display(), "${TAG:-latest}");
    let (_, u) = e
        .unknown_parts()
        .next()
        .unwrap_or_else(|| panic!("unknown"));
    assert_eq!(u.reason, Some(UnknownReason::UnsetArg));
    let Some(m) = &u.modifier else {
        panic!("modifier")
    };
    assert_eq!(m.op, Op::Default { colon: true });
    assert_eq!(m.word, "latest");
    assert!(m.known);

    // Values known to be set and non-empty resolve the modifier.
    assert_eq!(run("${URL:-x}").display(), "https://x/${V}");
    assert_eq!(run("${URL:+set}").known(), Some("set"));
    assert_eq!(run("${URL:?}").display(), "https://x/${V}");
    // Set but maybe empty: only the plain forms resolve.
    assert_eq!(run("${ARCH-x}").display(), "${ARCH}");
    assert_eq!(run("${ARCH+set}").known(), Some("set"));
    assert_eq!(run("${ARCH:+-$ARCH}").display(), "${ARCH:+-${ARCH}}");
    assert_eq!(run("${ARCH?}").display(), "${ARCH}");
    // Unknown whether set: no error.
    assert_eq!(run("${TAG?}").display(), "${TAG?}");
    assert_eq!(
        run("${MISSING:?must be set}").display(),
        "${MISSING:?must be set}"
    );

    // Patterns on unknown values, and unknown patterns.
    let e = run("${TAG#v}");
    let (_, u) = e
        .unknown_parts()
        .next()
        .unwrap_or_else(|| panic!("unknown"));
    assert_eq!(
        u.modifier.as_ref().map(|m| m.op),
        Some(Op::TrimPrefix { longest: false })
    );
    let e = run("${TAG%%-*}");
    let (_, u) = e
        .unknown_parts()
        .next()
        .unwrap_or_else(|| panic!("unknown"));
    assert_eq!(
        u.modifier.as_ref().map(|m| (m.op, m.word.as_str())),
        Some((Op::TrimSuffix { longest: true }, "-*"))
    );
    let e = run("${K#$TAG}");
    let (_, u) = e
        .unknown_parts()
        .next()
        .unwrap_or_else(|| panic!("unknown"));
    assert_eq!(u.reason, None);
    assert_eq!(run("${E#$TAG}").known(), Some(""));
    assert!(!run("${K/$TAG/x}").is_known());
    // No match: the replacement does not matter.
    assert_eq!(run("${K/zz/$TAG}").known(), Some("abc"));
    assert!(!run("${K/b/$TAG}").is_known());
    assert_eq!(run("${TAG//a/b}").display(), "${TAG//a/b}");

    // An invalid pattern fails even on an unknown value.
    assert!(expand("${TAG#\\x}", &env, Lex::new('\\')).is_err());

    // Positional and special parameters are never unknown.
    assert_eq!(run("a$1b$@").known(), Some("ab"));

    // With `Missing::Empty`, unknown stays unknown and missing is empty.
    let env = MapEnv::new(Missing::Empty).unknown("TAG", UnknownReason::UnsetArg);
    let e = expand("$NOPE${TAG}", &env, Lex::new('\\')).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.display(), "${TAG}");
    assert_eq!(e.references()[0].origin, None);
    assert!(e.references()[1].origin.is_some());
}

#[test]
fn part_ranges_slice_the_source() {
    let env = MapEnv::new(Missing::Unknown).known("A", "1");
    let src = "x${A}-$B'q'\\$C";
    let e = expand(src, &env, Lex::new('\\')).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.display(), "x1-${B}q$C");
    let slices: Vec<(&str, &str)> = e
        .parts()
        .iter()
        .map(|p| (e.text_of(p), p.range.slice(src)))
        .collect();
    assert_eq!(
        slices,
        [
            ("x", "x"),
            ("1", "${A}"),
            ("-", "-"),
            ("${B}", "$B"),
            ("q$C", "q'\\$C")
        ]
    );
    let refs: Vec<&str> = e.references().iter().map(|r| r.range.slice(src)).collect();
    assert_eq!(refs, ["${A}", "$B"]);
}

fn parsed(src: &str) -> (Dockerfile<'_>, Stages<'_>) {
    let file = parse(src);
    let stages = Stages::new(&file);
    (file, stages)
}

fn model<'s>(file: &Dockerfile<'s>, stages: &Stages<'s>, options: &VarOptions) -> VarModel<'s> {
    VarModel::new(file, stages, options)
}

/// The value of the `n`th pair of `ENV` instruction `index`, expanded.
fn ev(vars: &VarModel<'_>, file: &Dockerfile<'_>, index: usize, n: usize) -> Expanded {
    vars.expand(index, pair_value(file, index, n))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The `value` word of the `n`th pair of instruction `index` (an `ENV` or
/// `LABEL`).
fn pair_value<'a>(file: &'a Dockerfile<'_>, index: usize, n: usize) -> &'a Word<'a> {
    match &file.instructions[index].args {
        Args::KeyValues { pairs } => &pairs[n].value,
        other => panic!("not key-values: {other:?}"),
    }
}

#[test]
fn ranges_map_through_continuations_quotes_and_json() {
    let src = "FROM alpine\nENV X=ab\\\ncd$B\nCOPY --chown=\"$U:$G\" [\"$SRC\", \"/dst\"]\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    let value = pair_value(&file, 1, 0);
    let e = vars.expand(1, value).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.display(), "abcd${B}");
    let slices: Vec<&str> = e.parts().iter().map(|p| p.range.slice(src)).collect();
    assert_eq!(slices, ["ab\\\ncd", "$B"]);

    let copy = &file.instructions[2];
    let chown = copy
        .flag("chown")
        .and_then(|f| f.value.as_ref())
        .unwrap_or_else(|| panic!("chown"));
    let e = vars.expand(2, chown).unwrap_or_else(|e| panic!("{e}"));
    let slices: Vec<&str> = e.parts().iter().map(|p| p.range.slice(src)).collect();
    assert_eq!(slices, ["$U", ":", "$G"]);
    let Args::Paths { paths, json: true } = &copy.args else {
        panic!("json paths");
    };
    let e = vars.expand(2, &paths[0]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.parts()[0].range.slice(src), "$SRC");
}

#[test]
fn global_args_are_visible_in_from_only() {
    let src = "ARG VERSION=3.20\nARG IMAGE=alpine:$VERSION\nFROM $IMAGE AS base\nRUN true\nFROM scratch\nENV V=$VERSION\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    let base = vars.stage(0).and_then(StageVars::base).cloned();
    assert_eq!(
        base.and_then(Result::ok).as_ref().and_then(Expanded::known),
        Some("alpine:3.20")
    );
    assert_eq!(vars.stage(0).map(StageVars::root), Some(Root::Image));
    // FROM sees the globals.
    assert!(vars.lookup(2, "VERSION").is_some());
    // The stage does not, and its base image may define the name.
    assert!(vars.lookup(3, "VERSION").is_none());
    assert_eq!(vars.missing(3), Missing::Unknown);
    // A scratch stage: an undefined name is empty.
    assert_eq!(vars.missing(5), Missing::Empty);
    let v = vars
        .expand(5, pair_value(&file, 5, 0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.known(), Some(""));
}

#[test]
fn redeclared_global_and_build_args() {
    let src = "ARG V=1\nARG W\nFROM scratch\nARG V\nARG W\nENV X=$V Y=$W\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    let v = vars.lookup(5, "V").unwrap_or_else(|| panic!("V"));
    assert_eq!(v.value.known(), Some("1"));
    let DefKind::RedeclaredGlobal { global: Some(site) } = v.origin.kind else {
        panic!("{:?}", v.origin);
    };
    assert_eq!(site.instruction, 0);
    assert_eq!(site.name.slice(src), "V");
    assert_eq!(site.range.slice(src), "V=1");
    assert_eq!(v.origin.site.map(|s| s.instruction), Some(3));
    // `W` has no value anywhere: an unset build argument.
    let w = vars.lookup(5, "W").unwrap_or_else(|| panic!("W"));
    assert_eq!(w.value, Value::Unknown(UnknownReason::UnsetArg));
    assert_eq!(ev(&vars, &file, 5, 0).known(), Some("1"));
    let y = ev(&vars, &file, 5, 1);
    assert_eq!(y.display(), "${W}");
    assert_eq!(
        y.to_value(),
        Value::Unknown(UnknownReason::Partial {
            display: "${W}".to_string(),
            nonempty: false
        })
    );

    let options = VarOptions {
        build_args: HashMap::from([
            ("V".to_string(), "2".to_string()),
            ("W".to_string(), "w".to_string()),
        ]),
        ..VarOptions::default()
    };
    let vars = model(&file, &stages, &options);
    assert_eq!(ev(&vars, &file, 5, 0).known(), Some("2"));
    assert_eq!(ev(&vars, &file, 5, 1).known(), Some("w"));
    let w = vars.lookup(5, "W").unwrap_or_else(|| panic!("W"));
    assert!(w.origin.from_build_arg);
}

#[test]
fn build_arg_overrides_default_without_expanding_it() {
    let src = "FROM scratch\nARG A=${\nARG B=$A-x\nENV C=$B\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    assert_eq!(vars.errors().len(), 1);
    let options = VarOptions {
        build_args: HashMap::from([("A".to_string(), "a".to_string())]),
        ..VarOptions::default()
    };
    let vars = model(&file, &stages, &options);
    assert!(vars.errors().is_empty());
    assert_eq!(ev(&vars, &file, 3, 0).known(), Some("a-x"));
}

#[test]
fn env_and_arg_order() {
    let src = "FROM scratch\n\
               ARG A=1\n\
               ENV A=2\n\
               ENV B=$A\n\
               ARG A=3\n\
               ENV C=$A\n\
               ENV a=0\n\
               ENV a=1 b=$a\n\
               ARG x=1 y=$x\n\
               ENV E=$b$y\n\
               ARG B\n\
               ENV F=$B\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    let at = |i: usize, name: &str| {
        vars.lookup(i, name)
            .and_then(|b| b.value.known())
            .map(str::to_string)
    };
    // ENV overrides an earlier ARG…
    assert_eq!(at(4, "B").as_deref(), Some("2"));
    // …and a later ARG with a value overrides the ENV (BuildKit: last wins).
    assert_eq!(at(6, "C").as_deref(), Some("3"));
    // `ENV a=1 b=$a` sees the old `a`; `ARG x=1 y=$x` sees the new `x`.
    assert_eq!(at(10, "E").as_deref(), Some("01"));
    // `ARG B` without a value leaves the ENV value in force.
    assert_eq!(ev(&vars, &file, 11, 0).known(), Some("2"));
    let b = vars.lookup(11, "B").unwrap_or_else(|| panic!("B"));
    assert_eq!(b.origin.kind, DefKind::Env);
    assert_eq!(b.origin.site.map(|s| s.range.slice(src)), Some("B=$A"));
}

#[test]
fn stages_inherit_env_and_args() {
    let src = "FROM scratch AS base\n\
               ENV E=1\n\
               ARG A=2\n\
               FROM base AS child\n\
               ENV X=$E-$A\n\
               FROM scratch\n\
               ENV Y=$E\n\
               FROM alpine AS img\n\
               FROM img\n\
               ENV Z=$E\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    assert_eq!(ev(&vars, &file, 4, 0).known(), Some("1-2"));
    assert_eq!(vars.stage(1).and_then(StageVars::parent_stage), Some(0));
    assert_eq!(vars.stage(1).map(StageVars::root), Some(Root::Scratch));
    // An unrelated scratch stage inherits nothing.
    assert_eq!(ev(&vars, &file, 6, 0).known(), Some(""));
    // A stage built on a stage built on an image: missing names are unknown.
    assert_eq!(vars.stage(3).map(StageVars::root), Some(Root::Image));
    assert_eq!(vars.missing(9), Missing::Unknown);
    assert_eq!(ev(&vars, &file, 9, 0).display(), "${E}");
}

#[test]
fn from_stage_through_a_global_arg() {
    let src = "ARG BASE=build\nFROM scratch AS build\nENV E=1\nFROM ${BASE}\nENV X=$E\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    assert_eq!(vars.stage(1).and_then(StageVars::parent_stage), Some(0));
    assert_eq!(ev(&vars, &file, 4, 0).known(), Some("1"));
}

#[test]
fn path_in_scratch_and_image_stages() {
    let src = "FROM scratch\nENV PATH=$PATH:/x\nFROM alpine\nENV PATH=$PATH:/x\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    assert_eq!(
        ev(&vars, &file, 1, 0).known().map(str::to_string),
        Some(format!("{}:/x", model::DEFAULT_PATH))
    );
    assert_eq!(
        ev(&vars, &file, 3, 0).to_value(),
        Value::Unknown(UnknownReason::Partial {
            display: "${PATH}:/x".to_string(),
            nonempty: true
        })
    );
}

#[test]
fn automatic_platform_args() {
    let src = "FROM --platform=$BUILDPLATFORM golang AS Build\n\
               ARG TARGETARCH\n\
               ENV A=$TARGETARCH B=$BUILDARCH\n\
               FROM scratch\n\
               ENV C=$TARGETARCH\n";
    let (file, stages) = parsed(src);
    // No platform given: unknown.
    let vars = model(&file, &stages, &VarOptions::default());
    let platform = vars.stage(0).and_then(StageVars::platform).cloned();
    let platform = platform
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("platform"));
    assert_eq!(platform.display(), "${BUILDPLATFORM}");
    let (_, u) = platform
        .unknown_parts()
        .next()
        .unwrap_or_else(|| panic!("unknown"));
    assert_eq!(u.reason, Some(UnknownReason::Platform));
    let a = ev(&vars, &file, 2, 0);
    assert_eq!(a.display(), "${TARGETARCH}");
    let (_, u) = a
        .unknown_parts()
        .next()
        .unwrap_or_else(|| panic!("unknown"));
    assert_eq!(u.reason, Some(UnknownReason::Platform));
    // `BUILDARCH` was not declared in the stage: the image may define it.
    let b = ev(&vars, &file, 2, 1);
    let (_, u) = b
        .unknown_parts()
        .next()
        .unwrap_or_else(|| panic!("unknown"));
    assert_eq!(u.reason, Some(UnknownReason::BaseImage));
    // Not declared in a scratch stage: empty, as in BuildKit.
    assert_eq!(ev(&vars, &file, 4, 0).known(), Some(""));

    let options = VarOptions {
        build_platform: Some(Platform::linux_amd64()),
        target_platform: Platform::parse("linux/arm64/v8"),
        ..VarOptions::default()
    };
    let vars = model(&file, &stages, &options);
    let platform = vars.stage(0).and_then(StageVars::platform).cloned();
    assert_eq!(
        platform
            .and_then(Result::ok)
            .as_ref()
            .and_then(Expanded::known),
        Some("linux/amd64")
    );
    assert_eq!(ev(&vars, &file, 2, 0).known(), Some("arm64"));
    let arch = vars
        .lookup(2, "TARGETARCH")
        .unwrap_or_else(|| panic!("arch"));
    assert_eq!(arch.origin.kind, DefKind::RedeclaredGlobal { global: None });

    // The target defaults to the build platform.
    let options = VarOptions {
        build_platform: Some(Platform::linux_amd64()),
        ..VarOptions::default()
    };
    let vars = model(&file, &stages, &options);
    assert_eq!(ev(&vars, &file, 2, 0).known(), Some("amd64"));

    // `TARGETSTAGE` is the last stage's name, lower-cased; build args win.
    let src = "FROM scratch AS Final\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    assert_eq!(
        vars.lookup(0, "TARGETSTAGE").and_then(|b| b.value.known()),
        Some("final")
    );
    let options = VarOptions {
        build_args: HashMap::from([("TARGETARCH".to_string(), "s390x".to_string())]),
        ..VarOptions::default()
    };
    let vars = model(&file, &stages, &options);
    assert_eq!(
        vars.lookup(0, "TARGETARCH").and_then(|b| b.value.known()),
        Some("s390x")
    );
}

#[test]
fn names_and_definitions() {
    let src = "ARG B=1\nFROM scratch\nENV A=1 C=2\nARG B\nENV A=3\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    assert_eq!(vars.names().collect::<Vec<_>>(), ["A", "B", "C"]);
    let defs: Vec<(&str, usize)> = vars
        .definitions()
        .map(|(n, b)| (n, b.origin.site.map_or(99, |s| s.instruction)))
        .collect();
    assert_eq!(defs, [("B", 0), ("A", 2), ("C", 2), ("B", 3), ("A", 4)]);
    assert_eq!(predefined("http_proxy"), Some(Predefined::Proxy));
    assert_eq!(predefined("Http_Proxy"), None);
    assert_eq!(predefined("TARGETOS"), Some(Predefined::Platform));
    assert_eq!(
        predefined("BUILDKIT_INLINE_CACHE"),
        Some(Predefined::BuildKit)
    );
    assert_eq!(
        predefined("SOURCE_DATE_EPOCH"),
        Some(Predefined::SourceDateEpoch)
    );
    assert_eq!(predefined("HOME"), None);
}

#[test]
fn escape_directive_applies() {
    let src = "# escape=`\nFROM scratch\nENV A=C:\\dir B=x`$A\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    assert_eq!(ev(&vars, &file, 1, 0).known(), Some("C:\\dir"));
    assert_eq!(ev(&vars, &file, 1, 1).known(), Some("x$A"));
}

#[test]
fn bad_substitutions_of_expanded_instructions() {
    let src = "ARG G=${\n\
               FROM alpine:${G\n\
               FROM scratch\n\
               ENV A=${} B=ok\n\
               ARG C=${C:?required}\n\
               LABEL ${}=x\n\
               COPY --chown=${u a /b\n\
               COPY <<EOF /f\n\
               ${}\n\
               EOF\n\
               COPY <<'EOF' /g\n\
               ${}\n\
               EOF\n\
               EXPOSE 80 ${P\n\
               WORKDIR ${W:-\n\
               USER ${}\n\
               STOPSIGNAL ${}\n\
               VOLUME [\"${}\"]\n\
               RUN --mount=type=cache,target=${T echo ${}\n\
               RUN echo ${}\n\
               CMD ${}\n\
               ONBUILD ENV X=${}\n\
               COPY --from=${} a /b\n";
    let (file, stages) = parsed(src);
    let errors = bad_substitutions(&file, &stages);
    let got: Vec<(usize, String, &str)> = errors
        .iter()
        .map(|e| {
            assert_eq!(e.kind, crate::syntax::SyntaxErrorKind::BadSubstitution);
            (
                file.line_index.line_of(e.range.start) as usize + 1,
                e.message.clone(),
                e.range.slice(src),
            )
        })
        .collect();
    let want: Vec<(usize, String, &str)> = vec![
        (
            1,
            "failed to process \"${\": syntax error: missing '}'".into(),
            "${",
        ),
        (
            2,
            "failed to process \"alpine:${G\": syntax error: missing '}'".into(),
            "${G",
        ),
        (
            4,
            "failed to process \"${}\": syntax error: bad substitution".into(),
            "${}",
        ),
        (
            5,
            "failed to process \"${C:?required}\": C: required".into(),
            "${C:?required}",
        ),
        (
            6,
            "failed to process \"${}\": syntax error: bad substitution".into(),
            "${}",
        ),
        (
            7,
            "failed to process \"${u\": syntax error: missing '}'".into(),
            "${u",
        ),
        (
            9,
            "failed to process \"${}\": syntax error: bad substitution".into(),
            "${}",
        ),
        (
            14,
            "failed to process \"${P\": syntax error: missing '}'".into(),
            "${P",
        ),
        (
            15,
            "failed to process \"${W:-\": syntax error: missing '}'".into(),
            "${W:-",
        ),
        (
            16,
            "failed to process \"${}\": syntax error: bad substitution".into(),
            "${}",
        ),
        (
            17,
            "failed to process \"${}\": syntax error: bad substitution".into(),
            "${}",
        ),
        (
            18,
            "failed to process \"${}\": syntax error: bad substitution".into(),
            "${}",
        ),
        (
            19,
            "failed to process \"${T\": syntax error: missing '}'".into(),
            "${T",
        ),
    ];
    assert_eq!(got, want);
}

#[test]
fn bad_substitutions_respect_the_missing_policy() {
    // Unset in a scratch stage: the `?` fails. In an image stage the image
    // may define it.
    let (file, stages) =
        parsed("FROM scratch\nWORKDIR ${HOME:?}\nFROM alpine\nWORKDIR ${HOME:?}\n");
    let errors = bad_substitutions(&file, &stages);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].message,
        "failed to process \"${HOME:?}\": HOME: is not allowed to be unset"
    );
    assert_eq!(file.line_index.line_of(errors[0].range.start), 1);
    // An unset build argument may be passed.
    let (file, stages) = parsed("FROM scratch\nARG V\nWORKDIR /${V:?}\n");
    assert!(bad_substitutions(&file, &stages).is_empty());
    // A clean file.
    let (file, stages) =
        parsed("ARG V=1\nFROM alpine:$V\nENV A=${V:-x} B=\"$A\"\nCOPY --chown=$A . /\n");
    assert!(bad_substitutions(&file, &stages).is_empty());
}

#[test]
fn long_words_are_shortened_in_messages() {
    let long = format!("FROM scratch\nENV A=\"{}${{}}\"\n", "x".repeat(120));
    let (file, stages) = parsed(&long);
    let errors = bad_substitutions(&file, &stages);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].message,
        "failed to process \"${}\": syntax error: bad substitution"
    );
}

#[test]
fn model_env_is_an_env() {
    let src = "FROM scratch\nENV A=1\nUSER $A\n";
    let (file, stages) = parsed(src);
    let vars = model(&file, &stages, &VarOptions::default());
    let env = vars.env(2);
    assert_eq!(env.lookup("A").and_then(|b| b.value.known()), Some("1"));
    assert_eq!(env.missing(), Missing::Empty);
    assert_eq!(
        env.with_missing(Missing::Unknown).missing(),
        Missing::Unknown
    );
    // Out of range: the global scope.
    assert!(vars.env(99).lookup("A").is_none());
    let Args::Text { text: Some(user) } = &file.instructions[2].args else {
        panic!("user");
    };
    let e = expand_word(user, src, &env, Lex::new(file.escape)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(e.known(), Some("1"));
    assert_eq!(file.instructions[2].kind, Keyword::User);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn check_expanded(e: &Expanded, source: &str, within: TextRange) {
        for part in e.parts() {
            assert!(e.display().get(part.text.clone()).is_some(), "{part:?}");
            check_range(part.range, source, within);
        }
        for r in e.references() {
            check_range(r.range, source, within);
        }
    }

    fn check_range(range: TextRange, source: &str, within: TextRange) {
        assert!(range.start <= range.end, "{range:?}");
        assert!(
            source.get(range.as_usize()).is_some(),
            "{range:?} in {source:?}"
        );
        assert!(within.contains_range(range), "{range:?} outside {within:?}");
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("$".to_string()),
                Just("{".to_string()),
                Just("}".to_string()),
                Just(":".to_string()),
                Just("-".to_string()),
                Just("+".to_string()),
                Just("?".to_string()),
                Just("#".to_string()),
                Just("%".to_string()),
                Just("/".to_string()),
                Just("*".to_string()),
                Just("\\".to_string()),
                Just("`".to_string()),
                Just("'".to_string()),
                Just("\"".to_string()),
                Just(" ".to_string()),
                Just("\n".to_string()),
                Just("A".to_string()),
                Just("K".to_string()),
                Just("U".to_string()),
                Just("é".to_string()),
                Just("1".to_string()),
                any::<char>().prop_map(String::from),
            ],
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    fn env(missing: Missing) -> MapEnv {
        MapEnv::new(missing)
            .known("A", "a*b/c")
            .known("K", "")
            .unknown("U", UnknownReason::UnsetArg)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn expansion_never_panics(input in text(), prefix in "[a-z =\"]{0,4}", unknown in any::<bool>(), tick in any::<bool>()) {
            let source = format!("{prefix}{input}");
            let range = TextRange::from_usize(prefix.len(), source.len());
            let env = env(if unknown { Missing::Unknown } else { Missing::Empty });
            let lexes = [Lex::new(if tick { '`' } else { '\\' }), Lex::heredoc()];
            // A verbatim word, and one whose value differs from the source.
            let verbatim = Word { value: Cow::Borrowed(&input), range };
            let unquoted = input.replace(['"', '\''], "");
            let changed = Word { value: Cow::Owned(unquoted), range };
            for w in [&verbatim, &changed] {
                for lex in lexes {
                    match expand_word(w, &source, &env, lex) {
                        Ok(e) => check_expanded(&e, &source, range),
                        Err(e) => check_range(e.range, &source, range),
                    }
                    match expand_words(w, &source, &env, lex) {
                        Ok(words) => {
                            for e in &words.words {
                                check_expanded(e, &source, range);
                            }
                        }
                        Err(e) => check_range(e.range, &source, range),
                    }
                }
            }
        }

        #[test]
        fn model_never_panics(lines in proptest::collection::vec(
            prop_oneof![
                text().prop_map(|t| format!("ENV A={t} B=$A")),
                text().prop_map(|t| format!("ARG X={t}")),
                text().prop_map(|t| format!("FROM {t}")),
                text().prop_map(|t| format!("COPY --chown={t} {t} /d")),
                text().prop_map(|t| format!("LABEL k={t}")),
                text().prop_map(|t| format!("WORKDIR {t}")),
                text().prop_map(|t| format!("EXPOSE {t}")),
                text().prop_map(|t| format!("RUN --mount=target={t} x")),
                Just("FROM scratch AS s".to_string()),
                Just("FROM s".to_string()),
                Just("ARG X".to_string()),
            ],
            0..8,
        ), tick in any::<bool>()) {
            let mut source = if tick { "# escape=`\n".to_string() } else { String::new() };
            source.push_str(&lines.join("\n"));
            let file = parse(&source);
            let stages = Stages::new(&file);
            let vars = VarModel::new(&file, &stages, &VarOptions::default());
            let all = TextRange::from_usize(0, source.len());
            for e in bad_substitutions(&file, &stages) {
                check_range(e.range, &source, all);
            }
            for (_, b) in vars.definitions() {
                if let Some(site) = b.origin.site {
                    check_range(site.name, &source, all);
                }
            }
            for s in 0..stages.stages.len() {
                if let Some(Ok(e)) = vars.stage(s).and_then(StageVars::base) {
                    check_expanded(e, &source, all);
                }
            }
        }
    }
}
