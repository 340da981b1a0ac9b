//! Expansion and scoping tests. The tables hold facts from BuildKit's own
//! tests (`shell/envVarTest`, `shell/lex_test.go`) and from its behaviour,
//! written in our own format.

use std::borrow::Cow;

use super::*;
use crate::syntax::Word;

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
    }
}
