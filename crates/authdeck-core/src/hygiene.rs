//! Process hygiene for the app: a crash must not write the process's memory (tokens, the
//! password of a login in progress) to a core file, and other processes of the same user must
//! not read it through /proc or ptrace.

/// Turns off core dumps for this process and, on Linux, marks it not dumpable (which also
/// stops other processes of the same user, without CAP_SYS_PTRACE, from attaching to it or
/// reading its memory through /proc). Call once, first thing in `main`. Returns what could not
/// be done, in words, so the caller can log it; a no-op elsewhere than Unix.
pub fn disable_core_dumps() -> Result<(), String> {
    imp::disable_core_dumps()
}

/// Whether core dumps are off for this process (the soft and hard `RLIMIT_CORE` are 0 and, on
/// Linux, the process is not dumpable). Always `false` where Authdeck cannot tell.
pub fn core_dumps_disabled() -> bool {
    imp::core_dumps_disabled()
}

#[cfg(unix)]
mod imp {
    pub fn disable_core_dumps() -> Result<(), String> {
        let mut problems = Vec::new();
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: setrlimit reads the struct we pass by reference; no other memory is touched.
        if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) } != 0 {
            problems.push(format!(
                "setrlimit(RLIMIT_CORE, 0): {}",
                std::io::Error::last_os_error()
            ));
        }
        #[cfg(target_os = "linux")]
        {
            // SAFETY: PR_SET_DUMPABLE takes a plain integer argument.
            if unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } != 0 {
                problems.push(format!(
                    "prctl(PR_SET_DUMPABLE, 0): {}",
                    std::io::Error::last_os_error()
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "could not turn off core dumps: {}",
                problems.join("; ")
            ))
        }
    }

    pub fn core_dumps_disabled() -> bool {
        let mut limit = libc::rlimit {
            rlim_cur: 1,
            rlim_max: 1,
        };
        // SAFETY: getrlimit writes into the struct we pass; it is ours and large enough.
        let limited = unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) } == 0
            && limit.rlim_cur == 0
            && limit.rlim_max == 0;
        #[cfg(target_os = "linux")]
        {
            // SAFETY: PR_GET_DUMPABLE takes no pointer and returns the flag.
            let dumpable = unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) };
            limited && dumpable == 0
        }
        #[cfg(not(target_os = "linux"))]
        limited
    }
}

#[cfg(not(unix))]
mod imp {
    pub fn disable_core_dumps() -> Result<(), String> {
        Ok(())
    }

    pub fn core_dumps_disabled() -> bool {
        false
    }
}
