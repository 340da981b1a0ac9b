//! The second stage of `BuildKit`'s parsing: turning each parsed instruction
//! into a typed command, which rejects what the build cannot run (unknown
//! instructions and flags, wrong argument counts, malformed flag values, bad
//! stage names…). It follows `BuildKit`'s `frontend/dockerfile/instructions`
//! package (checked against moby/buildkit at commit `e269a8a3`), plus the few
//! value checks `BuildKit` makes once variables are expanded (`--chmod`, the
//! keys of `--mount`); those are skipped when the value holds a variable or
//! quoting that expansion would change.
//!
//! `BuildKit` stops at the first error of the file; here each instruction gets
//! at most one error (the first `BuildKit` would report for it), and an
//! instruction that already has an error from the line parser is not checked
//! again, since `BuildKit` would never have reached this stage with it.

use super::ast::{Args, CommandLine, Flag, Instruction, Keyword, Word};
use super::error::{SyntaxError, SyntaxErrorKind};
use super::text::TextRange;

/// Checks every instruction (and the trigger of every `ONBUILD`) and appends
/// what `BuildKit` would reject to `errors`.
pub(crate) fn validate(instructions: &[Instruction<'_>], errors: &mut Vec<SyntaxError>) {
    let mut earlier: Vec<TextRange> = errors.iter().map(|e| e.range).collect();
    earlier.sort_unstable();
    // An instruction before the first `FROM` ("no build stage in current
    // context") and a forbidden `ONBUILD` trigger also fail the build; they
    // are reported by hadolint's codes DL3061 and DL3043, not here.
    for inst in instructions {
        if !has_error(&earlier, inst.range)
            && let Err(error) = check(inst)
        {
            errors.push(error);
        }
    }
}

/// Whether one of the (sorted) earlier errors starts inside the instruction.
fn has_error(earlier: &[TextRange], inst: TextRange) -> bool {
    let first = earlier.partition_point(|r| r.start < inst.start);
    earlier[first..]
        .iter()
        .take_while(|r| r.start <= inst.end)
        .any(|r| r.start < inst.end || r.is_empty())
}

type Check = Result<(), SyntaxError>;

fn fail(kind: SyntaxErrorKind, range: TextRange, message: impl Into<String>) -> SyntaxError {
    SyntaxError::new(kind, range, message)
}

/// The first error `BuildKit` reports for one instruction, in `BuildKit`'s order.
fn check(inst: &Instruction<'_>) -> Check {
    let name = inst.kind.as_str();
    match (inst.kind, &inst.args) {
        (Keyword::Unknown, _) => Err(unknown_instruction(inst)),
        (Keyword::Env | Keyword::Label, Args::KeyValues { pairs }) => {
            flags(inst, &[])?;
            if pairs.is_empty() {
                return Err(at_least_one(inst));
            }
            match pairs.iter().find(|p| p.key.value.is_empty()) {
                Some(pair) => Err(blank_name(name, pair.range)),
                None => Ok(()),
            }
        }
        (
            Keyword::Maintainer | Keyword::Workdir | Keyword::User | Keyword::Stopsignal,
            Args::Text { text },
        ) => {
            if text.is_none() {
                return Err(fail(
                    SyntaxErrorKind::ArgumentCount,
                    args_range(inst),
                    format!("{name} requires exactly one argument"),
                ));
            }
            // BuildKit never looks at the flags of STOPSIGNAL.
            if inst.kind != Keyword::Stopsignal {
                flags(inst, &[])?;
            }
            Ok(())
        }
        (Keyword::Add | Keyword::Copy, Args::Paths { paths, .. }) => copy(inst, paths),
        (Keyword::From, Args::Words { words }) => from(inst, words),
        (Keyword::Onbuild, Args::Onbuild(trigger)) => onbuild(inst, trigger.as_deref()),
        (Keyword::Run, _) => run(inst),
        (Keyword::Cmd | Keyword::Entrypoint, _) => flags(inst, &[]).map(drop),
        (Keyword::Healthcheck, Args::Healthcheck { kind, command }) => {
            healthcheck(inst, kind.as_ref(), command)
        }
        (Keyword::Expose, Args::Words { words }) => {
            if words.is_empty() {
                return Err(at_least_one(inst));
            }
            flags(inst, &[]).map(drop)
        }
        (Keyword::Volume, Args::Paths { paths, .. }) => {
            if paths.is_empty() {
                return Err(at_least_one(inst));
            }
            flags(inst, &[])?;
            match paths.iter().find(|p| p.value.trim().is_empty()) {
                Some(path) => Err(fail(
                    SyntaxErrorKind::InvalidArgument,
                    path.range,
                    "VOLUME specified can not be an empty string",
                )),
                None => Ok(()),
            }
        }
        // BuildKit never looks at the flags of ARG.
        (Keyword::Arg, Args::ArgDecls { decls }) => {
            if decls.is_empty() {
                return Err(at_least_one(inst));
            }
            match decls
                .iter()
                .find(|d| d.name.value.is_empty() && d.default.is_some())
            {
                Some(decl) => Err(blank_name(name, decl.range)),
                None => Ok(()),
            }
        }
        (Keyword::Shell, Args::Command { command }) => {
            flags(inst, &[])?;
            match command {
                CommandLine::Exec { args, .. } if !args.is_empty() => Ok(()),
                CommandLine::Shell { text } => Err(fail(
                    SyntaxErrorKind::InvalidArgument,
                    text.range,
                    "SHELL requires the arguments to be in JSON form",
                )),
                _ => Err(at_least_one(inst)),
            }
        }
        // The parser builds the arguments from the keyword, so nothing else
        // can reach here.
        _ => Ok(()),
    }
}

/// From the keyword to the end of the arguments, or the whole instruction
/// when there are no arguments.
fn args_range(inst: &Instruction<'_>) -> TextRange {
    if inst.args_text.value.is_empty() {
        inst.range
    } else {
        TextRange::new(
            inst.range.start,
            inst.args_text.range.end.max(inst.range.start),
        )
    }
}

fn at_least_one(inst: &Instruction<'_>) -> SyntaxError {
    fail(
        SyntaxErrorKind::ArgumentCount,
        args_range(inst),
        format!("{} requires at least one argument", inst.kind.as_str()),
    )
}

fn blank_name(name: &str, range: TextRange) -> SyntaxError {
    fail(
        SyntaxErrorKind::InvalidArgument,
        range,
        format!("{name} names can not be blank"),
    )
}

fn unknown_instruction(inst: &Instruction<'_>) -> SyntaxError {
    let written = inst.keyword.as_str();
    let names = Keyword::ALL.map(Keyword::as_str);
    let message = with_suggestion(
        format!("unknown instruction: {written}"),
        suggest(written, &names, false),
    );
    fail(
        SyntaxErrorKind::UnknownInstruction,
        inst.keyword.range,
        message,
    )
}

// ---------------------------------------------------------------------------
// Flags

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FlagType {
    /// `--name`, `--name=true` or `--name=false`; once.
    Bool,
    /// `--name=value`; once.
    String,
    /// `--name=value`, any number of times.
    Strings,
}

const FROM_FLAGS: &[(&str, FlagType)] = &[("platform", FlagType::String)];

const COPY_FLAGS: &[(&str, FlagType)] = &[
    ("chown", FlagType::String),
    ("from", FlagType::String),
    ("chmod", FlagType::String),
    ("link", FlagType::Bool),
    ("exclude", FlagType::Strings),
    ("parents", FlagType::Bool),
];

const ADD_FLAGS: &[(&str, FlagType)] = &[
    ("chown", FlagType::String),
    ("chmod", FlagType::String),
    ("link", FlagType::Bool),
    ("keep-git-dir", FlagType::Bool),
    ("checksum", FlagType::String),
    ("unpack", FlagType::Bool),
    ("exclude", FlagType::Strings),
];

const RUN_FLAGS: &[(&str, FlagType)] = &[
    ("device", FlagType::Strings),
    ("mount", FlagType::Strings),
    ("network", FlagType::String),
    ("security", FlagType::String),
];

const HEALTHCHECK_FLAGS: &[(&str, FlagType)] = &[
    ("interval", FlagType::String),
    ("timeout", FlagType::String),
    ("start-period", FlagType::String),
    ("start-interval", FlagType::String),
    ("retries", FlagType::String),
];

/// Checks the instruction's flags against the ones it accepts, in order, as
/// `BuildKit`'s flag parser does, and returns them.
fn flags<'i, 'a>(
    inst: &'i Instruction<'a>,
    accepted: &[(&str, FlagType)],
) -> Result<Vec<&'i Flag<'a>>, SyntaxError> {
    let mut used: Vec<&'i Flag<'a>> = Vec::with_capacity(inst.flags.len());
    for flag in &inst.flags {
        let name = flag.name.as_str();
        let Some(&(_, kind)) = accepted.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = accepted.iter().map(|(n, _)| *n).collect();
            return Err(fail(
                SyntaxErrorKind::UnknownFlag,
                flag.range,
                with_suggestion(
                    format!("unknown flag: --{name}"),
                    suggest(name, &names, true),
                ),
            ));
        };
        if kind != FlagType::Strings && used.iter().any(|f| f.name.value == name) {
            return Err(fail(
                SyntaxErrorKind::InvalidFlagValue,
                flag.range,
                format!("duplicate flag specified: --{name}"),
            ));
        }
        match (kind, &flag.value) {
            (FlagType::Bool, Some(value)) if value.value.is_empty() => {
                return Err(missing_value(flag));
            }
            (FlagType::Bool, Some(value))
                if !matches!(go_lower(value.as_str()).as_str(), "true" | "false") =>
            {
                return Err(fail(
                    SyntaxErrorKind::InvalidFlagValue,
                    value.range,
                    format!(
                        "expecting boolean value for flag --{name}, not: {}",
                        value.value
                    ),
                ));
            }
            (FlagType::String | FlagType::Strings, None) => return Err(missing_value(flag)),
            _ => {}
        }
        used.push(flag);
    }
    Ok(used)
}

fn missing_value(flag: &Flag<'_>) -> SyntaxError {
    fail(
        SyntaxErrorKind::InvalidFlagValue,
        flag.range,
        format!("missing a value on flag: --{}", flag.name.value),
    )
}

/// The last use of a flag that takes one value.
fn flag_value<'i, 'a>(used: &[&'i Flag<'a>], name: &str) -> Option<&'i Word<'a>> {
    used.iter()
        .rev()
        .find(|f| f.name.value == name)
        .and_then(|f| f.value.as_ref())
}

/// Where a problem with a flag's value is shown: the value, or the whole
/// flag when the value is empty.
fn value_range(flag_range: TextRange, value: &Word<'_>) -> TextRange {
    if value.range.is_empty() {
        flag_range
    } else {
        value.range
    }
}

fn bad_value(range: TextRange, message: impl Into<String>) -> SyntaxError {
    fail(SyntaxErrorKind::InvalidFlagValue, range, message)
}

// ---------------------------------------------------------------------------
// Instructions

fn from(inst: &Instruction<'_>, words: &[Word<'_>]) -> Check {
    const COUNT: &str = "FROM requires either one or three arguments";
    match words {
        [_] => {}
        [_, as_word, name] if go_equal_fold(as_word.as_str(), "as") => {
            if !valid_stage_name(&go_lower(name.as_str())) {
                return Err(fail(
                    SyntaxErrorKind::InvalidArgument,
                    name.range,
                    format!(
                        "invalid name for build stage: {}, name can't start with a number or contain symbols",
                        go_quote(name.as_str())
                    ),
                ));
            }
        }
        [_, not_as, _] => {
            return Err(fail(
                SyntaxErrorKind::InvalidArgument,
                not_as.range,
                format!(
                    "{COUNT} (the second argument must be AS, not {})",
                    go_quote(not_as.as_str())
                ),
            ));
        }
        _ => {
            return Err(fail(
                SyntaxErrorKind::ArgumentCount,
                args_range(inst),
                COUNT,
            ));
        }
    }
    flags(inst, FROM_FLAGS).map(drop)
}

/// `BuildKit`'s `^[a-z][a-z0-9-_.]*$`, applied to the lower-cased name.
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn copy(inst: &Instruction<'_>, paths: &[Word<'_>]) -> Check {
    let name = inst.kind.as_str();
    if paths.len() < 2 {
        return Err(fail(
            SyntaxErrorKind::ArgumentCount,
            args_range(inst),
            format!(
                "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
            ),
        ));
    }
    let accepted = if inst.kind == Keyword::Add {
        ADD_FLAGS
    } else {
        COPY_FLAGS
    };
    let used = flags(inst, accepted)?;
    if let Some(dest) = paths.last()
        && is_heredoc_word(dest.as_str())
    {
        return Err(fail(
            SyntaxErrorKind::InvalidArgument,
            dest.range,
            format!("{name} cannot accept a heredoc as a destination"),
        ));
    }
    // Checked when the instruction runs, after variable expansion.
    if let Some(chmod) = flag_value(&used, "chmod")
        && !chmod.value.is_empty()
        && !needs_expansion(chmod.as_str())
        && let Err(message) = check_chmod(chmod.as_str())
    {
        return Err(bad_value(chmod.range, message));
    }
    Ok(())
}

/// Whether `word` is a heredoc marker (`<<EOF`, `<<-"EOF"`, `3<<EOF`) as
/// `BuildKit` recognises one among the arguments.
fn is_heredoc_word(word: &str) -> bool {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let rest = rest.trim_start_matches(['\t', '\n', '\u{c}', '\r', ' ']);
    !rest.is_empty() && !rest.contains('<') && single_shell_word(rest)
}

/// Whether a shell lexer reads `text` as exactly one word (quotes balanced,
/// no unquoted whitespace).
fn single_shell_word(text: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None | Some('"'), '\\') => {
                chars.next();
            }
            (None, c) if c.is_whitespace() => return false,
            _ => {}
        }
    }
    quote.is_none()
}

fn onbuild(inst: &Instruction<'_>, trigger: Option<&Instruction<'_>>) -> Check {
    let Some(trigger) = trigger else {
        return Err(at_least_one(inst));
    };
    flags(inst, &[])?;
    match trigger.kind {
        // Forbidden triggers are rule DL3043's.
        Keyword::Onbuild | Keyword::Maintainer | Keyword::From => Ok(()),
        // BuildKit only stores the trigger here and parses it when an image
        // is built FROM this one; it is checked now so the problem shows.
        _ => check(trigger),
    }
}

fn run(inst: &Instruction<'_>) -> Check {
    let used = flags(inst, RUN_FLAGS)?;
    for flag in used.iter().filter(|f| f.name.value == "device") {
        if let Some(value) = &flag.value
            && let Err(message) = check_device(value.as_str())
        {
            return Err(bad_value(value_range(flag.range, value), message));
        }
    }
    for flag in used.iter().filter(|f| f.name.value == "mount") {
        if let Some(value) = &flag.value
            && let Err(message) = check_mount(value.as_str())
        {
            return Err(bad_value(value_range(flag.range, value), message));
        }
    }
    if let Some(network) = flag_value(&used, "network")
        && !matches!(network.as_str(), "default" | "none" | "host")
    {
        return Err(bad_value(
            network.range,
            format!("invalid network mode {}", go_quote(network.as_str())),
        ));
    }
    if let Some(security) = flag_value(&used, "security")
        && !matches!(security.as_str(), "sandbox" | "insecure")
    {
        return Err(bad_value(
            security.range,
            format!("security {} is not valid", go_quote(security.as_str())),
        ));
    }
    Ok(())
}

fn healthcheck(
    inst: &Instruction<'_>,
    kind: Option<&Word<'_>>,
    command: &CommandLine<'_>,
) -> Check {
    let Some(kind) = kind else {
        return Err(at_least_one(inst));
    };
    let has_args = match command {
        CommandLine::Empty => false,
        CommandLine::Exec { args, .. } => !args.is_empty(),
        CommandLine::Shell { .. } => true,
    };
    let typ = go_upper(kind.as_str());
    if typ == "NONE" {
        // BuildKit does not look at the flags of HEALTHCHECK NONE.
        if has_args {
            return Err(fail(
                SyntaxErrorKind::InvalidArgument,
                TextRange::new(
                    kind.range.start,
                    inst.args_text.range.end.max(kind.range.end),
                ),
                "HEALTHCHECK NONE takes no arguments",
            ));
        }
        return Ok(());
    }
    let used = flags(inst, HEALTHCHECK_FLAGS)?;
    if typ != "CMD" {
        return Err(fail(
            SyntaxErrorKind::InvalidArgument,
            kind.range,
            format!("Unknown type {} in HEALTHCHECK (try CMD)", go_quote(&typ)),
        ));
    }
    if !has_args {
        return Err(fail(
            SyntaxErrorKind::InvalidArgument,
            args_range(inst),
            "Missing command after HEALTHCHECK CMD",
        ));
    }
    for name in ["interval", "timeout", "start-period", "start-interval"] {
        let Some(value) = flag_value(&used, name) else {
            continue;
        };
        if value.value.is_empty() {
            continue;
        }
        match go_parse_duration(value.as_str()) {
            Err(message) => return Err(bad_value(value.range, message)),
            Ok(d) if d != 0 && d < MINIMUM_INTERVAL_NS => {
                return Err(bad_value(
                    value.range,
                    format!("Interval {} cannot be less than 1ms", go_quote(name)),
                ));
            }
            Ok(_) => {}
        }
    }
    if let Some(retries) = flag_value(&used, "retries")
        && !retries.value.is_empty()
    {
        match go_parse_int32(retries.as_str()) {
            Err(message) => return Err(bad_value(retries.range, message)),
            Ok(n) if n < 0 => {
                return Err(bad_value(
                    retries.range,
                    format!("--retries cannot be negative ({n})"),
                ));
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// `BuildKit`'s smallest non-zero health-check interval: one millisecond.
const MINIMUM_INTERVAL_NS: i64 = 1_000_000;

// ---------------------------------------------------------------------------
// Flag values

/// Whether `BuildKit`'s variable expansion could change `value` (variables,
/// quotes, escapes), so that a check made after expansion cannot be made
/// here.
fn needs_expansion(value: &str) -> bool {
    value.contains(['$', '\\', '\'', '"', '`'])
}

/// `COPY --chmod`/`ADD --chmod`: an octal mode up to 07777, or a symbolic
/// mode as chmod(1) writes it (`u+x`, `a=rX,go-w`).
fn check_chmod(value: &str) -> Result<(), String> {
    let non_octal = || {
        format!(
            "invalid chmod parameter: '{value}'. it should be octal string and between 0 and 07777"
        )
    };
    match go_parse_uint(value, 8, 32) {
        Ok(mode) if mode > 0o7777 => Err(non_octal()),
        Ok(_) => Ok(()),
        Err(_) if value.starts_with(|c: char| c.is_ascii_digit()) => Err(non_octal()),
        Err(_) if symbolic_mode(value) => Ok(()),
        Err(_) => Err(format!(
            "invalid chmod parameter: '{value}': invalid syntax"
        )),
    }
}

/// A symbolic mode: clauses separated by `,`, each `[ugoa]*` followed by one
/// or more `[+-=][rwxXstugo]*`. (`BuildKit`'s parser even crashes on a
/// trailing `,` or a clause with no operator, so those count as invalid.)
fn symbolic_mode(value: &str) -> bool {
    value.split(',').all(|clause| {
        let rest = clause.trim_start_matches(['u', 'g', 'o', 'a']);
        let mut ops = 0;
        let mut chars = rest.chars().peekable();
        while let Some(op) = chars.next() {
            if !matches!(op, '+' | '-' | '=') {
                return false;
            }
            ops += 1;
            while chars.next_if(|c| "rwxXstugo".contains(*c)).is_some() {}
        }
        ops > 0
    })
}

/// Go's `strconv.ParseBool`.
fn go_bool(value: &str) -> bool {
    matches!(
        value,
        "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false" | "False"
    )
}

const MOUNT_TYPES: [&str; 5] = ["bind", "cache", "tmpfs", "secret", "ssh"];
const SHARING_MODES: [&str; 3] = ["shared", "private", "locked"];
const MOUNT_KEYS: [&str; 19] = [
    "type",
    "from",
    "source",
    "target",
    "readonly",
    "id",
    "sharing",
    "required",
    "size",
    "mode",
    "uid",
    "gid",
    "src",
    "dst",
    "destination",
    "ro",
    "rw",
    "readwrite",
    "env",
];

/// `RUN --mount=…`. `BuildKit` reads the CSV and the `from` key when it parses
/// the instruction, and the other keys once variables are expanded; those
/// later checks are skipped when a value could change by expansion.
fn check_mount(value: &str) -> Result<(), String> {
    let fields = csv_fields(value).map_err(|e| format!("failed to parse csv mounts: {e}"))?;
    for field in &fields {
        if let Some((key, value)) = field.split_once('=')
            && go_lower(key) == "from"
            && value.find('$').is_some_and(|i| i + 1 != value.len())
        {
            return Err(
                "'from' doesn't support variable expansion, define alias stage instead".into(),
            );
        }
    }
    if fields
        .iter()
        .any(|f| f.split_once('=').is_some_and(|(_, v)| needs_expansion(v)))
    {
        return Ok(());
    }
    mount_after_expansion(&fields)
}

#[derive(Default)]
struct MountSeen {
    from: bool,
    source: bool,
    target: bool,
    id: bool,
    sharing: bool,
    mode: bool,
    uid: bool,
    gid: bool,
}

fn mount_after_expansion(fields: &[String]) -> Result<(), String> {
    let mut typ = String::from("bind");
    let mut seen = MountSeen::default();
    let secret_or_ssh = |t: &str| t == "secret" || t == "ssh";
    for field in fields {
        let (raw_key, value) = match field.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (field.as_str(), None),
        };
        let key = go_lower(raw_key);
        let Some(value) = value else {
            match key.as_str() {
                "readonly" | "ro" | "readwrite" | "rw" => continue,
                "required" if secret_or_ssh(&typ) => continue,
                "required" => {
                    return Err(format!("unexpected key '{key}' for mount type '{typ}'"));
                }
                _ => return Err(format!("invalid field '{field}' must be a key=value pair")),
            }
        };
        let invalid = || format!("invalid value for {key}: {value}");
        match key.as_str() {
            "type" => {
                let lower = go_lower(value);
                if !MOUNT_TYPES.contains(&lower.as_str()) {
                    return Err(with_suggestion(
                        format!("unsupported mount type {}", go_quote(value)),
                        suggest(value, &MOUNT_TYPES, true),
                    ));
                }
                typ = lower;
            }
            "from" => seen.from = !value.is_empty(),
            "source" | "src" => seen.source = !value.is_empty(),
            "target" | "dst" | "destination" => seen.target = !value.is_empty(),
            "readonly" | "ro" | "readwrite" | "rw" => {
                if !go_bool(value) {
                    return Err(invalid());
                }
            }
            "required" => {
                if !secret_or_ssh(&typ) {
                    return Err(format!("unexpected key '{key}' for mount type '{typ}'"));
                }
                if !go_bool(value) {
                    return Err(invalid());
                }
            }
            "size" => {
                if typ != "tmpfs" {
                    return Err(format!("unexpected key '{key}' for mount type '{typ}'"));
                }
                if !ram_in_bytes(value) {
                    return Err(invalid());
                }
            }
            "id" => seen.id = !value.is_empty(),
            "sharing" => {
                let lower = go_lower(value);
                if !SHARING_MODES.contains(&lower.as_str()) {
                    return Err(with_suggestion(
                        format!("unsupported sharing value {}", go_quote(value)),
                        suggest(value, &SHARING_MODES, true),
                    ));
                }
                seen.sharing = true;
            }
            "mode" => {
                if go_parse_uint(value, 8, 32).is_err() {
                    return Err(format!("invalid value {value} for mode"));
                }
                seen.mode = true;
            }
            "uid" | "gid" => {
                if go_parse_uint(value, 10, 32).is_err() {
                    return Err(format!("invalid value {value} for {key}"));
                }
                if key == "uid" {
                    seen.uid = true;
                } else {
                    seen.gid = true;
                }
            }
            "env" => {}
            _ => {
                return Err(with_suggestion(
                    format!("unexpected key '{key}' in '{field}'"),
                    suggest(&key, &MOUNT_KEYS, true),
                ));
            }
        }
    }
    let typ_q = go_quote(&typ);
    if !matches!(typ.as_str(), "secret" | "ssh" | "cache") {
        for (set, what) in [(seen.mode, "mode"), (seen.uid, "uid"), (seen.gid, "gid")] {
            if set {
                return Err(format!("{what} not allowed for {typ_q} type mounts"));
            }
        }
    }
    if typ == "secret" {
        if seen.from {
            return Err("secret mount should not have a from".into());
        }
        if seen.sharing {
            return Err("secret mount should not define sharing".into());
        }
        if !seen.source && !seen.target && !seen.id {
            return Err("invalid secret mount. one of source, target required".into());
        }
        if seen.source && seen.id {
            return Err("both source and id can't be set".into());
        }
    }
    if seen.sharing && typ != "cache" {
        return Err(format!("invalid cache sharing set for {typ} mount"));
    }
    Ok(())
}

/// `RUN --device=…` (not expanded): a CSV of a name, `name=`, `required`.
fn check_device(value: &str) -> Result<(), String> {
    let fields = csv_fields(value).map_err(|e| format!("failed to parse csv devices: {e}"))?;
    let mut name = String::new();
    for field in &fields {
        let Some((raw_key, value)) = field.split_once('=') else {
            if go_lower(field) == "required" {
                continue;
            }
            if name.is_empty() {
                name.clone_from(field);
                continue;
            }
            return Err(format!("invalid field '{field}' must be a key=value pair"));
        };
        let key = go_lower(raw_key);
        match key.as_str() {
            "name" => {
                if !name.is_empty() {
                    return Err(format!("device name already set to {name}"));
                }
                name = value.to_string();
            }
            "required" => {
                if !go_bool(value) {
                    return Err(format!("invalid value for {key}: {value}"));
                }
            }
            _ if name.is_empty() => name.clone_from(field),
            _ => {
                return Err(with_suggestion(
                    format!("unexpected key '{key}' in '{field}'"),
                    suggest(&key, &["name", "required"], true),
                ));
            }
        }
    }
    Ok(())
}

/// The single-line CSV reader `BuildKit` uses for `--mount` and `--device`:
/// fields separated by `,`, a field may be quoted with `"` (`""` is a quote).
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    const BARE: &str = "bare \" in non-quoted-field";
    const QUOTE: &str = "extraneous or missing \" in quoted-field";
    let error =
        |pos: usize, what: &str| format!("parse error on line 1, column {}: {what}", pos + 1);
    let line = match line.strip_suffix('\n') {
        Some(l) => l.strip_suffix('\r').unwrap_or(l),
        None => line,
    };
    if line.is_empty() {
        return Err("EOF".into());
    }
    let mut fields: Vec<String> = Vec::new();
    let mut rest = line;
    let mut pos = 0;
    'field: loop {
        if !rest.starts_with('"') {
            let (field, next) = match rest.find(',') {
                Some(i) => (&rest[..i], Some(i)),
                None => (rest, None),
            };
            if let Some(j) = field.find('"') {
                return Err(error(pos + j, BARE));
            }
            fields.push(field.to_string());
            match next {
                Some(i) => {
                    rest = &rest[i + 1..];
                    pos += i + 1;
                    continue;
                }
                None => break,
            }
        }
        rest = &rest[1..];
        pos += 1;
        let mut half_open = false;
        loop {
            let Some(i) = rest.find('"') else {
                return Err(error(pos, QUOTE));
            };
            if half_open {
                if let Some(last) = fields.last_mut() {
                    last.push_str(&rest[..i]);
                }
            } else {
                fields.push(rest[..i].to_string());
            }
            rest = &rest[i + 1..];
            pos += i + 1;
            match rest.chars().next() {
                Some('"') => {
                    if let Some(last) = fields.last_mut() {
                        last.push('"');
                    }
                    rest = &rest[1..];
                    pos += 1;
                    half_open = true;
                }
                Some(',') => {
                    rest = &rest[1..];
                    pos += 1;
                    continue 'field;
                }
                None => break 'field,
                Some(_) => return Err(error(pos - 1, QUOTE)),
            }
        }
    }
    Ok(fields)
}

/// Whether docker/go-units' `RAMInBytes` accepts a size such as `64m`,
/// `1.5GiB` or `100`.
fn ram_in_bytes(size: &str) -> bool {
    let Some(sep) = size.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ') else {
        return false;
    };
    let (num, suffix) = if size[sep..].starts_with(' ') {
        (&size[..sep], &size[sep + 1..])
    } else {
        (&size[..=sep], &size[sep + 1..])
    };
    if !num.parse::<f64>().is_ok_and(|n| n.is_nan() || n >= 0.0) {
        return false;
    }
    let suffix = suffix.to_ascii_lowercase();
    match suffix.as_bytes() {
        [] | [b'b'] => true,
        [unit, rest @ ..] if b"kmgtp".contains(unit) => matches!(rest, [] | [b'b'] | [b'i', b'b']),
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Go behaviours the messages and checks depend on

/// Go's `time.ParseDuration`: the duration in nanoseconds, or Go's message.
fn go_parse_duration(orig: &str) -> Result<i64, String> {
    const MAX: u64 = 1 << 63;
    let invalid = || format!("time: invalid duration {}", time_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix('-') {
        neg = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !s.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let before = s.len();
        let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = before != s.len();
        let mut post = false;
        let (mut fraction, mut scale) = (0u64, 1f64);
        if let Some(rest) = s.strip_prefix('.') {
            let before = rest.len();
            let (f, sc, rest) = leading_fraction(rest);
            (fraction, scale, s) = (f, sc, rest);
            post = before != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_end = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if unit_end == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                time_quote(orig)
            ));
        }
        let (unit_text, rest) = s.split_at(unit_end);
        s = rest;
        let unit: u64 = match unit_text {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    time_quote(unit_text),
                    time_quote(orig)
                ));
            }
        };
        if v > MAX / unit {
            return Err(invalid());
        }
        v *= unit;
        if fraction > 0 {
            v = v.saturating_add(fraction_ns(fraction, unit, scale));
            if v > MAX {
                return Err(invalid());
            }
        }
        total = total.checked_add(v).ok_or_else(invalid)?;
        if total > MAX {
            return Err(invalid());
        }
    }
    let total = i128::from(total);
    let signed = if neg { -total } else { total };
    i64::try_from(signed).map_err(|_| invalid())
}

#[allow(
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    reason = "Go computes the fraction of a unit in float64 and truncates"
)]
fn fraction_ns(fraction: u64, unit: u64, scale: f64) -> u64 {
    (fraction as f64 * (unit as f64 / scale)) as u64
}

/// The leading `[0-9]*` of `s`; `None` when it overflows Go's limit.
fn leading_int(s: &str) -> Option<(u64, &str)> {
    const MAX: u64 = 1 << 63;
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let mut x: u64 = 0;
    for b in s[..end].bytes() {
        if x > MAX / 10 {
            return None;
        }
        x = x * 10 + u64::from(b - b'0');
        if x > MAX {
            return None;
        }
    }
    Some((x, &s[end..]))
}

/// The leading `[0-9]*` of a fraction, its scale (a power of ten) and the
/// rest; precision stops growing on overflow.
fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (mut x, mut scale, mut overflow) = (0u64, 1f64, false);
    for b in s[..end].bytes() {
        if overflow {
            continue;
        }
        if x > (i64::MAX as u64) / 10 {
            overflow = true;
            continue;
        }
        let y = x * 10 + u64::from(b - b'0');
        if y > 1 << 63 {
            overflow = true;
            continue;
        }
        x = y;
        scale *= 10.0;
    }
    (x, scale, &s[end..])
}

/// Go's `time` package quoting: printable ASCII kept, other bytes as `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c.is_ascii() && c >= ' ' {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                push_escape(&mut out, 'x', u32::from(b), 2);
            }
        }
    }
    out.push('"');
    out
}

#[derive(Debug, PartialEq, Eq)]
enum NumError {
    Syntax,
    Range,
}

/// Go's `strconv.ParseUint` with an explicit base (2 to 36).
fn go_parse_uint(s: &str, base: u32, bits: u32) -> Result<u64, NumError> {
    if s.is_empty() {
        return Err(NumError::Syntax);
    }
    let max = if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let mut n: u64 = 0;
    for c in s.chars() {
        let d = c.to_digit(36).ok_or(NumError::Syntax)?;
        if d >= base {
            return Err(NumError::Syntax);
        }
        n = n
            .checked_mul(u64::from(base))
            .and_then(|n| n.checked_add(u64::from(d)))
            .filter(|&n| n <= max)
            .ok_or(NumError::Range)?;
    }
    Ok(n)
}

/// Go's `strconv.ParseInt(s, 10, 32)`, with Go's error message.
fn go_parse_int32(s: &str) -> Result<i64, String> {
    let error = |what: &str| format!("strconv.ParseInt: parsing {}: {what}", go_quote(s));
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = match go_parse_uint(digits, 10, 32) {
        Ok(n) => n,
        Err(NumError::Syntax) => return Err(error("invalid syntax")),
        Err(NumError::Range) => return Err(error("value out of range")),
    };
    let cutoff = 1u64 << 31;
    if (!neg && n >= cutoff) || (neg && n > cutoff) {
        return Err(error("value out of range"));
    }
    let n = i64::try_from(n).map_err(|_| error("value out of range"))?;
    Ok(if neg { -n } else { n })
}

/// Go's `strconv.Quote` (`%q`).
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    super::dump::go_quote(s, &mut out);
    out
}

/// `\\` and `kind` followed by `value` in `digits` lower-case hex digits.
fn push_escape(out: &mut String, kind: char, value: u32, digits: u32) {
    out.push('\\');
    out.push(kind);
    for i in (0..digits).rev() {
        let nibble = (value >> (4 * i)) & 0xf;
        out.push(char::from_digit(nibble, 16).unwrap_or('0'));
    }
}

/// Go's `unicode.ToLower`: the one-to-one (simple) mapping. The only
/// character whose full lower case is longer, `İ`, maps to `i` in Go too.
fn lower_char(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Go's `unicode.ToUpper`: characters whose upper case is several
/// characters (`ß`, ligatures) have no simple mapping and are kept.
fn upper_char(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `strings.ToLower`.
fn go_lower(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

/// Go's `strings.ToUpper`.
fn go_upper(s: &str) -> String {
    s.chars().map(upper_char).collect()
}

/// Go's `strings.EqualFold`, closely enough.
fn go_equal_fold(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| {
            x == y || lower_char(x) == lower_char(y) || upper_char(x) == upper_char(y)
        })
}

// ---------------------------------------------------------------------------
// "Did you mean …?"

/// `BuildKit`'s suggestion: the first option within an edit distance of two
/// (none when `value` is itself an option).
fn suggest(value: &str, options: &[&str], case_sensitive: bool) -> Option<String> {
    let fold = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            go_lower(s)
        }
    };
    let wanted = fold(value);
    let mut best = None;
    let mut min = 3;
    for option in options {
        let option = fold(option);
        if option == wanted {
            return None;
        }
        let distance = levenshtein(&wanted, &option);
        if distance < min {
            min = distance;
            best = Some(if case_sensitive {
                option
            } else {
                match_case(&option, value)
            });
        }
    }
    best
}

/// The suggestion in the case the user wrote: all lower, all upper, or as is.
fn match_case(option: &str, written: &str) -> String {
    if written == go_lower(written) {
        go_lower(option)
    } else if written == go_upper(written) {
        go_upper(option)
    } else {
        option.to_string()
    }
}

fn with_suggestion(message: String, suggestion: Option<String>) -> String {
    match suggestion {
        Some(s) => format!("{message} (did you mean {s}?)"),
        None => message,
    }
}

/// Edit distance in characters (insertions, deletions, substitutions).
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    /// `(code, message)` of every error in `source`.
    fn errors(source: &str) -> Vec<(&'static str, String)> {
        let file = parse(source);
        for e in &file.errors {
            assert!(e.range.end as usize <= source.len(), "{e:?}");
            assert!(source.is_char_boundary(e.range.start as usize), "{e:?}");
            assert!(source.is_char_boundary(e.range.end as usize), "{e:?}");
        }
        file.errors
            .iter()
            .map(|e| (e.code(), e.message.clone()))
            .collect()
    }

    /// The errors of `body` placed after a `FROM`.
    fn in_stage(body: &str) -> Vec<(&'static str, String)> {
        errors(&format!("FROM alpine\n{body}\n"))
    }

    fn one(code: &'static str, message: &str) -> Vec<(&'static str, String)> {
        vec![(code, message.to_string())]
    }

    fn none() -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The source text under the first error.
    fn the_text(source: &str) -> String {
        let file = parse(source);
        file.errors
            .first()
            .map(|e| e.range.slice(source).to_string())
            .unwrap_or_default()
    }

    #[test]
    fn unknown_instructions() {
        assert_eq!(
            in_stage("RUNN echo"),
            one("LL008", "unknown instruction: RUNN (did you mean RUN?)")
        );
        assert_eq!(
            in_stage("form x"),
            one("LL008", "unknown instruction: form (did you mean from?)")
        );
        assert_eq!(
            in_stage("FOOBAR x"),
            one("LL008", "unknown instruction: FOOBAR")
        );
        assert_eq!(the_text("FROM a\nRUNN echo\n"), "RUNN");
        assert_eq!(in_stage("run echo"), none());
    }

    #[test]
    fn argument_counts() {
        assert_eq!(
            in_stage("WORKDIR"),
            one("LL009", "WORKDIR requires exactly one argument")
        );
        assert_eq!(in_stage("WORKDIR /app"), none());
        assert_eq!(
            in_stage("USER"),
            one("LL009", "USER requires exactly one argument")
        );
        assert_eq!(
            in_stage("EXPOSE"),
            one("LL009", "EXPOSE requires at least one argument")
        );
        assert_eq!(in_stage("EXPOSE 80 443"), none());
        assert_eq!(
            in_stage("VOLUME"),
            one("LL009", "VOLUME requires at least one argument")
        );
        assert_eq!(
            in_stage("ARG"),
            one("LL009", "ARG requires at least one argument")
        );
        assert_eq!(in_stage("ARG a b=1"), none());
        assert_eq!(
            in_stage("ENV"),
            one("LL009", "ENV requires at least one argument")
        );
        assert_eq!(
            in_stage("LABEL"),
            one("LL009", "LABEL requires at least one argument")
        );
        assert_eq!(
            in_stage("ONBUILD"),
            one("LL009", "ONBUILD requires at least one argument")
        );
        assert_eq!(
            in_stage("STOPSIGNAL"),
            one("LL009", "STOPSIGNAL requires exactly one argument")
        );
        assert_eq!(
            in_stage("HEALTHCHECK"),
            one("LL009", "HEALTHCHECK requires at least one argument")
        );
        assert_eq!(
            in_stage("SHELL []"),
            one("LL009", "SHELL requires at least one argument")
        );
        assert_eq!(in_stage("CMD"), none());
        assert_eq!(the_text("FROM a\nWORKDIR\n"), "WORKDIR");
    }

    #[test]
    fn copy_and_add_arguments() {
        let copy = "COPY requires at least two arguments, but only one was provided. Destination could not be determined";
        assert_eq!(in_stage("COPY a"), one("LL009", copy));
        assert_eq!(in_stage("COPY [\"a\"]"), one("LL009", copy));
        assert_eq!(in_stage("COPY a b"), none());
        assert_eq!(in_stage("COPY [\"a\", \"b\"]"), none());
        assert_eq!(
            in_stage("ADD"),
            one(
                "LL009",
                "ADD requires at least two arguments, but only one was provided. Destination could not be determined"
            )
        );
        assert_eq!(the_text("FROM a\nCOPY --link  src\n"), "COPY --link  src");
        // Heredoc sources count as sources.
        assert_eq!(in_stage("COPY <<EOF /dest\nhello\nEOF"), none());
        assert_eq!(
            in_stage("COPY <<EOF <<EOT\nhello\nEOF\nbye\nEOT"),
            one("LL014", "COPY cannot accept a heredoc as a destination")
        );
        assert_eq!(
            in_stage("ADD a <<EOF\nx\nEOF"),
            one("LL014", "ADD cannot accept a heredoc as a destination")
        );
    }

    #[test]
    fn from_arguments() {
        assert_eq!(errors("FROM a AS b\n"), none());
        assert_eq!(errors("FROM a as B\n"), none());
        assert_eq!(errors("FROM a As b-1_x.y\n"), none());
        assert_eq!(
            errors("FROM a AS 1b\n"),
            one(
                "LL014",
                "invalid name for build stage: \"1b\", name can't start with a number or contain symbols"
            )
        );
        assert_eq!(the_text("FROM a AS 1b\n"), "1b");
        assert_eq!(
            errors("FROM a AS b$c\n"),
            one(
                "LL014",
                "invalid name for build stage: \"b$c\", name can't start with a number or contain symbols"
            )
        );
        assert_eq!(
            errors("FROM a TO b\n"),
            one(
                "LL014",
                "FROM requires either one or three arguments (the second argument must be AS, not \"TO\")"
            )
        );
        assert_eq!(the_text("FROM a TO b\n"), "TO");
        assert_eq!(
            errors("FROM a b\n"),
            one("LL009", "FROM requires either one or three arguments")
        );
        assert_eq!(
            errors("FROM\n"),
            one("LL009", "FROM requires either one or three arguments")
        );
        assert_eq!(errors("FROM --platform=$BUILDPLATFORM a\n"), none());
        assert_eq!(
            errors("FROM --plaform=linux a\n"),
            one("LL010", "unknown flag: --plaform (did you mean platform?)")
        );
        assert_eq!(
            errors("FROM --platform a\n"),
            one("LL011", "missing a value on flag: --platform")
        );
    }

    #[test]
    fn flags_by_instruction() {
        assert_eq!(
            in_stage(
                "COPY --from=build --chown=1:1 --chmod=755 --link --parents --exclude=*.md --exclude=*.txt a b"
            ),
            none()
        );
        assert_eq!(
            in_stage(
                "ADD --chown=a --chmod=644 --link=true --keep-git-dir --checksum=sha256:x --unpack=false --exclude=x a b"
            ),
            none()
        );
        assert_eq!(
            in_stage(
                "RUN --mount=type=cache,target=/x --network=none --security=insecure --device=foo cmd"
            ),
            none()
        );
        assert_eq!(
            in_stage("COPY --user=me a b"),
            one("LL010", "unknown flag: --user")
        );
        assert_eq!(
            in_stage("COPY --chwon=me a b"),
            one("LL010", "unknown flag: --chwon (did you mean chown?)")
        );
        assert_eq!(the_text("FROM a\nCOPY --user=me a b\n"), "--user=me");
        assert_eq!(
            in_stage("ADD --from=x a b"),
            one("LL010", "unknown flag: --from")
        );
        assert_eq!(
            in_stage("CMD --doit echo"),
            one("LL010", "unknown flag: --doit")
        );
        assert_eq!(in_stage("ENV --x a=b"), one("LL010", "unknown flag: --x"));
        // BuildKit ignores the flags of STOPSIGNAL, ARG and HEALTHCHECK NONE.
        assert_eq!(in_stage("STOPSIGNAL --x SIGTERM"), none());
        assert_eq!(in_stage("ARG --x a"), none());
        assert_eq!(in_stage("HEALTHCHECK --x NONE"), none());
        // A bare `--` ends the flags.
        assert_eq!(in_stage("COPY -- --user a b"), none());
    }

    #[test]
    fn flag_values() {
        assert_eq!(in_stage("COPY --link=false a b"), none());
        assert_eq!(in_stage("COPY --link=TRUE a b"), none());
        assert_eq!(
            in_stage("COPY --link=maybe a b"),
            one(
                "LL011",
                "expecting boolean value for flag --link, not: maybe"
            )
        );
        assert_eq!(the_text("FROM a\nCOPY --link=maybe a b\n"), "maybe");
        assert_eq!(
            in_stage("COPY --link= a b"),
            one("LL011", "missing a value on flag: --link")
        );
        assert_eq!(
            in_stage("COPY --from a b"),
            one("LL011", "missing a value on flag: --from")
        );
        assert_eq!(
            in_stage("COPY --from=a --from=b a b"),
            one("LL011", "duplicate flag specified: --from")
        );
        assert_eq!(in_stage("COPY --from= a b"), none());
    }

    #[test]
    fn chmod_values() {
        assert_eq!(in_stage("COPY --chmod=0755 a b"), none());
        assert_eq!(in_stage("COPY --chmod=7777 a b"), none());
        assert_eq!(in_stage("COPY --chmod=u+x,go-w a b"), none());
        assert_eq!(in_stage("ADD --chmod=a=rX a b"), none());
        assert_eq!(in_stage("COPY --chmod=$MODE a b"), none());
        assert_eq!(
            in_stage("COPY --chmod=10000 a b"),
            one(
                "LL011",
                "invalid chmod parameter: '10000'. it should be octal string and between 0 and 07777"
            )
        );
        assert_eq!(
            in_stage("COPY --chmod=64a a b"),
            one(
                "LL011",
                "invalid chmod parameter: '64a'. it should be octal string and between 0 and 07777"
            )
        );
        assert_eq!(
            in_stage("COPY --chmod=rwx a b"),
            one("LL011", "invalid chmod parameter: 'rwx': invalid syntax")
        );
        assert_eq!(
            in_stage("COPY --chmod=u+x, a b"),
            one("LL011", "invalid chmod parameter: 'u+x,': invalid syntax")
        );
    }

    #[test]
    fn run_flags() {
        assert_eq!(in_stage("RUN --mount=type=cache,target=/x cmd"), none());
        assert_eq!(
            in_stage("RUN --mount=type=secret,id=tok,required cmd"),
            none()
        );
        assert_eq!(
            in_stage("RUN --mount=type=tmpfs,target=/t,size=64m cmd"),
            none()
        );
        assert_eq!(
            in_stage("RUN --mount=type=bind,from=$X,target=/x cmd"),
            one(
                "LL011",
                "'from' doesn't support variable expansion, define alias stage instead"
            )
        );
        assert_eq!(in_stage("RUN --mount=type=bind,from=build$ cmd"), none());
        assert_eq!(
            in_stage("RUN --mount=type=cahce,target=/x cmd"),
            one(
                "LL011",
                "unsupported mount type \"cahce\" (did you mean cache?)"
            )
        );
        assert_eq!(in_stage("RUN --mount=type=$T,target=/x cmd"), none());
        assert_eq!(
            in_stage("RUN --mount=type=cache,taget=/x cmd"),
            one(
                "LL011",
                "unexpected key 'taget' in 'taget=/x' (did you mean target?)"
            )
        );
        assert_eq!(
            in_stage("RUN --mount=type=bind,mode=0700,target=/x cmd"),
            one("LL011", "mode not allowed for \"bind\" type mounts")
        );
        assert_eq!(
            in_stage("RUN --mount=type=cache,sharing=lock,target=/x cmd"),
            one(
                "LL011",
                "unsupported sharing value \"lock\" (did you mean locked?)"
            )
        );
        assert_eq!(
            in_stage("RUN --mount=type=secret cmd"),
            one(
                "LL011",
                "invalid secret mount. one of source, target required"
            )
        );
        assert_eq!(
            in_stage("RUN --mount=a\\\"b cmd"),
            one(
                "LL011",
                "failed to parse csv mounts: parse error on line 1, column 2: bare \" in non-quoted-field"
            )
        );
        assert_eq!(
            in_stage("RUN --network=bridge cmd"),
            one("LL011", "invalid network mode \"bridge\"")
        );
        assert_eq!(in_stage("RUN --network=host cmd"), none());
        assert_eq!(
            in_stage("RUN --security=privileged cmd"),
            one("LL011", "security \"privileged\" is not valid")
        );
        assert_eq!(in_stage("RUN --security=sandbox cmd"), none());
        assert_eq!(
            in_stage("RUN --device=a,b cmd"),
            one("LL011", "invalid field 'b' must be a key=value pair")
        );
        assert_eq!(in_stage("RUN --device=name=a,required=true cmd"), none());
        assert_eq!(
            in_stage("RUN --mount cmd"),
            one("LL011", "missing a value on flag: --mount")
        );
    }

    #[test]
    fn healthchecks() {
        assert_eq!(in_stage("HEALTHCHECK --interval=5s CMD x"), none());
        assert_eq!(
            in_stage(
                "HEALTHCHECK --interval=1m30s --timeout=0 --start-period=1.5s --start-interval=2s --retries=3 CMD [\"x\"]"
            ),
            none()
        );
        assert_eq!(
            in_stage("HEALTHCHECK --interval=5 CMD x"),
            one("LL011", "time: missing unit in duration \"5\"")
        );
        assert_eq!(the_text("FROM a\nHEALTHCHECK --interval=5 CMD x\n"), "5");
        assert_eq!(
            in_stage("HEALTHCHECK --timeout=5sec CMD x"),
            one("LL011", "time: unknown unit \"sec\" in duration \"5sec\"")
        );
        assert_eq!(
            in_stage("HEALTHCHECK --interval=$I CMD x"),
            one("LL011", "time: invalid duration \"$I\"")
        );
        assert_eq!(
            in_stage("HEALTHCHECK --interval=100us CMD x"),
            one("LL011", "Interval \"interval\" cannot be less than 1ms")
        );
        assert_eq!(
            in_stage("HEALTHCHECK --start-period=-1s CMD x"),
            one("LL011", "Interval \"start-period\" cannot be less than 1ms")
        );
        assert_eq!(
            in_stage("HEALTHCHECK --retries=x CMD y"),
            one("LL011", "strconv.ParseInt: parsing \"x\": invalid syntax")
        );
        assert_eq!(
            in_stage("HEALTHCHECK --retries=-1 CMD y"),
            one("LL011", "--retries cannot be negative (-1)")
        );
        assert_eq!(
            in_stage("HEALTHCHECK --retries=9999999999 CMD y"),
            one(
                "LL011",
                "strconv.ParseInt: parsing \"9999999999\": value out of range"
            )
        );
        assert_eq!(
            in_stage("HEALTHCHECK CONNECT TCP 7000"),
            one("LL014", "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)")
        );
        assert_eq!(
            in_stage("HEALTHCHECK CMD"),
            one("LL014", "Missing command after HEALTHCHECK CMD")
        );
        assert_eq!(
            in_stage("HEALTHCHECK CMD []"),
            one("LL014", "Missing command after HEALTHCHECK CMD")
        );
        assert_eq!(in_stage("HEALTHCHECK NONE"), none());
        assert_eq!(in_stage("healthcheck none"), none());
        assert_eq!(
            in_stage("HEALTHCHECK NONE x"),
            one("LL014", "HEALTHCHECK NONE takes no arguments")
        );
        assert_eq!(
            in_stage("HEALTHCHECK --interval=1s --interval=2s CMD x"),
            one("LL011", "duplicate flag specified: --interval")
        );
    }

    #[test]
    fn other_arguments() {
        assert_eq!(in_stage("SHELL [\"/bin/bash\", \"-c\"]"), none());
        assert_eq!(
            in_stage("SHELL /bin/bash -c"),
            one("LL014", "SHELL requires the arguments to be in JSON form")
        );
        assert_eq!(
            in_stage("ENV =x"),
            one("LL014", "ENV names can not be blank")
        );
        assert_eq!(in_stage("ENV a=x b=y"), none());
        assert_eq!(
            in_stage("LABEL a=1 =2"),
            one("LL014", "LABEL names can not be blank")
        );
        assert_eq!(
            in_stage("ARG =x"),
            one("LL014", "ARG names can not be blank")
        );
        assert_eq!(
            in_stage("VOLUME [\"\"]"),
            one("LL014", "VOLUME specified can not be an empty string")
        );
        assert_eq!(in_stage("VOLUME [\"/data\"]"), none());
    }

    #[test]
    fn onbuild_triggers() {
        assert_eq!(in_stage("ONBUILD RUN echo"), none());
        assert_eq!(in_stage("ONBUILD COPY <<EOF /dest\nx\nEOF"), none());
        // Forbidden triggers are DL3043's, not a syntax error here.
        assert_eq!(in_stage("ONBUILD ONBUILD RUN x"), none());
        assert_eq!(in_stage("ONBUILD from x"), none());
        assert_eq!(in_stage("ONBUILD MAINTAINER me"), none());
        assert_eq!(
            in_stage("ONBUILD COPY --user=x a b"),
            one("LL010", "unknown flag: --user")
        );
        assert_eq!(the_text("FROM a\nONBUILD COPY --user=x a b\n"), "--user=x");
        assert_eq!(
            in_stage("ONBUILD COPY a"),
            one(
                "LL009",
                "COPY requires at least two arguments, but only one was provided. Destination could not be determined"
            )
        );
        assert_eq!(the_text("FROM a\nONBUILD COPY a\n"), "COPY a");
        assert_eq!(
            in_stage("ONBUILD RUNN x"),
            one("LL008", "unknown instruction: RUNN (did you mean RUN?)")
        );
        assert_eq!(
            in_stage("ONBUILD --x RUN y"),
            one("LL010", "unknown flag: --x")
        );
        assert_eq!(
            in_stage("ONBUILD HEALTHCHECK --interval=5 CMD x"),
            one("LL011", "time: missing unit in duration \"5\"")
        );
    }

    #[test]
    fn stages() {
        assert_eq!(errors("ARG V=1\nFROM a:$V\nRUN x\n"), none());
        // Instructions before the first FROM are DL3061's.
        assert_eq!(errors("# hello\nRUN x\nCMD y\nFROM a\n"), none());
        // One error per instruction at most, and none on top of the line
        // parser's own.
        assert_eq!(
            errors("FROM a\nENV foo\n"),
            one("LL007", "ENV must have two arguments")
        );
        assert_eq!(
            errors("FROM a\nCOPY a\nRUNN x\nWORKDIR\n")
                .into_iter()
                .map(|(c, _)| c)
                .collect::<Vec<_>>(),
            vec!["LL009", "LL008", "LL009"]
        );
    }

    #[test]
    fn go_durations() {
        let ok = |s: &str, ns: i64| assert_eq!(go_parse_duration(s), Ok(ns), "{s}");
        ok("0", 0);
        ok("-0", 0);
        ok("1h2m3s", 3_723_000_000_000);
        ok("1.5s", 1_500_000_000);
        ok(".5ms", 500_000);
        ok("1\u{b5}s", 1_000);
        ok("-2m", -120_000_000_000);
        ok("2562047h47m16.854775807s", i64::MAX);
        assert!(go_parse_duration("").is_err());
        assert!(go_parse_duration(".s").is_err());
        assert!(go_parse_duration("1").is_err());
        assert!(go_parse_duration("5 s").is_err());
        assert!(go_parse_duration("9999999999999999999h").is_err());
        assert_eq!(
            go_parse_duration("1é"),
            Err("time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"".into())
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(go_quote("a\"b\\\n\u{1}é"), "\"a\\\"b\\\\\\n\\x01é\"");
        assert_eq!(go_upper("stra\u{df}e"), "STRA\u{df}E");
        assert!(go_equal_fold("aS", "as"));
        assert!(!go_equal_fold("at", "as"));
        assert_eq!(
            csv_fields("a,\"b,c\",\"d\"\"e\","),
            Ok(vec![
                "a".to_string(),
                "b,c".to_string(),
                "d\"e".to_string(),
                String::new()
            ])
        );
        assert_eq!(csv_fields(""), Err("EOF".to_string()));
        assert_eq!(
            csv_fields("\"a\"b"),
            Err("parse error on line 1, column 3: extraneous or missing \" in quoted-field".into())
        );
        assert!(ram_in_bytes("64m"));
        assert!(ram_in_bytes("1.5 GiB"));
        assert!(ram_in_bytes("100"));
        assert!(!ram_in_bytes("lots"));
        assert!(!ram_in_bytes("10x"));
        assert!(is_heredoc_word("<<EOF"));
        assert!(is_heredoc_word("3<<-\"EOF\""));
        assert!(!is_heredoc_word("<<"));
        assert!(!is_heredoc_word("/dest"));
        assert!(symbolic_mode("u=rwx,go=u-w"));
        assert!(!symbolic_mode("u"));
        assert_eq!(go_parse_uint("777", 8, 32), Ok(0o777));
        assert_eq!(go_parse_uint("8", 8, 32), Err(NumError::Syntax));
        assert_eq!(go_parse_uint("77777777777", 8, 32), Err(NumError::Range));
    }
}
