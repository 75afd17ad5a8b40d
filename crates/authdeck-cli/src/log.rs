//! Logging to stderr: quiet by default, `-v`/`-vv` or `AUTHDECK_LOG` for more.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// `NO_COLOR` set and not empty (<https://no-color.org>): no colour anywhere, whatever else
/// asks for it.
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Whether log lines get colours: never under `NO_COLOR`; with `CLICOLOR_FORCE` even into a
/// pipe; otherwise only on a terminal.
fn colored(no_color: bool, forced: bool, terminal: bool) -> bool {
    !no_color && (forced || terminal)
}

pub fn init(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = std::env::var("AUTHDECK_LOG")
        .ok()
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    let ansi = colored(
        no_color(),
        std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0"),
        std::io::stderr().is_terminal(),
    );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::colored;

    #[test]
    fn no_color_wins_over_a_forced_colour_and_a_terminal() {
        assert!(!colored(true, true, true));
        assert!(colored(false, true, false), "CLICOLOR_FORCE colours a pipe");
        assert!(colored(false, false, true));
        assert!(
            !colored(false, false, false),
            "no colour into a pipe by default"
        );
    }
}
