//! One refresh at a time per account, across every process that shares the data dir.
//!
//! An OS file lock (`flock` on unix, `LockFileEx` on Windows) on `locks/ACCOUNT.lock`: it is
//! released when the holder exits, even by SIGKILL, so a crash never leaves an account stuck.

use crate::{Error, Result};
use std::fs::{File, OpenOptions};
use std::path::Path;

/// Held while an account's session is being renewed; dropping it releases the lock.
#[derive(Debug)]
pub struct AccountLock {
    _file: File,
}

/// Waits for and takes the lock of `account`. Blocks: async callers use `spawn_blocking`.
pub fn acquire(locks_dir: &Path, account: &str) -> Result<AccountLock> {
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
    file.lock()
        .map_err(|e| Error::Io(format!("cannot lock {}: {e}", path.display())))?;
    Ok(AccountLock { _file: file })
}

/// [`acquire`] without blocking the async runtime.
pub async fn acquire_async(locks_dir: &Path, account: &str) -> Result<AccountLock> {
    let dir = locks_dir.to_path_buf();
    let name = account.to_string();
    tokio::task::spawn_blocking(move || acquire(&dir, &name))
        .await
        .map_err(|e| Error::Io(format!("the lock task failed: {e}")))?
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

    #[test]
    fn a_bad_account_name_is_refused_before_touching_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(acquire(dir.path(), "../escape").is_err());
    }
}
