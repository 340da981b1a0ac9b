//! Invariants every parse must satisfy, whatever the input: every range in
//! the tree lies inside the source and on character boundaries, and every
//! value borrowed from the source is exactly the text its range covers.
//!
//! Shared by the property test (`tests/parser_props.rs`, through `#[path]`)
//! and the fuzz target (`fuzz/fuzz_targets/parse.rs`). The walker destructures
//! every node without `..`, so a new field in the AST fails to compile here
//! until it is checked too.

use std::borrow::Cow;

use layerlint::syntax::{
    ArgDecl, Args, CommandLine, Comment, Directive, Dockerfile, Flag, Heredoc, Instruction,
    KeyValue, SyntaxError, TextRange, Word,
};

/// Every violation found in `file`, one message each (empty when all hold).
pub fn check(file: &Dockerfile<'_>) -> Vec<String> {
    let mut checker = Checker {
        source: file.source,
        problems: Vec::new(),
    };
    checker.file(file);
    checker.problems
}

struct Checker<'s> {
    source: &'s str,
    problems: Vec<String>,
}

impl Checker<'_> {
    fn range(&mut self, path: &str, range: TextRange) {
        let len = self.source.len();
        let (start, end) = (range.start as usize, range.end as usize);
        if start > end || end > len {
            self.problems
                .push(format!("{path}: {start}..{end} is not inside 0..{len}"));
        } else if !self.source.is_char_boundary(start) || !self.source.is_char_boundary(end) {
            self.problems
                .push(format!("{path}: {start}..{end} is not on char boundaries"));
        }
    }

    fn word(&mut self, path: &str, word: &Word<'_>) {
        self.range(path, word.range);
        if let Cow::Borrowed(value) = &word.value {
            let covered = self.source.get(word.range.as_usize());
            if covered != Some(*value) {
                self.problems.push(format!(
                    "{path}: borrowed value {value:?} but its range {:?} covers {covered:?}",
                    word.range
                ));
            }
        }
    }

    fn words(&mut self, path: &str, words: &[Word<'_>]) {
        for (i, word) in words.iter().enumerate() {
            self.word(&format!("{path}[{i}]"), word);
        }
    }

    fn file(&mut self, file: &Dockerfile<'_>) {
        let Dockerfile {
            source: _,
            bom: _,
            escape: _,
            directives,
            instructions,
            comments,
            errors,
            line_index: _,
        } = file;
        for (i, directive) in directives.iter().enumerate() {
            self.directive(&format!("directives[{i}]"), directive);
        }
        for (i, inst) in instructions.iter().enumerate() {
            self.instruction(&format!("instructions[{i}]"), inst);
        }
        for (i, comment) in comments.iter().enumerate() {
            self.comment(&format!("comments[{i}]"), comment);
        }
        for (i, error) in errors.iter().enumerate() {
            let SyntaxError {
                kind,
                message: _,
                range,
            } = error;
            self.range(&format!("errors[{i}] ({kind:?})"), *range);
        }
    }

    fn directive(&mut self, path: &str, directive: &Directive<'_>) {
        let Directive {
            kind: _,
            name,
            value,
            range,
        } = directive;
        self.range(path, *range);
        self.word(&format!("{path}.name"), name);
        self.word(&format!("{path}.value"), value);
    }

    fn comment(&mut self, path: &str, comment: &Comment<'_>) {
        let Comment {
            text,
            range,
            in_continuation: _,
        } = comment;
        self.range(path, *range);
        let after_hash = self
            .source
            .get(range.start as usize..range.end as usize)
            .and_then(|s| s.strip_prefix('#'));
        if after_hash != Some(*text) {
            self.problems.push(format!(
                "{path}: text {text:?} but its range {range:?} covers {after_hash:?} after a `#`"
            ));
        }
    }

    fn instruction(&mut self, path: &str, inst: &Instruction<'_>) {
        let Instruction {
            range,
            keyword,
            kind: _,
            flags,
            args_text,
            args,
            heredocs,
            empty_continuation_lines,
            continuation_comments,
        } = inst;
        self.range(path, *range);
        self.word(&format!("{path}.keyword"), keyword);
        for (i, flag) in flags.iter().enumerate() {
            let Flag { range, name, value } = flag;
            let path = format!("{path}.flags[{i}]");
            self.range(&path, *range);
            self.word(&format!("{path}.name"), name);
            if let Some(value) = value {
                self.word(&format!("{path}.value"), value);
            }
        }
        self.word(&format!("{path}.args_text"), args_text);
        self.args(&format!("{path}.args"), args);
        for (i, heredoc) in heredocs.iter().enumerate() {
            self.heredoc(&format!("{path}.heredocs[{i}]"), heredoc);
        }
        for (i, &line) in empty_continuation_lines.iter().enumerate() {
            self.range(&format!("{path}.empty_continuation_lines[{i}]"), line);
        }
        for (i, &line) in continuation_comments.iter().enumerate() {
            self.range(&format!("{path}.continuation_comments[{i}]"), line);
        }
    }

    fn heredoc(&mut self, path: &str, heredoc: &Heredoc<'_>) {
        let Heredoc {
            name,
            marker,
            fd: _,
            chomp: _,
            expand: _,
            body,
            terminator,
        } = heredoc;
        self.word(&format!("{path}.name"), name);
        self.range(&format!("{path}.marker"), *marker);
        self.word(&format!("{path}.body"), body);
        if let Some(terminator) = terminator {
            self.range(&format!("{path}.terminator"), *terminator);
        }
    }

    fn command(&mut self, path: &str, command: &CommandLine<'_>) {
        match command {
            CommandLine::Empty => {}
            CommandLine::Exec { args, range } => {
                self.range(path, *range);
                self.words(&format!("{path}.args"), args);
            }
            CommandLine::Shell { text } => self.word(&format!("{path}.text"), text),
        }
    }

    fn args(&mut self, path: &str, args: &Args<'_>) {
        match args {
            Args::Words { words } => self.words(&format!("{path}.words"), words),
            Args::Command { command } => self.command(&format!("{path}.command"), command),
            Args::Paths { json: _, paths } => self.words(&format!("{path}.paths"), paths),
            Args::KeyValues { pairs } => {
                for (i, pair) in pairs.iter().enumerate() {
                    let KeyValue {
                        key,
                        value,
                        equals,
                        range,
                    } = pair;
                    let path = format!("{path}.pairs[{i}]");
                    self.range(&path, *range);
                    self.word(&format!("{path}.key"), key);
                    self.word(&format!("{path}.value"), value);
                    if let Some(equals) = equals {
                        self.range(&format!("{path}.equals"), *equals);
                    }
                }
            }
            Args::ArgDecls { decls } => {
                for (i, decl) in decls.iter().enumerate() {
                    let ArgDecl {
                        name,
                        default,
                        range,
                    } = decl;
                    let path = format!("{path}.decls[{i}]");
                    self.range(&path, *range);
                    self.word(&format!("{path}.name"), name);
                    if let Some(default) = default {
                        self.word(&format!("{path}.default"), default);
                    }
                }
            }
            Args::Text { text } => {
                if let Some(text) = text {
                    self.word(&format!("{path}.text"), text);
                }
            }
            Args::Healthcheck { kind, command } => {
                if let Some(kind) = kind {
                    self.word(&format!("{path}.kind"), kind);
                }
                self.command(&format!("{path}.command"), command);
            }
            Args::Onbuild(inner) => {
                if let Some(inner) = inner {
                    self.instruction(&format!("{path}.onbuild"), inner);
                }
            }
            Args::Unknown => {}
        }
    }
}
