//! The one error type of the project session, for both front ends: the
//! desktop shell folds it into its wire error, the command prints it and
//! picks its exit code. Each variant carries what it is about (the field,
//! the name, the file), so neither front end parses a message.

use waveplan_core::plan::Conflict;
use waveplan_store::StoreError;

/// Why a session action or question failed. On any of these, nothing was
/// changed: not the file, not the session in memory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The project has no plan yet.
    #[error("the project has no plan yet: plan it first")]
    NoPlan,
    /// The project has no inventory to plan.
    #[error("{project}: the project has no inventory yet (import some files first)")]
    NoInventory {
        /// The project file.
        project: String,
    },
    /// The project file could not be opened, read or written, is held by
    /// another writer, is read-only, or was changed outside this session.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An import had errors; nothing was saved.
    #[error("the import has {errors} errors; nothing was saved")]
    ImportRefused {
        /// How many error diagnostics.
        errors: u32,
    },
    /// The constraints cannot all be kept: no plan was made or saved.
    #[error("these constraints cannot all be kept, so there is no valid plan (nothing was saved): {}", conflict_lines(&.plan.conflicts))]
    Infeasible {
        /// The plan the planner gave up on, with its conflicts.
        plan: Box<waveplan_core::Plan>,
    },
    /// A record of the project file cannot be read.
    #[error("{path}: {what} cannot be read: {detail}")]
    Unreadable {
        /// The project file.
        path: String,
        /// What (a saved plan, an undo step).
        what: String,
        /// Why.
        detail: String,
    },
    /// A value given by the user is not valid for its field.
    #[error("{field}: {message}")]
    Invalid {
        /// The field (the desktop's wire name, or the command's key).
        field: String,
        /// What is wrong, and what is expected.
        message: String,
    },
    /// A named thing (application, scenario, file in an import) does not exist.
    #[error("no {what} named '{name}'")]
    NotFound {
        /// What kind of thing.
        what: String,
        /// The name asked for.
        name: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The system's message.
        message: String,
    },
    /// The user cancelled the task.
    #[error("cancelled")]
    Cancelled,
    /// A bug: the message says where. Nothing was saved.
    #[error("internal error: {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

fn conflict_lines(conflicts: &[Conflict]) -> String {
    conflicts.iter().map(|c| format!("{}: {}", c.kind, c.message)).collect::<Vec<_>>().join("; ")
}

impl Error {
    /// An IO error on `path`.
    pub fn io(path: &std::path::Path, error: impl std::fmt::Display) -> Error {
        Error::Io { path: path.display().to_string(), message: error.to_string() }
    }

    /// A field that does not accept a value.
    pub fn invalid(field: &str, message: impl Into<String>) -> Error {
        Error::Invalid { field: field.to_string(), message: message.into() }
    }

    /// A named thing that does not exist.
    pub fn not_found(what: &str, name: impl Into<String>) -> Error {
        Error::NotFound { what: what.to_string(), name: name.into() }
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Self {
        Error::Internal { message: format!("json: {error}") }
    }
}

impl From<waveplan_export::ExportError> for Error {
    fn from(error: waveplan_export::ExportError) -> Self {
        Error::Internal { message: format!("export: {error}") }
    }
}

/// What every session call returns.
pub type Result<T, E = Error> = std::result::Result<T, E>;
