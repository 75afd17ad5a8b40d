//! Where Authdeck keeps its files: the SQLite database, provider files and lock files.
//!
//! `AUTHDECK_HOME` puts everything in one folder (tests, portable setups); otherwise the
//! platform's data and config folders are used. Secrets never live here: they are in the keyring.

use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// The environment variable that puts all of Authdeck's files in one folder.
pub const HOME_ENV: &str = "AUTHDECK_HOME";

/// The folders Authdeck writes to. Both exist and are writable once a `Home` is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    /// The database and lock files.
    pub data_dir: PathBuf,
    /// Provider files (`providers/*.toml`).
    pub config_dir: PathBuf,
}

impl Home {
    /// `AUTHDECK_HOME` when set (both folders are it), else the platform folders for "authdeck".
    pub fn from_env() -> Result<Home> {
        match std::env::var_os(HOME_ENV) {
            Some(dir) if !dir.is_empty() => Home::at(PathBuf::from(dir)),
            _ => {
                let dirs = directories::ProjectDirs::from("", "", "authdeck").ok_or_else(|| {
                    Error::Io(format!(
                        "cannot find your home folder to keep Authdeck's data in; \
                         set {HOME_ENV} to a folder Authdeck may write to"
                    ))
                })?;
                Home::new(dirs.data_dir(), dirs.config_dir())
            }
        }
    }

    /// Where [`Home::from_env`] points, without creating or checking anything: for callers
    /// that only read and must leave no trace (shell completion). `None` without a home folder.
    pub fn peek_from_env() -> Option<Home> {
        match std::env::var_os(HOME_ENV) {
            Some(dir) if !dir.is_empty() => Some(Home {
                data_dir: PathBuf::from(&dir),
                config_dir: PathBuf::from(dir),
            }),
            _ => directories::ProjectDirs::from("", "", "authdeck").map(|dirs| Home {
                data_dir: dirs.data_dir().to_path_buf(),
                config_dir: dirs.config_dir().to_path_buf(),
            }),
        }
    }

    /// One folder for everything.
    pub fn at(dir: impl Into<PathBuf>) -> Result<Home> {
        let dir = dir.into();
        Home::new(&dir, &dir)
    }

    /// Explicit folders; creates them (0700 on unix) and checks they can be written to.
    pub fn new(data_dir: impl Into<PathBuf>, config_dir: impl Into<PathBuf>) -> Result<Home> {
        let home = Home {
            data_dir: data_dir.into(),
            config_dir: config_dir.into(),
        };
        for dir in [
            &home.data_dir,
            &home.config_dir,
            &home.providers_dir(),
            &home.locks_dir(),
        ] {
            create_private_dir(dir)?;
        }
        check_writable(&home.data_dir)?;
        Ok(home)
    }

    /// The SQLite file with accounts and history.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("authdeck.db")
    }

    /// The user's own provider files.
    pub fn providers_dir(&self) -> PathBuf {
        self.config_dir.join("providers")
    }

    /// The user's QA suite files ([`crate::suite::library`]).
    pub fn suites_dir(&self) -> PathBuf {
        self.data_dir.join("suites")
    }

    /// Lock files that serialize refreshes of one account across processes.
    pub fn locks_dir(&self) -> PathBuf {
        self.data_dir.join("locks")
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| {
        Error::Io(format!(
            "cannot create the folder {}: {e}; check its permissions or set {HOME_ENV} to a \
             folder Authdeck may write to",
            dir.display()
        ))
    })
}

/// A read-only folder would otherwise only show up later as an obscure SQLite error.
/// On unix the kernel is asked first (access(2) with the effective ids, which also sees a
/// read-only mount or an immutable folder) instead of creating and deleting a file in the
/// folder: every command checks, and `authdeck token` is called before each request of some
/// scripts. A refusal is confirmed by writing, since some sandboxes' seccomp filters refuse
/// faccessat2 itself with EPERM.
#[cfg(unix)]
fn check_writable(dir: &Path) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return probe_writable(dir);
    };
    // SAFETY: `path` is a NUL-terminated string that lives across the call, which only reads it.
    let rc = unsafe {
        libc::faccessat(
            libc::AT_FDCWD,
            path.as_ptr(),
            libc::W_OK | libc::X_OK,
            libc::AT_EACCESS,
        )
    };
    match rc {
        0 => Ok(()),
        _ => probe_writable(dir),
    }
}

#[cfg(not(unix))]
fn check_writable(dir: &Path) -> Result<()> {
    probe_writable(dir)
}

/// Creates and deletes a file in `dir`: the write itself.
fn probe_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(format!(".authdeck-write-check-{}", std::process::id()));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&probe);
    match result {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(Error::Io(format!(
            "cannot write to the folder {}: {e}; check its permissions or set {HOME_ENV} to a \
             folder Authdeck may write to",
            dir.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_folder_holds_everything() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let home = Home::at(tmp.path().join("deep/authdeck"))?;
        assert_eq!(home.db_path(), tmp.path().join("deep/authdeck/authdeck.db"));
        assert!(home.providers_dir().is_dir(), "providers folder is created");
        assert!(home.locks_dir().is_dir(), "locks folder is created");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&home.data_dir)
                .map_err(|e| Error::Io(e.to_string()))?
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o700,
                "the data folder is private to the user"
            );
        }
        Ok(())
    }

    /// Makes `dir` read-only: mode 0500, or, when running as root (which ignores modes), the
    /// immutable attribute. `None` when neither works here.
    #[cfg(target_os = "linux")]
    fn make_read_only(dir: &Path) -> Option<impl Drop> {
        use std::os::unix::fs::PermissionsExt;
        struct Restore(PathBuf, bool);
        impl Drop for Restore {
            fn drop(&mut self) {
                if self.1 {
                    let _ = std::process::Command::new("chattr")
                        .arg("-i")
                        .arg(&self.0)
                        .status();
                }
                let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o700));
            }
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o500)).ok()?;
        if check_writable(dir).is_err() {
            return Some(Restore(dir.to_path_buf(), false));
        }
        let immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        let restore = Restore(dir.to_path_buf(), immutable);
        (immutable && check_writable(dir).is_err()).then_some(restore)
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn read_only_folder_names_the_path() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let dir = tmp.path().join("home");
        Home::at(&dir)?;
        let Some(_restore) = make_read_only(&dir) else {
            eprintln!("SKIPPED: cannot make a folder read-only here (root without chattr)");
            return Ok(());
        };
        let err = Home::at(&dir).expect_err("a read-only folder is refused up front");
        let message = err.to_string();
        assert!(
            message.contains("cannot write to the folder")
                && message.contains(&dir.display().to_string()),
            "the error names the folder: {message}"
        );
        Ok(())
    }

    #[test]
    fn uncreatable_folder_names_the_path() -> Result<()> {
        let tmp = tempfile::tempdir().map_err(|e| Error::Io(e.to_string()))?;
        let file = tmp.path().join("a-file");
        std::fs::write(&file, "not a folder").map_err(|e| Error::Io(e.to_string()))?;
        let err = Home::at(file.join("sub")).expect_err("a folder under a file cannot exist");
        let message = err.to_string();
        assert!(
            message.contains(&file.join("sub").display().to_string()),
            "the error names the folder: {message}"
        );
        assert_eq!(err.code(), crate::error::ErrorCode::Io);
        Ok(())
    }
}
