//! Evolving a generated project without losing user code.
//!
//! `ledger` remembers what was written; `reconcile` compares a fresh render with the disk and
//! the ledger and decides, per file, create / update / merge / conflict / unchanged / delete;
//! `regions` rebuilds owned regions inside files the user shares with us. All pure: the CLI
//! reads the project into a [`Snapshot`] and applies the resulting plan.

pub mod diff;
pub mod edit;
pub mod ledger;
pub mod migrate;
pub mod reconcile;
pub mod regenerate;
pub mod regions;

pub use ledger::{Ledger, LedgerEntry, Ownership};
pub use reconcile::{reconcile, Action, FileChange, Plan, Reason, Rendered, Snapshot};
