//! Property test of the language server under random edit sequences, over
//! an in-memory connection: inserts, deletions and replacements at random
//! UTF-16 positions of a Dockerfile-shaped document. The server advertises
//! full-text sync, so each edit is sent as the whole new text; between
//! them, incremental changes with arbitrary (even out-of-range or
//! mid-surrogate) ranges are sent too, and the next full text resets the
//! document. The server must never crash, and the diagnostics it last
//! published must equal a fresh engine lint of the same text.
//!
//! 64 sequences by default; set `PROPTEST_CASES` for a longer run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod generators;

use std::time::Duration;

use generators::dockerfile;
use layerlint::syntax::{Encoding, LineIndex};
use layerlint::{Settings, engine};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use proptest::prelude::*;
use serde_json::{Value, json};

const URI: &str = "untitled:Dockerfile";
const TIMEOUT: Duration = Duration::from_secs(30);

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig::with_cases(cases)
}

/// One edit: where (fractions of the document's UTF-16 length), and what.
#[derive(Debug, Clone)]
enum Edit {
    Insert(f64, String),
    Delete(f64, f64),
    Replace(f64, f64, String),
    /// An incremental change with raw positions, sent as is.
    RawRange(u32, u32, u32, u32, String),
}

fn snippet() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\n".to_string()),
        Just("\\\n".to_string()),
        Just("RUN apt-get install -y curl\n".to_string()),
        Just("FROM alpine AS b\n".to_string()),
        Just("<<EOF\n".to_string()),
        Just("😀".to_string()),
        Just("é\r\n".to_string()),
        "\\PC{0,6}",
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (0.0..=1.0f64, snippet()).prop_map(|(at, s)| Edit::Insert(at, s)),
        2 => (0.0..=1.0f64, 0.0..=1.0f64).prop_map(|(a, b)| Edit::Delete(a, b)),
        2 => (0.0..=1.0f64, 0.0..=1.0f64, snippet())
            .prop_map(|(a, b, s)| Edit::Replace(a, b, s)),
        1 => (0..40u32, 0..90u32, 0..40u32, 0..90u32, snippet())
            .prop_map(|(a, b, c, d, s)| Edit::RawRange(a, b, c, d, s)),
    ]
}

/// The byte offset of the character boundary at or before UTF-16 offset
/// `units` (a position inside a surrogate pair falls back to its start).
fn byte_offset(text: &str, units: usize) -> usize {
    let mut seen = 0;
    for (offset, c) in text.char_indices() {
        if seen + c.len_utf16() > units {
            return offset;
        }
        seen += c.len_utf16();
    }
    text.len()
}

fn at(text: &str, fraction: f64) -> usize {
    let units = text.encode_utf16().count();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let unit = (fraction * units as f64) as usize;
    byte_offset(text, unit)
}

struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<Result<layerlint::lsp::Exit, layerlint::lsp::LspError>>>,
    version: i32,
}

impl Client {
    fn start() -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || layerlint::lsp::serve(&server_side));
        let client = Client {
            conn: client_side,
            server: Some(server),
            version: 0,
        };
        client.send(Request::new(
            RequestId::from(1),
            "initialize".to_string(),
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        ));
        loop {
            if let Message::Response(r) = client.recv() {
                assert!(r.error.is_none(), "{:?}", r.error);
                break;
            }
        }
        client.notify("initialized", json!({}));
        client
    }

    fn send(&self, message: impl Into<Message>) {
        self.conn
            .sender
            .send(message.into())
            .expect("the server stopped");
    }

    fn recv(&self) -> Message {
        self.conn
            .receiver
            .recv_timeout(TIMEOUT)
            .expect("no message from the server")
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params));
    }

    fn open(&mut self, text: &str) {
        self.version += 1;
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "dockerfile",
                   "version": self.version, "text": text}}),
        );
    }

    fn change(&mut self, change: &Value) {
        self.version += 1;
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": self.version},
                   "contentChanges": [change]}),
        );
    }

    /// Waits for the diagnostics of the current version.
    fn diagnostics(&self) -> Vec<Value> {
        loop {
            match self.recv() {
                Message::Notification(n)
                    if n.method == "textDocument/publishDiagnostics"
                        && n.params["version"] == json!(self.version) =>
                {
                    return n.params["diagnostics"].as_array().cloned().unwrap();
                }
                Message::Request(r) => {
                    // Registrations and the like: accept them.
                    self.send(lsp_server::Response::new_ok(r.id, Value::Null));
                }
                _ => {}
            }
        }
    }

    fn stop(mut self) {
        self.send(Request::new(
            RequestId::from(2),
            "shutdown".to_string(),
            Value::Null,
        ));
        self.notify("exit", Value::Null);
        let result = self.server.take().unwrap().join();
        assert!(matches!(result, Ok(Ok(_))), "the server failed: {result:?}");
    }
}

/// What is compared of a diagnostic: code, message and UTF-16 range.
fn key(d: &Value) -> (String, String, [u64; 4]) {
    let r = &d["range"];
    (
        d["code"].as_str().unwrap_or_default().to_string(),
        d["message"].as_str().unwrap_or_default().to_string(),
        [
            r["start"]["line"].as_u64().unwrap(),
            r["start"]["character"].as_u64().unwrap(),
            r["end"]["line"].as_u64().unwrap(),
            r["end"]["character"].as_u64().unwrap(),
        ],
    )
}

/// A fresh lint of `text`, as the server would publish it.
fn expected(text: &str) -> Vec<(String, String, [u64; 4])> {
    let index = LineIndex::new(text);
    let position = |offset| index.position(text, offset, Encoding::Utf16);
    let mut out: Vec<_> = engine::lint(text, &Settings::default())
        .into_iter()
        .map(|d| {
            let (l1, c1) = position(d.range.start);
            let (l2, c2) = position(d.range.end);
            (
                d.code.to_string(),
                d.message.clone(),
                [l1, c1, l2, c2].map(u64::from),
            )
        })
        .collect();
    out.sort();
    out
}

fn check_sequence(initial: &str, edits: &[Edit]) -> Result<(), TestCaseError> {
    let mut client = Client::start();
    let mut text = initial.to_string();
    client.open(&text);
    let _ = client.diagnostics();
    for edit in edits {
        match edit {
            Edit::Insert(fraction, s) => {
                let offset = at(&text, *fraction);
                text.insert_str(offset, s);
            }
            Edit::Delete(from, to) | Edit::Replace(from, to, _) => {
                let (start, end) = (at(&text, *from), at(&text, *to));
                let with = match edit {
                    Edit::Replace(_, _, s) => s.as_str(),
                    _ => "",
                };
                text.replace_range(start.min(end)..start.max(end), with);
            }
            Edit::RawRange(l1, c1, l2, c2, s) => {
                client.change(&json!({
                    "range": {"start": {"line": l1, "character": c1},
                              "end": {"line": l2, "character": c2}},
                    "text": s,
                }));
                // Whatever it did, the server answers; the next full text
                // resets the document.
                let _ = client.diagnostics();
            }
        }
        client.change(&json!({ "text": text }));
        let mut published: Vec<_> = client.diagnostics().iter().map(key).collect();
        published.sort();
        prop_assert_eq!(published, expected(&text), "text: {:?}", text);
    }
    client.stop();
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_edits_keep_diagnostics_fresh(
        initial in dockerfile(),
        edits in prop::collection::vec(edit(), 1..12),
    ) {
        check_sequence(&initial, &edits)?;
    }
}

/// A fixed sequence whose diagnostics are not empty, so that the property
/// cannot pass by comparing nothing with nothing.
#[test]
fn a_known_sequence_publishes_the_lint() {
    let initial = "FROM alpine\nWORKDIR app\n";
    assert!(!expected(initial).is_empty());
    check_sequence(
        initial,
        &[
            Edit::Insert(1.0, "RUN apt-get install curl\n".to_string()),
            Edit::RawRange(0, 3, 0, 9, "😀".to_string()),
            Edit::Replace(0.0, 0.2, "FROM 😀 AS x\n".to_string()),
            Edit::Delete(0.5, 0.55),
        ],
    )
    .unwrap();
}
