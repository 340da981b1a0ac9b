//! The server over an in-memory connection, one client message at a time,
//! as an editor drives it.

use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use super::{Exit, LspError, serve};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<Exit, LspError>>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    pending: Vec<Notification>,
    initialized: Value,
}

impl Client {
    /// Starts a server and initializes it with these client capabilities
    /// and options (`null`: only the rules these tests are about, so that
    /// rules added later do not change them).
    fn start(capabilities: &Value, options: &Value) -> Client {
        let options = if options.is_null() {
            &json!({"select": TEST_RULES})
        } else {
            options
        };
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || serve(&server_side));
        let mut client = Client {
            conn: client_side,
            server: Some(server),
            next_id: 0,
            pending: Vec::new(),
            initialized: Value::Null,
        };
        let result = client.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities,
                   "initializationOptions": options}),
        );
        client.initialized = result.result.expect("initialize result");
        client.notify("initialized", json!({}));
        client
    }

    fn default() -> Client {
        Client::start(&json!({}), &Value::Null)
    }

    fn send(&self, message: impl Into<Message>) {
        self.conn.sender.send(message.into()).unwrap();
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params));
    }

    fn request(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.to_string(), params));
        loop {
            match self.conn.receiver.recv_timeout(TIMEOUT).expect("response") {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) => self.pending.push(n),
                Message::Request(r) => self.answer_server_request(&r),
                Message::Response(_) => {}
            }
        }
    }

    fn ok(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.error.is_none(), "{method}: {:?}", response.error);
        response.result.unwrap_or(Value::Null)
    }

    fn answer_server_request(&self, request: &Request) {
        self.send(Response::new_ok(request.id.clone(), ()));
    }

    /// The next notification of `method`.
    fn expect(&mut self, method: &str) -> Value {
        if let Some(i) = self.pending.iter().position(|n| n.method == method) {
            return self.pending.remove(i).params;
        }
        loop {
            match self.conn.receiver.recv_timeout(TIMEOUT).expect(method) {
                Message::Notification(n) if n.method == method => return n.params,
                Message::Notification(n) => self.pending.push(n),
                Message::Request(r) => self.answer_server_request(&r),
                Message::Response(_) => {}
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let params = self.expect("textDocument/publishDiagnostics");
            if params["uri"] == uri {
                return params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "dockerfile",
                                    "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    fn shutdown(mut self) -> Exit {
        assert_eq!(self.ok("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap().unwrap()
    }
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("-").to_string())
        .collect()
}

/// (code, 0-based line, start character) of each diagnostic.
fn positions(diagnostics: &[Value]) -> Vec<(String, u64, u64)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("-").to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect()
}

const URI: &str = "untitled:Dockerfile";

/// The rules the tests exercise.
const TEST_RULES: [&str; 4] = ["DL3000", "DL3025", "DL4003", "LL102"];

/// The codes among `TEST_RULES`, for tests that run every rule.
fn test_codes(diagnostics: &[Value]) -> Vec<String> {
    codes(diagnostics)
        .into_iter()
        .filter(|c| TEST_RULES.contains(&c.as_str()))
        .collect()
}

/// A text edit applied to a text, positions in UTF-8 or UTF-16 as given.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|e| {
        (
            e["range"]["start"]["line"].as_u64(),
            e["range"]["start"]["character"].as_u64(),
        )
    });
    let index = crate::syntax::LineIndex::new(text);
    let offset = |p: &Value| {
        index.offset(
            text,
            p["line"].as_u64().unwrap() as u32,
            p["character"].as_u64().unwrap() as u32,
            crate::syntax::Encoding::Utf16,
        ) as usize
    };
    let mut out = text.to_string();
    for e in edits.iter().rev() {
        let range = offset(&e["range"]["start"])..offset(&e["range"]["end"]);
        out.replace_range(range, e["newText"].as_str().unwrap());
    }
    out
}

/// The edits of a code action for [`URI`].
fn action_edits(action: &Value) -> Vec<Value> {
    action["edit"]["changes"][URI]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn code_actions(
    client: &mut Client,
    line: u32,
    character: u32,
    only: Option<&[&str]>,
) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let position = json!({"line": line, "character": character});
    client
        .ok(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI},
                   "range": {"start": position, "end": position}, "context": context}),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn hover(client: &mut Client, line: u32, character: u32) -> Option<String> {
    let result = client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI},
               "position": {"line": line, "character": character}}),
    );
    result["contents"]["value"]
        .as_str()
        .map(ToString::to_string)
}

#[test]
fn initialize_negotiates_the_position_encoding() {
    // `é` is two UTF-8 bytes and one UTF-16 unit: `as` starts at byte 12,
    // UTF-16 unit 11.
    let text = "FROM é/img as build\n";
    let mut utf8 = Client::start(
        &json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
        &Value::Null,
    );
    assert_eq!(
        utf8.initialized["capabilities"]["positionEncoding"],
        "utf-8"
    );
    assert_eq!(utf8.initialized["serverInfo"]["name"], json!("layerlint"));
    let found = utf8.open(URI, text);
    assert!(
        positions(&found).contains(&("LL102".to_string(), 0, 12)),
        "{found:?}"
    );
    assert_eq!(utf8.shutdown(), Exit::Clean);

    let mut utf16 = Client::start(
        &json!({"general": {"positionEncodings": ["utf-16"]}}),
        &Value::Null,
    );
    assert_eq!(
        utf16.initialized["capabilities"]["positionEncoding"],
        "utf-16"
    );
    let found = utf16.open(URI, text);
    assert!(
        positions(&found).contains(&("LL102".to_string(), 0, 11)),
        "{found:?}"
    );
    // No encodings offered: UTF-16, the protocol's default.
    let default = Client::default();
    assert_eq!(
        default.initialized["capabilities"]["positionEncoding"],
        "utf-16"
    );
    let caps = &default.initialized["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 1, "full sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.layerlint"])
    );
    assert_eq!(default.shutdown(), Exit::Clean);
}

#[test]
fn diagnostics_on_open_change_save_and_close() {
    let mut client = Client::default();
    let found = client.open(
        URI,
        "FROM alpine:3.19\nWORKDIR app\nCMD [\"a\"]\nCMD [\"b\"]\n",
    );
    assert_eq!(
        positions(&found),
        vec![("DL3000".to_string(), 1, 8), ("DL4003".to_string(), 2, 0)]
    );
    let workdir = &found[0];
    assert_eq!(workdir["severity"], 1, "error");
    assert_eq!(workdir["source"], "layerlint");
    assert!(
        workdir["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/DL3000.md"),
        "{workdir}"
    );
    assert!(workdir["message"].as_str().unwrap().contains("app"));
    // Related location: the `CMD` that takes effect.
    let related = &found[1]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], URI);
    assert_eq!(related["location"]["range"]["start"]["line"], 3);
    assert_eq!(related["message"], "this `CMD` takes effect");
    assert_eq!(found[1]["severity"], 2, "warning");

    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2},
               "contentChanges": [{"text": "FROM alpine:3.19\nWORKDIR /app\n"}]}),
    );
    let params = client.expect("textDocument/publishDiagnostics");
    assert_eq!(params["version"], 2);
    assert_eq!(params["diagnostics"], json!([]));

    // A client that sends ranges anyway gets them applied.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 1, "character": 8},
                                             "end": {"line": 1, "character": 9}},
                                   "text": ""}]}),
    );
    assert_eq!(codes(&client.diagnostics(URI)), vec!["DL3000"]);

    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(codes(&client.diagnostics(URI)), vec!["DL3000"]);

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(client.diagnostics(URI), Vec::<Value>::new());
    assert_eq!(client.shutdown(), Exit::Clean);
}

#[test]
fn quick_fixes_ignore_actions_and_fix_all() {
    let mut client = Client::default();
    let text = "FROM alpine:3.19 as base\n  WORKDIR app\nCMD node server.js\n\
                FROM base AS run\nENTRYPOINT exec-me\nCMD echo $HOME | cat\n";
    let found = client.open(URI, text);
    assert_eq!(
        codes(&found),
        vec!["LL102", "DL3000", "DL3025", "DL3025", "DL3025"]
    );

    // A safe fix: preferred; then the suppression.
    let actions = code_actions(&mut client, 0, 18, None);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles[..2],
        ["Write `AS`", "Ignore LL102 for this instruction"][..]
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["diagnostics"][0]["code"], "LL102");
    let fixed = apply_edits(text, &action_edits(&actions[0]));
    assert!(fixed.starts_with("FROM alpine:3.19 AS base\n"), "{fixed}");
    assert_eq!(actions[1].get("isPreferred"), None);

    // The suppression keeps the instruction's indentation.
    let actions = code_actions(&mut client, 1, 11, Some(&["quickfix"]));
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore DL3000 for this instruction")
        .unwrap();
    let ignored = apply_edits(text, &action_edits(ignore));
    assert!(
        ignored.contains("\n  # layerlint ignore=DL3000\n  WORKDIR app\n"),
        "{ignored}"
    );
    // ... and the server agrees that it suppresses.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": ignored}]}),
    );
    assert!(!codes(&client.diagnostics(URI)).contains(&"DL3000".to_string()));
    // A second code joins the same comment.
    let actions = code_actions(&mut client, 0, 18, Some(&["quickfix"]));
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore LL102 for this instruction")
        .unwrap();
    assert!(
        apply_edits(&ignored, &action_edits(ignore)).starts_with("# layerlint ignore=LL102\nFROM")
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": text}]}),
    );
    client.diagnostics(URI);

    // Unsafe: offered, not preferred.
    let actions = code_actions(&mut client, 4, 12, None);
    let unsafe_fix = &actions[0];
    assert_eq!(unsafe_fix["title"], "Convert to the exec form (unsafe)");
    assert_eq!(unsafe_fix.get("isPreferred"), None);
    // Display-only: not offered; the suppression is.
    let actions = code_actions(&mut client, 5, 6, Some(&["quickfix"]));
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Ignore DL3025 for this instruction"]);

    // Fix all: the safe fixes only, as `check --fix`.
    let actions = code_actions(&mut client, 0, 0, Some(&["source.fixAll"]));
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.layerlint");
    let all = apply_edits(text, &action_edits(&actions[0]));
    let settings = crate::Settings::only(&TEST_RULES).unwrap();
    let expected = crate::engine::fix(text, &settings, false).text;
    assert_eq!(all, expected);
    assert!(
        all.contains("AS base") && all.contains("CMD [\"node\", \"server.js\"]"),
        "{all}"
    );
    assert!(
        all.contains("ENTRYPOINT exec-me"),
        "unsafe fix left out: {all}"
    );
    // Quick fixes are not source actions.
    assert!(
        code_actions(&mut client, 0, 18, Some(&["source"]))
            .iter()
            .all(|a| a["kind"] != "quickfix")
    );
    assert_eq!(client.shutdown(), Exit::Clean);
}

#[test]
fn hover_shows_rule_docs_variables_and_stages() {
    let mut client = Client::start(
        &json!({}),
        &json!({"build-args": {"FROM_CLI": "9"}, "select": TEST_RULES}),
    );
    let text = "ARG BASE=alpine:3.19\nARG FROM_CLI=1\nFROM $BASE AS build\nENV APP=/srv\n\
                WORKDIR ${APP}/x\nARG FROM_CLI\nRUN echo $HOME $FROM_CLI $BASE\n\
                FROM build\nCOPY --from=build /srv /srv\nRUN --mount=type=cache,from=build,target=/c true\n\
                WORKDIR rel\n";
    client.open(URI, text);

    // A finding: its message and the rule's docs.
    let docs = hover(&mut client, 10, 9).unwrap();
    assert!(
        docs.starts_with("**DL3000** (workdir-relative-path):"),
        "{docs}"
    );
    assert!(
        docs.contains("## What it does") && docs.contains("DL3000.md"),
        "{docs}"
    );

    // Variables: value and definition.
    let var = hover(&mut client, 4, 11).unwrap();
    assert!(var.contains("**`$APP`** = `/srv`"), "{var}");
    assert!(
        var.contains("Defined by `ENV` on line 4") && var.contains("ENV APP=/srv"),
        "{var}"
    );
    let global = hover(&mut client, 2, 7).unwrap();
    assert!(global.contains("`$BASE`** = `alpine:3.19`"), "{global}");
    assert!(global.contains("global `ARG`"), "{global}");
    // Build arguments from the settings win.
    let cli = hover(&mut client, 6, 18).unwrap();
    assert!(
        cli.contains("= `9`") && cli.contains("build arguments"),
        "{cli}"
    );
    // Not in the Dockerfile: the base image may set it.
    let home = hover(&mut client, 6, 11).unwrap();
    assert!(home.contains("base image"), "{home}");
    // A global ARG not redeclared in the stage.
    let base = hover(&mut client, 6, 28).unwrap();
    assert!(
        base.contains("not in scope here") && base.contains("ARG BASE"),
        "{base}"
    );

    // Stages: `--from`, `from=` of a mount, `FROM <stage>`, `AS name`.
    for (line, character) in [(8, 13), (9, 30), (7, 7), (2, 16)] {
        let stage = hover(&mut client, line, character)
            .unwrap_or_else(|| panic!("no hover at {line}:{character}"));
        assert!(
            stage.contains("**stage `build`** (stage 1 of 2, line 3)")
                && stage.contains("FROM $BASE AS build"),
            "{line}:{character}: {stage}"
        );
    }
    // Nothing there.
    assert_eq!(hover(&mut client, 3, 1), None);
    assert_eq!(client.shutdown(), Exit::Clean);
}

#[test]
fn document_symbols_are_stages_with_their_steps() {
    let mut client = Client::default();
    client.open(
        URI,
        "ARG V=1\nFROM alpine:3.19 AS build\nRUN make\nFROM scratch\nCOPY --from=build /a /a\n",
    );
    let symbols = client.ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ARG V=1", "build", "stage 1"]);
    let build = &symbols[1];
    assert_eq!(build["detail"], "alpine:3.19");
    assert_eq!(build["range"]["start"]["line"], 1);
    assert_eq!(build["range"]["end"]["line"], 2);
    assert_eq!(build["selectionRange"]["start"]["character"], 20);
    assert_eq!(build["children"][0]["name"], "RUN make");
    assert_eq!(symbols[2]["children"][0]["name"], "COPY --from=build /a /a");
    assert_eq!(client.shutdown(), Exit::Clean);
}

#[test]
fn settings_from_initialization_and_configuration_changes() {
    let text = "FROM alpine:3.19 as base\nWORKDIR app\n";
    let mut client = Client::start(&json!({}), &json!({"layerlint": {"select": ["DL3000"]}}));
    assert_eq!(codes(&client.open(URI, text)), vec!["DL3000"]);
    // Settings that are not ours (`{}`, other tools' sections)
    // change nothing: no re-lint, the next answer is the symbols'.
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    client.ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    assert!(client.pending.is_empty(), "{:?}", client.pending);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"layerlint": {"ignore": "DL3000"}}}),
    );
    assert_eq!(test_codes(&client.diagnostics(URI)), vec!["LL102"]);
    // A bad setting is shown and the previous settings stay.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"select": ["NOT-A-RULE"]}}),
    );
    let message = client.expect("window/showMessage");
    assert!(
        message["message"].as_str().unwrap().contains("NOT-A-RULE"),
        "{message}"
    );
    assert_eq!(client.shutdown(), Exit::Clean);
}

#[test]
fn configuration_files_and_dockerignore_changes_relint() {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = dir.path().join("Dockerfile");
    let text = "FROM alpine:3.19 as base\nWORKDIR app\n";
    std::fs::write(&dockerfile, text).unwrap();
    std::fs::write(dir.path().join(".layerlint.yaml"), "ignore: [DL3000]\n").unwrap();
    let uri = format!("file://{}", dockerfile.display());
    let config_uri = format!("file://{}/.layerlint.yaml", dir.path().display());

    let mut client = Client::start(
        &json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        &json!({}),
    );
    assert_eq!(test_codes(&client.open(&uri, text)), vec!["LL102"]);

    std::fs::write(dir.path().join(".layerlint.yaml"), "ignore: [LL102]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    assert_eq!(test_codes(&client.diagnostics(&uri)), vec!["DL3000"]);

    // Saving a configuration file open in the editor does the same; a
    // broken one is reported on the document, which is linted with the
    // defaults.
    std::fs::write(dir.path().join(".layerlint.yaml"), "ignore: [NOPE42]\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    let found = client.diagnostics(&uri);
    assert!(
        found[0]["message"].as_str().unwrap().contains("NOPE42"),
        "{found:?}"
    );
    assert_eq!(test_codes(&found[1..]), vec!["LL102", "DL3000"]);

    // A `.dockerignore` change also re-lints.
    std::fs::remove_file(dir.path().join(".layerlint.yaml")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}/.dockerignore", dir.path().display()), "type": 1}]}),
    );
    assert_eq!(
        test_codes(&client.diagnostics(&uri)),
        vec!["LL102", "DL3000"]
    );
    // Other files do not.
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}/main.go", dir.path().display()), "type": 2}]}),
    );
    assert_eq!(
        client
            .ok(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}})
            )
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(
        client
            .pending
            .iter()
            .all(|n| n.method != "textDocument/publishDiagnostics")
    );
    assert_eq!(client.shutdown(), Exit::Clean);
}

#[test]
fn watchers_are_registered_when_the_client_can() {
    let (server_side, client_side) = Connection::memory();
    let server = std::thread::spawn(move || serve(&server_side));
    client_side
        .sender
        .send(
            Request::new(
                RequestId::from(1),
                "initialize".to_string(),
                json!({"capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}),
            )
            .into(),
        )
        .unwrap();
    let Message::Response(_) = client_side.receiver.recv_timeout(TIMEOUT).unwrap() else {
        panic!("expected the initialize response");
    };
    client_side
        .sender
        .send(Notification::new("initialized".to_string(), json!({})).into())
        .unwrap();
    let Message::Request(register) = client_side.receiver.recv_timeout(TIMEOUT).unwrap() else {
        panic!("expected client/registerCapability");
    };
    assert_eq!(register.method, "client/registerCapability");
    let registration = &register.params["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert!(globs.contains(&"**/.dockerignore"), "{globs:?}");
    client_side
        .sender
        .send(Response::new_ok(register.id, ()).into())
        .unwrap();
    client_side
        .sender
        .send(Notification::new("exit".to_string(), Value::Null).into())
        .unwrap();
    assert_eq!(server.join().unwrap().unwrap(), Exit::Abrupt);
}

#[test]
fn unknown_and_malformed_messages_do_not_stop_the_server() {
    let mut client = Client::default();
    let unknown = client.request("textDocument/rename", json!({}));
    assert_eq!(
        unknown.error.unwrap().code,
        lsp_server::ErrorCode::MethodNotFound as i32
    );
    let malformed = client.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(
        malformed.error.unwrap().code,
        lsp_server::ErrorCode::InvalidParams as i32
    );
    let missing = client.request("textDocument/codeAction", Value::Null);
    assert_eq!(
        missing.error.unwrap().code,
        lsp_server::ErrorCode::InvalidParams as i32
    );
    let again = client.request("initialize", json!({"capabilities": {}}));
    assert_eq!(
        again.error.unwrap().code,
        lsp_server::ErrorCode::InvalidRequest as i32
    );
    // Unknown notifications and bad parameters on known ones are ignored
    // (the latter logged).
    client.notify("$/unknown", json!({"x": 1}));
    client.notify("textDocument/didOpen", json!({"textDocument": "nope"}));
    let log = client.expect("window/logMessage");
    assert!(
        log["message"].as_str().unwrap().contains("didOpen"),
        "{log}"
    );
    // A document the server never saw: empty answers.
    assert_eq!(hover(&mut client, 0, 0), None);
    assert_eq!(code_actions(&mut client, 0, 0, None), Vec::<Value>::new());
    // Still working.
    assert_eq!(
        codes(&client.open(URI, "FROM alpine:3.19\nWORKDIR app\n")),
        vec!["DL3000"]
    );

    // After shutdown, requests are refused and `exit` ends the loop.
    assert_eq!(client.ok("shutdown", Value::Null), Value::Null);
    let late = client.request("textDocument/hover", json!({}));
    assert_eq!(
        late.error.unwrap().code,
        lsp_server::ErrorCode::InvalidRequest as i32
    );
    client.notify("exit", Value::Null);
    assert_eq!(
        client.server.take().unwrap().join().unwrap().unwrap(),
        Exit::Clean
    );
}

#[test]
fn exit_without_shutdown_is_abrupt() {
    let mut client = Client::default();
    client.notify("exit", Value::Null);
    assert_eq!(
        client.server.take().unwrap().join().unwrap().unwrap(),
        Exit::Abrupt
    );
}

#[test]
fn a_panicking_rule_becomes_one_diagnostic_and_the_server_goes_on() {
    fn panics(
        _: &str,
        _: &crate::Settings,
        _: Option<&crate::semantic::context::BuildContext>,
        _: &mut crate::engine::IncrementalLint,
    ) -> Vec<crate::Diagnostic> {
        panic!("rule exploded");
    }
    let (sender, receiver) = crossbeam_channel::unbounded();
    let params: lsp_types::InitializeParams =
        serde_json::from_value(json!({"capabilities": {}})).unwrap();
    let (mut server, _) = super::Server::new(sender, &params);
    server.session.linter = panics;
    let open = |version: i32, text: &str| {
        Message::Notification(Notification::new(
            "textDocument/didOpen".to_string(),
            json!({"textDocument": {"uri": URI, "languageId": "dockerfile",
                                    "version": version, "text": text}}),
        ))
    };
    assert_eq!(server.handle(open(1, "FROM alpine\n")), None);
    let Message::Notification(published) = receiver.recv_timeout(TIMEOUT).unwrap() else {
        panic!("expected diagnostics");
    };
    let diagnostics = published.params["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("rule exploded"), "{message}");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 0);
    // Back to the real engine: the same server lints again.
    server.session.linter = |text, settings, context, _| {
        let file = crate::syntax::parse(text);
        crate::engine::lint_in_context(&file, settings, context)
    };
    server.handle(open(2, "FROM alpine:3.19\nWORKDIR app\n"));
    let Message::Notification(published) = receiver.recv_timeout(TIMEOUT).unwrap() else {
        panic!("expected diagnostics");
    };
    assert_eq!(
        test_codes(published.params["diagnostics"].as_array().unwrap()),
        vec!["DL3000"]
    );
}

#[test]
fn queued_changes_of_a_document_are_linted_once() {
    use super::superseded;
    let change = |uri: &str, version: i32| {
        Message::Notification(Notification::new(
            "textDocument/didChange".to_string(),
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": "FROM alpine:3.19\nWORKDIR app\n"}]}),
        ))
    };
    assert!(superseded(&change(URI, 1), Some(&change(URI, 2))));
    assert!(!superseded(
        &change(URI, 1),
        Some(&change("untitled:other", 2))
    ));
    assert!(!superseded(&change(URI, 1), None));
    let hover = Message::Request(Request::new(
        RequestId::from(9),
        "textDocument/hover".to_string(),
        json!({}),
    ));
    assert!(!superseded(&change(URI, 1), Some(&hover)));

    // Through the loop: ten quick changes, then a request. How many are
    // linted depends on timing; the last one always is.
    let mut client = Client::default();
    client.open(URI, "FROM alpine:3.19\n");
    for version in 2..=11 {
        client.send(change(URI, version));
    }
    client.ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let published: Vec<Notification> = client
        .pending
        .drain(..)
        .filter(|n| n.method == "textDocument/publishDiagnostics")
        .collect();
    let last = published.last().expect("diagnostics");
    assert_eq!(last.params["version"], 11);
    assert_eq!(
        codes(last.params["diagnostics"].as_array().unwrap()),
        vec!["DL3000"]
    );
}
