//! The open documents and what each is linted with: its settings (the
//! configuration file found for it, with the editor's settings on top) and
//! its build context, both kept until something they depend on changes, so
//! that a keystroke costs one parse and one lint.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types as lsp;

use super::convert::{self, Lines};
use super::options::ClientOptions;
use crate::config::{ConfigCache, Discovery};
use crate::diagnostic::Diagnostic;
use crate::engine::{self, IncrementalLint, Settings};
use crate::semantic::context::{BuildContext, ContextCache, WalkOptions};
use crate::syntax::{self, Encoding, LineIndex};

/// How a document is linted; tests put a failing linter here.
pub(crate) type Linter =
    fn(&str, &Settings, Option<&BuildContext>, &mut IncrementalLint) -> Vec<Diagnostic>;

/// The engine, as `layerlint check` runs it (with the same findings), but
/// reusing what the document's last lint found where an edit cannot have
/// changed it.
fn engine_lint(
    text: &str,
    settings: &Settings,
    context: Option<&BuildContext>,
    last: &mut IncrementalLint,
) -> Vec<Diagnostic> {
    if text.contains('\0') {
        // Not text: the engine's byte check reports it.
        last.clear();
        return engine::lint_bytes(text.as_bytes(), settings).diagnostics;
    }
    let file = syntax::parse(text);
    last.lint(&file, settings, context)
}

/// What a document is linted with.
#[derive(Debug, Clone)]
pub(crate) struct Setup {
    pub settings: Arc<Settings>,
    pub context: Option<Arc<BuildContext>>,
    /// Why the configuration could not be used (the defaults are then).
    pub problem: Option<String>,
}

/// An open document and its last lint.
#[derive(Debug)]
pub(crate) struct Document {
    pub uri: lsp::Uri,
    pub path: Option<PathBuf>,
    pub version: Option<i32>,
    pub text: String,
    pub lines: LineIndex,
    pub setup: Setup,
    /// The engine's findings in `text`.
    pub diagnostics: Vec<Diagnostic>,
    /// The last lint, for linting the next edit.
    pub last: IncrementalLint,
    /// Problems with the file as a whole (the linter failed, the
    /// configuration is broken).
    pub problems: Vec<lsp::Diagnostic>,
}

impl Document {
    pub fn lines(&self, encoding: Encoding) -> Lines<'_> {
        Lines {
            text: &self.text,
            index: &self.lines,
            encoding,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Session {
    pub encoding: Encoding,
    pub options: ClientOptions,
    /// The workspace folder, for documents without a path.
    pub root: Option<PathBuf>,
    configs: ConfigCache,
    contexts: ContextCache,
    pub documents: HashMap<lsp::Uri, Document>,
    pub linter: Linter,
}

impl Session {
    pub fn new(encoding: Encoding, options: ClientOptions, root: Option<PathBuf>) -> Self {
        Self {
            encoding,
            options,
            root,
            configs: ConfigCache::new(Discovery::from_env()),
            contexts: ContextCache::new(WalkOptions::default()),
            documents: HashMap::new(),
            linter: engine_lint,
        }
    }

    /// Settings and build context for a document at `path`.
    fn setup(&self, path: Option<&Path>) -> Setup {
        let overrides = self.options.overrides();
        let dir = path
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(|| self.root.clone());
        let config = match (path, &dir) {
            (Some(p), _) => self.configs.for_file(p),
            (None, Some(d)) => self.configs.for_dir(d),
            (None, None) => Ok(Arc::default()),
        };
        let settings = config.as_ref().map_err(ToString::to_string).and_then(|c| {
            match path {
                Some(p) => c.settings_for(p, &overrides),
                None => c.settings(&overrides),
            }
            .map_err(|e| e.to_string())
        });
        let (settings, problem) = match settings {
            Ok(s) => (s, None),
            Err(e) => {
                // Lint with the editor's settings alone, and say why.
                let fallback = crate::config::Config::default()
                    .settings(&overrides)
                    .unwrap_or_default();
                (
                    fallback,
                    Some(format!("layerlint: configuration not used: {e}")),
                )
            }
        };
        let context = path.and_then(|p| {
            let root = config
                .as_ref()
                .ok()
                .and_then(|c| c.effective_context(&overrides))
                .or_else(|| p.parent().map(Path::to_path_buf))?;
            self.contexts.get(&root, Some(p)).ok()
        });
        Setup {
            settings: Arc::new(settings),
            context,
            problem,
        }
    }

    /// Lints a document's text again, catching a panic in a rule.
    fn lint(&self, doc: &mut Document) {
        let linter = self.linter;
        let setup = &doc.setup;
        let text = doc.text.as_str();
        let last = &mut doc.last;
        let result = catch_unwind(AssertUnwindSafe(|| {
            linter(text, &setup.settings, setup.context.as_deref(), last)
        }));
        doc.problems.clear();
        if let Some(problem) = &setup.problem {
            doc.problems.push(convert::file_problem(problem.clone()));
        }
        match result {
            Ok(diagnostics) => doc.diagnostics = diagnostics,
            Err(payload) => {
                doc.diagnostics.clear();
                doc.last.clear();
                let what = payload
                    .downcast_ref::<&str>()
                    .map(ToString::to_string)
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown error".to_string());
                doc.problems.push(convert::file_problem(format!(
                    "layerlint failed on this file (please report it): {what}"
                )));
            }
        }
    }

    /// The diagnostics to publish for a document.
    pub fn publish(&self, doc: &Document) -> lsp::PublishDiagnosticsParams {
        let lines = doc.lines(self.encoding);
        let mut diagnostics = doc.problems.clone();
        diagnostics.extend(
            doc.diagnostics
                .iter()
                .map(|d| convert::diagnostic(d, &lines, &doc.uri)),
        );
        lsp::PublishDiagnosticsParams {
            uri: doc.uri.clone(),
            diagnostics,
            version: doc.version,
        }
    }

    pub fn open(
        &mut self,
        uri: lsp::Uri,
        version: i32,
        text: String,
    ) -> lsp::PublishDiagnosticsParams {
        let path = convert::file_path(&uri);
        let setup = self.setup(path.as_deref());
        let mut doc = Document {
            lines: LineIndex::new(&text),
            uri: uri.clone(),
            path,
            version: Some(version),
            text,
            setup,
            diagnostics: Vec::new(),
            last: IncrementalLint::new(),
            problems: Vec::new(),
        };
        self.lint(&mut doc);
        let params = self.publish(&doc);
        self.documents.insert(uri, doc);
        params
    }

    /// Applies the editor's changes (whole texts, or ranges if a client
    /// sends them anyway) and lints again, unless `lint` is false (another
    /// change of the document is already waiting).
    pub fn change(
        &mut self,
        uri: &lsp::Uri,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
        lint: bool,
    ) -> Option<lsp::PublishDiagnosticsParams> {
        let encoding = self.encoding;
        let mut doc = self.documents.remove(uri)?;
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let range = doc.lines(encoding).text_range(range);
                    doc.text.replace_range(range.as_usize(), &change.text);
                }
            }
            doc.lines = LineIndex::new(&doc.text);
        }
        doc.version = Some(version);
        if !lint {
            self.documents.insert(uri.clone(), doc);
            return None;
        }
        self.lint(&mut doc);
        let params = self.publish(&doc);
        self.documents.insert(uri.clone(), doc);
        Some(params)
    }

    /// Saving may have changed the build context: walk it again.
    pub fn save(&mut self, uri: &lsp::Uri) -> Vec<lsp::PublishDiagnosticsParams> {
        if is_watched(uri) {
            return self.reload();
        }
        self.contexts = ContextCache::new(WalkOptions::default());
        let Some(mut doc) = self.documents.remove(uri) else {
            return Vec::new();
        };
        doc.setup = self.setup(doc.path.as_deref());
        doc.last.clear();
        self.lint(&mut doc);
        let params = self.publish(&doc);
        self.documents.insert(uri.clone(), doc);
        vec![params]
    }

    pub fn close(&mut self, uri: &lsp::Uri) -> Option<lsp::PublishDiagnosticsParams> {
        self.documents
            .remove(uri)
            .map(|_| lsp::PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics: Vec::new(),
                version: None,
            })
    }

    /// Forgets every configuration and context read, and lints every open
    /// document again.
    pub fn reload(&mut self) -> Vec<lsp::PublishDiagnosticsParams> {
        self.configs = ConfigCache::new(Discovery::from_env());
        self.contexts = ContextCache::new(WalkOptions::default());
        let mut docs: Vec<Document> = self.documents.drain().map(|(_, d)| d).collect();
        docs.sort_by(|a, b| a.uri.as_str().cmp(b.uri.as_str()));
        let mut published = Vec::with_capacity(docs.len());
        for mut doc in docs {
            doc.setup = self.setup(doc.path.as_deref());
            doc.last.clear();
            self.lint(&mut doc);
            published.push(self.publish(&doc));
            self.documents.insert(doc.uri.clone(), doc);
        }
        published
    }

    /// New editor settings: lint everything again with them.
    pub fn configure(&mut self, options: ClientOptions) -> Vec<lsp::PublishDiagnosticsParams> {
        self.options = options;
        self.reload()
    }

    /// Safe fixes applied to a document to a fixed point (`None` when
    /// nothing changes or the fixer failed).
    pub fn fix_all(doc: &Document) -> Option<String> {
        if doc.text.contains('\0') {
            return None;
        }
        let settings = &doc.setup.settings;
        let fixed = catch_unwind(AssertUnwindSafe(|| {
            engine::fix(&doc.text, settings, false).text
        }))
        .ok()?;
        (fixed != doc.text).then_some(fixed)
    }
}

/// Files whose change changes how Dockerfiles are linted: configuration
/// and `.dockerignore` files.
pub(crate) fn is_watched(uri: &lsp::Uri) -> bool {
    let s = uri.as_str();
    let name = s.rsplit('/').next().unwrap_or(s);
    name.ends_with(".dockerignore")
        || matches!(
            name,
            ".layerlint.yaml" | ".layerlint.yml" | ".hadolint.yaml" | ".hadolint.yml"
        )
}

/// The glob patterns a client watches for us.
pub(crate) const WATCHED_GLOBS: &[&str] = &[
    "**/.dockerignore",
    "**/*.dockerignore",
    "**/.layerlint.{yaml,yml}",
    "**/.hadolint.{yaml,yml}",
];
