//! `.backend-pro/ledger.yaml`: every file the generator wrote, how it is owned, and a hash of
//! what was written, so a later run can tell our bytes from the user's edits.

use crate::model::Lang;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Path of the ledger inside a project.
pub const LEDGER_PATH: &str = ".backend-pro/ledger.yaml";
/// Last generated version of each scaffold file: the base of three-way merges.
pub const BASE_DIR: &str = ".backend-pro/base";

/// How a generated file is owned (docs/EVOLUTION.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ownership {
    /// Ours: always re-rendered; a file that differs from what we wrote is a conflict.
    Generated,
    /// Created once, then the user's; template changes are merged three-way.
    Scaffold,
    /// Written once, never rewritten (migrations).
    AppendOnly,
    /// Shared file: only the content between owned-region markers is ours.
    Regions,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    pub ownership: Ownership,
    /// `sha256:<hex>` of the bytes we wrote.
    pub hash: String,
    /// Template the file was rendered from.
    pub template: String,
    /// backend-pro version that wrote it.
    pub generator: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// Ledger format version.
    pub version: u32,
    /// Go module path the project was generated with.
    #[serde(default)]
    pub module: String,
    /// Language of generated docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
    /// Number of migrations numbered so far (migration numbers come from here, not the clock).
    #[serde(default)]
    pub migrations: u32,
    /// The PRD the model was last read from (`new --prd`, `sync --prd`), relative to the
    /// project and `/`-separated (`../PRD.md`); `add entity NAME` takes definitions from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prd: Option<String>,
    /// Project-relative path (`/`-separated) → entry.
    #[serde(default)]
    pub files: BTreeMap<String, LedgerEntry>,
}

pub fn hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl Ledger {
    pub fn new() -> Self {
        Ledger {
            version: 1,
            module: String::new(),
            lang: None,
            migrations: 0,
            prd: None,
            files: BTreeMap::new(),
        }
    }

    pub fn from_yaml(text: &str) -> Result<Ledger, serde_yaml_ng::Error> {
        serde_yaml_ng::from_str(text)
    }

    pub fn to_yaml(&self) -> String {
        serde_yaml_ng::to_string(self).unwrap_or_default()
    }

    /// True when `bytes` are exactly what the ledger says we wrote at `path`.
    pub fn wrote(&self, path: &str, bytes: &[u8]) -> bool {
        self.files.get(path).is_some_and(|e| e.hash == hash(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_hashes() {
        let mut l = Ledger::new();
        l.files.insert(
            "a.gen.go".into(),
            LedgerEntry {
                ownership: Ownership::Generated,
                hash: hash(b"x"),
                template: "go/a.gen.go.tera".into(),
                generator: "0.1.0".into(),
            },
        );
        assert_eq!(Ledger::from_yaml(&l.to_yaml()).ok(), Some(l.clone()));
        assert!(l.wrote("a.gen.go", b"x"));
        assert!(!l.wrote("a.gen.go", b"y"));
        assert!(hash(b"").starts_with("sha256:e3b0c442"));
    }
}
