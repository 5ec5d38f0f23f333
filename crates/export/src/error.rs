//! The one error type of the export crate.

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// Writing to the output failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// The JSON writer failed.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The workbook writer failed.
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The zip writer failed.
    #[error("cannot write the zip archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// The scope names an application the estate does not have.
    #[error("no application named '{0}' in the estate")]
    NoSuchApplication(String),
    /// The scope names a wave the plan does not have.
    #[error("the plan has no wave {wave} (it has {waves})")]
    NoSuchWave {
        /// The wave asked for.
        wave: u32,
        /// How many waves the plan has.
        waves: u32,
    },
    /// A scope (one application or wave) was given to a format that always covers the whole plan.
    #[error(
        "the {format} export always covers the whole plan: --app and --wave apply to the diagram and runbook formats"
    )]
    ScopeNotSupported {
        /// The format's id.
        format: &'static str,
    },
    /// No Chromium or Chrome to print the PDF with.
    #[error(
        "cannot make a PDF: no Chromium or Chrome found on PATH (looked for {looked_for}); install Debian's `chromium` package, or export --format html and print it from a browser (Print, Save as PDF)"
    )]
    NoBrowser {
        /// The program names tried.
        looked_for: String,
    },
    /// An option given for the export is not a value its target takes.
    #[error("{option}: '{value}' is not {expected}")]
    BadOption {
        /// The option (`aws_accountid`).
        option: &'static str,
        /// What was given.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// The browser ran but did not print.
    #[error("cannot make a PDF: {0}")]
    Print(String),
}
