//! Opening and creating project files.
//!
//! A project file is an SQLite database marked with [`APPLICATION_ID`] and
//! kept at [`SCHEMA_VERSION`] by [`MIGRATIONS`]. Opening checks the marker and
//! the version before anything is written, so that a foreign file or a file
//! from a newer Waveplan is refused without a byte of it changing.
//!
//! This module must not write to a project file (beyond creating an empty one)
//! before its lock is held and it is known to be a trusted project of a
//! version this build reads.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::StoreError;
use crate::journal::{Journal, journal_for};
use crate::lock::{Access, Lock, Owner};
use crate::schema::{APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION};
use crate::write::{Tally, data_version};

/// How long a statement waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The path reported for a project held in memory.
const IN_MEMORY: &str = ":memory:";

/// An open `.waveplan` project file.
///
/// Holds one SQLite connection and, when open for writing, the project's
/// lock (see [`Owner`]). It is `Send` but not `Sync`: share it behind a
/// mutex. Every change goes through [`Project::write`].
#[derive(Debug)]
pub struct Project {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    /// Refuses every write ([`StoreError::ReadOnly`]).
    pub(crate) read_only: bool,
    /// `PRAGMA data_version` when this project last saw the file as it is.
    pub(crate) seen_version: i64,
    /// The statements of the current write, and the fault a test injected.
    pub(crate) tally: Tally,
    journal: Journal,
    backup: Option<PathBuf>,
    took_over: Option<Owner>,
    // Last, so the connection is closed (and the log checkpointed) before the lock goes.
    _lock: Option<Lock>,
}

/// What opening found out beyond the connection.
struct Opened {
    lock: Option<Lock>,
    took_over: Option<Owner>,
    backup: Option<PathBuf>,
    read_only: bool,
}

impl Project {
    /// Creates a new, empty project file at `path` for this process's user; fails if anything exists there.
    pub fn create(path: impl AsRef<Path>) -> Result<Project, StoreError> {
        Project::create_with(path, Owner::current())
    }

    /// Creates a new, empty project file at `path`, held for writing by `owner`;
    /// fails if anything exists there.
    pub fn create_with(path: impl AsRef<Path>, owner: Owner) -> Result<Project, StoreError> {
        let path = path.as_ref();
        match fs::OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(StoreError::AlreadyExists { path: path.to_owned() });
            }
            Err(source) => return Err(StoreError::Io { path: path.to_owned(), source }),
        }
        let result = Lock::acquire(path, &owner).and_then(|(lock, took_over)| {
            // SQLite takes an empty file as an empty database.
            let conn = Connection::open_with_flags(path, read_write_flags())
                .map_err(|source| StoreError::Open { path: path.to_owned(), source })?;
            harden(&conn, path)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(|source| StoreError::Open { path: path.to_owned(), source })?;
            let opened = Opened { lock: Some(lock), took_over, backup: None, read_only: false };
            Project::set_up(conn, path.to_owned(), Some(journal_for(path)), opened)
        });
        if result.is_err() {
            // Leave nothing half-made behind; the error says what went wrong.
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut name = path.as_os_str().to_owned();
                name.push(suffix);
                let _ = fs::remove_file(name);
            }
        }
        result
    }

    /// Opens an existing project file for writing as this process's user and
    /// brings its schema up to date; see [`Project::open_with`].
    pub fn open(path: impl AsRef<Path>) -> Result<Project, StoreError> {
        Project::open_with(path, Access::Write(Owner::current()))
    }

    /// Opens an existing project file.
    ///
    /// Fails with [`StoreError::Missing`] if there is no file,
    /// [`StoreError::NotAProject`] if it is not a Waveplan project,
    /// [`StoreError::NewerSchema`] if a newer Waveplan wrote it and
    /// [`StoreError::Untrusted`] if it holds a trigger or a view, each leaving
    /// the file untouched. For writing ([`Access::Write`]), it takes the
    /// project's lock ([`StoreError::Locked`] when someone else holds it), and
    /// a file of an older schema is copied beside it ([`Project::backup`])
    /// before it is upgraded. Read-only ([`Access::ReadOnly`]), nothing is
    /// locked or written, and an older schema is refused ([`StoreError::OlderSchema`]).
    pub fn open_with(path: impl AsRef<Path>, access: Access) -> Result<Project, StoreError> {
        let path = path.as_ref();
        match fs::metadata(path) {
            Ok(meta) if meta.is_file() && meta.len() == 0 => {
                return Err(StoreError::NotAProject { path: path.to_owned(), detail: "empty file".into() });
            }
            Ok(meta) if meta.is_file() => {}
            Ok(_) => {
                return Err(StoreError::NotAProject { path: path.to_owned(), detail: "not a file".into() });
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(StoreError::Missing { path: path.to_owned() });
            }
            Err(source) => return Err(StoreError::Io { path: path.to_owned(), source }),
        }
        check_header(path)?;
        let (lock, took_over) = match &access {
            Access::Write(owner) => {
                let (lock, took_over) = Lock::acquire(path, owner)?;
                (Some(lock), took_over)
            }
            Access::ReadOnly => (None, None),
        };
        let read_only = lock.is_none();
        let flags = if read_only { read_only_flags() } else { read_write_flags() };
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|source| StoreError::Open { path: path.to_owned(), source })?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|source| StoreError::Open { path: path.to_owned(), source })?;
        harden(&conn, path)?;
        // The header can lag behind a write-ahead log that another process has
        // not checkpointed yet; SQLite's answer is the one that counts. Nothing
        // has been written so far.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(|source| {
            if source.sqlite_error_code() == Some(ErrorCode::NotADatabase) {
                StoreError::NotAProject { path: path.to_owned(), detail: "not an sqlite database".into() }
            } else {
                StoreError::Open { path: path.to_owned(), source }
            }
        })?;
        check_version(path, version)?;
        check_trusted(&conn, path)?;
        let found = version as u32;
        let mut backup = None;
        if found < SCHEMA_VERSION {
            if read_only {
                return Err(StoreError::OlderSchema { path: path.to_owned(), found });
            }
            backup = Some(back_up(&conn, path, found)?);
        }
        let journal = if read_only { None } else { Some(journal_for(path)) };
        Project::set_up(conn, path.to_owned(), journal, Opened { lock, took_over, backup, read_only })
    }

    /// A project held in memory, for tests and previews; gone when dropped.
    pub fn open_in_memory() -> Result<Project, StoreError> {
        let path = PathBuf::from(IN_MEMORY);
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open { path: path.clone(), source })?;
        harden(&conn, &path)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(|source| StoreError::Open { path: path.clone(), source })?;
        Project::set_up(conn, path, None, Opened { lock: None, took_over: None, backup: None, read_only: false })
    }

    /// Whether the project was opened read-only (every write is refused).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The owner of a lock file found abandoned when this project was opened
    /// (a holder that is gone: crashed, killed, its machine turned off), whose
    /// lock this project took over.
    pub fn took_over(&self) -> Option<&Owner> {
        self.took_over.as_ref()
    }

    /// How the file is journalled, and why not the write-ahead log when it is not.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// The copy of the file made before its schema was upgraded on opening, if it was.
    pub fn backup(&self) -> Option<&Path> {
        self.backup.as_deref()
    }

    /// The file's path, or `:memory:`.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file; [`SCHEMA_VERSION`] once opened.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(crate::error::sql("reading the schema version"))?;
        u32::try_from(version).map_err(|_| StoreError::corrupt("schema version", format!("{version} is negative")))
    }

    /// The project's identifier: random, made when the file was created (or
    /// upgraded to schema 4), and kept for the life of the project.
    pub fn project_id(&self) -> Result<String, StoreError> {
        self.conn
            .query_row("SELECT project_id FROM project WHERE id = 1", [], |row| row.get(0))
            .map_err(crate::error::sql("reading the project identifier"))
    }

    /// Sets the connection's pragmas and runs the pending migrations;
    /// `journal` is `None` for a file held in memory or opened read-only.
    fn set_up(
        mut conn: Connection,
        path: PathBuf,
        journal: Option<Journal>,
        opened: Opened,
    ) -> Result<Project, StoreError> {
        let open_error = |source| StoreError::Open { path: path.clone(), source };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
        let on_disk = journal.is_some();
        if let Some(journal) = &journal {
            let mode = match journal {
                Journal::Wal => "WAL",
                Journal::Rollback { .. } => "DELETE",
            };
            // Should the file system refuse the log after all, SQLite keeps
            // the rollback journal, which is slower but correct.
            let _mode: String =
                conn.pragma_update_and_check(None, "journal_mode", mode, |row| row.get(0)).map_err(open_error)?;
        }
        conn.pragma_update(None, "foreign_keys", true).map_err(open_error)?;
        if !opened.read_only {
            conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_error)?;
        }
        // A save rewrites the whole inventory (about 100 MB for a million
        // dependencies): a 64 MiB page cache keeps it from spilling early, and
        // the size limit hands the write-ahead log's space back afterwards.
        conn.pragma_update(None, "cache_size", -65_536).map_err(open_error)?;
        if on_disk {
            let _limit: i64 = conn
                .pragma_update_and_check(None, "journal_size_limit", 32 * 1024 * 1024, |row| row.get(0))
                .map_err(open_error)?;
        }
        // A save holds every statement of the inventory at once.
        conn.set_prepared_statement_cache_capacity(32);
        if !opened.read_only {
            MIGRATIONS.to_latest(&mut conn).map_err(|source| StoreError::Migrate { path: path.clone(), source })?;
        }
        let seen_version = data_version(&conn)?;
        let journal = journal.unwrap_or_else(|| Journal::Rollback {
            reason: if opened.read_only {
                "the file is open read-only".into()
            } else {
                "the project is held in memory".into()
            },
        });
        Ok(Project {
            conn,
            path,
            read_only: opened.read_only,
            seen_version,
            tally: Tally::default(),
            journal,
            backup: opened.backup,
            took_over: opened.took_over,
            _lock: opened.lock,
        })
    }
}

/// Settings for a file that may come from anyone: no SQL function marked
/// unsafe runs from the schema, and no statement can corrupt the file on
/// purpose (writing to `sqlite_master`, the file's raw pages).
fn harden(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let open_error = |source| StoreError::Open { path: path.to_owned(), source };
    conn.pragma_update(None, "trusted_schema", false).map_err(open_error)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true).map_err(open_error)?;
    Ok(())
}

/// Refuses a file whose schema holds a trigger or a view: the project makes
/// none, and one planted there would run its SQL when the file is written.
fn check_trusted(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let found: Vec<String> = conn
        .prepare("SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY name")
        .and_then(|mut stmt| {
            stmt.query_map([], |row| {
                let (kind, name, table): (String, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
                Ok(if kind == "trigger" { format!("trigger '{name}' on {table}") } else { format!("view '{name}'") })
            })?
            .collect()
        })
        .map_err(|source| StoreError::Open { path: path.to_owned(), source })?;
    if found.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Untrusted { path: path.to_owned(), detail: found.join(", ") })
    }
}

/// Copies the file, before its schema is upgraded, to a sibling named for its
/// version (`hospital.waveplan.schema-3.bak`, or `...schema-3-2.bak` when that
/// is taken). The lock is held and nothing was written yet; what a crashed
/// writer left in the write-ahead log is moved into the file first, so the
/// copy is whole.
fn back_up(conn: &Connection, path: &Path, version: u32) -> Result<PathBuf, StoreError> {
    let open_error = |source| StoreError::Open { path: path.to_owned(), source };
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0)).map_err(open_error)?;
    if mode.eq_ignore_ascii_case("wal") {
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(open_error)?;
    }
    let io_error = |source| StoreError::Io { path: path.to_owned(), source };
    for attempt in 1.. {
        let mut name = path.as_os_str().to_owned();
        name.push(if attempt == 1 {
            format!(".schema-{version}.bak")
        } else {
            format!(".schema-{version}-{attempt}.bak")
        });
        let backup = PathBuf::from(name);
        match fs::OpenOptions::new().write(true).create_new(true).open(&backup) {
            Ok(mut copy) => {
                let mut original = fs::File::open(path).map_err(io_error)?;
                io::copy(&mut original, &mut copy).and_then(|_| copy.sync_all()).map_err(|source| {
                    let _ = fs::remove_file(&backup);
                    StoreError::Io { path: backup.clone(), source }
                })?;
                return Ok(backup);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(StoreError::Io { path: backup, source }),
        }
    }
    unreachable!("the attempts are unbounded")
}

/// `READ_WRITE` without `CREATE` (a missing file is an error, not a new
/// project) and without `URI` (a path is a path).
fn read_write_flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// `READ_ONLY`: SQLite refuses every write on the connection itself.
fn read_only_flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Checks the file's header bytes: the SQLite magic, the application id and
/// the schema version. Reading the bytes, rather than asking SQLite, keeps
/// a refused file exactly as it was, without even a `-wal` or `-shm` beside it.
fn check_header(path: &Path) -> Result<(), StoreError> {
    let not_a_project = |detail: String| StoreError::NotAProject { path: path.to_owned(), detail };
    let mut header = Vec::with_capacity(100);
    fs::File::open(path)
        .and_then(|file| file.take(100).read_to_end(&mut header))
        .map_err(|source| StoreError::Io { path: path.to_owned(), source })?;
    if header.len() < 100 || !header.starts_with(SQLITE_MAGIC) {
        return Err(not_a_project("not an sqlite database".into()));
    }
    let field = |offset: usize| {
        i32::from_be_bytes([header[offset], header[offset + 1], header[offset + 2], header[offset + 3]])
    };
    // Offsets from https://www.sqlite.org/fileformat.html#the_database_header
    let application_id = field(68);
    if application_id != APPLICATION_ID {
        // Show the id as the four bytes it is, the way `file(1)` would.
        return Err(not_a_project(format!(
            "sqlite application id {:#010x}, expected {APPLICATION_ID:#010x}",
            application_id as u32
        )));
    }
    check_version(path, i64::from(field(60)))
}

/// Refuses a schema version newer than [`SCHEMA_VERSION`].
fn check_version(path: &Path, version: i64) -> Result<(), StoreError> {
    let found = u32::try_from(version).map_err(|_| StoreError::NotAProject {
        path: path.to_owned(),
        detail: format!("negative schema version {version}"),
    })?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema { path: path.to_owned(), found, supported: SCHEMA_VERSION });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estate::ImportRecord;
    use crate::fixture::full_estate;

    fn project_path(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("hospital.waveplan")
    }

    #[test]
    fn a_project_file_round_trips_through_the_disk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = project_path(&dir);
        let estate = full_estate();
        let import = ImportRecord {
            files: vec!["servers.csv".into()],
            file_hashes: vec![crate::estate::file_hash(b"name,cores\n")],
            imported_at: chrono::Utc::now(),
            summary_json: "{}".into(),
        };
        {
            let mut project = Project::create(&path).expect("create");
            assert_eq!(project.path(), path);
            project.save_import(&estate, &import).expect("save");
            project.save_plan("baseline", "{}", "[]").expect("save plan");
            project.set_setting("wave_size", &20).expect("setting");
        }
        let project = Project::open(&path).expect("reopen");
        assert_eq!(project.load_estate().expect("load"), estate);
        assert_eq!(project.imports().expect("imports"), vec![import]);
        assert_eq!(project.load_plan("baseline").expect("plan"), Some(("{}".into(), "[]".into())));
        assert_eq!(project.setting::<u32>("wave_size").expect("setting"), Some(20));
    }

    #[test]
    fn opening_sets_the_connection_up() {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = Project::create(project_path(&dir)).expect("create");
        let pragma = |name: &str| -> String {
            project
                .conn
                .query_row(&format!("PRAGMA {name}"), [], |row| row.get::<_, rusqlite::types::Value>(0))
                .map(|v| format!("{v:?}"))
                .expect("pragma")
        };
        assert_eq!(pragma("journal_mode"), r#"Text("wal")"#);
        assert_eq!(pragma("foreign_keys"), "Integer(1)");
        assert_eq!(pragma("synchronous"), "Integer(1)"); // NORMAL
        assert_eq!(pragma("application_id"), format!("Integer({APPLICATION_ID})"));
        assert_eq!(project.schema_version().expect("version"), SCHEMA_VERSION);
        assert_eq!(Project::open_in_memory().expect("memory").schema_version().expect("version"), SCHEMA_VERSION);
    }

    #[test]
    fn create_refuses_an_existing_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = project_path(&dir);
        fs::write(&path, b"precious").expect("write");
        let error = Project::create(&path).expect_err("exists");
        assert!(matches!(&error, StoreError::AlreadyExists { path: p } if *p == path), "{error:?}");
        assert_eq!(fs::read(&path).expect("read"), b"precious");
    }

    #[test]
    fn open_refuses_a_missing_file_and_creates_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = project_path(&dir);
        let error = Project::open(&path).expect_err("missing");
        assert_eq!(error.to_string(), format!("{}: no such project file", path.display()));
        assert!(!path.exists());
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_not_a_project() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("servers.csv");
        fs::write(&path, "name,cores\nehr-db-01,8\n".repeat(100)).expect("write");
        let error = Project::open(&path).expect_err("csv");
        assert!(matches!(error, StoreError::NotAProject { .. }), "{error:?}");
        assert_eq!(error.to_string(), format!("{}: not a waveplan project (not an sqlite database)", path.display()));

        let empty = dir.path().join("empty.waveplan");
        fs::write(&empty, b"").expect("write");
        let error = Project::open(&empty).expect_err("empty");
        assert_eq!(error.to_string(), format!("{}: not a waveplan project (empty file)", empty.display()));
        assert_eq!(fs::read(&empty).expect("read").len(), 0);

        let error = Project::open(dir.path()).expect_err("a directory");
        assert!(matches!(error, StoreError::NotAProject { .. }), "{error:?}");
    }

    #[test]
    fn a_foreign_sqlite_database_is_not_a_project() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("firefox.sqlite");
        {
            let conn = Connection::open(&path).expect("create");
            conn.execute_batch("CREATE TABLE bookmarks (url TEXT); PRAGMA user_version = 7;").expect("schema");
        }
        let before = fs::read(&path).expect("read");
        let error = Project::open(&path).expect_err("foreign");
        assert_eq!(
            error.to_string(),
            format!(
                "{}: not a waveplan project (sqlite application id 0x00000000, expected 0x57415645)",
                path.display()
            )
        );
        assert_eq!(fs::read(&path).expect("read"), before);
    }

    #[test]
    fn a_newer_schema_is_refused_and_the_file_left_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = project_path(&dir);
        let mut project = Project::create(&path).expect("create");
        project.save_estate(&full_estate()).expect("save");
        drop(project);
        {
            // What a newer Waveplan would have left: a later schema version.
            let conn = Connection::open(&path).expect("open raw");
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).expect("bump");
        }
        let before = fs::read(&path).expect("read");
        let error = Project::open(&path).expect_err("newer");
        match &error {
            StoreError::NewerSchema { path: p, found, supported } => {
                assert_eq!((p, *found, *supported), (&path, SCHEMA_VERSION + 1, SCHEMA_VERSION));
            }
            other => panic!("expected newer schema, got {other:?}"),
        }
        assert!(error.to_string().starts_with(&format!("{}: written by a newer waveplan", path.display())), "{error}");
        assert_eq!(fs::read(&path).expect("read"), before);
        let sidecars: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .map(|entry| entry.expect("entry").file_name())
            .filter(|name| name != "hospital.waveplan")
            .collect();
        assert!(sidecars.is_empty(), "left behind: {sidecars:?}");
    }

    #[test]
    fn a_newer_schema_still_in_the_write_ahead_log_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = project_path(&dir);
        drop(Project::create(&path).expect("create"));
        // A newer Waveplan holds the file open and has not checkpointed, so
        // the header bytes still show the old version.
        let newer = Connection::open(&path).expect("open raw");
        newer.pragma_update(None, "wal_autocheckpoint", 0).expect("no checkpoints");
        newer.pragma_update(None, "user_version", SCHEMA_VERSION + 1).expect("bump");
        let before = fs::read(&path).expect("read");
        let error = Project::open(&path).expect_err("newer");
        assert!(matches!(error, StoreError::NewerSchema { found, .. } if found == SCHEMA_VERSION + 1), "{error:?}");
        assert_eq!(fs::read(&path).expect("read"), before);
        drop(newer);
    }

    #[test]
    fn the_project_identifier_is_random_and_stable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = project_path(&dir);
        let id = Project::create(&path).expect("create").project_id().expect("id");
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
        assert_eq!(Project::open(&path).expect("reopen").project_id().expect("id"), id);
        let other = Project::create(dir.path().join("other.waveplan")).expect("create").project_id().expect("id");
        assert_ne!(other, id);
    }
}
