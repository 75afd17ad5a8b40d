//! The SQLite file shared by the app and the CLI: opening it safely and migrating it forward.
//!
//! Each table module owns its migrations (next to its queries); this file only lists them in
//! order. `PRAGMA user_version` counts the migrations applied. A database made by a newer
//! Authdeck is refused without being touched, and so is a file that is not a database.

use crate::{Error, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

/// Every migration ever shipped, oldest first. Append only: never edit or reorder.
const MIGRATIONS: &[&str] = &[
    crate::accounts::MIGRATION_1,
    crate::history::MIGRATION_1,
    crate::accounts::MIGRATION_2,
    crate::accounts::MIGRATION_3,
    crate::history::exchanges::MIGRATION_1,
    crate::accounts::MIGRATION_4,
    crate::accounts::MIGRATION_5,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a writer waits for another process's write to finish before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if needed) the database at `path`: WAL, busy timeout, foreign keys, and
/// the schema migrated to [`SCHEMA_VERSION`].
pub fn open(path: &Path) -> Result<Connection> {
    let header = check_header(path)?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| explain(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| explain(path, e))?;

    // Read the version before anything writes to the file (switching to WAL writes the header).
    let found = retry_busy(|| user_version(&conn)).map_err(|e| explain(path, e))?;
    refuse_newer(path, found)?;
    // Reading the schema catches a damaged first page before anything is written.
    retry_busy(|| {
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
            row.get::<_, i64>(0)
        })
    })
    .map_err(|e| explain(path, e))?;

    // WAL is kept in the file: set once, when the file does not say so yet.
    if !header.wal {
        retry_busy(|| conn.pragma_update(None, "journal_mode", "WAL"))
            .map_err(|e| explain(path, e))?;
    }
    keep_wal_files(&conn);
    // With the WAL kept, its checkpointed frames would otherwise stay in it, and the next
    // process to open the database alone would take them for new ones: replay them, write
    // them into the file again and sync it, on every `authdeck token`. Emptied instead.
    conn.pragma_update(None, "journal_size_limit", 0)
        .map_err(|e| explain(path, e))?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(|e| explain(path, e))?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(|e| explain(path, e))?;
    // A file SQLite could only open for reading (its mode, an immutable flag) is refused
    // here, in words, rather than at the first write after a renewal.
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        return Err(Error::Storage(format!(
            "cannot write the database {}: it is read-only; check the file's and its folder's \
             permissions",
            path.display()
        )));
    }
    // Most opens find the schema current: no write transaction then (every `authdeck token`
    // opens the database, and a write would wait behind any other process's write).
    if found < SCHEMA_VERSION {
        migrate(&conn)?;
    }
    restrict_permissions(path);
    Ok(conn)
}

/// Leaves the -wal and -shm files in place when the last connection closes (SQLite's
/// persistent WAL mode), the WAL checkpointed and emptied (see `journal_size_limit` in
/// [`open`]). Otherwise every short process (each `authdeck token`) creates both, sizes the
/// index and deletes both again: a good part of its time on disk. Best effort: without it
/// SQLite works as before.
fn keep_wal_files(conn: &Connection) {
    let mut on: std::ffi::c_int = 1;
    // SAFETY: the handle is this open connection's; MAIN_DB is a NUL-terminated database name;
    // SQLITE_FCNTL_PERSIST_WAL reads and writes one int through the pointer, which lives
    // across the call.
    unsafe {
        rusqlite::ffi::sqlite3_file_control(
            conn.handle(),
            rusqlite::MAIN_DB.as_ptr(),
            rusqlite::ffi::SQLITE_FCNTL_PERSIST_WAL,
            (&raw mut on).cast(),
        );
    }
}

/// Runs `f` in an IMMEDIATE transaction: the write lock is taken up front, so two processes
/// never both read and then fail to upgrade to a write (which the busy timeout cannot fix).
pub fn write<T>(conn: &Connection, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let value = f(&tx)?;
    tx.commit()?;
    Ok(value)
}

/// Runs `step` again while SQLite answers busy, for up to [`BUSY_TIMEOUT`]. Some busy answers
/// skip the busy handler: the switch to WAL, and reading a file another process is creating or
/// recovering at that moment (two processes opening a new database at once).
fn retry_busy<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match step() {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

fn refuse_newer(path: &Path, found: i64) -> Result<()> {
    if found > SCHEMA_VERSION {
        return Err(Error::Storage(format!(
            "the database {} was made by a newer Authdeck (schema version {found}; this one \
             knows up to {SCHEMA_VERSION}); update Authdeck, or set AUTHDECK_HOME to another \
             folder. The file was not changed.",
            path.display()
        )));
    }
    Ok(())
}

fn migrate(conn: &Connection) -> Result<()> {
    write(conn, |tx| {
        // Another process may have migrated between our first read and taking the lock.
        let found = user_version(tx)?;
        if found > SCHEMA_VERSION {
            return Err(Error::Storage(format!(
                "the database was made by a newer Authdeck (schema version {found}; this one \
                 knows up to {SCHEMA_VERSION}); update Authdeck"
            )));
        }
        let start = usize::try_from(found).unwrap_or(0);
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(start) {
            tx.execute_batch(sql).map_err(|e| {
                Error::Storage(format!("database migration {} failed: {e}", index + 1))
            })?;
        }
        if found < SCHEMA_VERSION {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        Ok(())
    })
}

/// What the file's first bytes say (SQLite's file format, section 1.3).
struct Header {
    /// Both format version bytes (18, 19) are 2: the file is in WAL mode.
    wal: bool,
}

/// SQLite opens any file and only fails at the first query; checking the magic header first
/// means a stray file is reported, and never rewritten, before SQLite touches it. A missing
/// or empty file is a new database.
fn check_header(path: &Path) -> Result<Header> {
    use std::io::Read;
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Header { wal: false }),
        Err(e) => {
            return Err(Error::Storage(format!(
                "cannot open the database {}: {e}",
                path.display()
            )));
        }
    };
    let mut head = Vec::with_capacity(20);
    file.by_ref()
        .take(20)
        .read_to_end(&mut head)
        .map_err(|e| Error::Storage(format!("cannot read the database {}: {e}", path.display())))?;
    if head.is_empty() {
        return Ok(Header { wal: false });
    }
    if head.get(..16) == Some(MAGIC.as_slice()) {
        return Ok(Header {
            wal: head.get(18..20) == Some([2, 2].as_slice()),
        });
    }
    Err(not_a_database(path))
}

fn not_a_database(path: &Path) -> Error {
    Error::Storage(format!(
        "{} is not an Authdeck database (it is damaged or another kind of file); it was left \
         as it is. Move it away to start a fresh history, or set AUTHDECK_HOME to another folder.",
        path.display()
    ))
}

/// Turns SQLite's terse codes into something a user can act on, naming the file.
fn explain(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => not_a_database(path),
        Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::PermissionDenied)
        | Some(ErrorCode::CannotOpen) => Error::Storage(format!(
            "cannot write the database {}: {e}; check the file's and its folder's permissions",
            path.display()
        )),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => Error::Storage(format!(
            "the database {} stayed locked by another Authdeck process for more than {} s; \
             try again",
            path.display(),
            BUSY_TIMEOUT.as_secs()
        )),
        _ => Error::Storage(format!("the database {} failed: {e}", path.display())),
    }
}

/// The database holds no secrets, but account names and emails are nobody else's business.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The WAL holds recent rows until a checkpoint moves them into the file: the same mode.
        let mut files = vec![path.to_path_buf()];
        for suffix in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            files.push(name.into());
        }
        for file in &files {
            // Changed only when needed: most opens find them as they were left.
            let Ok(meta) = std::fs::metadata(file) else {
                continue;
            };
            if meta.permissions().mode() & 0o777 != 0o600 {
                let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_gets_the_current_schema_and_wal() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let conn = open(&tmp.path().join("a.db"))?;
        assert_eq!(user_version(&conn)?, SCHEMA_VERSION);
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        assert_eq!(mode, "wal");
        #[cfg(unix)]
        for name in ["a.db", "a.db-wal", "a.db-shm"] {
            use std::os::unix::fs::PermissionsExt;
            let meta =
                std::fs::metadata(tmp.path().join(name)).map_err(|e| Error::Io(e.to_string()))?;
            assert_eq!(
                meta.permissions().mode() & 0o777,
                0o600,
                "{name} is the user's alone"
            );
        }
        let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
        assert_eq!(fk, 1, "foreign keys are enforced");
        Ok(())
    }

    #[test]
    fn a_database_left_in_rollback_mode_is_switched_to_wal_and_one_in_wal_stays() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let path = tmp.path().join("a.db");
        drop(open(&path)?);
        let mode = |conn: &Connection| -> Result<String> {
            Ok(conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?)
        };
        // Another tool switched it back to a rollback journal.
        let other = Connection::open(&path)?;
        other.pragma_update(None, "journal_mode", "DELETE")?;
        drop(other);
        assert!(!check_header(&path)?.wal, "the header says rollback");
        let conn = open(&path)?;
        assert_eq!(mode(&conn)?, "wal", "switched back at open");
        drop(conn);
        assert!(check_header(&path)?.wal, "the header says WAL");
        let conn = open(&path)?;
        assert_eq!(mode(&conn)?, "wal", "opened in WAL without switching");
        Ok(())
    }

    #[test]
    fn reopening_does_not_migrate_twice() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let path = tmp.path().join("a.db");
        drop(open(&path)?);
        let conn = open(&path)?;
        assert_eq!(user_version(&conn)?, SCHEMA_VERSION);
        Ok(())
    }

    #[test]
    fn opening_a_current_database_waits_for_no_other_writer() -> Result<()> {
        // An open that wrote (a migration transaction) would wait out BUSY_TIMEOUT behind
        // this writer and then fail; one that only reads goes through at once.
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let path = tmp.path().join("a.db");
        let writer = open(&path)?;
        writer.execute_batch("BEGIN IMMEDIATE")?;
        let reader = open(&path)?;
        assert_eq!(user_version(&reader)?, SCHEMA_VERSION);
        writer.execute_batch("ROLLBACK")?;
        Ok(())
    }

    #[test]
    fn the_last_close_keeps_the_wal_files_empty_for_the_next_process() -> Result<()> {
        // Kept, so the next short process does not create and delete them again; empty, so it
        // has nothing to replay into the database (and sync) when it opens it alone.
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let path = tmp.path().join("a.db");
        let conn = open(&path)?;
        conn.execute(
            "INSERT INTO accounts (name, provider, base_url, email, overrides, created_at, \
             updated_at) VALUES ('a', 'p', 'u', 'e', '{}', 0, 0)",
            [],
        )?;
        drop(conn);
        let wal = std::fs::metadata(tmp.path().join("a.db-wal"))
            .map_err(|e| Error::Io(format!("the -wal file is kept: {e}")))?;
        assert_eq!(wal.len(), 0, "the kept WAL holds no frames");
        assert!(
            tmp.path().join("a.db-shm").exists(),
            "the -shm file is kept"
        );
        let conn = open(&path)?;
        let count: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
        assert_eq!(count, 1, "the row reached the database file");
        Ok(())
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_read_only_database_file_is_refused_at_open_in_words() -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let io = |e: std::io::Error| Error::Io(e.to_string());
        let tmp = tempfile::tempdir().map_err(io)?;
        let path = tmp.path().join("a.db");
        drop(open(&path)?);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).map_err(io)?;
        // Root ignores modes: the immutable attribute then, where chattr works.
        let writable = || std::fs::OpenOptions::new().write(true).open(&path).is_ok();
        let chattr = |flag: &str| {
            std::process::Command::new("chattr")
                .arg(flag)
                .arg(&path)
                .status()
                .is_ok_and(|s| s.success())
        };
        let immutable = writable() && chattr("+i");
        if writable() {
            eprintln!("SKIPPED: cannot make a file read-only here (root without chattr)");
            return Ok(());
        }
        let result = open(&path);
        if immutable {
            chattr("-i");
        }
        let message = result
            .expect_err("a read-only database is refused")
            .to_string();
        assert!(
            message.contains("read-only") && message.contains(&path.display().to_string()),
            "the error names the file and why: {message}"
        );
        Ok(())
    }

    #[test]
    fn failed_write_rolls_back() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let conn = open(&tmp.path().join("a.db"))?;
        let result: Result<()> = write(&conn, |tx| {
            tx.execute(
                "INSERT INTO accounts (name, provider, base_url, email, overrides, created_at, \
                 updated_at) VALUES ('a', 'p', 'u', 'e', '{}', 0, 0)",
                [],
            )?;
            Err(Error::Invalid("stop".into()))
        });
        assert!(result.is_err());
        let count: i64 = conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
        assert_eq!(
            count, 0,
            "the insert inside the failed transaction was rolled back"
        );
        Ok(())
    }
}
