//! The store's error type.
//!
//! Every variant names the thing it is about: the project file, the table
//! row, the setting or the scenario. Messages are lower case without a final
//! period; the underlying cause is left to [`std::error::Error::source`].
//!
//! This module must not format causes into messages: they stay in `source`.

use std::path::PathBuf;

/// What can go wrong when opening, reading or writing a project file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// [`crate::Project::create`] was given a path that already exists.
    #[error("{}: file already exists", path.display())]
    AlreadyExists {
        /// The path given.
        path: PathBuf,
    },
    /// [`crate::Project::open`] was given a path where there is no file.
    #[error("{}: no such project file", path.display())]
    Missing {
        /// The path given.
        path: PathBuf,
    },
    /// The file system refused (permissions, a directory where a file was expected, ...).
    #[error("{}: cannot access project file", path.display())]
    Io {
        /// The path given.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// SQLite could not open or set up the file.
    #[error("{}: cannot open project file", path.display())]
    Open {
        /// The path given.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file is not an SQLite database, or is one written by another program.
    #[error("{}: not a waveplan project ({detail})", path.display())]
    NotAProject {
        /// The path given.
        path: PathBuf,
        /// Why: "not an sqlite database", "application id 0x00000000", ...
        detail: String,
    },
    /// The file was written by a newer Waveplan; it is left untouched.
    #[error(
        "{}: written by a newer waveplan (schema version {found}, this version reads up to {supported})",
        path.display()
    )]
    NewerSchema {
        /// The path given.
        path: PathBuf,
        /// The schema version in the file.
        found: u32,
        /// The newest schema version this build knows.
        supported: u32,
    },
    /// Bringing the schema up to date failed; the file keeps its old schema.
    #[error("{}: cannot upgrade the project schema", path.display())]
    Migrate {
        /// The path given.
        path: PathBuf,
        /// What the migration said, with the SQL that failed.
        source: rusqlite_migration::Error,
    },
    /// A statement failed.
    #[error("database error while {context}")]
    Sql {
        /// What the store was doing: "saving dependencies", "loading scenario 'q3'".
        context: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A stored value cannot be read back: the file was edited by hand or damaged.
    #[error("corrupt project: {what}: {detail}")]
    Corrupt {
        /// Where: "servers 12 cores", "setting 'theme'".
        what: String,
        /// What is wrong with it.
        detail: String,
    },
    /// A value cannot be stored faithfully (a NaN, a dangling id, a map JSON cannot hold).
    #[error("cannot store {what}: {detail}")]
    Unstorable {
        /// Where: "dependency 7 weight", "application 'ehr' server 41".
        what: String,
        /// What is wrong with it.
        detail: String,
    },
    /// A scenario that was asked for is not in the project.
    #[error("no scenario named '{name}'")]
    NoScenario {
        /// The name asked for.
        name: String,
    },
    /// A scenario would be created under a name that is taken.
    #[error("a scenario named '{name}' already exists")]
    ScenarioExists {
        /// The name.
        name: String,
    },
    /// The project was opened read-only; nothing is written to it.
    #[error("{}: opened read-only", path.display())]
    ReadOnly {
        /// The project file.
        path: PathBuf,
    },
    /// Another connection (the sqlite3 shell, another program) committed to
    /// the file since this project read it; the write is refused so that it
    /// does not silently overwrite what was changed there.
    #[error("{}: changed outside this window since it was opened; reload it before saving", path.display())]
    ChangedOutside {
        /// The project file.
        path: PathBuf,
    },
    /// Another writer holds the project (another program, another window).
    #[error(
        "{}: held by {} on {} since {}, pid {}; open it read-only, or close it there",
        path.display(),
        holder.user,
        holder.host,
        holder.since.with_timezone(&chrono::Local).format("%H:%M"),
        holder.pid
    )]
    Locked {
        /// The project file.
        path: PathBuf,
        /// Who holds it, as written in its lock file.
        holder: crate::Owner,
    },
    /// The file holds what a project never has (a trigger, a view): code that
    /// would run on this machine when the file is written. It is left untouched.
    #[error("{}: refused, the file holds {detail}, which a waveplan project never has", path.display())]
    Untrusted {
        /// The project file.
        path: PathBuf,
        /// What was found: "trigger 'audit_wipe' on scenarios".
        detail: String,
    },
    /// A read-only open of a file of an older schema, which only a writer can upgrade.
    #[error(
        "{}: written by an older waveplan (schema version {found}); open it for writing once to upgrade it",
        path.display()
    )]
    OlderSchema {
        /// The project file.
        path: PathBuf,
        /// The schema version in the file.
        found: u32,
    },
    /// A fault injected by a test (`Project::fail_at_statement`).
    #[error("injected fault at statement {statement}")]
    Injected {
        /// The statement of the write that failed, counted from 1.
        statement: u64,
    },
}

impl StoreError {
    /// A [`StoreError::Sql`] with the context given.
    pub(crate) fn sql(context: impl Into<String>, source: rusqlite::Error) -> StoreError {
        StoreError::Sql { context: context.into(), source }
    }

    /// A [`StoreError::Corrupt`].
    pub(crate) fn corrupt(what: impl Into<String>, detail: impl Into<String>) -> StoreError {
        StoreError::Corrupt { what: what.into(), detail: detail.into() }
    }

    /// A [`StoreError::Unstorable`].
    pub(crate) fn unstorable(what: impl Into<String>, detail: impl Into<String>) -> StoreError {
        StoreError::Unstorable { what: what.into(), detail: detail.into() }
    }
}

/// `map_err` helper: `.map_err(sql("saving servers"))`.
pub(crate) fn sql(context: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |source| StoreError::sql(context, source)
}
