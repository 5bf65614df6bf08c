//! Opening a data dir: demo data, the sync catalog, the store, tokens, and
//! the runs that an earlier process left active.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::auth::{DemoTokens, TokenTable};
use crate::config::DemoScale;
use crate::engine::{self, Catalog, DemoSize, EngineError, CATALOG_FILE};
use crate::executor::{EngineRunner, Executor, ExecutorSettings, StepRunner};
use crate::store::tokens::StoredToken;
use crate::store::{runs, tokens, Store, StoreError};
use crate::{auth, demo_flows, AppState, Config, Inner, SyncCatalog};

/// Minimum time between two progress writes of one step run.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(250);

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("--dist {} has no index.html; build the dashboard first (trunk build) or leave out --dist", .0.display())]
    Dist(PathBuf),

    #[error("cannot create the data dir {}: {source}", path.display())]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(transparent)]
    Store(#[from] StoreError),

    #[error(transparent)]
    Engine(#[from] EngineError),

    #[error("--token flags `{first}` and `{second}` share one secret; give each token its own")]
    DuplicateTokenSecret { first: String, second: String },

    #[error("cannot read or write the demo tokens in {}: {source}", path.display())]
    DemoTokens {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub fn open(config: &Config) -> Result<AppState, StartupError> {
    open_parts(config, None)
}

impl AppState {
    /// Opens the data dir like [`AppState::open`], with `runner` executing step
    /// runs in place of the sync engine. Benchmarks and tests of the executor
    /// alone use it.
    pub fn open_with_runner(
        config: &Config,
        runner: Arc<dyn StepRunner>,
    ) -> Result<Self, StartupError> {
        open_parts(config, Some(runner))
    }
}

fn open_parts(
    config: &Config,
    runner: Option<Arc<dyn StepRunner>>,
) -> Result<AppState, StartupError> {
    if let Some(dist) = &config.dist {
        if !dist.join("index.html").is_file() {
            return Err(StartupError::Dist(dist.clone()));
        }
    }
    let data_dir = &config.data_dir;
    std::fs::create_dir_all(data_dir).map_err(|source| StartupError::DataDir {
        path: data_dir.clone(),
        source,
    })?;

    if config.demo {
        create_demo_data(data_dir, config.demo_size)?;
    }
    let engine_catalog = load_catalog(data_dir)?.map(Arc::new);
    let catalog = Arc::new(match &engine_catalog {
        Some(catalog) => SyncCatalog {
            connections: catalog.connections.clone(),
            syncs: catalog.syncs.clone(),
        },
        None => SyncCatalog::default(),
    });

    let store = Store::open(data_dir)?;
    let interrupted = store.call_blocking(runs::interrupt_unfinished)?;
    for run_id in &interrupted {
        tracing::warn!(run_id = %run_id, "run was active when the backend stopped; marked interrupted");
    }

    let tokens = set_up_tokens(config, &store)?;
    if config.demo {
        demo_flows::create_once(&store, &catalog)?;
    }

    let runner = runner.unwrap_or_else(|| {
        Arc::new(EngineRunner {
            data_dir: data_dir.clone(),
            catalog: engine_catalog,
        })
    });
    let settings = ExecutorSettings {
        concurrency: usize::from(config.concurrency),
        default_timeout: Duration::from_secs(u64::from(config.step_timeout_secs)),
        progress_interval: PROGRESS_INTERVAL,
    };
    let executor = Executor::new(store.clone(), runner, settings);
    crate::scheduler::spawn(Arc::clone(&executor));

    tracing::info!(
        data_dir = %data_dir.display(),
        syncs = catalog.syncs.len(),
        connections = catalog.connections.len(),
        "data dir opened"
    );
    Ok(AppState {
        inner: Arc::new(Inner {
            dist: config.dist.clone(),
            allow_origin: config.allow_origin.clone(),
            store,
            catalog,
            tokens,
            executor,
            shutdown: tokio::sync::watch::channel(false).0,
        }),
    })
}

fn create_demo_data(data_dir: &Path, scale: DemoScale) -> Result<(), StartupError> {
    let size = match scale {
        DemoScale::Full => DemoSize::demo(),
        DemoScale::Small => DemoSize::small(),
    };
    let created = engine::create_demo(data_dir, size)?;
    if created {
        tracing::info!(data_dir = %data_dir.display(), ?size, "demo data created");
    } else {
        tracing::info!(data_dir = %data_dir.display(), "demo data found; kept as it is");
    }
    Ok(())
}

/// Loads the sync catalog; a data dir without one has no syncs.
fn load_catalog(data_dir: &Path) -> Result<Option<Catalog>, StartupError> {
    if !data_dir.join(CATALOG_FILE).exists() {
        tracing::warn!(
            data_dir = %data_dir.display(),
            "no {CATALOG_FILE} in the data dir, so the catalog has no syncs; start with --demo to create one"
        );
        return Ok(None);
    }
    Ok(Some(Catalog::load(data_dir)?))
}

/// Stores the tokens this start accepts: the `--token` flags if any, else the
/// demo tokens with `--demo`, else those stored by the previous start.
fn set_up_tokens(config: &Config, store: &Store) -> Result<TokenTable, StartupError> {
    if !config.tokens.is_empty() {
        let stored: Vec<StoredToken> = config
            .tokens
            .iter()
            .map(|flag| StoredToken {
                hash: auth::hash_secret(&flag.secret),
                name: flag.name.clone(),
                role: flag.role,
                source: "flag".to_string(),
            })
            .collect();
        check_distinct_secrets(&stored)?;
        store.call_blocking(|conn| tokens::replace_all(conn, &stored))?;
        tracing::info!(count = stored.len(), "API tokens set from --token");
        return Ok(TokenTable::new(&stored));
    }

    if config.demo {
        let demo = DemoTokens::load_or_create(&config.data_dir).map_err(|source| {
            StartupError::DemoTokens {
                path: config.data_dir.join(auth::DEMO_TOKENS_FILE),
                source,
            }
        })?;
        let stored = demo.stored();
        store.call_blocking(|conn| tokens::replace_all(conn, &stored))?;
        print_demo_tokens(&demo);
        return Ok(TokenTable::new(&stored));
    }

    let stored = store.call_blocking(|conn| tokens::all(conn))?;
    if stored.is_empty() {
        tracing::warn!("no API tokens: every request but /api/v1/health gets 401; pass --token NAME:ROLE:SECRET or --demo");
    } else {
        tracing::info!(
            count = stored.len(),
            "API tokens kept from the previous start"
        );
    }
    Ok(TokenTable::new(&stored))
}

fn check_distinct_secrets(tokens: &[StoredToken]) -> Result<(), StartupError> {
    let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for token in tokens {
        if let Some(first) = seen.insert(&token.hash, &token.name) {
            return Err(StartupError::DuplicateTokenSecret {
                first: first.to_string(),
                second: token.name.clone(),
            });
        }
    }
    Ok(())
}

/// Prints the demo tokens on standard output for the person who started the
/// demo; they never go to the log.
fn print_demo_tokens(demo: &DemoTokens) {
    println!("Demo API tokens (kept in {}):", demo.path.display());
    println!("  editor: {}", demo.editor);
    println!("  viewer: {}", demo.viewer);
}
