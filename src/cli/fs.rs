//! File-system edges: reading a Dockerfile (or standard input) as bytes,
//! and writing a fixed file atomically.

use std::io::{self, Read, Write};
use std::path::Path;

use super::error::CliError;

/// Files larger than this are refused. The largest Dockerfile of the
/// 6,701-file corpus is 145 KB; linting takes time and memory in
/// proportion to the size (a 100 MB file took minutes and gigabytes), so
/// anything this big is a mistake (a log, an image, a device), not a
/// Dockerfile to wait for.
pub const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Reads a file's bytes, refusing directories and oversized files.
pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    let error = |source| CliError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(error)?;
    let meta = file.metadata().map_err(error)?;
    if meta.is_dir() {
        return Err(error(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(CliError::TooLarge {
            path: path.to_path_buf(),
            size: Some(meta.len()),
            limit: MAX_FILE_SIZE,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(error)?;
    // A file that grew since `metadata`, or a device or pipe whose size
    // metadata does not tell (`/dev/zero`, `<(…)`).
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(CliError::TooLarge {
            path: path.to_path_buf(),
            size: None,
            limit: MAX_FILE_SIZE,
        });
    }
    Ok(bytes)
}

/// Reads all of standard input.
pub fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| CliError::Read {
            path: "-".into(),
            source,
        })?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(CliError::TooLarge {
            path: "-".into(),
            size: None,
            limit: MAX_FILE_SIZE,
        });
    }
    Ok(bytes)
}

/// Replaces `path`'s content: writes a temporary file in the same directory,
/// gives it the original's permissions, and renames it over the original,
/// so a reader sees the old file or the new one, never half of one. A
/// symbolic link is followed: the file it points to is replaced.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let error = |source| CliError::Write {
        path: path.to_path_buf(),
        source,
    };
    let target = std::fs::canonicalize(path).map_err(error)?;
    let dir = target.parent().unwrap_or_else(|| Path::new("."));
    let permissions = std::fs::metadata(&target).map_err(error)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".layerlint-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(error)?;
    tmp.write_all(contents).map_err(error)?;
    tmp.as_file().sync_all().map_err(error)?;
    std::fs::set_permissions(tmp.path(), permissions).map_err(error)?;
    tmp.persist(&target).map_err(|e| error(e.error))?;
    Ok(())
}
