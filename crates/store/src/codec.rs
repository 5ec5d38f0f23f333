//! Conversions between domain values and SQLite values.
//!
//! Writing: vocabulary values as their canonical spelling, dates as ISO 8601,
//! lists and maps as JSON. Reading: the same, with every failure turned into
//! [`StoreError::Corrupt`] naming the table, row and column, never a panic.
//!
//! This module must not touch the database: it converts values only.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::Row;
use rusqlite::types::{FromSql, ValueRef};
use serde::Serialize;
use serde::de::DeserializeOwned;
use waveplan_core::{
    AppRole, DataStoreKind, DependencyKind, DrPosture, Environment, MigrationMethod, OsFamily, PowerState, Protocol,
    ServerKind, Strategy, Tier,
};

use crate::error::StoreError;

/// A closed vocabulary of the domain model, stored as its canonical spelling.
pub(crate) trait Vocabulary: Copy + 'static {
    /// Every value.
    fn all() -> &'static [Self];
    /// The canonical spelling.
    fn text(self) -> &'static str;
    /// Any accepted spelling.
    fn from_alias(text: &str) -> Option<Self>;
    /// The accepted canonical spellings, for messages.
    fn expected() -> String;

    /// Reads a stored spelling: the canonical one quickly, an alias if a hand edit left one.
    fn from_text(text: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.text() == text).or_else(|| Self::from_alias(text))
    }
}

macro_rules! vocabulary {
    ($($ty:ty),+ $(,)?) => {$(
        impl Vocabulary for $ty {
            fn all() -> &'static [Self] { <$ty>::ALL }
            fn text(self) -> &'static str { <$ty>::as_str(self) }
            fn from_alias(text: &str) -> Option<Self> { <$ty>::parse(text) }
            fn expected() -> String { <$ty>::expected() }
        }
    )+};
}

vocabulary!(
    Environment,
    ServerKind,
    PowerState,
    OsFamily,
    Tier,
    Strategy,
    DrPosture,
    DataStoreKind,
    MigrationMethod,
    DependencyKind,
    Protocol,
    AppRole,
);

/// The canonical spelling of an optional vocabulary value.
pub(crate) fn opt_text<T: Vocabulary>(value: Option<T>) -> Option<&'static str> {
    value.map(T::text)
}

/// JSON text of a list or map.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T, what: impl FnOnce() -> String) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::unstorable(what(), e.to_string()))
}

/// A timestamp as RFC 3339 in UTC, with as many fractional digits as it has.
pub(crate) fn timestamp_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Parses [`timestamp_text`].
pub(crate) fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| format!("'{text}' is not a timestamp: {e}"))
}

/// Fails with [`StoreError::Unstorable`] on NaN, which SQLite would store as NULL.
pub(crate) fn check_number(value: Option<f64>, what: impl FnOnce() -> String) -> Result<(), StoreError> {
    match value {
        Some(v) if v.is_nan() => Err(StoreError::unstorable(what(), "not a number (nan)")),
        _ => Ok(()),
    }
}

/// One row being read, for messages that name the table, the row and the column.
pub(crate) struct Record<'r, 's> {
    row: &'r Row<'s>,
    table: &'static str,
    id: i64,
}

impl<'r, 's> Record<'r, 's> {
    /// A row of `table` with its `id`; the id is for messages only.
    pub(crate) fn new(row: &'r Row<'s>, table: &'static str, id: i64) -> Self {
        Record { row, table, id }
    }

    /// "servers 12 cores", built only when something is wrong.
    pub(crate) fn what(&self, column: usize) -> String {
        let name = self.row.as_ref().column_name(column).unwrap_or("?");
        format!("{} {} {}", self.table, self.id, name)
    }

    /// A [`StoreError::Corrupt`] about a column of this row.
    pub(crate) fn corrupt(&self, column: usize, detail: impl Into<String>) -> StoreError {
        StoreError::corrupt(self.what(column), detail)
    }

    /// A value of any type SQLite converts to `T`.
    pub(crate) fn get<T: FromSql>(&self, column: usize) -> Result<T, StoreError> {
        self.row.get(column).map_err(|e| self.corrupt(column, e.to_string()))
    }

    /// Text, borrowed from the row.
    pub(crate) fn text(&self, column: usize) -> Result<&'r str, StoreError> {
        self.opt_text(column)?.ok_or_else(|| self.corrupt(column, "missing"))
    }

    /// Text or NULL, borrowed from the row.
    pub(crate) fn opt_text(&self, column: usize) -> Result<Option<&'r str>, StoreError> {
        match self.row.get_ref(column).map_err(|e| self.corrupt(column, e.to_string()))? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(bytes) => {
                std::str::from_utf8(bytes).map(Some).map_err(|e| self.corrupt(column, format!("not utf-8: {e}")))
            }
            other => Err(self.corrupt(column, format!("expected text, found {}", other.data_type()))),
        }
    }

    /// A vocabulary value.
    pub(crate) fn vocab<T: Vocabulary>(&self, column: usize) -> Result<T, StoreError> {
        let text = self.text(column)?;
        T::from_text(text).ok_or_else(|| self.corrupt(column, format!("'{text}' is not one of {}", T::expected())))
    }

    /// A vocabulary value or NULL.
    pub(crate) fn opt_vocab<T: Vocabulary>(&self, column: usize) -> Result<Option<T>, StoreError> {
        match self.opt_text(column)? {
            None => Ok(None),
            Some(text) => T::from_text(text)
                .map(Some)
                .ok_or_else(|| self.corrupt(column, format!("'{text}' is not one of {}", T::expected()))),
        }
    }

    /// An integer that has to fit `T` (a `u32`, a `u16`).
    pub(crate) fn int<T: TryFrom<i64>>(&self, column: usize) -> Result<T, StoreError> {
        self.opt_int(column)?.ok_or_else(|| self.corrupt(column, "missing"))
    }

    /// An integer that has to fit `T`, or NULL.
    pub(crate) fn opt_int<T: TryFrom<i64>>(&self, column: usize) -> Result<Option<T>, StoreError> {
        match self.get::<Option<i64>>(column)? {
            None => Ok(None),
            Some(v) => T::try_from(v).map(Some).map_err(|_| self.corrupt(column, format!("{v} is out of range"))),
        }
    }

    /// A value stored as JSON text.
    pub(crate) fn json<T: DeserializeOwned>(&self, column: usize) -> Result<T, StoreError> {
        let text = self.text(column)?;
        serde_json::from_str(text).map_err(|e| self.corrupt(column, format!("invalid json: {e}")))
    }

    /// A value stored as JSON text, or NULL.
    pub(crate) fn opt_json<T: DeserializeOwned>(&self, column: usize) -> Result<Option<T>, StoreError> {
        match self.opt_text(column)? {
            None => Ok(None),
            Some(text) => {
                serde_json::from_str(text).map(Some).map_err(|e| self.corrupt(column, format!("invalid json: {e}")))
            }
        }
    }

    /// A date stored as `YYYY-MM-DD` (chrono's `Display`), or NULL.
    pub(crate) fn opt_date(&self, column: usize) -> Result<Option<NaiveDate>, StoreError> {
        match self.opt_text(column)? {
            None => Ok(None),
            Some(text) => text
                .parse::<NaiveDate>()
                .map(Some)
                .map_err(|e| self.corrupt(column, format!("'{text}' is not a date: {e}"))),
        }
    }

    /// A timestamp stored by [`timestamp_text`].
    pub(crate) fn timestamp(&self, column: usize) -> Result<DateTime<Utc>, StoreError> {
        parse_timestamp(self.text(column)?).map_err(|detail| self.corrupt(column, detail))
    }

    /// A timestamp stored by [`timestamp_text`], or NULL.
    pub(crate) fn opt_timestamp(&self, column: usize) -> Result<Option<DateTime<Utc>>, StoreError> {
        match self.opt_text(column)? {
            None => Ok(None),
            Some(text) => parse_timestamp(text).map(Some).map_err(|detail| self.corrupt(column, detail)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_reads_canonical_and_alias_spellings() {
        for &tier in Tier::ALL {
            assert_eq!(Tier::from_text(tier.text()), Some(tier));
        }
        assert_eq!(Protocol::from_text(""), Some(Protocol::Any));
        assert_eq!(Strategy::from_text("lift and shift"), Some(Strategy::Rehost));
        assert_eq!(OsFamily::from_text("beos"), None);
    }

    #[test]
    fn timestamps_keep_nanoseconds() {
        let at = DateTime::from_timestamp(1_700_000_000, 123_456_789).expect("in range");
        assert_eq!(parse_timestamp(&timestamp_text(at)), Ok(at));
    }
}
