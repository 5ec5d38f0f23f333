//! The one error type of the desktop commands, sent to the front end as a
//! tagged union (`{ kind, detail }`) so the UI can tell a refused import from
//! a file that is not a project without parsing messages.
//!
//! Library errors are folded in here with their messages; nothing below this
//! crate knows about the wire.

use serde::Serialize;
use ts_rs::TS;

/// Why a command failed.
#[derive(Debug, thiserror::Error, Serialize, TS)]
#[serde(tag = "kind", content = "detail", rename_all = "camelCase")]
pub enum AppError {
    /// No project is open and the command needs one.
    #[error("no project is open")]
    NoProject,
    /// The project has no plan yet.
    #[error("the project has no plan yet: plan it first")]
    NoPlan,
    /// The project file could not be opened, read or written.
    #[error("{message}")]
    Store {
        /// What the store said, naming the file.
        message: String,
    },
    /// Another writer holds the project (the app in another window, or
    /// `waveplan` in a terminal): it can be opened read-only.
    #[error("{message}")]
    Locked {
        /// The project file.
        path: String,
        /// Who holds it, since when, and what to do.
        message: String,
    },
    /// An import had errors; nothing was saved.
    #[error("the import has {errors} errors; nothing was saved")]
    ImportRefused {
        /// How many error diagnostics.
        errors: u32,
    },
    /// A value typed by the user is not valid for its field.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: String,
        /// What is wrong, and what is expected.
        message: String,
    },
    /// A named thing (application, wave, scenario) does not exist.
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
    /// The user cancelled the task (or the dialog).
    #[error("cancelled")]
    Cancelled,
    /// A bug: the message says where.
    #[error("internal error: {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

impl From<waveplan_store::StoreError> for AppError {
    fn from(error: waveplan_store::StoreError) -> Self {
        match &error {
            waveplan_store::StoreError::Locked { path, .. } => {
                AppError::Locked { path: path.display().to_string(), message: error.to_string() }
            }
            _ => AppError::Store { message: error.to_string() },
        }
    }
}

impl From<waveplan_app::Error> for AppError {
    fn from(error: waveplan_app::Error) -> Self {
        use waveplan_app::Error as E;
        match error {
            E::NoPlan => AppError::NoPlan,
            E::Store(store) => store.into(),
            E::ImportRefused { errors } => AppError::ImportRefused { errors },
            // The settings panel shows it by its inputs.
            E::Infeasible { .. } => AppError::invalid("settings", error.to_string()),
            E::Invalid { field, message } => AppError::Invalid { field, message },
            E::NotFound { what, name } => AppError::NotFound { what, name },
            E::Io { path, message } => AppError::Io { path, message },
            E::Cancelled => AppError::Cancelled,
            other @ (E::NoInventory { .. } | E::Unreadable { .. }) => AppError::Store { message: other.to_string() },
            other => AppError::Internal { message: other.to_string() },
        }
    }
}

impl From<serde_json::Error> for AppError {
    fn from(error: serde_json::Error) -> Self {
        AppError::Internal { message: format!("json: {error}") }
    }
}

impl From<waveplan_export::ExportError> for AppError {
    fn from(error: waveplan_export::ExportError) -> Self {
        AppError::Internal { message: format!("export: {error}") }
    }
}

impl AppError {
    /// An IO error on `path`.
    pub fn io(path: &std::path::Path, error: impl std::fmt::Display) -> AppError {
        AppError::Io { path: path.display().to_string(), message: error.to_string() }
    }

    /// A field that does not accept a value.
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid { field: field.to_string(), message: message.into() }
    }
}

/// What every command returns.
pub type AppResult<T> = Result<T, AppError>;
