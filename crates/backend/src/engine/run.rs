//! One sync run: reads the source query and writes its records into the
//! destination object in batches, the way a SaaS API takes them.
//!
//! Each batch is one transaction, committed before the next starts, so a
//! cancel or a failure keeps the batches written so far, as a real API would.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use baton_flow::{ConnectionKind, Operation, RecordCounts, RejectedRecord, Sync};
use rusqlite::types::Value;
use rusqlite::Connection as Db;

use super::catalog::{kind_name, ConnectionSettings};
use super::sqlite;
use super::writer::{display_value, record_json, ObjectWriter, Written};
use super::{Catalog, Control, EngineError, SyncOutcome};

/// Maximum sleep between two checks of the cancel flag while a batch waits.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// How many rejected records a sync run keeps as samples.
pub const MAX_REJECTED_SAMPLES: usize = 20;

/// Runs the sync `sync_id` of `catalog` on the files in `data_dir`.
///
/// Blocks until the sync finishes, fails or finds the cancel flag of
/// `control` set, so async callers run it on a blocking thread. Rejected records
/// are counted in the outcome; an error means the run itself could not go on.
pub fn run_sync(
    data_dir: &Path,
    catalog: &Catalog,
    sync_id: &str,
    control: &Control,
) -> Result<SyncOutcome, EngineError> {
    let sync = catalog
        .sync(sync_id)
        .ok_or_else(|| EngineError::UnknownSync {
            sync_id: sync_id.to_string(),
        })?;
    let source = settings(
        catalog,
        sync,
        &sync.source.connection_id,
        ConnectionKind::Source,
    )?;
    let destination = settings(
        catalog,
        sync,
        &sync.destination.connection_id,
        ConnectionKind::Destination,
    )?;

    let source_db =
        sqlite::open_read_only(&sync.source.connection_id, &data_dir.join(&source.file))?;
    let destination_db = sqlite::open_destination(
        &sync.destination.connection_id,
        &data_dir.join(&destination.file),
    )?;

    let mut run = SyncRun {
        sync,
        settings: destination,
        control,
        tally: Tally::default(),
        source_keys: HashSet::new(),
    };
    run.copy_records(&source_db, &destination_db)?;
    Ok(SyncOutcome {
        records: run.tally.counts,
        rejected_samples: run.tally.samples,
    })
}

fn settings<'a>(
    catalog: &'a Catalog,
    sync: &Sync,
    connection_id: &str,
    kind: ConnectionKind,
) -> Result<&'a ConnectionSettings, EngineError> {
    let declared = catalog
        .connection(connection_id)
        .map(|connection| connection.kind);
    match (declared, catalog.settings(connection_id)) {
        (Some(declared), Some(settings)) if declared == kind => Ok(settings),
        (Some(declared), Some(_)) => Err(EngineError::WrongConnectionKind {
            sync_id: sync.id.clone(),
            connection: connection_id.to_string(),
            role: kind_name(kind),
            kind: kind_name(declared),
        }),
        _ => Err(EngineError::UnknownConnection {
            sync_id: sync.id.clone(),
            connection: connection_id.to_string(),
            declared: catalog
                .connections
                .iter()
                .map(|connection| connection.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Counts and samples of the batches committed so far.
#[derive(Default)]
struct Tally {
    counts: RecordCounts,
    samples: Vec<RejectedRecord>,
}

impl Tally {
    fn reject(&mut self, key: &Value, reason: String, record: impl FnOnce() -> serde_json::Value) {
        self.counts.failed += 1;
        if self.samples.len() < MAX_REJECTED_SAMPLES {
            self.samples.push(RejectedRecord {
                key: display_value(key),
                reason,
                record: record(),
            });
        }
    }

    fn merge(&mut self, batch: Tally) {
        self.counts.processed += batch.counts.processed;
        self.counts.inserted += batch.counts.inserted;
        self.counts.updated += batch.counts.updated;
        self.counts.deleted += batch.counts.deleted;
        self.counts.failed += batch.counts.failed;

        let room = MAX_REJECTED_SAMPLES.saturating_sub(self.samples.len());
        self.samples.extend(batch.samples.into_iter().take(room));
    }
}

struct SyncRun<'a> {
    sync: &'a Sync,
    settings: &'a ConnectionSettings,
    control: &'a Control,
    tally: Tally,
    /// Keys read from the source, kept only by a mirror sync to find what to delete.
    source_keys: HashSet<String>,
}

impl SyncRun<'_> {
    fn copy_records(&mut self, source_db: &Db, destination_db: &Db) -> Result<(), EngineError> {
        let source_error = |source| EngineError::SourceQuery {
            sync_id: self.sync.id.clone(),
            source,
        };
        let mut statement = source_db
            .prepare(&self.sync.source.query)
            .map_err(source_error)?;
        let columns: Vec<String> = statement
            .column_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        let writer = ObjectWriter::new(destination_db, self.sync, &columns)?;
        self.stop_if_cancelled()?;

        let mut rows = statement.query([]).map_err(source_error)?;
        let mut batch = Vec::with_capacity(self.settings.batch_size as usize);
        while let Some(row) = rows.next().map_err(source_error)? {
            let record = (0..columns.len())
                .map(|index| row.get::<_, Value>(index))
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(source_error)?;
            batch.push(record);

            if batch.len() == self.settings.batch_size as usize {
                self.write_batch(&writer, &columns, &batch)?;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            self.write_batch(&writer, &columns, &batch)?;
        }

        if self.sync.operation == Operation::Mirror {
            self.delete_missing(&writer)?;
        }
        Ok(())
    }

    fn write_batch(
        &mut self,
        writer: &ObjectWriter,
        columns: &[String],
        batch: &[Vec<Value>],
    ) -> Result<(), EngineError> {
        self.wait_for_api()?;

        let batch_tally = self.in_transaction(writer, |writer| {
            let mut tally = Tally::default();
            for record in batch {
                tally.counts.processed += 1;
                match writer.write(record)? {
                    Written::Inserted => tally.counts.inserted += 1,
                    Written::Updated => tally.counts.updated += 1,
                    Written::Unchanged => {}
                    Written::Rejected(reason) => {
                        let key = &record[writer.key_index()];
                        tally.reject(key, reason, || record_json(columns, record));
                    }
                }
            }
            Ok(tally)
        })?;

        if self.sync.operation == Operation::Mirror {
            let keys = batch
                .iter()
                .map(|record| display_value(&record[writer.key_index()]));
            self.source_keys.extend(keys);
        }
        self.finish_batch(batch_tally)
    }

    /// Deletes the destination records whose keys the source no longer has.
    fn delete_missing(&mut self, writer: &ObjectWriter) -> Result<(), EngineError> {
        let keys = writer
            .destination_keys()
            .map_err(|source| self.destination_error(source))?;
        let missing: Vec<Value> = keys
            .into_iter()
            .filter(|key| !self.source_keys.contains(&display_value(key)))
            .collect();

        for batch in missing.chunks(self.settings.batch_size as usize) {
            self.wait_for_api()?;

            let batch_tally = self.in_transaction(writer, |writer| {
                let mut tally = Tally::default();
                for key in batch {
                    match writer.delete(key)? {
                        None => tally.counts.deleted += 1,
                        Some(reason) => {
                            let record = writer.destination_record(key)?;
                            tally.reject(key, reason, || record);
                        }
                    }
                }
                Ok(tally)
            })?;
            self.finish_batch(batch_tally)?;
        }
        Ok(())
    }

    /// Runs `write` in one transaction, rolled back if the destination fails.
    fn in_transaction(
        &self,
        writer: &ObjectWriter,
        write: impl FnOnce(&ObjectWriter) -> rusqlite::Result<Tally>,
    ) -> Result<Tally, EngineError> {
        let db = writer.db();
        db.execute_batch("BEGIN IMMEDIATE")
            .map_err(|source| self.destination_error(source))?;

        let result = write(writer).and_then(|tally| db.execute_batch("COMMIT").map(|()| tally));
        result.map_err(|source| {
            if let Err(rollback) = db.execute_batch("ROLLBACK") {
                tracing::warn!(sync_id = %self.sync.id, error = %rollback, "rollback after a failed batch failed");
            }
            self.destination_error(source)
        })
    }

    fn finish_batch(&mut self, batch: Tally) -> Result<(), EngineError> {
        self.tally.merge(batch);
        tracing::debug!(sync_id = %self.sync.id, processed = self.tally.counts.processed, "batch committed");
        (self.control.progress)(self.tally.counts);
        self.stop_if_cancelled()
    }

    /// Waits the destination's batch latency, in short slices so that a cancel
    /// during a long latency takes effect at once.
    fn wait_for_api(&self) -> Result<(), EngineError> {
        let deadline = Instant::now() + self.settings.batch_latency;
        loop {
            self.stop_if_cancelled()?;
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            std::thread::sleep(left.min(CANCEL_POLL));
        }
    }

    fn stop_if_cancelled(&self) -> Result<(), EngineError> {
        if self.control.is_cancelled() {
            return Err(EngineError::Cancelled);
        }
        Ok(())
    }

    fn destination_error(&self, source: rusqlite::Error) -> EngineError {
        EngineError::Destination {
            sync_id: self.sync.id.clone(),
            connection: self.sync.destination.connection_id.clone(),
            source,
        }
    }
}
