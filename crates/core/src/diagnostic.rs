//! Diagnostics: what went wrong or looks wrong in the input, and where.
//!
//! Core never fails on bad data: functions that read user data return their
//! result together with a list of diagnostics. An import is aborted by its
//! caller when any diagnostic is an [`Severity::Error`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be taken as it is; nothing of the import is saved.
    Error,
    /// Taken, but worth a look.
    Warning,
    /// For the record.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// A message about the input, with the place it refers to (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// The file, as the user named it.
    pub file: Option<String>,
    /// The sheet of a workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Line in the file (row of a sheet), 1 for the first.
    pub line: Option<u64>,
    /// Column (field) in the line, 1 for the first.
    pub column: Option<u64>,
    /// What is wrong, in plain words, lower case, no final period.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic with no place.
    pub fn new(severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity, file: None, sheet: None, line: None, column: None, message: message.into() }
    }

    /// An error at a place.
    pub fn error_at(origin: &Origin, column: Option<u64>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, message).at(origin, column)
    }

    /// A warning at a place.
    pub fn warning_at(origin: &Origin, column: Option<u64>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, message).at(origin, column)
    }

    /// Sets the place.
    pub fn at(mut self, origin: &Origin, column: Option<u64>) -> Diagnostic {
        self.file = Some(origin.file.clone());
        self.sheet = origin.sheet.clone();
        self.line = origin.line;
        self.column = column;
        self
    }

    /// Whether this diagnostic aborts an import.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: severity: message`, the form editors and compilers use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(sheet) = &self.sheet {
                write!(f, "[{sheet}]")?;
            }
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            f.write_str(": ")?;
        }
        write!(f, "{}: {}", self.severity, self.message)
    }
}

/// Where a record was read: the file and the line it starts on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The file, as the user named it.
    pub file: String,
    /// The sheet of a workbook.
    pub sheet: Option<String>,
    /// The 1-based line (row of a sheet), if the format has lines.
    pub line: Option<u64>,
}

impl Origin {
    /// An origin in a file at a line.
    pub fn new(file: impl Into<String>, line: u64) -> Origin {
        Origin { file: file.into(), sheet: None, line: Some(line) }
    }

    /// An origin in a sheet of a workbook at a row.
    pub fn in_sheet(file: impl Into<String>, sheet: impl Into<String>, row: u64) -> Origin {
        Origin { file: file.into(), sheet: Some(sheet.into()), line: Some(row) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_a_compiler() {
        let d = Diagnostic::error_at(&Origin::new("servers.csv", 7), Some(3), "cores: 'four' is not a whole number");
        assert_eq!(d.to_string(), "servers.csv:7:3: error: cores: 'four' is not a whole number");
        assert_eq!(Diagnostic::new(Severity::Warning, "x").to_string(), "warning: x");
        let d = Diagnostic::warning_at(&Origin::in_sheet("rv.xlsx", "vInfo", 12), Some(4), "powered off");
        assert_eq!(d.to_string(), "rv.xlsx[vInfo]:12:4: warning: powered off");
    }
}
