//! Reading a Dockerfile from disk or stdin into text, with a clear error for
//! everything that is not lintable text.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::syntax::SyntaxErrorKind;

/// Files larger than this are refused (offsets are 32-bit).
pub const MAX_FILE_SIZE: u64 = 512 * 1024 * 1024;

/// Why a file could not be turned into text.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: file is {size} bytes; the limit is {MAX_FILE_SIZE} bytes")]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{path}:{line}:{column}: {code} {message}", code = SyntaxErrorKind::InvalidEncoding.code())]
    Encoding {
        path: PathBuf,
        line: u32,
        column: u32,
        message: String,
        /// Byte offset of the first offending byte.
        offset: usize,
    },
}

impl SourceError {
    /// Whether the problem is the file's content (a finding) rather than
    /// the file system (an I/O error).
    pub fn is_content_error(&self) -> bool {
        matches!(self, SourceError::Encoding { .. })
    }
}

/// Reads `path` (or stdin for `-`) as UTF-8 text.
pub fn read(path: &Path) -> Result<String, SourceError> {
    let io = |source| SourceError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(MAX_FILE_SIZE + 1)
            .read_to_end(&mut buf)
            .map_err(io)?;
        buf
    } else {
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a directory",
            )));
        }
        if meta.len() > MAX_FILE_SIZE {
            return Err(SourceError::TooLarge {
                path: path.to_path_buf(),
                size: meta.len(),
            });
        }
        std::fs::read(path).map_err(io)?
    };
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(SourceError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
        });
    }
    decode(path, bytes)
}

/// Turns bytes into text: refuses binary data (NUL bytes) and invalid UTF-8,
/// naming the line and column of the first offending byte.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, SourceError> {
    let (offset, message) = if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        (
            nul,
            "binary file: contains a NUL byte, not Dockerfile text".to_string(),
        )
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => return Ok(text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let byte = e.as_bytes()[at];
                let (line, column) = line_col_of_bytes(e.as_bytes(), at);
                return Err(SourceError::Encoding {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: format!(
                        "invalid UTF-8: byte 0x{byte:02x} is not UTF-8 text (is the file in another encoding?)"
                    ),
                    offset: at,
                });
            }
        }
    };
    let (line, column) = line_col_of_bytes(&bytes, offset);
    Err(SourceError::Encoding {
        path: path.to_path_buf(),
        line,
        column,
        message,
        offset,
    })
}

/// 1-based line and column (in characters) of a byte offset in bytes that
/// may not be valid UTF-8.
pub fn line_col_of_bytes(bytes: &[u8], offset: usize) -> (u32, u32) {
    let prefix = &bytes[..offset.min(bytes.len())];
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = bytecount(prefix, b'\n') + 1;
    let column = String::from_utf8_lossy(&prefix[line_start..])
        .chars()
        .count()
        + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

fn bytecount(bytes: &[u8], needle: u8) -> usize {
    bytes.split(|&b| b == needle).count() - 1
}
