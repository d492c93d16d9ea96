//! The only stage that writes the output tree. Everything is rendered before this runs.
//!
//! - a new or empty directory: files go into a temporary directory beside it, which is then
//!   renamed into place, so a failure leaves nothing half-written;
//! - `--force` into a non-empty directory: each file is written to a temporary file in its
//!   own directory and renamed over the old one.

use crate::evolve::Rendered;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

#[derive(Debug)]
pub enum WriteError {
    /// `--out` exists and is not a directory.
    NotADirectory(PathBuf),
    /// `--out` has files and `--force` was not given.
    NotEmpty(PathBuf),
    /// A rendered path that would leave the output directory.
    BadPath(String),
    Io(PathBuf, io::Error),
}

impl WriteError {
    /// The message in `lang` (the CLI's catalogue, [`crate::i18n::Msg`]).
    pub fn text(&self, lang: crate::model::Lang) -> String {
        use crate::msg;
        match self {
            WriteError::NotADirectory(p) => msg!(lang, OutNotADirectory, path = p.display()),
            WriteError::NotEmpty(p) => msg!(lang, OutNotEmpty, path = p.display()),
            WriteError::BadPath(p) => msg!(lang, OutsideOut, path = p),
            WriteError::Io(p, e) => msg!(lang, IoError, path = p.display(), error = e),
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::model::Lang::En))
    }
}

impl std::error::Error for WriteError {}

/// Staging directories being filled right now. Every step that touches one holds this lock:
/// each file written into it shares it (files are written on several threads); creating,
/// registering and renaming a directory holds it alone, and so does
/// [`remove_staging_and_exit`] — the CLI's Ctrl-C/SIGTERM handler — which then ends the
/// process still holding it: after an interrupt no file can appear in a directory it removed.
static STAGING: std::sync::RwLock<Vec<PathBuf>> = std::sync::RwLock::new(Vec::new());

fn staging() -> std::sync::RwLockWriteGuard<'static, Vec<PathBuf>> {
    STAGING.write().unwrap_or_else(|e| e.into_inner())
}

fn staging_shared() -> std::sync::RwLockReadGuard<'static, Vec<PathBuf>> {
    STAGING.read().unwrap_or_else(|e| e.into_inner())
}

/// Removes every staging directory still being written, then ends the process with `code`
/// (the lock is never released, so no writer resumes).
pub fn remove_staging_and_exit(code: i32) -> ! {
    let v = staging();
    for p in v.iter() {
        let _ = fs::remove_dir_all(p);
    }
    std::process::exit(code)
}

fn io_at(p: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(p.to_path_buf(), e)
}

/// How `out` can be written: `Ok(true)` when it has files (needs force).
pub fn check_target(out: &Path, force: bool) -> Result<bool, WriteError> {
    match fs::metadata(out) {
        Ok(m) if !m.is_dir() => Err(WriteError::NotADirectory(out.to_path_buf())),
        Ok(_) => {
            let non_empty = fs::read_dir(out).map_err(io_at(out))?.next().is_some();
            if non_empty && !force {
                Err(WriteError::NotEmpty(out.to_path_buf()))
            } else {
                Ok(non_empty)
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(WriteError::Io(out.to_path_buf(), e)),
    }
}

fn rel_path(root: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    let p = Path::new(rel);
    if rel.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(WriteError::BadPath(rel.to_string()));
    }
    Ok(root.join(p))
}

/// Where `--force` saved the files it replaced, relative to the output directory.
pub const FORCE_BACKUP_DIR: &str = ".backend-pro/backup";

/// Writes `files` under `out` (see the module docs). Checks the target first. With `--force`
/// over existing files, every file whose bytes change is first copied to
/// `.backend-pro/backup/new-NNN/` (the next free number); that folder is returned.
pub fn write_project(
    out: &Path,
    files: &[Rendered],
    force: bool,
) -> Result<Option<PathBuf>, WriteError> {
    // `--out` may be a symlink to a directory: write into the directory it points at (renaming
    // the staged tree over the link would replace the link, or fail).
    let resolved;
    let out = if fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = fs::canonicalize(out).map_err(io_at(out))?;
        resolved.as_path()
    } else {
        out
    };
    for f in files {
        rel_path(out, &f.path)?;
    }
    if check_target(out, force)? {
        let backup = back_up(out, files)?;
        write_in_place(out, files)?;
        return Ok(backup);
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_at(&parent))?;
    // Created and registered under the lock, so an interrupt cannot fall between the two.
    let tmp = {
        let mut list = staging();
        let tmp = tempfile::Builder::new()
            .prefix(".backend-pro-new-")
            .tempdir_in(&parent)
            .map_err(io_at(&parent))?;
        list.push(tmp.path().to_path_buf());
        tmp
    };
    let staged_path = tmp.path().to_path_buf();
    let result = fill(tmp.path(), files).and_then(|()| {
        let mut list = staging();
        let staged = tmp.keep();
        set_mode(&staged, 0o755);
        // An existing empty directory is replaced; rename cannot replace a directory elsewhere.
        let placed = if out.exists() {
            fs::remove_dir(out).map_err(|e| WriteError::Io(out.to_path_buf(), e))
        } else {
            Ok(())
        }
        .and_then(|()| fs::rename(&staged, out).map_err(|e| WriteError::Io(out.to_path_buf(), e)));
        if placed.is_err() {
            let _ = fs::remove_dir_all(&staged);
        }
        list.retain(|x| x != &staged_path);
        placed
    });
    if result.is_err() {
        staging().retain(|x| x != &staged_path);
    }
    result.map(|()| None)
}

/// Copies the files that `files` would change under `out` into a new backup folder.
fn back_up(out: &Path, files: &[Rendered]) -> Result<Option<PathBuf>, WriteError> {
    let changed: Vec<(&Rendered, Vec<u8>)> = files
        .iter()
        .filter_map(|f| {
            let old = fs::read(out.join(&f.path)).ok()?;
            (old != f.contents.as_bytes()).then_some((f, old))
        })
        .filter(|(f, _)| !f.path.starts_with(".backend-pro/"))
        .collect();
    if changed.is_empty() {
        return Ok(None);
    }
    let root = out.join(FORCE_BACKUP_DIR);
    let n = (1..)
        .find(|n| !root.join(format!("new-{n:03}")).exists())
        .unwrap_or(1);
    let dir = root.join(format!("new-{n:03}"));
    for (f, old) in changed {
        let dst = rel_path(&dir, &f.path)?;
        if let Some(d) = dst.parent() {
            fs::create_dir_all(d).map_err(io_at(d))?;
        }
        fs::write(&dst, old).map_err(io_at(&dst))?;
    }
    Ok(Some(dir))
}

/// Writes `files` into the fresh directory `dir`: the directories first, then the files on
/// two threads (creating hundreds of small files is mostly the file system's own CPU time).
fn fill(dir: &Path, files: &[Rendered]) -> Result<(), WriteError> {
    let paths = files
        .iter()
        .map(|f| rel_path(dir, &f.path))
        .collect::<Result<Vec<_>, _>>()?;
    let dirs: std::collections::BTreeSet<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    for d in dirs {
        let _held = staging_shared();
        fs::create_dir_all(d).map_err(io_at(d))?;
    }
    let write = |(f, dst): (&Rendered, &PathBuf)| {
        // Each file under the staging lock (see [`STAGING`]).
        let _held = staging_shared();
        fs::write(dst, &f.contents).map_err(io_at(dst))
    };
    let half = files.len() / 2;
    std::thread::scope(|scope| {
        let other = scope.spawn(|| files[half..].iter().zip(&paths[half..]).try_for_each(write));
        let mine = files[..half].iter().zip(&paths[..half]).try_for_each(write);
        let other = other.join().unwrap_or_else(|_| {
            Err(WriteError::Io(
                dir.to_path_buf(),
                io::Error::other("writer thread panicked"),
            ))
        });
        mine.and(other)
    })
}

fn write_in_place(out: &Path, files: &[Rendered]) -> Result<(), WriteError> {
    for f in files {
        let dst = rel_path(out, &f.path)?;
        let dir = dst.parent().unwrap_or(out);
        fs::create_dir_all(dir).map_err(io_at(dir))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_at(dir))?;
        tmp.write_all(f.contents.as_bytes()).map_err(io_at(&dst))?;
        set_mode(tmp.path(), file_mode(&dst));
        tmp.persist(&dst)
            .map_err(|e| WriteError::Io(dst.clone(), e.error))?;
    }
    Ok(())
}

/// The mode a file written at `dst` gets: the mode it has now (a user's `chmod +x` survives a
/// regeneration), else the usual 0644 — temp files are created 0600.
pub fn file_mode(dst: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = fs::metadata(dst) {
            return m.permissions().mode() & 0o7777;
        }
    }
    #[cfg(not(unix))]
    let _ = dst;
    0o644
}

/// Temp dirs and files are created private; the project should get the usual modes.
pub fn set_mode(p: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(p, fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (p, mode);
}
