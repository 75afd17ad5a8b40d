//! `authdeck sandbox`: the five documented login APIs on loopback, for trying and testing.

use super::CmdResult;
use authdeck_core::Error;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  authdeck sandbox                # a free port, printed on start\n  authdeck sandbox --port 8787\n\nIt listens on 127.0.0.1 only and runs until Ctrl-C."
)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
}

pub async fn run(args: Args) -> CmdResult {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let sandbox = authdeck_sandbox::Sandbox::start(addr).await.map_err(|e| {
        Error::Io(format!(
            "the sandbox could not listen on {addr}: {e} (is the port in use? try another --port)"
        ))
    })?;
    println!("{}", authdeck_sandbox::banner(&sandbox));
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Error::Io(format!("could not wait for Ctrl-C: {e}")))?;
    sandbox.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
