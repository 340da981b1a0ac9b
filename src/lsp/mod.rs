//! The language server: `layerlint lsp` speaks LSP on standard input and
//! output.
//!
//! - Documents are synced whole; each open, change and save lints the text
//!   with the engine, the configuration file found for the document (with
//!   the editor's `select`, `ignore` and `build-args` on top, from
//!   `initializationOptions` or `workspace/didChangeConfiguration`) and its
//!   build context, as `layerlint check` would, and publishes the findings
//!   with their code, a link to the rule's docs and related locations.
//!   A change to a configuration or `.dockerignore` file (watched, or
//!   saved in the editor) lints every open document again.
//! - Code actions: a quick fix per fix (preferred when safe; display-only
//!   fixes are not offered), "Ignore CODE for this instruction", and
//!   `source.fixAll.layerlint` (the safe fixes, as `check --fix` applies
//!   them).
//! - Hover: the rule's docs on a finding; the value and definition of a
//!   `$VAR`; the stage a `--from`, `FROM` or stage name refers to.
//! - Document symbols: stages with their instructions.
//!
//! Positions are UTF-8 when the client offers it, else UTF-16. The server
//! never stops on a bad message: an unknown request gets `MethodNotFound`,
//! bad parameters `InvalidParams`, unknown notifications are ignored, and a
//! panic while linting becomes one diagnostic on the file (while handling a
//! request, an `InternalError` response).
//!
//! `lsp-types` stays inside this module: the rest of the crate never sees
//! the protocol.

mod actions;
mod convert;
mod hover;
mod options;
mod session;
mod symbols;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crossbeam_channel::Sender;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde::de::DeserializeOwned;

pub use options::ClientOptions;
use session::Session;

use crate::syntax::Encoding;

/// Why the server stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// `shutdown`, then `exit`: as the protocol asks.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    Abrupt,
}

/// A transport failure (the client is gone or broke the protocol).
#[derive(Debug, thiserror::Error)]
#[error("language server: {0}")]
pub struct LspError(String);

/// Runs the server on standard input and output until the client exits.
pub fn run_stdio() -> Result<Exit, LspError> {
    let (connection, io_threads) = Connection::stdio();
    let exit = serve(&connection)?;
    drop(connection);
    io_threads.join().map_err(|e| LspError(e.to_string()))?;
    Ok(exit)
}

/// Runs the server over a connection: initialization, then messages until
/// `exit` (or the connection closes).
pub fn serve(connection: &Connection) -> Result<Exit, LspError> {
    let mut server = loop {
        let (id, params) = connection
            .initialize_start()
            .map_err(|e| LspError(e.to_string()))?;
        match serde_json::from_value::<lsp::InitializeParams>(params) {
            Ok(params) => {
                let (server, result) = Server::new(connection.sender.clone(), &params);
                server.send(Response::new_ok(id, result));
                break server;
            }
            Err(e) => {
                let _ = connection.sender.send(
                    Response::new_err(
                        id,
                        ErrorCode::InvalidParams as i32,
                        format!("invalid initialize parameters: {e}"),
                    )
                    .into(),
                );
            }
        }
    };
    // Messages that arrived while the last one was handled: a change
    // followed by another change of the same document is applied without
    // linting, so that fast typing lints only the latest text.
    let mut queue = VecDeque::new();
    loop {
        let message = match queue.pop_front() {
            Some(message) => message,
            None => match connection.receiver.recv() {
                Ok(message) => message,
                Err(_) => return Ok(Exit::Abrupt),
            },
        };
        queue.extend(connection.receiver.try_iter());
        let superseded = superseded(&message, queue.front());
        if let Some(exit) = server.dispatch(message, superseded) {
            return Ok(exit);
        }
    }
}

/// Whether `message` is a change of a document that `next` changes again.
fn superseded(message: &Message, next: Option<&Message>) -> bool {
    use lsp::notification::DidChangeTextDocument as Change;
    let (Message::Notification(a), Some(Message::Notification(b))) = (message, next) else {
        return false;
    };
    let uri = |n: &Notification| {
        n.params
            .get("textDocument")
            .and_then(|d| d.get("uri"))
            .cloned()
    };
    a.method == Change::METHOD && b.method == Change::METHOD && uri(a).is_some() && uri(a) == uri(b)
}

/// The server after `initialize`: handles one message at a time.
#[derive(Debug)]
pub struct Server {
    sender: Sender<Message>,
    session: Session,
    shutting_down: bool,
    /// The client watches files for us when asked at `initialized`.
    can_watch: bool,
}

impl Server {
    /// A server for a client with these capabilities and options; returns
    /// the `initialize` result to send.
    pub fn new(
        sender: Sender<Message>,
        params: &lsp::InitializeParams,
    ) -> (Server, lsp::InitializeResult) {
        // Keystrokes lint the same `RUN`s again and again.
        crate::semantic::shell::keep_parses(crate::semantic::shell::KEPT_BY_SERVER);
        let utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encodings| encodings.contains(&lsp::PositionEncodingKind::UTF8));
        let (encoding, encoding_kind) = if utf8 {
            (Encoding::Utf8, lsp::PositionEncodingKind::UTF8)
        } else {
            (Encoding::Utf16, lsp::PositionEncodingKind::UTF16)
        };
        let mut problem = None;
        let options = match params.initialization_options.as_ref() {
            Some(value) => ClientOptions::parse(value).unwrap_or_else(|e| {
                problem = Some(e);
                ClientOptions::default()
            }),
            None => ClientOptions::default(),
        };
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .and_then(|f| convert::file_path(&f.uri))
            .or_else(|| {
                #[allow(deprecated)] // older clients send only root_uri
                params.root_uri.as_ref().and_then(convert::file_path)
            });
        let can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let server = Server {
            sender,
            session: Session::new(encoding, options, root),
            shutting_down: false,
            can_watch,
        };
        if let Some(problem) = problem {
            server.show_error(problem);
        }
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(encoding_kind),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::FULL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::SaveOptions(
                        lsp::SaveOptions {
                            include_text: Some(false),
                        },
                    )),
                    ..lsp::TextDocumentSyncOptions::default()
                },
            )),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                lsp::CodeActionOptions {
                    code_action_kinds: Some(vec![
                        lsp::CodeActionKind::QUICKFIX,
                        lsp::CodeActionKind::new(actions::FIX_ALL),
                    ]),
                    resolve_provider: Some(false),
                    ..lsp::CodeActionOptions::default()
                },
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            ..lsp::ServerCapabilities::default()
        };
        let result = lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "layerlint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        (server, result)
    }

    /// Handles one message; `Some` when the server should stop.
    pub fn handle(&mut self, message: Message) -> Option<Exit> {
        self.dispatch(message, false)
    }

    /// [`Server::handle`]; `superseded`: the message is a change that
    /// another change of the same document follows.
    fn dispatch(&mut self, message: Message, superseded: bool) -> Option<Exit> {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(notification) => {
                // Linting catches a rule's panic itself; this is for the
                // rest (a bug in the server must not end the session).
                let method = notification.method.clone();
                return catch_unwind(AssertUnwindSafe(|| {
                    self.notification(notification, superseded)
                }))
                .unwrap_or_else(|_| {
                    self.notify::<lsp::notification::LogMessage>(lsp::LogMessageParams {
                        typ: lsp::MessageType::ERROR,
                        message: format!(
                            "layerlint failed while handling `{method}` (please report it)"
                        ),
                    });
                    None
                });
            }
            // Answers to our requests (watcher registration): nothing to do.
            Message::Response(_) => {}
        }
        None
    }

    fn send(&self, message: impl Into<Message>) {
        // The client has gone: the loop ends when the receiver closes.
        let _ = self.sender.send(message.into());
    }

    fn notify<N: lsp::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn publish(&self, params: lsp::PublishDiagnosticsParams) {
        self.notify::<lsp::notification::PublishDiagnostics>(params);
    }

    fn show_error(&self, message: String) {
        self.notify::<lsp::notification::ShowMessage>(lsp::ShowMessageParams {
            typ: lsp::MessageType::ERROR,
            message,
        });
    }

    fn request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        if self.shutting_down {
            return self.send(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                format!("`{method}` after shutdown"),
            ));
        }
        let session = &self.session;
        let response = match method.as_str() {
            lsp::request::Shutdown::METHOD => {
                self.shutting_down = true;
                Response::new_ok(id, ())
            }
            lsp::request::Initialize::METHOD => Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is already initialized".to_string(),
            ),
            lsp::request::CodeActionRequest::METHOD => {
                answer(id, params, |p| actions::code_actions(session, &p))
            }
            lsp::request::HoverRequest::METHOD => answer(id, params, |p| hover::hover(session, &p)),
            lsp::request::DocumentSymbolRequest::METHOD => answer(id, params, |p| {
                symbols::document_symbols(session, &p).map(lsp::DocumentSymbolResponse::Nested)
            }),
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown method `{method}`"),
            ),
        };
        self.send(response);
    }

    fn notification(&mut self, notification: Notification, superseded: bool) -> Option<Exit> {
        use lsp::notification as n;
        let Notification { method, params } = notification;
        let published = match method.as_str() {
            n::Exit::METHOD => {
                return Some(if self.shutting_down {
                    Exit::Clean
                } else {
                    Exit::Abrupt
                });
            }
            n::Initialized::METHOD => {
                self.watch_files();
                Vec::new()
            }
            n::DidOpenTextDocument::METHOD => {
                self.with::<n::DidOpenTextDocument>(params, |s, p| {
                    let doc = p.text_document;
                    if session::is_watched(&doc.uri) {
                        return Vec::new();
                    }
                    vec![s.open(doc.uri, doc.version, doc.text)]
                })
            }
            n::DidChangeTextDocument::METHOD => {
                self.with::<n::DidChangeTextDocument>(params, |s, p| {
                    let doc = p.text_document;
                    s.change(&doc.uri, doc.version, p.content_changes, !superseded)
                        .into_iter()
                        .collect()
                })
            }
            n::DidSaveTextDocument::METHOD => {
                self.with::<n::DidSaveTextDocument>(params, |s, p| s.save(&p.text_document.uri))
            }
            n::DidCloseTextDocument::METHOD => self
                .with::<n::DidCloseTextDocument>(params, |s, p| {
                    s.close(&p.text_document.uri).into_iter().collect()
                }),
            n::DidChangeConfiguration::METHOD => {
                match serde_json::from_value::<lsp::DidChangeConfigurationParams>(params)
                    .map_err(|e| e.to_string())
                    .and_then(|p| ClientOptions::parse_change(&p.settings))
                {
                    Ok(Some(options)) => self.session.configure(options),
                    Ok(None) => Vec::new(),
                    Err(e) => {
                        self.show_error(e);
                        Vec::new()
                    }
                }
            }
            n::DidChangeWatchedFiles::METHOD => {
                self.with::<n::DidChangeWatchedFiles>(params, |s, p| {
                    if p.changes.iter().any(|c| session::is_watched(&c.uri)) {
                        s.reload()
                    } else {
                        Vec::new()
                    }
                })
            }
            // `$/cancelRequest`, `$/setTrace` and anything else: nothing
            // to do.
            _ => Vec::new(),
        };
        for params in published {
            self.publish(params);
        }
        None
    }

    /// Runs a notification handler on its decoded parameters; bad
    /// parameters are reported to the client and otherwise ignored.
    fn with<N: lsp::notification::Notification>(
        &mut self,
        params: serde_json::Value,
        handler: impl FnOnce(&mut Session, N::Params) -> Vec<lsp::PublishDiagnosticsParams>,
    ) -> Vec<lsp::PublishDiagnosticsParams> {
        match serde_json::from_value::<N::Params>(params) {
            Ok(params) => handler(&mut self.session, params),
            Err(e) => {
                self.notify::<lsp::notification::LogMessage>(lsp::LogMessageParams {
                    typ: lsp::MessageType::ERROR,
                    message: format!("layerlint: invalid `{}` parameters: {e}", N::METHOD),
                });
                Vec::new()
            }
        }
    }

    /// Asks the client to tell us about configuration and `.dockerignore`
    /// changes.
    fn watch_files(&self) {
        if !self.can_watch {
            return;
        }
        let watchers = session::WATCHED_GLOBS
            .iter()
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String((*glob).to_string()),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp::Registration {
            id: "layerlint-watched-files".to_string(),
            method: lsp::notification::DidChangeWatchedFiles::METHOD.to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.send(Request::new(
            RequestId::from("layerlint-register-watchers".to_string()),
            lsp::request::RegisterCapability::METHOD.to_string(),
            lsp::RegistrationParams {
                registrations: vec![registration],
            },
        ));
    }
}

/// Decodes a request's parameters and runs its handler: `InvalidParams`
/// when they do not decode, `InternalError` when the handler panics.
fn answer<P: DeserializeOwned, R: serde::Serialize>(
    id: RequestId,
    params: serde_json::Value,
    handler: impl FnOnce(P) -> R,
) -> Response {
    let params = match serde_json::from_value::<P>(params) {
        Ok(p) => p,
        Err(e) => {
            return Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("invalid parameters: {e}"),
            );
        }
    };
    match catch_unwind(AssertUnwindSafe(|| handler(params))) {
        Ok(result) => Response::new_ok(id, result),
        Err(_) => Response::new_err(
            id,
            ErrorCode::InternalError as i32,
            "layerlint failed while answering (please report it)".to_string(),
        ),
    }
}
