//! A generated project on disk: reading what `evolve` needs, and applying a change set
//! all-or-nothing with a journal that `undo` replays backwards.
//!
//! Layout under the project root:
//! - `backend-pro.yaml`: the model (source of truth, editable);
//! - `.backend-pro/ledger.yaml`: what we wrote ([`crate::evolve::Ledger`]);
//! - `.backend-pro/schema.json`: the JSON Schema of `backend-pro.yaml`, for editors;
//! - `.backend-pro/base/<path>`: last render of each scaffold file (three-way merge base);
//! - `.backend-pro/journal/<NNNN>/change.yaml` + `before/<path>`: applied changes, for undo;
//! - `.backend-pro/backup/<NNNN>/<path>`: files overwritten by `--force`.

use crate::evolve::ledger::{Ledger, BASE_DIR, LEDGER_PATH};
use crate::evolve::Snapshot;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

pub const MODEL_PATH: &str = "backend-pro.yaml";
/// The JSON Schema of [`MODEL_PATH`] ([`crate::model::json_schema`]), rewritten by every
/// command that writes the model.
pub const SCHEMA_PATH: &str = ".backend-pro/schema.json";
/// The first line of [`MODEL_PATH`]: editors with the YAML language server (VS Code's YAML
/// extension, JetBrains, Neovim's yamlls) complete and check the file against [`SCHEMA_PATH`].
/// A comment, so the model loader reads past it.
pub const MODEL_HEADER: &str = "# yaml-language-server: $schema=.backend-pro/schema.json\n";

/// The bytes of [`MODEL_PATH`] for `model`: [`MODEL_HEADER`], then the model's YAML.
pub fn model_file(model: &crate::model::Model) -> String {
    format!("{MODEL_HEADER}{}", model.to_yaml())
}
pub const JOURNAL_DIR: &str = ".backend-pro/journal";
pub const BACKUP_DIR: &str = ".backend-pro/backup";
/// Held by every command that reads or changes a project, so that two of them never
/// interleave (two `add entity` at once would both number their migration 00008).
pub const LOCK_PATH: &str = ".backend-pro/lock";

#[derive(Debug)]
pub enum ProjectError {
    /// Not a backend-pro project (no `backend-pro.yaml`).
    NotAProject(PathBuf),
    Io(PathBuf, io::Error),
    Corrupt(PathBuf, String),
    /// A path that would escape the project root.
    BadPath(String),
    NothingToUndo,
    /// Another backend-pro command holds the project lock.
    Busy(PathBuf),
    /// `undo` would overwrite files edited after the change it reverts.
    EditedSince(String, Vec<String>),
}

impl ProjectError {
    /// The message in `lang` (the CLI's catalogue, [`crate::i18n::Msg`]).
    pub fn text(&self, lang: crate::model::Lang) -> String {
        use crate::msg;
        match self {
            ProjectError::NotAProject(p) => msg!(lang, NotAProject, path = p.display()),
            ProjectError::Io(p, e) => msg!(lang, IoError, path = p.display(), error = e),
            ProjectError::Corrupt(p, e) => msg!(lang, Corrupt, path = p.display(), error = e),
            ProjectError::BadPath(p) => msg!(lang, OutsideProject, path = p),
            ProjectError::NothingToUndo => msg!(lang, NothingToUndo),
            ProjectError::EditedSince(cmd, files) => {
                msg!(
                    lang,
                    UndoEditedSince,
                    command = cmd,
                    files = files.join(", ")
                )
            }
            ProjectError::Busy(p) => msg!(lang, LockBusy, path = p.display(), lock = LOCK_PATH),
        }
    }
}

impl std::fmt::Display for ProjectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::model::Lang::En))
    }
}

impl std::error::Error for ProjectError {}

fn io_err(p: &Path) -> impl FnOnce(io::Error) -> ProjectError + '_ {
    move |e| ProjectError::Io(p.to_path_buf(), e)
}

/// `to` as seen from the directory `from`, `/`-separated (`../PRD.md`): how a project records
/// the PRD it was generated from. Both are made absolute against `cwd` and normalized
/// lexically (`.` dropped, `..` applied); `None` when they share no root (two Windows drives).
pub fn relative_path(cwd: &Path, from: &Path, to: &Path) -> Option<String> {
    fn normal(cwd: &Path, p: &Path) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in cwd.join(p).components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    if out.len() > 1 {
                        out.pop();
                    }
                }
                c => out.push(c.as_os_str().to_string_lossy().into_owned()),
            }
        }
        out
    }
    let (from, to) = (normal(cwd, from), normal(cwd, to));
    if from.first() != to.first() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(to[common..].iter().map(String::as_str));
    Some(parts.join("/"))
}

/// Joins a `/`-separated relative path to `root`, refusing `..`, absolute paths and prefixes.
pub fn join(root: &Path, rel: &str) -> Result<PathBuf, ProjectError> {
    let p = Path::new(rel);
    if rel.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(ProjectError::BadPath(rel.to_string()));
    }
    Ok(root.join(p))
}

fn read_opt(path: &Path) -> Result<Option<Vec<u8>>, ProjectError> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ProjectError::Io(path.to_path_buf(), e)),
    }
}

/// The project lock (an OS file lock on [`LOCK_PATH`]); released when dropped or when the
/// process ends, however it ends.
#[derive(Debug)]
pub struct ProjectLock {
    _file: Option<fs::File>,
}

/// Takes the project lock, waiting up to `wait` for another command to finish. A directory
/// that is not a project gets no lock (the command then reports that it is not a project).
pub fn lock(root: &Path, wait: std::time::Duration) -> Result<ProjectLock, ProjectError> {
    lock_with(root, wait, &mut || {})
}

/// [`lock`], calling `on_wait` once when it has to wait (the CLI says so).
pub fn lock_with(
    root: &Path,
    wait: std::time::Duration,
    on_wait: &mut dyn FnMut(),
) -> Result<ProjectLock, ProjectError> {
    let state = root.join(".backend-pro");
    if !state.is_dir() {
        return Ok(ProjectLock { _file: None });
    }
    let path = root.join(LOCK_PATH);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_err(&path))?;
    let start = std::time::Instant::now();
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(ProjectLock { _file: Some(file) }),
            Err(fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                if !std::mem::replace(&mut told, true) {
                    on_wait();
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(ProjectError::Busy(root.to_path_buf()))
            }
            Err(fs::TryLockError::Error(e)) => return Err(ProjectError::Io(path, e)),
        }
    }
}

/// Writes `bytes` to `path` atomically: a temp file in the same directory, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ProjectError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_err(dir))?;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.as_file().sync_all().map_err(io_err(path))?;
    crate::write::set_mode(tmp.path(), crate::write::file_mode(path));
    tmp.persist(path)
        .map_err(|e| ProjectError::Io(path.to_path_buf(), e.error))?;
    Ok(())
}

/// Reads the model text, ledger, merge bases and the given paths' contents.
pub fn snapshot<'a>(
    root: &Path,
    paths: impl IntoIterator<Item = &'a str>,
) -> Result<(String, Snapshot), ProjectError> {
    let model_path = root.join(MODEL_PATH);
    let model = match read_opt(&model_path)? {
        Some(b) => String::from_utf8_lossy(&b).into_owned(),
        None => return Err(ProjectError::NotAProject(root.to_path_buf())),
    };
    let ledger_path = root.join(LEDGER_PATH);
    let ledger = match read_opt(&ledger_path)? {
        Some(b) => Ledger::from_yaml(&String::from_utf8_lossy(&b))
            .map_err(|e| ProjectError::Corrupt(ledger_path.clone(), e.to_string()))?,
        None => Ledger::new(),
    };
    let mut snap = Snapshot {
        ledger,
        ..Snapshot::default()
    };
    let wanted: Vec<String> = paths
        .into_iter()
        .chain([SCHEMA_PATH])
        .map(str::to_string)
        .chain(snap.ledger.files.keys().cloned())
        .collect();
    read_into(root, &mut snap, wanted.iter().map(String::as_str))?;
    Ok((model, snap))
}

/// Adds the contents and merge bases of `paths` that `snap` does not hold yet. Files are read
/// on several threads: a big project has thousands of them.
pub fn read_into<'a>(
    root: &Path,
    snap: &mut Snapshot,
    paths: impl IntoIterator<Item = &'a str>,
) -> Result<(), ProjectError> {
    let mut wanted: Vec<&str> = paths
        .into_iter()
        .filter(|p| !snap.files.contains_key(*p) && !snap.bases.contains_key(*p))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    type Read = (String, Option<Vec<u8>>, Option<Vec<u8>>);
    let read_one = |rel: &str| -> Result<Read, ProjectError> {
        let file = read_opt(&join(root, rel)?)?;
        let base = read_opt(&join(root, &format!("{BASE_DIR}/{rel}"))?)?;
        Ok((rel.to_string(), file, base))
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4));
    let chunk = wanted.len().div_ceil(workers).max(1);
    let results: Vec<Result<Read, ProjectError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = wanted
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|r| read_one(r)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![Err(ProjectError::Io(
                        root.to_path_buf(),
                        io::Error::other("a reader thread panicked"),
                    ))]
                })
            })
            .collect()
    });
    for r in results {
        let (rel, file, base) = r?;
        if let Some(b) = file {
            snap.files.insert(rel.clone(), b);
        }
        if let Some(b) = base {
            snap.bases
                .insert(rel, String::from_utf8_lossy(&b).into_owned());
        }
    }
    Ok(())
}

/// One applied change, as recorded in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalEntry {
    pub seq: u32,
    /// The command that made the change (`add entity Review`).
    pub command: String,
    /// Every path touched, and whether it existed before (its old bytes are in `before/`).
    pub files: BTreeMap<String, bool>,
    /// The bytes the change wrote are in `after/`, so `undo` can tell later edits apart
    /// (false in journals written before they were kept).
    #[serde(default)]
    pub after: bool,
}

fn journal_seqs(root: &Path) -> Result<Vec<u32>, ProjectError> {
    let dir = root.join(JOURNAL_DIR);
    let mut seqs = Vec::new();
    match fs::read_dir(&dir) {
        Ok(rd) => {
            for e in rd.flatten() {
                if let Some(n) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) {
                    seqs.push(n);
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(ProjectError::Io(dir, e)),
    }
    seqs.sort_unstable();
    Ok(seqs)
}

/// Applies `changes` (path → new bytes, or `None` to delete) after journaling the old bytes.
/// `backups` are paths whose current bytes are also copied to `.backend-pro/backup/<seq>/`
/// (files overwritten by `--force`). Returns the journal entry.
pub fn apply(
    root: &Path,
    command: &str,
    changes: &BTreeMap<String, Option<Vec<u8>>>,
    backups: &[String],
) -> Result<JournalEntry, ProjectError> {
    let seq = journal_seqs(root)?.last().map_or(1, |n| n + 1);
    let jdir = root.join(JOURNAL_DIR).join(format!("{seq:04}"));
    let mut entry = JournalEntry {
        seq,
        command: command.to_string(),
        files: BTreeMap::new(),
        after: true,
    };
    // 1. Journal every old file before touching anything.
    for rel in changes.keys() {
        let abs = join(root, rel)?;
        let old = read_opt(&abs)?;
        if let Some(b) = &old {
            write_atomic(&join(&jdir.join("before"), rel)?, b)?;
        }
        entry.files.insert(rel.clone(), old.is_some());
    }
    for (rel, new) in changes {
        if let Some(bytes) = new {
            write_atomic(&join(&jdir.join("after"), rel)?, bytes)?;
        }
    }
    for rel in backups {
        if let Some(b) = read_opt(&join(root, rel)?)? {
            write_atomic(
                &join(&root.join(BACKUP_DIR).join(format!("{seq:04}")), rel)?,
                &b,
            )?;
        }
    }
    let record = serde_yaml_ng::to_string(&entry)
        .map_err(|e| ProjectError::Corrupt(jdir.clone(), e.to_string()))?;
    write_atomic(&jdir.join("change.yaml"), record.as_bytes())?;
    // 2. Apply; on any failure, roll back from the journal so the tree is never half-written.
    let result = changes.iter().try_for_each(|(rel, new)| {
        let abs = join(root, rel)?;
        match new {
            Some(bytes) => write_atomic(&abs, bytes),
            None => match fs::remove_file(&abs) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(ProjectError::Io(abs, e)),
            },
        }
    });
    if let Err(e) = result {
        let _ = revert(root, false);
        return Err(e);
    }
    Ok(entry)
}

/// Reverts the last applied change exactly and drops it from the journal. Refuses, changing
/// nothing, when a file it would restore was edited after that change (the edit would be lost).
pub fn undo(root: &Path) -> Result<JournalEntry, ProjectError> {
    revert(root, true)
}

fn revert(root: &Path, check_edits: bool) -> Result<JournalEntry, ProjectError> {
    let seq = *journal_seqs(root)?
        .last()
        .ok_or(ProjectError::NothingToUndo)?;
    let jdir = root.join(JOURNAL_DIR).join(format!("{seq:04}"));
    let change_path = jdir.join("change.yaml");
    let text = fs::read_to_string(&change_path).map_err(io_err(&change_path))?;
    let entry: JournalEntry = serde_yaml_ng::from_str(&text)
        .map_err(|e| ProjectError::Corrupt(change_path.clone(), e.to_string()))?;
    if check_edits && entry.after {
        let mut edited = Vec::new();
        for rel in entry.files.keys() {
            let now = read_opt(&join(root, rel)?)?;
            let wrote = read_opt(&join(&jdir.join("after"), rel)?)?;
            if now != wrote {
                edited.push(rel.clone());
            }
        }
        if !edited.is_empty() {
            return Err(ProjectError::EditedSince(entry.command.clone(), edited));
        }
    }
    for (rel, existed) in &entry.files {
        let abs = join(root, rel)?;
        if *existed {
            let before = join(&jdir.join("before"), rel)?;
            let bytes = fs::read(&before).map_err(io_err(&before))?;
            write_atomic(&abs, &bytes)?;
        } else {
            match fs::remove_file(&abs) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(ProjectError::Io(abs, e)),
            }
        }
    }
    fs::remove_dir_all(&jdir).map_err(io_err(&jdir))?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Day-two writes keep a file's mode and give new files 0644, like `new` (not the 0600 of
    /// a temp file).
    #[cfg(unix)]
    #[test]
    fn atomic_writes_keep_modes_and_create_0644() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let fresh = dir.path().join("a/new.go");
        write_atomic(&fresh, b"x").expect("write");
        let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&fresh), 0o644);
        let script = dir.path().join("run.sh");
        fs::write(&script, "old").expect("write");
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
        write_atomic(&script, b"new").expect("write");
        assert_eq!(mode(&script), 0o755);
    }

    #[test]
    fn apply_then_undo_restores_exactly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(root.join(MODEL_PATH), "version: 1\n").expect("write");
        fs::write(root.join("keep.go"), "user code\n").expect("write");
        let changes = BTreeMap::from([
            ("keep.go".to_string(), Some(b"changed\n".to_vec())),
            ("new/file.go".to_string(), Some(b"new\n".to_vec())),
            (MODEL_PATH.to_string(), None),
        ]);
        let e = apply(root, "test", &changes, &["keep.go".to_string()]).expect("apply");
        assert_eq!(e.seq, 1);
        assert_eq!(
            fs::read_to_string(root.join("keep.go")).ok().as_deref(),
            Some("changed\n")
        );
        assert!(!root.join(MODEL_PATH).exists());
        assert!(root.join(".backend-pro/backup/0001/keep.go").exists());
        undo(root).expect("undo");
        assert_eq!(
            fs::read_to_string(root.join("keep.go")).ok().as_deref(),
            Some("user code\n")
        );
        assert_eq!(
            fs::read_to_string(root.join(MODEL_PATH)).ok().as_deref(),
            Some("version: 1\n")
        );
        assert!(!root.join("new/file.go").exists());
        assert!(matches!(undo(root), Err(ProjectError::NothingToUndo)));
    }

    #[test]
    fn relative_paths_between_a_project_and_its_prd() {
        let cwd = Path::new("/work");
        let rel = |from: &str, to: &str| relative_path(cwd, Path::new(from), Path::new(to));
        assert_eq!(rel("svc", "PRD.md").as_deref(), Some("../PRD.md"));
        assert_eq!(
            rel("./svc/", "./docs/PRD.md").as_deref(),
            Some("../docs/PRD.md")
        );
        assert_eq!(rel(".", "PRD.md").as_deref(), Some("PRD.md"));
        assert_eq!(
            rel("a/b", "/work/a/x/../PRD.md").as_deref(),
            Some("../PRD.md")
        );
        assert_eq!(
            rel("/srv/svc", "/work/PRD.md").as_deref(),
            Some("../../work/PRD.md")
        );
    }

    #[test]
    fn paths_cannot_escape() {
        let root = Path::new("/tmp/x");
        assert!(join(root, "../etc/passwd").is_err());
        assert!(join(root, "/etc/passwd").is_err());
        assert!(join(root, "a/b.go").is_ok());
    }
}
