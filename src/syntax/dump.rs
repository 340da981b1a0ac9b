//! BuildKit's AST dump format (`parser.Node.Dump`), one line per instruction,
//! used to compare this parser with BuildKit's own test files.

use std::fmt::Write as _;

use super::ast::{Args, CommandLine, Dockerfile, Instruction};

/// The dump of a whole file: each instruction as `(keyword …)` plus `\n`.
pub fn dump(file: &Dockerfile<'_>) -> String {
    let mut out = String::new();
    for inst in &file.instructions {
        out.push('(');
        dump_instruction(inst, &mut out);
        out.push_str(")\n");
    }
    out
}

fn dump_instruction(inst: &Instruction<'_>, out: &mut String) {
    out.push_str(&inst.keyword.value.to_lowercase());
    if !inst.flags.is_empty() {
        out.push_str(" [");
        for (i, flag) in inst.flags.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            // BuildKit reads flags byte by byte, so each byte of a non-ASCII
            // character becomes the Latin-1 character of that byte.
            let latin1: String = flag.text().bytes().map(char::from).collect();
            go_quote(&latin1, out);
        }
        out.push(']');
    }
    let mut node = |value: &str| {
        out.push(' ');
        go_quote(value, out);
    };
    match &inst.args {
        Args::Words { words } => words.iter().for_each(|w| node(&w.value)),
        Args::Paths { paths, .. } => paths.iter().for_each(|w| node(&w.value)),
        Args::Command { command } => command_nodes(command, &mut node),
        Args::KeyValues { pairs } => {
            for pair in pairs {
                node(&pair.key.value);
                node(&pair.value.value);
                node(if pair.equals.is_some() { "=" } else { "" });
            }
        }
        Args::ArgDecls { decls } => {
            for decl in decls {
                match &decl.default {
                    Some(d) => node(&format!("{}={}", decl.name.value, d.value)),
                    None => node(&decl.name.value),
                }
            }
        }
        Args::Text { text } => {
            if let Some(t) = text {
                node(&t.value);
            }
        }
        Args::Healthcheck { kind, command } => {
            if let Some(k) = kind {
                node(&k.value);
            }
            command_nodes(command, &mut node);
        }
        Args::Onbuild(inner) => {
            if let Some(inner) = inner {
                out.push_str(" (");
                dump_instruction(inner, out);
                out.push(')');
            }
        }
        Args::Unknown => node(""),
    }
}

fn command_nodes(command: &CommandLine<'_>, node: &mut impl FnMut(&str)) {
    match command {
        CommandLine::Empty => {}
        CommandLine::Exec { args, .. } => args.iter().for_each(|w| node(&w.value)),
        CommandLine::Shell { text } => node(&text.value),
    }
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if !go_printable(c) => {
                if (c as u32) < 0x10000 {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space. Approximated by listing what is not printable: controls,
/// separators other than the space, format characters, private use and
/// non-characters (unassigned code points are treated as printable).
fn go_printable(c: char) -> bool {
    let u = c as u32;
    let not = matches!(u,
        0x00..=0x1f | 0x7f..=0x9f
        | 0xa0 | 0xad | 0x1680 | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064
        | 0x2066..=0x206f | 0x3000 | 0xfeff | 0xfff9..=0xfffb
        | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a
        | 0xe0001 | 0xe0020..=0xe007f
        | 0xd800..=0xdfff | 0xe000..=0xf8ff | 0xf_0000..=0x10_ffff
        | 0xfdd0..=0xfdef
    ) || (u & 0xfffe) == 0xfffe;
    !not
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        let mut out = String::new();
        go_quote(
            "\" \\ / \u{8} \u{c} \n \r \t \u{0} ☥ \u{a0}\u{2028}\u{1b}\u{10ffff}",
            &mut out,
        );
        assert_eq!(
            out,
            r#""\" \\ / \b \f \n \r \t \x00 ☥ \u00a0\u2028\x1b\U0010ffff""#
        );
    }
}
