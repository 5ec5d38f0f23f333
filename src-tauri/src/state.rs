//! What the shell keeps between commands: the open project, the files staged
//! for an import, the running tasks (for cancelling), and where the user's
//! data and settings live.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{AppError, AppResult};
use waveplan_app::{Session, Staged};

/// Where the app keeps its own files.
#[derive(Clone, Debug)]
pub struct Dirs {
    /// Projects the app makes itself (the sample hospital).
    pub data: PathBuf,
    /// Settings of the app (recent projects).
    pub config: PathBuf,
}

/// The shell's state, managed by Tauri.
pub struct AppState {
    /// Where files go.
    pub dirs: Dirs,
    session: Mutex<Option<Session>>,
    /// The import being previewed.
    pub staged: Mutex<Option<Staged>>,
    /// Files dropped on the window and not yet looked at.
    pub dropped: Mutex<Vec<PathBuf>>,
    tasks: Mutex<HashMap<u32, Arc<AtomicBool>>>,
    next_task: AtomicU32,
    /// Answers for the file dialogs, last first, for the end-to-end tests.
    pub dialog_answers: Mutex<Vec<String>>,
    /// The project to open at start (from the command line), being read.
    startup: Mutex<Option<Opening>>,
    /// The project last refused because another writer holds it.
    refused: Mutex<Option<PathBuf>>,
}

/// The project named on the command line, read on a thread of its own from
/// the moment the app starts, while the window loads its page.
struct Opening {
    path: PathBuf,
    reader: Option<std::thread::JoinHandle<AppResult<Session>>>,
}

impl AppState {
    /// A state with no project open.
    pub fn new(dirs: Dirs) -> AppState {
        AppState {
            dirs,
            session: Mutex::new(None),
            staged: Mutex::new(None),
            dropped: Mutex::new(Vec::new()),
            tasks: Mutex::new(HashMap::new()),
            next_task: AtomicU32::new(1),
            dialog_answers: Mutex::new(Vec::new()),
            startup: Mutex::new(None),
            refused: Mutex::new(None),
        }
    }

    /// The open project, locked.
    pub fn session(&self) -> MutexGuard<'_, Option<Session>> {
        self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the open project.
    pub fn with_session<T>(&self, f: impl FnOnce(&mut Session) -> AppResult<T>) -> AppResult<T> {
        let mut guard = self.session();
        let session = guard.as_mut().ok_or(AppError::NoProject)?;
        f(session)
    }

    /// Whether the planner's what-if session of the open project's plan is
    /// built (it is built in the background after each command that changes
    /// the plan, so the board's first drag waits for nothing).
    pub fn what_if_ready(&self) -> bool {
        self.session().as_mut().is_some_and(Session::what_if_ready)
    }

    /// Starts reading the project to open at start, so that the file is read
    /// while the window loads rather than after.
    pub fn open_at_start(&self, path: PathBuf) {
        let reader = {
            let path = path.clone();
            std::thread::Builder::new().name("open at start".into()).spawn(move || Ok(Session::open(&path)?))
        };
        // Without a thread it is read when the window asks for it.
        *lock(&self.startup) = Some(Opening { path, reader: reader.ok() });
    }

    /// The project opened at start, waited for; `None` when there is none or
    /// it was taken already.
    pub fn take_startup(&self) -> Option<AppResult<Session>> {
        let opening = lock(&self.startup).take()?;
        let result = match opening.reader {
            Some(reader) => reader
                .join()
                .unwrap_or_else(|_| Err(AppError::Internal { message: "the project's reader failed".into() })),
            None => Session::open(&opening.path).map_err(AppError::from),
        };
        if matches!(result, Err(AppError::Locked { .. })) {
            self.remember_refused(opening.path);
        }
        Some(result)
    }

    /// Remembers a project refused because another writer holds it.
    pub fn remember_refused(&self, path: PathBuf) {
        *lock(&self.refused) = Some(path);
    }

    /// The project last refused because another writer holds it, forgotten.
    pub fn take_refused(&self) -> Option<PathBuf> {
        lock(&self.refused).take()
    }

    /// Closes the open project (its lock let go) and any staged import.
    pub fn close(&self) {
        *self.session() = None;
        *lock(&self.staged) = None;
    }

    /// Closes the open project if it is the file at `path` (it is about to
    /// be opened again), and any import staged for it.
    pub fn close_if_open(&self, path: &std::path::Path) {
        let mut session = self.session();
        let same = session.as_ref().is_some_and(|s| {
            let open = s.path();
            open == path || (open.canonicalize().ok().is_some_and(|o| path.canonicalize().ok() == Some(o)))
        });
        if same {
            *session = None;
            *lock(&self.staged) = None;
        }
    }

    /// Makes `session` the open project.
    pub fn replace_session(&self, session: Session) {
        *self.session() = Some(session);
        *lock(&self.staged) = None;
    }

    /// Answers the next file dialogs with these, in order, instead of
    /// showing them (tests: one answer a line, paths separated by `|`).
    pub fn answer_dialogs(&self, answers: Vec<String>) {
        *lock(&self.dialog_answers) = answers.into_iter().rev().collect();
    }

    /// Starts a cancellable task.
    pub fn start_task(&self) -> Task {
        let id = self.next_task.fetch_add(1, Ordering::Relaxed);
        let flag = Arc::new(AtomicBool::new(false));
        lock(&self.tasks).insert(id, flag.clone());
        Task { id, cancelled: flag }
    }

    /// Asks a task to stop; false when no such task runs.
    pub fn cancel_task(&self, id: u32) -> bool {
        match lock(&self.tasks).get(&id) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Forgets a finished task.
    pub fn finish_task(&self, task: &Task) {
        lock(&self.tasks).remove(&task.id);
    }
}

/// A running task.
pub struct Task {
    /// Its id, as the progress messages carry it.
    pub id: u32,
    cancelled: Arc<AtomicBool>,
}

impl Task {
    /// Fails with [`AppError::Cancelled`] once the user cancelled.
    pub fn check(&self) -> AppResult<()> {
        if self.cancelled.load(Ordering::Relaxed) { Err(AppError::Cancelled) } else { Ok(()) }
    }
}

/// Locks a mutex, taking over a poisoned one (a panicked command leaves
/// plain data, never a half-made invariant, behind these locks).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
