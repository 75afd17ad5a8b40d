//! `authdeck man --out DIR`: the man pages, generated from the command definitions by
//! clap_mangen, so they never drift from `--help`. `make package` ships them in the .deb and
//! .rpm (section 1).

use super::CmdResult;
use authdeck_core::Error;
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
pub struct Args {
    /// The folder to write authdeck.1 and authdeck-COMMAND.1 into (created if missing).
    #[arg(long, default_value = ".")]
    out: PathBuf,
}

pub fn run(args: Args, command: clap::Command) -> CmdResult {
    let fail = |e: std::io::Error| {
        Error::Io(format!(
            "cannot write the man pages to {}: {e}",
            args.out.display()
        ))
    };
    std::fs::create_dir_all(&args.out).map_err(fail)?;
    clap_mangen::generate_to(command, &args.out).map_err(fail)?;
    println!("wrote the man pages to {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
