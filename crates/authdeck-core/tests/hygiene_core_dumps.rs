//! `hygiene::disable_core_dumps` really turns core dumps off. It changes the whole process for
//! good (the hard limit cannot be raised again), so the check runs in a child test process.

use authdeck_core::hygiene;
use std::process::Command;

#[test]
fn disable_core_dumps_turns_them_off_for_the_process() -> Result<(), Box<dyn std::error::Error>> {
    let out = Command::new(std::env::current_exe()?)
        .args([
            "child_disables_core_dumps",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .output()?;
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the child saw core dumps turned off: {shown}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(shown.contains("1 passed"), "the child test ran: {shown}");
    Ok(())
}

#[test]
#[ignore = "run by disable_core_dumps_turns_them_off_for_the_process in a child process"]
fn child_disables_core_dumps() {
    if cfg!(unix) {
        assert!(
            !hygiene::core_dumps_disabled(),
            "a fresh test process may dump core (else this test proves nothing)"
        );
    }
    hygiene::disable_core_dumps().expect("turning core dumps off needs no privilege");
    assert_eq!(
        hygiene::core_dumps_disabled(),
        cfg!(unix),
        "RLIMIT_CORE is 0 (soft and hard) and, on Linux, the process is not dumpable"
    );
    hygiene::disable_core_dumps().expect("calling it twice is harmless");
}
