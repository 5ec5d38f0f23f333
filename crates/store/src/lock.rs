//! One writer per project file: an exclusive advisory lock on a sidecar file
//! beside the project (`hospital.waveplan.lock`), held for the life of the
//! [`crate::Project`], with the holder ([`Owner`]) written into it as JSON so
//! that a second writer is told who has the file.
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on
//! Windows, through [`std::fs::File::try_lock`]), so it goes when its holder
//! does, even killed: a lock file that still names an owner but can be locked
//! was left by a holder that is gone, and is taken over (and said so). The
//! holder removes the lock file when it closes the project; a writer that
//! opened that file just before it was removed finds, after locking, that the
//! path names another file (or none), and tries again, so two writers never
//! hold locks on two different files.
//!
//! This module must not touch the project file itself.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};

use crate::error::StoreError;

/// Who holds a project file open for writing.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Owner {
    /// The account name.
    pub user: String,
    /// The machine.
    pub host: String,
    /// The process.
    pub pid: u32,
    /// Since when.
    pub since: DateTime<Utc>,
}

impl Owner {
    /// This process now: the user from `USER`, `LOGNAME` or `USERNAME`, the
    /// host from the kernel's host name (`COMPUTERNAME` on Windows).
    pub fn current() -> Owner {
        let user = ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
            .or_else(user_of_this_process)
            .unwrap_or_else(|| "unknown".to_owned());
        Owner { user, host: host_name(), pid: std::process::id(), since: Utc::now().trunc_subsecs(0) }
    }
}

/// The account name of this process's user, from the password database
/// (a service, a cron job or CI runs with no USER in its environment).
#[cfg(unix)]
fn user_of_this_process() -> Option<String> {
    let uid = rustix::process::getuid().as_raw().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_owned())
    })
}

#[cfg(not(unix))]
fn user_of_this_process() -> Option<String> {
    None
}

#[cfg(unix)]
fn host_name() -> String {
    rustix::system::uname().nodename().to_string_lossy().into_owned()
}

#[cfg(not(unix))]
fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_else(|_| "unknown".to_owned())
}

/// How a project is opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// For writing, as this owner; takes the lock.
    Write(Owner),
    /// For reading only: no lock, every write refused.
    ReadOnly,
}

/// The lock file beside `project`: `hospital.waveplan` → `hospital.waveplan.lock`.
pub fn lock_path(project: &Path) -> PathBuf {
    let mut name = project.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// A held lock; released, and its file removed, when dropped.
#[derive(Debug)]
pub(crate) struct Lock {
    file: File,
    path: PathBuf,
}

/// How often to try again when the lock file is replaced under us.
const ATTEMPTS: usize = 20;

impl Lock {
    /// Takes the lock of `project` for `owner`; returns it and the owner of a
    /// lock file found abandoned (taken over), if any.
    pub(crate) fn acquire(project: &Path, owner: &Owner) -> Result<(Lock, Option<Owner>), StoreError> {
        Lock::acquire_opening(project, owner, |path| {
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
        })
    }

    /// [`Lock::acquire`] with the lock file opened by `open`, so a test can
    /// make the holder go and another come between the open and the lock.
    fn acquire_opening(
        project: &Path,
        owner: &Owner,
        mut open: impl FnMut(&Path) -> io::Result<File>,
    ) -> Result<(Lock, Option<Owner>), StoreError> {
        let path = lock_path(project);
        let io_error = |source: io::Error| StoreError::Io { path: path.clone(), source };
        for _ in 0..ATTEMPTS {
            let mut file = open(&path).map_err(io_error)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked { path: project.to_owned(), holder: read_holder(&path) });
                }
                Err(TryLockError::Error(source)) => return Err(io_error(source)),
            }
            // The holder may have removed the file between our open and our
            // lock: then we hold a lock nobody else will look at.
            if !same_file(&file, &path) {
                continue;
            }
            let mut previous = String::new();
            file.read_to_string(&mut previous).map_err(io_error)?;
            let took_over = serde_json::from_str::<Owner>(&previous).ok();
            let json = serde_json::to_string(owner).map_err(|e| StoreError::unstorable("lock owner", e.to_string()))?;
            file.set_len(0).map_err(io_error)?;
            file.rewind().map_err(io_error)?;
            file.write_all(json.as_bytes()).map_err(io_error)?;
            // Not synced to disk: the lock is the `flock` held on the open
            // file, which the kernel lets go with the process; the text only
            // names the holder in a refusal. After a power cut it may be
            // empty, and the file unlocked is taken over all the same. (A sync
            // here cost 10-300 ms of every open, more while the disk is busy.)
            return Ok((Lock { file, path }, took_over));
        }
        Err(io_error(io::Error::other("the lock file kept being replaced")))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked, so that whoever opened it meanwhile
        // sees a stale file after locking it and tries again; the lock goes
        // when the file is closed, right after.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// The owner written in a lock file someone holds. It is written just after
/// the lock is taken, so an empty or half-written file is read again shortly.
fn read_holder(path: &Path) -> Owner {
    for _ in 0..10 {
        if let Some(owner) = fs::read_to_string(path).ok().and_then(|text| serde_json::from_str(&text).ok()) {
            return owner;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Owner { user: "an unknown user".into(), host: "an unknown machine".into(), pid: 0, since: Utc::now() }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    // Windows does not let a file be removed while it is open without
    // FILE_SHARE_DELETE, which std does not ask for: the file we hold is the one named.
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_sits_beside_the_project() {
        assert_eq!(lock_path(Path::new("/data/hospital.waveplan")), Path::new("/data/hospital.waveplan.lock"));
    }

    #[test]
    fn the_current_owner_is_this_process() {
        let owner = Owner::current();
        assert_eq!(owner.pid, std::process::id());
        assert!(!owner.host.is_empty() && !owner.user.is_empty(), "{owner:?}");
    }

    fn owner(user: &str) -> Owner {
        Owner { user: user.into(), host: "WS-0231".into(), pid: 1, since: Utc::now().trunc_subsecs(0) }
    }

    /// The holder closes (removing its lock file) after we opened that file
    /// and before we lock it, and a third writer takes a new lock file: the
    /// lock we then get on the old file is worthless, and we must see the third.
    #[cfg(unix)]
    #[test]
    fn a_lock_file_replaced_between_opening_and_locking_is_opened_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = dir.path().join("hospital.waveplan");
        let mut first = Some(Lock::acquire(&project, &owner("alice")).expect("alice").0);
        let mut third = None;
        let result = Lock::acquire_opening(&project, &owner("bob"), |path| {
            let file = OpenOptions::new().read(true).write(true).open(path)?;
            if let Some(holder) = first.take() {
                drop(holder);
                third = Some(Lock::acquire(&project, &owner("carol")).expect("carol").0);
            }
            Ok(file)
        });
        match result {
            Err(StoreError::Locked { holder, .. }) => assert_eq!(holder.user, "carol"),
            other => panic!("expected carol to hold the lock, got {other:?}"),
        }
        assert!(third.is_some());
    }
}
