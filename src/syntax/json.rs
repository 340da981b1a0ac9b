//! JSON arrays as BuildKit reads exec-form arguments: the whole text must be
//! one valid JSON document (Go's `encoding/json` grammar and limits), the
//! top-level value an array, and every element a string.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while_m_n},
    character::complete::{char, satisfy},
    combinator::{opt, recognize},
    error::{Error, ErrorKind},
    sequence::preceded,
};

/// Go's `encoding/json` refuses documents nested deeper than this.
const MAX_DEPTH: usize = 10_000;

/// A string element: its literal's byte range in the input (quotes included)
/// and its decoded value when escapes made it differ from the literal's inside.
#[derive(Debug, PartialEq, Eq)]
pub struct JsonString {
    pub start: usize,
    pub end: usize,
    pub decoded: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum JsonArray {
    /// A valid array of strings.
    Strings(Vec<JsonString>),
    /// Valid JSON, but an element is not a string: a syntax error in BuildKit.
    /// Carries the element's byte range.
    NotStrings { start: usize, end: usize },
    /// Not a JSON array: BuildKit falls back to the shell form.
    Invalid,
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn ws(i: &str) -> IResult<&str, &str> {
    take_while(is_ws)(i)
}

/// One element: a string (decoded) or any other JSON value (skipped).
enum Element {
    Str(Option<String>),
    Other,
}

/// Parses the whole text as a JSON array (`text` has no leading whitespace).
pub fn parse_array(text: &str) -> JsonArray {
    match array(text) {
        Ok((rest, elements)) if ws(rest).is_ok_and(|(r, _)| r.is_empty()) => {
            let mut strings = Vec::with_capacity(elements.len());
            for (start, end, element) in elements {
                match element {
                    Element::Str(decoded) => strings.push(JsonString {
                        start,
                        end,
                        decoded,
                    }),
                    Element::Other => return JsonArray::NotStrings { start, end },
                }
            }
            // Offsets so far are relative to the input; they already are.
            JsonArray::Strings(strings)
        }
        _ => JsonArray::Invalid,
    }
}

type Located = (usize, usize, Element);

fn array(input: &str) -> IResult<&str, Vec<Located>> {
    let offset = |rest: &str| input.len() - rest.len();
    let (mut i, _) = char('[')(input)?;
    let mut out = Vec::new();
    (i, _) = ws(i)?;
    if let Ok((rest, _)) = char::<&str, Error<&str>>(']')(i) {
        return Ok((rest, out));
    }
    loop {
        let start = offset(i);
        let (rest, element) = element(i)?;
        out.push((start, offset(rest), element));
        let (rest, _) = ws(rest)?;
        let (rest, sep) = alt((char(','), char(']'))).parse(rest)?;
        if sep == ']' {
            return Ok((rest, out));
        }
        (i, _) = ws(rest)?;
    }
}

fn element(i: &str) -> IResult<&str, Element> {
    if i.starts_with('"') {
        let (rest, decoded) = string(i)?;
        Ok((rest, Element::Str(decoded)))
    } else {
        let (rest, ()) = skip_value(i)?;
        Ok((rest, Element::Other))
    }
}

fn fail(i: &str) -> nom::Err<Error<&str>> {
    nom::Err::Error(Error::new(i, ErrorKind::Verify))
}

/// A JSON string; `Some(decoded)` only when it contained escapes.
fn string(i: &str) -> IResult<&str, Option<String>> {
    let (mut i, _) = char('"')(i)?;
    let mut decoded: Option<String> = None;
    let mut plain_start = i;
    loop {
        let (rest, plain) = take_while(|c: char| c != '"' && c != '\\' && c >= ' ')(i)?;
        if let Some(d) = decoded.as_mut() {
            d.push_str(plain);
        }
        i = rest;
        match i.chars().next() {
            Some('"') => {
                return Ok((&i[1..], decoded));
            }
            Some('\\') => {
                let d = decoded.get_or_insert_with(|| {
                    let len = plain_start.len() - i.len();
                    plain_start[..len].to_string()
                });
                let (rest, c) = escape(i)?;
                d.push(c);
                i = rest;
                plain_start = i;
            }
            _ => return Err(fail(i)),
        }
    }
}

fn hex4(i: &str) -> IResult<&str, u32> {
    let (rest, digits) = take_while_m_n(4, 4, |c: char| c.is_ascii_hexdigit())(i)?;
    let value = u32::from_str_radix(digits, 16).map_err(|_| fail(i))?;
    Ok((rest, value))
}

fn escape(i: &str) -> IResult<&str, char> {
    let (rest, c) = preceded(char('\\'), satisfy(|_| true)).parse(i)?;
    let simple = match c {
        '"' => Some('"'),
        '\\' => Some('\\'),
        '/' => Some('/'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'u' => None,
        _ => return Err(fail(i)),
    };
    if let Some(c) = simple {
        return Ok((rest, c));
    }
    let (rest, high) = hex4(rest)?;
    if (0xD800..0xDC00).contains(&high) {
        // A high surrogate pairs with a following `\uDC00`–`\uDFFF`; Go
        // decodes an unpaired surrogate as U+FFFD and keeps what follows.
        if let Ok((after, low)) = preceded(tag("\\u"), hex4).parse(rest)
            && (0xDC00..0xE000).contains(&low)
        {
            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            return Ok((after, char::from_u32(code).unwrap_or('\u{FFFD}')));
        }
        return Ok((rest, '\u{FFFD}'));
    }
    Ok((rest, char::from_u32(high).unwrap_or('\u{FFFD}')))
}

fn number(i: &str) -> IResult<&str, &str> {
    let digits = |i| take_while(|c: char| c.is_ascii_digit())(i);
    let int = |i| -> IResult<&str, &str> {
        let (rest, d) = recognize(satisfy(|c| c.is_ascii_digit())).parse(i)?;
        if d == "0" {
            Ok((rest, d))
        } else {
            recognize((satisfy(|c| c.is_ascii_digit()), digits)).parse(i)
        }
    };
    recognize((
        opt(char('-')),
        int,
        opt((char('.'), satisfy(|c| c.is_ascii_digit()), digits)),
        opt((
            alt((char('e'), char('E'))),
            opt(alt((char('+'), char('-')))),
            satisfy(|c| c.is_ascii_digit()),
            digits,
        )),
    ))
    .parse(i)
}

/// Skips any JSON value without recursion (arrays and objects may nest up to
/// Go's depth limit).
fn skip_value(input: &str) -> IResult<&str, ()> {
    #[derive(Clone, Copy, PartialEq)]
    enum Frame {
        Array,
        Object,
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = input;
    loop {
        // Parse one value at `i`.
        (i, _) = ws(i)?;
        match i.chars().next() {
            Some('"') => (i, _) = string(i)?,
            Some('[' | '{') => {
                let frame = if i.starts_with('[') {
                    Frame::Array
                } else {
                    Frame::Object
                };
                if stack.len() + 1 >= MAX_DEPTH {
                    return Err(fail(i));
                }
                stack.push(frame);
                (i, _) = ws(&i[1..])?;
                let close = if frame == Frame::Array { ']' } else { '}' };
                if i.starts_with(close) {
                    stack.pop();
                    i = &i[1..];
                } else {
                    if frame == Frame::Object {
                        (i, _) = string(i)?;
                        (i, _) = ws(i)?;
                        (i, _) = char(':')(i)?;
                    }
                    continue;
                }
            }
            Some('t') => (i, _) = tag("true")(i)?,
            Some('f') => (i, _) = tag("false")(i)?,
            Some('n') => (i, _) = tag("null")(i)?,
            _ => (i, _) = number(i)?,
        }
        // After a value: close containers or move to the next element.
        loop {
            let Some(&frame) = stack.last() else {
                return Ok((i, ()));
            };
            (i, _) = ws(i)?;
            let close = if frame == Frame::Array { ']' } else { '}' };
            if i.starts_with(close) {
                stack.pop();
                i = &i[1..];
                continue;
            }
            (i, _) = char(',')(i)?;
            if frame == Frame::Object {
                (i, _) = ws(i)?;
                (i, _) = string(i)?;
                (i, _) = ws(i)?;
                (i, _) = char(':')(i)?;
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Option<Vec<String>> {
        match parse_array(text) {
            JsonArray::Strings(s) => Some(
                s.into_iter()
                    .map(|j| {
                        j.decoded
                            .unwrap_or_else(|| text[j.start + 1..j.end - 1].to_string())
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(values("[]"), Some(vec![]));
        assert_eq!(
            values(r#"[ "a" , "b" ]"#),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            values(r#"["\" \\ \/ \b \f \n \r \t \u0000"]"#),
            Some(vec!["\" \\ / \u{8} \u{c} \n \r \t \u{0}".into()])
        );
        assert_eq!(values(r#"["\ud83d\ude00"]"#), Some(vec!["😀".into()]));
        assert_eq!(values(r#"["\ud83dx"]"#), Some(vec!["\u{FFFD}x".into()]));
        assert_eq!(values("[\"a\"]\t \n"), Some(vec!["a".into()]));
    }

    #[test]
    fn invalid_json_falls_back() {
        for text in [
            "['a']",
            "[\"a\"",
            "[\"a\",]",
            "[\"a\"] # comment",
            "[\"a\"] [\"b\"]",
            "[\"a\tb\"]",
            "[\"\\x\"]",
            "[01]",
            "[1.]",
            "[\"a\" \"b\"]",
            "[\u{b}\"a\"]",
        ] {
            assert_eq!(parse_array(text), JsonArray::Invalid, "{text}");
        }
    }

    #[test]
    fn non_string_elements() {
        assert_eq!(
            parse_array(r#"["a", ["nested"]]"#),
            JsonArray::NotStrings { start: 6, end: 16 }
        );
        for text in ["[1]", "[-0.5e+3]", "[null]", "[true]", "[{\"a\": [1, {}]}]"] {
            assert!(
                matches!(parse_array(text), JsonArray::NotStrings { .. }),
                "{text}"
            );
        }
        // Invalid JSON wins over a non-string element.
        assert_eq!(parse_array("[1, "), JsonArray::Invalid);
    }

    #[test]
    fn depth_limit_is_an_invalid_document() {
        let deep = format!("[{}{}]", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(parse_array(&deep), JsonArray::Invalid);
        let ok = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
        assert!(matches!(parse_array(&ok), JsonArray::NotStrings { .. }));
    }
}
