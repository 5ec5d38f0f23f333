//! Which journal a project file is written with: SQLite's write-ahead log on
//! a local file system, the rollback journal on a network file system.
//!
//! The write-ahead log keeps its index in shared memory (the `-shm` file,
//! mapped by every process that opens the database); processes on different
//! machines cannot share that memory, so on NFS, SMB, AFS, 9p, Ceph or FUSE a
//! second machine could read a torn state. The rollback journal locks the
//! file instead, which network file systems do (more or less) honour.
//!
//! The file system is told by `statfs`'s `f_type` on Linux. Elsewhere the
//! log is used; a project on a network share there relies on SQLite's own
//! locking.
//!
//! This module must not open the project file.

use std::path::Path;

/// How the project file is journalled, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Journal {
    /// SQLite's write-ahead log: readers do not wait for the writer.
    Wal,
    /// The rollback journal.
    Rollback {
        /// Why not the log: "the file is on an NFS share, where ...".
        reason: String,
    },
}

/// Linux file system magic numbers (`statfs(2)`) of file systems whose files
/// may be shared between machines, with the name for messages.
const NETWORK_FILE_SYSTEMS: &[(u32, &str)] = &[
    (0x6969, "an NFS share"),
    (0x517b, "an SMB share"),
    (0xff53_4d42, "an SMB (CIFS) share"),
    (0xfe53_4d42, "an SMB 2 share"),
    (0x5346_414f, "an AFS volume"),
    (0x6b41_4653, "an AFS volume"),
    (0x0102_1997, "a 9p share"),
    (0x00c3_6400, "a Ceph file system"),
    (0x6573_5546, "a FUSE file system"),
    (0x7375_7245, "a Coda volume"),
    (0x0bd0_0bd0, "a Lustre file system"),
    (0x0116_1970, "a GFS2 file system"),
    (0x7461_636f, "an OCFS2 file system"),
];

/// The journal for a file on the file system with this `statfs` magic number.
pub(crate) fn journal_for_magic(magic: u32) -> Journal {
    match NETWORK_FILE_SYSTEMS.iter().find(|(m, _)| *m == magic) {
        Some((_, name)) => Journal::Rollback {
            reason: format!(
                "the file is on {name}, where SQLite's write-ahead log cannot share memory between machines"
            ),
        },
        None => Journal::Wal,
    }
}

/// The journal for the file at `path` (or the directory it will be in).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn journal_for(path: &Path) -> Journal {
    match rustix::fs::statfs(path) {
        // The kernel's magic numbers are 32 bits; `f_type` is a signed long
        // on some platforms, where the top bit would make it negative.
        Ok(stat) => journal_for_magic((stat.f_type as u64 & 0xffff_ffff) as u32),
        // Cannot tell: the log is what every local file system takes.
        Err(_) => Journal::Wal,
    }
}

/// The journal for the file at `path`: the log, since the file system is not told here.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn journal_for(_path: &Path) -> Journal {
    Journal::Wal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_file_systems_take_the_rollback_journal() {
        assert_eq!(
            journal_for_magic(0x6969),
            Journal::Rollback {
                reason:
                    "the file is on an NFS share, where SQLite's write-ahead log cannot share memory between machines"
                        .into()
            }
        );
        for magic in [0xff53_4d42, 0xfe53_4d42, 0x517b, 0x0102_1997, 0x00c3_6400, 0x6573_5546, 0x5346_414f] {
            assert!(matches!(journal_for_magic(magic), Journal::Rollback { .. }), "{magic:#x}");
        }
    }

    #[test]
    fn local_file_systems_take_the_log() {
        // ext4, xfs, btrfs, tmpfs, overlayfs.
        for magic in [0xef53, 0x5846_5342, 0x9123_683e, 0x0102_1994, 0x794c_7630] {
            assert_eq!(journal_for_magic(magic), Journal::Wal, "{magic:#x}");
        }
    }

    #[test]
    fn a_temporary_directory_is_local() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(journal_for(dir.path()), Journal::Wal);
    }
}
