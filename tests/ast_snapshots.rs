//! Snapshots of the syntax tree for tricky inputs (`tests/fixtures/ast/`),
//! rendered compactly with every value and its line:column range. Review a
//! changed snapshot before accepting it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::Path;

use layerlint::syntax::{
    Args, CommandLine, Dockerfile, Instruction, TextRange, Word, dump::go_quote, parse,
};

struct Render<'a> {
    file: &'a Dockerfile<'a>,
    out: String,
}

impl Render<'_> {
    fn pos(&self, range: TextRange) -> String {
        let source = self.file.source;
        let a = self.file.line_index.line_col(source, range.start);
        let b = self.file.line_index.line_col(source, range.end);
        format!("{}:{}-{}:{}", a.line, a.column, b.line, b.column)
    }

    fn word(&self, w: &Word<'_>) -> String {
        let mut q = String::new();
        go_quote(&w.value, &mut q);
        format!("{q}@{}", self.pos(w.range))
    }

    fn words(&self, words: &[Word<'_>]) -> String {
        words
            .iter()
            .map(|w| self.word(w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn command(&self, command: &CommandLine<'_>) -> String {
        match command {
            CommandLine::Empty => "empty".to_string(),
            CommandLine::Exec { args, range } => {
                format!("exec@{} [{}]", self.pos(*range), self.words(args))
            }
            CommandLine::Shell { text } => format!(
                "shell{} {}",
                if command.looks_like_json() {
                    " (looks like JSON)"
                } else {
                    ""
                },
                self.word(text)
            ),
        }
    }

    fn instruction(&mut self, inst: &Instruction<'_>, indent: &str) {
        let mut line = format!(
            "{indent}{:?} {} keyword={}",
            inst.kind,
            self.pos(inst.range),
            self.word(&inst.keyword)
        );
        for flag in &inst.flags {
            let _ = write!(
                line,
                " flag[{} {}",
                self.pos(flag.range),
                self.word(&flag.name)
            );
            if let Some(v) = &flag.value {
                let _ = write!(line, " = {}", self.word(v));
            }
            line.push(']');
        }
        let _ = writeln!(self.out, "{line}");
        let args = match &inst.args {
            Args::Words { words } => format!("words: {}", self.words(words)),
            Args::Command { command } => self.command(command),
            Args::Paths { json, paths } => {
                format!("paths (json={json}): {}", self.words(paths))
            }
            Args::KeyValues { pairs } => pairs
                .iter()
                .map(|p| {
                    format!(
                        "{}{}{}",
                        self.word(&p.key),
                        if p.equals.is_some() {
                            " = "
                        } else {
                            " (legacy) "
                        },
                        self.word(&p.value)
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            Args::ArgDecls { decls } => decls
                .iter()
                .map(|d| match &d.default {
                    Some(v) => format!("{} = {}", self.word(&d.name), self.word(v)),
                    None => self.word(&d.name),
                })
                .collect::<Vec<_>>()
                .join(", "),
            Args::Text { text } => match text {
                Some(t) => format!("text: {}", self.word(t)),
                None => "text: none".to_string(),
            },
            Args::Healthcheck { kind, command } => format!(
                "healthcheck {} {}",
                kind.as_ref().map_or("none".to_string(), |k| self.word(k)),
                self.command(command)
            ),
            Args::Onbuild(inner) => {
                if let Some(inner) = inner {
                    let _ = writeln!(self.out, "{indent}  wraps:");
                    let nested = format!("{indent}    ");
                    self.instruction(inner, &nested);
                }
                String::new()
            }
            Args::Unknown => "unknown".to_string(),
        };
        if !args.is_empty() {
            let _ = writeln!(self.out, "{indent}  {args}");
        }
        for h in &inst.heredocs {
            let _ = writeln!(
                self.out,
                "{indent}  heredoc {} marker@{} fd={:?} chomp={} expand={} body={} terminator={}",
                self.word(&h.name),
                self.pos(h.marker),
                h.fd,
                h.chomp,
                h.expand,
                self.word(&h.body),
                h.terminator.map_or("none".to_string(), |t| self.pos(t))
            );
        }
        for r in &inst.empty_continuation_lines {
            let _ = writeln!(
                self.out,
                "{indent}  empty continuation line {}",
                self.pos(*r)
            );
        }
        for r in &inst.continuation_comments {
            let _ = writeln!(
                self.out,
                "{indent}  comment in continuation {}",
                self.pos(*r)
            );
        }
    }
}

fn render(file: &Dockerfile<'_>) -> String {
    let mut r = Render {
        file,
        out: String::new(),
    };
    let _ = writeln!(r.out, "bom={} escape={:?}", file.bom, file.escape);
    for d in &file.directives {
        let line = format!(
            "directive {:?} {} name={} value={}",
            d.kind,
            r.pos(d.range),
            r.word(&d.name),
            r.word(&d.value)
        );
        let _ = writeln!(r.out, "{line}");
    }
    for c in &file.comments {
        let line = format!(
            "comment {} {:?}{}",
            r.pos(c.range),
            c.text,
            if c.in_continuation {
                " (in continuation)"
            } else {
                ""
            }
        );
        let _ = writeln!(r.out, "{line}");
    }
    for inst in &file.instructions {
        r.instruction(inst, "");
    }
    for e in &file.errors {
        let line = format!("error {} {} {}", e.code(), r.pos(e.range), e.message);
        let _ = writeln!(r.out, "{line}");
    }
    r.out
}

#[test]
fn ast_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ast");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert!(entries.len() >= 10);
    for path in entries {
        let source = std::fs::read_to_string(&path).unwrap();
        let file = parse(&source);
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        insta::with_settings!({
            snapshot_path => "../snapshots/ast",
            prepend_module_to_snapshot => false,
            description => format!("tests/fixtures/ast/{name}.Dockerfile"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, render(&file));
        });
    }
}
