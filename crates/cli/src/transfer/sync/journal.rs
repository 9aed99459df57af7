//! The sync journal (`FILE.sync-state`): JSON lines appended as changes are sent, so that a
//! rerun after a kill knows which changes were in flight.
//!
//! ```text
//! {"journal":"sinch-contacts sync","version":1,"base_url":"http://127.0.0.1:4100","project_id":"p"}
//! {"started":"create","external_id":"crm-1"}
//! {"done":"create","external_id":"crm-1","contact_id":"01H...","outcome":"created"}
//! {"started":"update","external_id":"crm-2","contact_id":"01H..."}
//! ```
//!
//! `started` is written before the change can be sent; `done` once it is known to have been
//! applied, or known not to have been (a refusal, a change never sent). A change `started` and
//! not `done` is *in doubt*: it may have been applied. A rerun plans again against the live
//! state, which settles updates and deletes in doubt (applied, they no longer differ); a create
//! in doubt is looked up by external id before it is sent again. The journal is then rewritten
//! to hold only the creates still in doubt and still to do, so it does not grow run after run.

use std::collections::BTreeMap;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sinch_contacts_model::Step;
use sinch_contacts_port::sync::Change;

use crate::error::CliResult;
use crate::target::Target;
use crate::transfer::journal_file::{self, JournalFile, Kind};

const KIND: Kind = Kind {
    magic: "sinch-contacts sync",
    version: 1,
    oldest: 1,
    noun: "a sync journal",
    written_by: "a sync of",
};

/// The kind of a change, as journalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A create.
    Create,
    /// An update.
    Update,
    /// A delete.
    Delete,
}

impl ChangeKind {
    /// The kind of `step`.
    pub fn of(step: Step) -> Self {
        match step {
            Step::Create(_) => Self::Create,
            Step::Update(_) => Self::Update,
            Step::Delete(_) => Self::Delete,
        }
    }

    /// `create`, `update` or `delete`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// Every line but the header.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Record {
    Done {
        done: ChangeKind,
        external_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact_id: Option<String>,
        outcome: String,
    },
    Started {
        started: ChangeKind,
        external_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact_id: Option<String>,
    },
}

/// The changes earlier runs left in doubt, by kind and external id (with the contact id, when
/// the change had one).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InDoubt {
    changes: BTreeMap<(ChangeKind, String), Option<String>>,
}

impl InDoubt {
    /// How many changes are in doubt.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// The external ids of the creates in doubt.
    pub fn creates(&self) -> HashSet<String> {
        self.changes
            .keys()
            .filter(|(kind, _)| *kind == ChangeKind::Create)
            .map(|(_, external_id)| external_id.clone())
            .collect()
    }
}

/// An open sync journal.
#[derive(Debug)]
pub struct SyncJournal {
    file: JournalFile,
    target: Target,
}

/// The default journal path for a source file: `FILE.sync-state`.
pub fn default_path(input: &Path) -> PathBuf {
    journal_file::beside(input, ".sync-state")
}

impl SyncJournal {
    /// Opens (or creates) the journal at `path` for `target`, with what earlier runs left in
    /// doubt.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or written, is not a sync journal, belongs to another
    /// target, or holds a damaged line.
    pub fn open(path: &Path, target: &Target) -> CliResult<(Self, InDoubt)> {
        let mut in_doubt = InDoubt::default();
        let file = JournalFile::open(path, target, KIND, |line| {
            match serde_json::from_slice::<Record>(line)? {
                Record::Started {
                    started,
                    external_id,
                    contact_id,
                } => {
                    in_doubt.changes.insert((started, external_id), contact_id);
                }
                Record::Done {
                    done, external_id, ..
                } => {
                    in_doubt.changes.remove(&(done, external_id));
                }
            }
            Ok(())
        })?;
        let journal = Self {
            file,
            target: target.clone(),
        };
        Ok((journal, in_doubt))
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Rewrites the journal to hold, in doubt, only the creates of `in_doubt` whose external id
    /// `still_to_create` names: the live state settled every other change in doubt.
    pub fn keep(&self, in_doubt: &InDoubt, still_to_create: &HashSet<&str>) -> CliResult {
        let kept: Vec<Record> = in_doubt
            .changes
            .iter()
            .filter(|((kind, external_id), _)| {
                *kind == ChangeKind::Create && still_to_create.contains(external_id.as_str())
            })
            .map(|((kind, external_id), contact_id)| Record::Started {
                started: *kind,
                external_id: external_id.clone(),
                contact_id: contact_id.clone(),
            })
            .collect();
        self.file.rewrite(&self.target, KIND, &kept)
    }

    /// Records that `change` may be sent from now on.
    pub fn started(&self, change: &Change) -> CliResult {
        self.file.append(&Record::Started {
            started: ChangeKind::of(change.step),
            external_id: change.external_id.clone(),
            contact_id: change.contact_id.clone(),
        })
    }

    /// Records that `change` is settled: applied (`contact_id` of the contact, when known), or
    /// known not to have been (`outcome` says which).
    pub fn done(&self, change: &Change, contact_id: Option<&str>, outcome: &str) -> CliResult {
        self.file.append(&Record::Done {
            done: ChangeKind::of(change.step),
            external_id: change.external_id.clone(),
            contact_id: contact_id
                .map(str::to_owned)
                .or_else(|| change.contact_id.clone()),
            outcome: outcome.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use sinch_contacts_model::{ContactCreateRequest, ContactLanguage, SyncPlan};

    use super::*;

    fn target() -> Target {
        Target {
            base_url: "http://127.0.0.1:1".to_owned(),
            project_id: "p".to_owned(),
        }
    }

    /// The create of `external_id`, as the applier hands it over.
    fn create(external_id: &str) -> Change {
        let mut plan = SyncPlan::default();
        let mut request = ContactCreateRequest::new(Vec::new(), ContactLanguage::EnUs);
        request.external_id = Some(external_id.to_owned());
        plan.creates.push(request);
        Change::of(&plan, Step::Create(0))
    }

    #[test]
    fn started_and_not_done_is_in_doubt_and_keep_leaves_the_creates_still_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.csv.sync-state");
        {
            let (journal, in_doubt) = SyncJournal::open(&path, &target()).unwrap();
            assert_eq!(in_doubt.len(), 0);
            for key in ["a", "b", "c"] {
                journal.started(&create(key)).unwrap();
            }
            journal.done(&create("a"), Some("01A"), "created").unwrap();
        }
        // Another run's records by hand: an update in doubt, and a cut last line.
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(
            b"{\"started\":\"update\",\"external_id\":\"u\",\"contact_id\":\"01U\"}\n{\"started\":\"cre",
        )
        .unwrap();
        drop(file);

        let (journal, in_doubt) = SyncJournal::open(&path, &target()).unwrap();
        assert_eq!(in_doubt.len(), 3, "b, c and the update");
        assert_eq!(
            in_doubt.creates(),
            HashSet::from(["b".to_owned(), "c".to_owned()])
        );
        // The new plan still creates c (b exists now): only c stays in doubt.
        journal.keep(&in_doubt, &HashSet::from(["c", "z"])).unwrap();
        journal.started(&create("z")).unwrap();
        drop(journal);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                r#"{"started":"create","external_id":"c"}"#,
                r#"{"started":"create","external_id":"z"}"#
            ]
        );
        let (_, in_doubt) = SyncJournal::open(&path, &target()).unwrap();
        assert_eq!(
            in_doubt.creates(),
            HashSet::from(["c".to_owned(), "z".to_owned()])
        );
    }

    #[test]
    fn done_records_the_contact_id_and_an_import_journal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let (journal, _) = SyncJournal::open(&path, &target()).unwrap();
        journal.done(&create("a"), Some("01A"), "created").unwrap();
        drop(journal);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.ends_with(
                "{\"done\":\"create\",\"external_id\":\"a\",\"contact_id\":\"01A\",\"outcome\":\"created\"}\n"
            ),
            "{text}"
        );
        let import = dir.path().join("import-state");
        std::fs::write(
            &import,
            "{\"journal\":\"sinch-contacts import\",\"version\":2,\"base_url\":\"http://127.0.0.1:1\",\"project_id\":\"p\"}\n",
        )
        .unwrap();
        let error = SyncJournal::open(&import, &target()).unwrap_err();
        assert!(
            error.to_string().contains("is not a sync journal"),
            "{error}"
        );
        assert_eq!(
            default_path(Path::new("crm.csv")),
            PathBuf::from("crm.csv.sync-state")
        );
        assert_eq!(ChangeKind::of(Step::Delete(3)).as_str(), "delete");
        assert_eq!(ChangeKind::of(Step::Update(0)).as_str(), "update");
    }
}
