//! One refresh at a time per account, across every process that shares the data dir.
//!
//! An OS file lock (`flock` on unix, `LockFileEx` on Windows) on `locks/ACCOUNT.lock`: it is
//! released when the holder exits, even by SIGKILL, so a crash never leaves an account stuck.

use crate::{Error, Result};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Held while an account's session is being renewed; dropping it releases the lock.
#[derive(Debug)]
pub struct AccountLock {
    _file: File,
}

/// Waits for and takes the lock of `account`. Blocks: async callers use [`acquire_async`].
pub fn acquire(locks_dir: &Path, account: &str) -> Result<AccountLock> {
    let (file, path) = open(locks_dir, account)?;
    wait(file, &path)
}

/// [`acquire`] without blocking the async runtime. Most of the time nobody holds the lock:
/// then it is taken at once, without handing the wait to a blocking thread (a thousand
/// renewals paid that hand-off a thousand times).
pub async fn acquire_async(locks_dir: &Path, account: &str) -> Result<AccountLock> {
    let (file, path) = open(locks_dir, account)?;
    match file.try_lock() {
        Ok(()) => return Ok(AccountLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => {}
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(cannot_lock(&path, e));
        }
    }
    // Held: the same file waits for it on a blocking thread.
    tokio::task::spawn_blocking(move || wait(file, &path))
        .await
        .map_err(|e| Error::Io(format!("the lock task failed: {e}")))?
}

/// Waits for the lock of the open lock file at `path`.
fn wait(file: File, path: &Path) -> Result<AccountLock> {
    file.lock().map_err(|e| cannot_lock(path, e))?;
    Ok(AccountLock { _file: file })
}

fn cannot_lock(path: &Path, e: std::io::Error) -> Error {
    Error::Io(format!("cannot lock {}: {e}", path.display()))
}

/// The lock file of `account`, created if needed, and its path.
fn open(locks_dir: &Path, account: &str) -> Result<(File, PathBuf)> {
    crate::accounts::validate_name(account)?;
    std::fs::create_dir_all(locks_dir).map_err(|e| {
        Error::Io(format!(
            "cannot create the locks folder {}: {e}",
            locks_dir.display()
        ))
    })?;
    let path = locks_dir.join(format!("{account}.lock"));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::Io(format!("cannot open the lock file {}: {e}", path.display())))?;
    Ok((file, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_lock_admits_one_holder_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (dir, inside, most) = (dir.path().to_path_buf(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        let _held = acquire(&dir, "acct").unwrap();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            most.load(Ordering::SeqCst),
            1,
            "two holders were inside at once"
        );
    }

    #[tokio::test]
    async fn the_async_lock_waits_for_the_holder_and_takes_a_free_lock() {
        let dir = tempfile::tempdir().unwrap();
        let held = acquire(dir.path(), "acct").unwrap();
        let released = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let holder = {
            let released = released.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(100));
                released.store(true, Ordering::SeqCst);
                drop(held);
            })
        };
        let second = acquire_async(dir.path(), "acct").await.unwrap();
        assert!(
            released.load(Ordering::SeqCst),
            "taken while another holder still had it"
        );
        holder.join().unwrap();
        drop(second);
        let _free = acquire_async(dir.path(), "acct").await.unwrap();
        assert!(acquire_async(dir.path(), "../escape").await.is_err());
    }

    #[test]
    fn a_bad_account_name_is_refused_before_touching_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(acquire(dir.path(), "../escape").is_err());
    }
}
