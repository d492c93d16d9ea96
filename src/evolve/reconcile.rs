//! Fresh render + disk + ledger → a per-file plan. Pure: no I/O.
//!
//! The rules (docs/EVOLUTION.md):
//! - generated: rewritten when the disk still holds what we wrote; otherwise a conflict;
//! - scaffold: the user's after creation; when our render changes, merged three-way against
//!   the last render we made (the base);
//! - append-only: written once, never touched again;
//! - regions: only the bodies between owned-region markers are rebuilt.
//!
//! Files we wrote earlier that the new render no longer has are deleted when unmodified,
//! and kept (generated: conflict; scaffold: warning) when the user changed them.

use super::ledger::{hash, Ledger, LedgerEntry, Ownership};
use super::regions;
use std::collections::{BTreeMap, BTreeSet};

/// One file of a fresh render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub path: String,
    pub contents: String,
    pub ownership: Ownership,
    pub template: String,
}

/// What the project holds now: file contents by path (only the paths that matter: every
/// rendered path and every ledger path), the ledger, and the merge bases of scaffold files.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub files: BTreeMap<String, Vec<u8>>,
    pub ledger: Ledger,
    pub bases: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Create,
    /// A file we wrote and still generate, deleted by hand: written again.
    Recreate {
        reason: Reason,
    },
    Update,
    /// Three-way merge of a scaffold file; `conflicts` > 0 means markers were written.
    Merge {
        conflicts: usize,
    },
    Unchanged,
    Delete,
    /// Left alone, with the reason (a modified scaffold file of a removed entity…).
    Keep {
        reason: Reason,
    },
    /// Cannot proceed without `--force`.
    Conflict {
        reason: Reason,
    },
    /// A file we wrote was deleted by hand and cannot be rebuilt (a migration of which the
    /// project keeps no copy). Nothing is written; the ledger keeps remembering it.
    Missing {
        reason: Reason,
    },
}

/// Why a file is kept, in conflict, missing or recreated; shown in the user's language
/// ([`Reason::text`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    ScaffoldDeleted,
    GeneratedEdited,
    MarkersMissing(String),
    RegionUnclosed(String),
    RemovedButEdited,
    RemovedKept,
    InTheWay,
    /// A generated file deleted by hand (recreated).
    GeneratedDeleted,
    /// A migration deleted by hand, recreated from its copy under `.backend-pro/base/`.
    MigrationDeleted,
    /// A migration deleted by hand with no copy to recreate it from.
    MigrationLost,
}

impl Reason {
    pub fn text(&self, lang: crate::model::Lang) -> String {
        use crate::msg;
        match self {
            Reason::ScaffoldDeleted => msg!(lang, ReasonScaffoldDeleted),
            Reason::GeneratedEdited => msg!(lang, ReasonGeneratedEdited),
            Reason::MarkersMissing(name) => msg!(lang, ReasonMarkersMissing, name = name),
            Reason::RegionUnclosed(name) => msg!(lang, ReasonRegionUnclosed, name = name),
            Reason::RemovedButEdited => msg!(lang, ReasonRemovedButEdited),
            Reason::RemovedKept => msg!(lang, ReasonRemovedKept),
            Reason::InTheWay => msg!(lang, ReasonInTheWay),
            Reason::GeneratedDeleted => msg!(lang, ReasonGeneratedDeleted),
            Reason::MigrationDeleted => msg!(lang, ReasonMigrationDeleted),
            Reason::MigrationLost => msg!(lang, ReasonMigrationLost),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::model::Lang::En))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub action: Action,
    /// The bytes the file will hold afterwards (`None`: deleted or untouched).
    pub new_contents: Option<String>,
    /// Ledger entry after the change (`None`: removed from the ledger).
    pub entry: Option<LedgerEntry>,
    /// New merge base for scaffold files.
    pub base: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Sorted by path.
    pub changes: Vec<FileChange>,
}

impl Plan {
    pub fn conflicts(&self) -> impl Iterator<Item = &FileChange> {
        self.changes
            .iter()
            .filter(|c| matches!(c.action, Action::Conflict { .. }))
    }

    pub fn has_conflicts(&self) -> bool {
        self.conflicts().next().is_some()
    }

    /// True when applying the plan would change no file.
    pub fn is_noop(&self) -> bool {
        self.changes
            .iter()
            .all(|c| matches!(c.action, Action::Unchanged | Action::Keep { .. }))
    }
}

fn entry(r: &Rendered, contents: &str, generator: &str) -> LedgerEntry {
    LedgerEntry {
        ownership: r.ownership,
        hash: hash(contents.as_bytes()),
        template: r.template.clone(),
        generator: generator.to_string(),
    }
}

fn change(r: &Rendered, action: Action, contents: Option<String>, generator: &str) -> FileChange {
    let written = contents.as_deref().unwrap_or(&r.contents);
    FileChange {
        path: r.path.clone(),
        entry: Some(entry(r, written, generator)),
        // Scaffold files merge against it; migrations are recreated from it when deleted.
        base: matches!(r.ownership, Ownership::Scaffold | Ownership::AppendOnly)
            .then(|| r.contents.clone()),
        action,
        new_contents: contents,
    }
}

/// Decides what to do with every file. `generator` is recorded in new ledger entries.
pub fn reconcile(rendered: &[Rendered], snap: &Snapshot, generator: &str) -> Plan {
    let mut changes = Vec::new();
    let mut seen = BTreeSet::new();
    for r in rendered {
        seen.insert(r.path.as_str());
        let disk = snap
            .files
            .get(&r.path)
            .map(|b| String::from_utf8_lossy(b).into_owned());
        let known = snap.ledger.files.get(&r.path);
        changes.push(match (r.ownership, disk) {
            (_, None) if r.ownership == Ownership::Scaffold && known.is_some() => FileChange {
                // The user deleted a scaffold file: that is their decision.
                action: Action::Keep {
                    reason: Reason::ScaffoldDeleted,
                },
                new_contents: None,
                entry: known.cloned(),
                base: snap.bases.get(&r.path).cloned(),
                path: r.path.clone(),
            },
            (_, None) if known.is_some() => FileChange {
                // Ours, deleted by hand: recreated, and said so.
                action: Action::Recreate {
                    reason: Reason::GeneratedDeleted,
                },
                ..change(r, Action::Create, Some(r.contents.clone()), generator)
            },
            (_, None) => change(r, Action::Create, Some(r.contents.clone()), generator),
            (Ownership::Generated, Some(d)) => {
                if d == r.contents {
                    change(r, Action::Unchanged, None, generator)
                } else if snap.ledger.wrote(&r.path, d.as_bytes()) {
                    change(r, Action::Update, Some(r.contents.clone()), generator)
                } else {
                    conflict(r, Reason::GeneratedEdited, generator)
                }
            }
            (Ownership::AppendOnly, Some(_)) => FileChange {
                action: Action::Unchanged,
                new_contents: None,
                entry: known
                    .cloned()
                    .or_else(|| Some(entry(r, &r.contents, generator))),
                base: snap.bases.get(&r.path).cloned(),
                path: r.path.clone(),
            },
            (Ownership::Scaffold, Some(d)) => scaffold(r, &d, snap, generator),
            (Ownership::Regions, Some(d)) => match regions::rebuild(&d, &r.contents) {
                Ok(merged) if merged == d => change(r, Action::Unchanged, None, generator),
                Ok(merged) => change(r, Action::Update, Some(merged), generator),
                Err(regions::RegionError::MissingMarkers(name)) => {
                    conflict(r, Reason::MarkersMissing(name), generator)
                }
                Err(regions::RegionError::Unbalanced(name)) => {
                    conflict(r, Reason::RegionUnclosed(name), generator)
                }
            },
        });
    }
    for (path, e) in &snap.ledger.files {
        if seen.contains(path.as_str()) {
            continue;
        }
        let disk = snap.files.get(path);
        let keep = |reason: Reason| FileChange {
            path: path.clone(),
            action: Action::Keep { reason },
            new_contents: None,
            entry: disk.map(|_| e.clone()),
            base: snap.bases.get(path).cloned(),
        };
        let delete = || FileChange {
            path: path.clone(),
            action: Action::Delete,
            new_contents: None,
            entry: None,
            base: None,
        };
        changes.push(match (e.ownership, disk) {
            // A migration deleted by hand: history, so rebuilt from our copy of it when the
            // copy is the bytes we wrote; otherwise reported, and still remembered.
            (Ownership::AppendOnly, None) => match snap.bases.get(path) {
                Some(copy) if hash(copy.as_bytes()) == e.hash => FileChange {
                    path: path.clone(),
                    action: Action::Recreate {
                        reason: Reason::MigrationDeleted,
                    },
                    new_contents: Some(copy.clone()),
                    entry: Some(e.clone()),
                    base: Some(copy.clone()),
                },
                _ => FileChange {
                    path: path.clone(),
                    action: Action::Missing {
                        reason: Reason::MigrationLost,
                    },
                    new_contents: None,
                    entry: Some(e.clone()),
                    base: None,
                },
            },
            (_, None) => FileChange {
                action: Action::Unchanged,
                ..delete()
            },
            // Applied migrations are history: never rewritten, never removed.
            (Ownership::AppendOnly, Some(_)) => FileChange {
                action: Action::Unchanged,
                ..keep(Reason::RemovedKept)
            },
            (Ownership::Generated, Some(d)) if snap.ledger.wrote(path, d) => delete(),
            (Ownership::Generated, Some(_)) => FileChange {
                action: Action::Conflict {
                    reason: Reason::RemovedButEdited,
                },
                // Forced, the file is deleted (after a backup), so the ledger forgets it.
                entry: None,
                ..keep(Reason::RemovedButEdited)
            },
            (Ownership::Scaffold, Some(d))
                if snap.bases.get(path).map(|b| b.as_bytes()) == Some(d.as_slice()) =>
            {
                delete()
            }
            (_, Some(_)) => keep(Reason::RemovedKept),
        });
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    Plan { changes }
}

/// Nothing is written unless forced; forced, the new render wins (after a backup made by
/// the caller), so the ledger entry and merge base describe the new render.
fn conflict(r: &Rendered, reason: Reason, generator: &str) -> FileChange {
    FileChange {
        action: Action::Conflict { reason },
        ..change(r, Action::Create, Some(r.contents.clone()), generator)
    }
}

fn scaffold(r: &Rendered, disk: &str, snap: &Snapshot, generator: &str) -> FileChange {
    let Some(base) = snap.bases.get(&r.path) else {
        // A file we never wrote is in the way: the user's unless identical.
        return if disk == r.contents {
            change(r, Action::Unchanged, None, generator)
        } else {
            conflict(r, Reason::InTheWay, generator)
        };
    };
    if *base == r.contents {
        // Our render did not change: the file is entirely the user's.
        let known = snap.ledger.files.get(&r.path).cloned();
        return FileChange {
            path: r.path.clone(),
            action: Action::Unchanged,
            new_contents: None,
            entry: known.or_else(|| Some(entry(r, disk, generator))),
            base: Some(base.clone()),
        };
    }
    if disk == base {
        return change(r, Action::Update, Some(r.contents.clone()), generator);
    }
    match diffy::merge(base, disk, &r.contents) {
        Ok(merged) => change(r, Action::Merge { conflicts: 0 }, Some(merged), generator),
        Err(with_markers) => {
            let n = with_markers
                .lines()
                .filter(|l| l.starts_with("<<<<<<<"))
                .count();
            change(
                r,
                Action::Merge {
                    conflicts: n.max(1),
                },
                Some(with_markers),
                generator,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(path: &str, contents: &str, ownership: Ownership) -> Rendered {
        Rendered {
            path: path.into(),
            contents: contents.into(),
            ownership,
            template: format!("{path}.tera"),
        }
    }

    fn applied(plan: &Plan) -> Snapshot {
        let mut snap = Snapshot::default();
        for c in &plan.changes {
            if let Some(n) = &c.new_contents {
                snap.files.insert(c.path.clone(), n.clone().into_bytes());
            }
            if let Some(e) = &c.entry {
                snap.ledger.files.insert(c.path.clone(), e.clone());
            }
            if let Some(b) = &c.base {
                snap.bases.insert(c.path.clone(), b.clone());
            }
        }
        snap
    }

    #[test]
    fn fresh_project_creates_everything_then_is_up_to_date() {
        let files = vec![
            rendered("a.gen.go", "gen\n", Ownership::Generated),
            rendered("a.go", "scaffold\n", Ownership::Scaffold),
            rendered("m/00001.sql", "create\n", Ownership::AppendOnly),
        ];
        let plan = reconcile(&files, &Snapshot::default(), "t");
        assert!(plan.changes.iter().all(|c| c.action == Action::Create));
        let snap = applied(&plan);
        assert!(reconcile(&files, &snap, "t").is_noop());
    }

    #[test]
    fn hand_edited_generated_file_is_a_conflict() {
        let files = vec![rendered("a.gen.go", "gen\n", Ownership::Generated)];
        let mut snap = applied(&reconcile(&files, &Snapshot::default(), "t"));
        snap.files.insert("a.gen.go".into(), b"mine\n".to_vec());
        let next = vec![rendered("a.gen.go", "gen 2\n", Ownership::Generated)];
        let plan = reconcile(&next, &snap, "t");
        assert!(plan.has_conflicts());
    }

    #[test]
    fn a_forced_conflict_records_the_new_render() {
        let files = vec![rendered("a.gen.go", "gen\n", Ownership::Generated)];
        let mut snap = applied(&reconcile(&files, &Snapshot::default(), "t"));
        snap.files.insert("a.gen.go".into(), b"mine\n".to_vec());
        let next = vec![rendered("a.gen.go", "gen 2\n", Ownership::Generated)];
        let forced = applied(&reconcile(&next, &snap, "t"));
        assert!(forced.ledger.wrote("a.gen.go", b"gen 2\n"));
        assert!(reconcile(&next, &forced, "t").is_noop());
    }

    #[test]
    fn scaffold_changes_merge_three_way() {
        let v1 = "package a\n\nfunc A() {}\n\nfunc B() {}\n";
        let files = vec![rendered("a.go", v1, Ownership::Scaffold)];
        let mut snap = applied(&reconcile(&files, &Snapshot::default(), "t"));
        let user = "package a\n\nfunc A() { println(1) }\n\nfunc B() {}\n";
        snap.files.insert("a.go".into(), user.as_bytes().to_vec());
        // Unchanged template: the user's file is left alone.
        assert!(reconcile(&files, &snap, "t").is_noop());
        let v2 = "package a\n\nfunc A() {}\n\nfunc B() {}\n\nfunc C() {}\n";
        let plan = reconcile(&[rendered("a.go", v2, Ownership::Scaffold)], &snap, "t");
        assert_eq!(plan.changes[0].action, Action::Merge { conflicts: 0 });
        assert_eq!(
            plan.changes[0].new_contents.as_deref(),
            Some("package a\n\nfunc A() { println(1) }\n\nfunc B() {}\n\nfunc C() {}\n")
        );
    }

    #[test]
    fn removed_files_are_deleted_only_when_unmodified() {
        let files = vec![
            rendered("x.gen.go", "g\n", Ownership::Generated),
            rendered("x.go", "s\n", Ownership::Scaffold),
            rendered("y.go", "s\n", Ownership::Scaffold),
            rendered("m/1.sql", "m\n", Ownership::AppendOnly),
        ];
        let mut snap = applied(&reconcile(&files, &Snapshot::default(), "t"));
        snap.files.insert("y.go".into(), b"edited\n".to_vec());
        let plan = reconcile(&[], &snap, "t");
        let by_path: BTreeMap<_, _> = plan
            .changes
            .iter()
            .map(|c| (c.path.as_str(), &c.action))
            .collect();
        assert_eq!(by_path["x.gen.go"], &Action::Delete);
        assert_eq!(by_path["x.go"], &Action::Delete);
        assert!(matches!(by_path["y.go"], Action::Keep { .. }));
        assert_eq!(by_path["m/1.sql"], &Action::Unchanged);
    }

    #[test]
    fn hand_deleted_files_are_recreated_or_reported() {
        let files = vec![
            rendered("a.gen.go", "g\n", Ownership::Generated),
            rendered("m/1.sql", "m1\n", Ownership::AppendOnly),
            rendered("m/2.sql", "m2\n", Ownership::AppendOnly),
        ];
        let mut snap = applied(&reconcile(&files, &Snapshot::default(), "t"));
        assert_eq!(snap.bases["m/1.sql"], "m1\n", "migrations keep a copy");
        for p in ["a.gen.go", "m/1.sql", "m/2.sql"] {
            snap.files.remove(p);
        }
        snap.bases.remove("m/2.sql");
        // Day two renders no migration for an unchanged model.
        let plan = reconcile(&files[..1], &snap, "t");
        let by_path: BTreeMap<_, _> = plan.changes.iter().map(|c| (c.path.as_str(), c)).collect();
        assert!(matches!(
            by_path["a.gen.go"].action,
            Action::Recreate { .. }
        ));
        assert!(matches!(by_path["m/1.sql"].action, Action::Recreate { .. }));
        assert_eq!(by_path["m/1.sql"].new_contents.as_deref(), Some("m1\n"));
        assert!(matches!(by_path["m/2.sql"].action, Action::Missing { .. }));
        assert!(by_path["m/2.sql"].entry.is_some(), "still remembered");
        assert!(!plan.is_noop());
    }

    #[test]
    fn regions_are_rebuilt_inside_user_files() {
        let r1 = "# >>> backend-pro:targets\na\n# <<< backend-pro:targets\n";
        let files = vec![rendered("Makefile", r1, Ownership::Regions)];
        let mut snap = applied(&reconcile(&files, &Snapshot::default(), "t"));
        snap.files
            .insert("Makefile".into(), format!("mine:\n{r1}").into_bytes());
        let r2 = "# >>> backend-pro:targets\na\nb\n# <<< backend-pro:targets\n";
        let plan = reconcile(&[rendered("Makefile", r2, Ownership::Regions)], &snap, "t");
        assert_eq!(plan.changes[0].action, Action::Update);
        assert_eq!(
            plan.changes[0].new_contents.as_deref(),
            Some(format!("mine:\n{r2}").as_str())
        );
    }
}
