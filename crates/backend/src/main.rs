//! `baton-backend`: the reference sync backend's binary.

use std::process::ExitCode;

use baton_backend::{app, AppState, Config};
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Logs go to standard error, so standard output carries only what a
    // person needs, such as the demo tokens.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();

    let config = Config::parse();
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "backend stopped with an error");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::open(&config)?;

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", config.addr))?;
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, url = %format!("http://{local}/"), "listening");
    match &config.dist {
        Some(dist) => tracing::info!(dist = %dist.display(), "serving the dashboard"),
        None => tracing::info!("no --dist given; serving the API only"),
    }

    let stopping = state.clone();
    let shutdown = async move {
        shutdown_signal().await;
        stopping.begin_shutdown();
    };
    axum::serve(listener, app(state.clone()))
        .with_graceful_shutdown(shutdown)
        .await?;

    let interrupted = state.executor().stop().await?;
    for run_id in &interrupted {
        tracing::warn!(run_id = %run_id, "run was active at shutdown; marked interrupted");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so that in-flight requests finish first.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received; stopping"),
        () = terminate => tracing::info!("SIGTERM received; stopping"),
    }
}
