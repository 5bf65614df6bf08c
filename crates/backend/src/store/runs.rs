//! Runs, step runs, rejected-record samples and run events.
//!
//! The run executor owns the state of active runs and writes each change here
//! together with the event that announces it, in one transaction, so a client
//! that replays events from the store receives exactly what live clients received.

use baton_flow::{
    Page, RecordCounts, RejectedRecord, Run, RunEvent, RunStatus, RunSummary, StepRun,
    StepRunStatus, SyncLastRun, TriggerReason,
};
use chrono::{DateTime, Utc};
use rusqlite::types::ToSql;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{enum_text, format_time, hex, parse_enum, parse_optional_time, parse_time, StoreError};

/// A run about to be created.
#[derive(Debug, Clone)]
pub struct NewRun {
    pub id: String,
    pub flow_id: Option<String>,
    pub flow_version: Option<u64>,
    pub sync_id: Option<String>,
    pub trigger_reason: TriggerReason,
    pub triggered_by: String,
    pub retry_of: Option<String>,
    /// The steps to execute, as (step id, sync id), in the flow's order.
    pub steps: Vec<(String, String)>,
}

/// Filters and position of a history page.
#[derive(Debug, Clone, Default)]
pub struct HistoryQuery {
    pub statuses: Vec<RunStatus>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Position after which the page starts: (created_at, id) of the last row seen.
    pub after: Option<(String, String)>,
    pub limit: u32,
}

const RUN_COLUMNS: &str =
    "id, flow_id, flow_version, sync_id, status, trigger_reason, triggered_by, retry_of,
    created_at, started_at, finished_at, step_count, steps_failed,
    processed, inserted, updated, deleted, failed";

/// Creates a queued run with pending step runs, unless its flow (or, for a
/// sync triggered alone, its sync) already has an active run: then returns
/// that run's id instead. The check and the insert share one transaction, so
/// two starts at once cannot both succeed.
pub fn create(
    conn: &mut Connection,
    run: &NewRun,
) -> Result<Result<RunSummary, String>, StoreError> {
    let tx = conn.transaction()?;
    if let Some(active) = active_run_in(&tx, run.flow_id.as_deref(), run.sync_id.as_deref())? {
        return Ok(Err(active));
    }

    let created_at = format_time(super::now());
    let step_ids =
        serde_json::to_string(&run.steps.iter().map(|(step, _)| step).collect::<Vec<_>>())
            .map_err(|source| StoreError::Json {
                what: "runs.step_ids",
                source,
            })?;
    tx.execute(
        "INSERT INTO runs (id, flow_id, flow_version, sync_id, status, trigger_reason, triggered_by,
                           retry_of, created_at, step_count, step_ids)
         VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            run.id,
            run.flow_id,
            run.flow_version.map(|version| version as i64),
            run.sync_id,
            enum_text(&run.trigger_reason),
            run.triggered_by,
            run.retry_of,
            created_at,
            run.steps.len() as i64,
            step_ids
        ],
    )?;

    let mut insert = tx.prepare(
        "INSERT INTO step_runs (run_id, step_id, ordinal, sync_id, status, attempt) VALUES (?1, ?2, ?3, ?4, 'pending', 0)",
    )?;
    for (ordinal, (step_id, sync_id)) in run.steps.iter().enumerate() {
        insert.execute(params![run.id, step_id, ordinal as i64, sync_id])?;
    }
    drop(insert);

    let summary = summary_in(&tx, &run.id)?.ok_or_else(|| StoreError::InvalidValue {
        what: "runs.id",
        value: run.id.clone(),
    })?;
    tx.commit()?;
    Ok(Ok(summary))
}

/// Returns the id of the active run of a flow, or of a sync triggered alone.
pub fn active_run(
    conn: &Connection,
    flow_id: Option<&str>,
    sync_id: Option<&str>,
) -> Result<Option<String>, StoreError> {
    active_run_in(conn, flow_id, sync_id)
}

fn active_run_in(
    conn: &Connection,
    flow_id: Option<&str>,
    sync_id: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let (sql, key) = match (flow_id, sync_id) {
        (Some(flow_id), _) => ("SELECT id FROM runs WHERE status IN ('queued', 'running') AND flow_id = ?1", flow_id),
        (None, Some(sync_id)) => (
            "SELECT id FROM runs WHERE status IN ('queued', 'running') AND flow_id IS NULL AND sync_id = ?1",
            sync_id,
        ),
        (None, None) => return Ok(None),
    };
    Ok(conn.query_row(sql, [key], |row| row.get(0)).optional()?)
}

pub fn summary(conn: &Connection, id: &str) -> Result<Option<RunSummary>, StoreError> {
    summary_in(conn, id)
}

fn summary_in(conn: &Connection, id: &str) -> Result<Option<RunSummary>, StoreError> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1");
    let row = conn.query_row(&sql, [id], RunRow::read).optional()?;
    row.map(RunRow::into_summary).transpose()
}

/// Reads a run with every step run and its rejected samples.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Run>, StoreError> {
    let Some(summary) = summary_in(conn, id)? else {
        return Ok(None);
    };
    let step_runs = step_runs(conn, id)?;
    Ok(Some(Run { summary, step_runs }))
}

/// Returns the step ids a run executes, in the flow's order.
pub fn step_ids(conn: &Connection, id: &str) -> Result<Option<Vec<String>>, StoreError> {
    let text: Option<String> = conn
        .query_row("SELECT step_ids FROM runs WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    text.map(|text| {
        serde_json::from_str(&text).map_err(|source| StoreError::Json {
            what: "runs.step_ids",
            source,
        })
    })
    .transpose()
}

fn step_runs(conn: &Connection, run_id: &str) -> Result<Vec<StepRun>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT step_id, sync_id, status, attempt, started_at, finished_at,
                processed, inserted, updated, deleted, failed, error
         FROM step_runs WHERE run_id = ?1 ORDER BY ordinal",
    )?;
    let rows = statement.query_map([run_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, i64>(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, Option<String>>(5)?,
            counts_at(row, 6)?,
            row.get::<_, Option<String>>(11)?,
        ))
    })?;

    let mut samples = samples_of_run(conn, run_id)?;
    let mut step_runs = Vec::new();
    for row in rows {
        let (step_id, sync_id, status, attempt, started_at, finished_at, records, error) = row?;
        let rejected_samples = samples.remove(&step_id).unwrap_or_default();
        step_runs.push(StepRun {
            step_id,
            sync_id,
            status: parse_enum("step_runs.status", &status)?,
            attempt: attempt as u32,
            started_at: parse_optional_time("step_runs.started_at", started_at)?,
            finished_at: parse_optional_time("step_runs.finished_at", finished_at)?,
            records,
            error,
            rejected_samples,
        });
    }
    Ok(step_runs)
}

fn samples_of_run(
    conn: &Connection,
    run_id: &str,
) -> Result<std::collections::HashMap<String, Vec<RejectedRecord>>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT step_id, key, reason, record FROM rejected_samples WHERE run_id = ?1 ORDER BY step_id, ordinal",
    )?;
    let rows = statement.query_map([run_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    let mut samples: std::collections::HashMap<String, Vec<RejectedRecord>> = Default::default();
    for row in rows {
        let (step_id, key, reason, record) = row?;
        let record = serde_json::from_str(&record).map_err(|source| StoreError::Json {
            what: "rejected_samples.record",
            source,
        })?;
        samples.entry(step_id).or_default().push(RejectedRecord {
            key,
            reason,
            record,
        });
    }
    Ok(samples)
}

/// Writes a step run (and its samples when it finished) and appends its event.
pub fn write_step(
    conn: &Connection,
    run_id: &str,
    step: &StepRun,
    seq: u64,
) -> Result<RunEvent, StoreError> {
    conn.execute(
        "UPDATE step_runs SET status = ?3, attempt = ?4, started_at = ?5, finished_at = ?6,
                processed = ?7, inserted = ?8, updated = ?9, deleted = ?10, failed = ?11, error = ?12
         WHERE run_id = ?1 AND step_id = ?2",
        params![
            run_id,
            step.step_id,
            enum_text(&step.status),
            step.attempt as i64,
            step.started_at.map(format_time),
            step.finished_at.map(format_time),
            step.records.processed as i64,
            step.records.inserted as i64,
            step.records.updated as i64,
            step.records.deleted as i64,
            step.records.failed as i64,
            step.error,
        ],
    )?;

    if step.status.is_finished() {
        conn.execute(
            "DELETE FROM rejected_samples WHERE run_id = ?1 AND step_id = ?2",
            params![run_id, step.step_id],
        )?;
        for (ordinal, sample) in step.rejected_samples.iter().enumerate() {
            let record =
                serde_json::to_string(&sample.record).map_err(|source| StoreError::Json {
                    what: "rejected_samples.record",
                    source,
                })?;
            conn.execute(
                "INSERT INTO rejected_samples (run_id, step_id, ordinal, key, reason, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![run_id, step.step_id, ordinal as i64, sample.key, sample.reason, record],
            )?;
        }
    }

    let event = RunEvent::Step {
        seq,
        step_run: step.clone(),
    };
    append_event(conn, run_id, &event)?;
    Ok(event)
}

/// A run's status, times and totals over its step runs, as one write.
#[derive(Debug, Clone, Copy)]
pub struct RunState {
    pub status: RunStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub steps_failed: u32,
    pub records: RecordCounts,
}

/// Writes a run's status, times and totals, and appends the run event.
pub fn write_run(
    conn: &Connection,
    run_id: &str,
    state: &RunState,
    seq: u64,
) -> Result<RunEvent, StoreError> {
    let records = state.records;
    conn.execute(
        "UPDATE runs SET status = ?2, started_at = ?3, finished_at = ?4, steps_failed = ?5,
                processed = ?6, inserted = ?7, updated = ?8, deleted = ?9, failed = ?10
         WHERE id = ?1",
        params![
            run_id,
            enum_text(&state.status),
            state.started_at.map(format_time),
            state.finished_at.map(format_time),
            i64::from(state.steps_failed),
            records.processed as i64,
            records.inserted as i64,
            records.updated as i64,
            records.deleted as i64,
            records.failed as i64,
        ],
    )?;
    let run = summary_in(conn, run_id)?.ok_or_else(|| StoreError::InvalidValue {
        what: "runs.id",
        value: run_id.to_string(),
    })?;
    let event = RunEvent::Run { seq, run };
    append_event(conn, run_id, &event)?;
    Ok(event)
}

/// Sums the stored step runs of a run.
fn totals(conn: &Connection, run_id: &str) -> Result<(u32, RecordCounts), StoreError> {
    Ok(conn.query_row(
        "SELECT COUNT(CASE WHEN status = 'failed' THEN 1 END), COALESCE(SUM(processed), 0), COALESCE(SUM(inserted), 0),
                COALESCE(SUM(updated), 0), COALESCE(SUM(deleted), 0), COALESCE(SUM(failed), 0)
         FROM step_runs WHERE run_id = ?1",
        [run_id],
        |row| Ok((row.get::<_, i64>(0)? as u32, counts_at(row, 1)?)),
    )?)
}

fn append_event(conn: &Connection, run_id: &str, event: &RunEvent) -> Result<(), StoreError> {
    let body = serde_json::to_string(event).map_err(|source| StoreError::Json {
        what: "run_events.body",
        source,
    })?;
    conn.execute(
        "INSERT INTO run_events (run_id, seq, body) VALUES (?1, ?2, ?3)",
        params![run_id, event.seq() as i64, body],
    )?;
    Ok(())
}

/// Reads the events of a run after `seq`, in order.
pub fn events_after(
    conn: &Connection,
    run_id: &str,
    seq: u64,
) -> Result<Vec<RunEvent>, StoreError> {
    let mut statement =
        conn.prepare("SELECT body FROM run_events WHERE run_id = ?1 AND seq > ?2 ORDER BY seq")?;
    let rows = statement.query_map(params![run_id, seq as i64], |row| row.get::<_, String>(0))?;
    let mut events = Vec::new();
    for body in rows {
        let event = serde_json::from_str(&body?).map_err(|source| StoreError::Json {
            what: "run_events.body",
            source,
        })?;
        events.push(event);
    }
    Ok(events)
}

pub fn last_seq(conn: &Connection, run_id: &str) -> Result<u64, StoreError> {
    let seq: i64 = conn.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM run_events WHERE run_id = ?1",
        [run_id],
        |row| row.get(0),
    )?;
    Ok(seq as u64)
}

/// Marks runs left queued or running by a previous process as interrupted,
/// with their unfinished step runs, and returns their ids.
pub fn interrupt_unfinished(conn: &mut Connection) -> Result<Vec<String>, StoreError> {
    let tx = conn.transaction()?;
    let ids: Vec<String> = {
        let mut statement =
            tx.prepare("SELECT id FROM runs WHERE status IN ('queued', 'running')")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        rows.collect::<Result<_, _>>()?
    };

    let now = super::now();
    for id in &ids {
        interrupt_run(&tx, id, now)?;
    }
    tx.commit()?;
    Ok(ids)
}

/// Marks one run and its unfinished step runs as interrupted, if it is still active.
pub fn interrupt(conn: &mut Connection, run_id: &str) -> Result<bool, StoreError> {
    let tx = conn.transaction()?;
    let active: Option<String> = tx
        .query_row(
            "SELECT id FROM runs WHERE id = ?1 AND status IN ('queued', 'running')",
            [run_id],
            |row| row.get(0),
        )
        .optional()?;
    if active.is_none() {
        return Ok(false);
    }
    interrupt_run(&tx, run_id, super::now())?;
    tx.commit()?;
    Ok(true)
}

fn interrupt_run(tx: &Transaction<'_>, run_id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE step_runs SET status = 'interrupted', finished_at = CASE WHEN started_at IS NULL THEN NULL ELSE ?2 END
         WHERE run_id = ?1 AND status IN ('pending', 'queued', 'running')",
        params![run_id, format_time(now)],
    )?;
    let started_at: Option<String> = tx.query_row(
        "SELECT started_at FROM runs WHERE id = ?1",
        [run_id],
        |row| row.get(0),
    )?;
    let started_at = parse_optional_time("runs.started_at", started_at)?;

    let (steps_failed, records) = totals(tx, run_id)?;
    let state = RunState {
        status: RunStatus::Interrupted,
        started_at,
        finished_at: Some(now),
        steps_failed,
        records,
    };
    let seq = last_seq(tx, run_id)? + 1;
    write_run(tx, run_id, &state, seq)?;
    Ok(())
}

/// Returns the newest run of a flow.
pub fn last_of_flow(conn: &Connection, flow_id: &str) -> Result<Option<RunSummary>, StoreError> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE flow_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1");
    let row = conn.query_row(&sql, [flow_id], RunRow::read).optional()?;
    row.map(RunRow::into_summary).transpose()
}

/// Returns the newest finished step run of a sync, in any run.
pub fn sync_last_run(conn: &Connection, sync_id: &str) -> Result<Option<SyncLastRun>, StoreError> {
    let row = conn
        .query_row(
            "SELECT run_id, status, started_at, finished_at, processed, inserted, updated, deleted, failed
             FROM step_runs WHERE sync_id = ?1 AND finished_at IS NOT NULL
             ORDER BY finished_at DESC LIMIT 1",
            [sync_id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, String>(3)?,
                    counts_at(row, 4)?,
                ))
            },
        )
        .optional()?;
    let Some((run_id, status, started_at, finished_at, records)) = row else {
        return Ok(None);
    };

    let started_at = parse_optional_time("step_runs.started_at", started_at)?;
    let finished_at = parse_time("step_runs.finished_at", &finished_at)?;
    let duration_ms =
        started_at.map(|started| (finished_at - started).num_milliseconds().max(0) as u64);
    Ok(Some(SyncLastRun {
        run_id,
        status: parse_enum::<StepRunStatus>("step_runs.status", &status)?,
        finished_at: Some(finished_at),
        duration_ms,
        records,
    }))
}

/// Reads one page of a flow's run history, newest first.
pub fn flow_history(
    conn: &Connection,
    flow_id: &str,
    query: &HistoryQuery,
) -> Result<Page<RunSummary>, StoreError> {
    history(conn, "flow_id = ?", flow_id, query)
}

/// Reads one page of the runs that executed a sync, alone or in any flow, newest first.
pub fn sync_history(
    conn: &Connection,
    sync_id: &str,
    query: &HistoryQuery,
) -> Result<Page<RunSummary>, StoreError> {
    history(
        conn,
        "id IN (SELECT run_id FROM step_runs WHERE sync_id = ?)",
        sync_id,
        query,
    )
}

fn history(
    conn: &Connection,
    scope: &str,
    key: &str,
    query: &HistoryQuery,
) -> Result<Page<RunSummary>, StoreError> {
    let mut sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE {scope}");
    let mut values: Vec<Box<dyn ToSql>> = vec![Box::new(key.to_string())];

    if !query.statuses.is_empty() {
        let marks = vec!["?"; query.statuses.len()].join(", ");
        sql.push_str(&format!(" AND status IN ({marks})"));
        values.extend(
            query
                .statuses
                .iter()
                .map(|status| Box::new(enum_text(status)) as Box<dyn ToSql>),
        );
    }
    if let Some(since) = query.since {
        sql.push_str(" AND created_at >= ?");
        values.push(Box::new(format_time(since)));
    }
    if let Some(until) = query.until {
        sql.push_str(" AND created_at < ?");
        values.push(Box::new(format_time(until)));
    }
    if let Some((created_at, id)) = &query.after {
        sql.push_str(" AND (created_at, id) < (?, ?)");
        values.push(Box::new(created_at.clone()));
        values.push(Box::new(id.clone()));
    }
    sql.push_str(" ORDER BY created_at DESC, id DESC LIMIT ?");
    values.push(Box::new(i64::from(query.limit) + 1));

    let mut statement = conn.prepare(&sql)?;
    let params: Vec<&dyn ToSql> = values.iter().map(|value| value.as_ref()).collect();
    let rows = statement.query_map(params.as_slice(), RunRow::read)?;
    let mut rows: Vec<RunRow> = rows.collect::<Result<_, _>>()?;

    let next_cursor = if rows.len() > query.limit as usize {
        rows.truncate(query.limit as usize);
        rows.last()
            .map(|row| encode_cursor(&row.created_at, &row.id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(RunRow::into_summary)
        .collect::<Result<_, _>>()?;
    Ok(Page { items, next_cursor })
}

/// Encodes a history position as an opaque, URL-safe cursor.
pub fn encode_cursor(created_at: &str, id: &str) -> String {
    hex(format!("{created_at}|{id}").as_bytes())
}

/// Decodes a cursor made by [`encode_cursor`]; `None` if it is not one.
pub fn decode_cursor(cursor: &str) -> Option<(String, String)> {
    if cursor.len() % 2 != 0 || !cursor.is_ascii() {
        return None;
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&cursor[index..index + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let text = String::from_utf8(bytes).ok()?;
    let (created_at, id) = text.split_once('|')?;
    parse_time("cursor", created_at).ok()?;
    Some((created_at.to_string(), id.to_string()))
}

fn counts_at(row: &Row<'_>, first: usize) -> rusqlite::Result<RecordCounts> {
    Ok(RecordCounts {
        processed: row.get::<_, i64>(first)? as u64,
        inserted: row.get::<_, i64>(first + 1)? as u64,
        updated: row.get::<_, i64>(first + 2)? as u64,
        deleted: row.get::<_, i64>(first + 3)? as u64,
        failed: row.get::<_, i64>(first + 4)? as u64,
    })
}

/// The columns of [`RUN_COLUMNS`] before parsing.
struct RunRow {
    id: String,
    flow_id: Option<String>,
    flow_version: Option<i64>,
    sync_id: Option<String>,
    status: String,
    trigger_reason: String,
    triggered_by: String,
    retry_of: Option<String>,
    created_at: String,
    started_at: Option<String>,
    finished_at: Option<String>,
    step_count: i64,
    steps_failed: i64,
    records: RecordCounts,
}

impl RunRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<RunRow> {
        Ok(RunRow {
            id: row.get(0)?,
            flow_id: row.get(1)?,
            flow_version: row.get(2)?,
            sync_id: row.get(3)?,
            status: row.get(4)?,
            trigger_reason: row.get(5)?,
            triggered_by: row.get(6)?,
            retry_of: row.get(7)?,
            created_at: row.get(8)?,
            started_at: row.get(9)?,
            finished_at: row.get(10)?,
            step_count: row.get(11)?,
            steps_failed: row.get(12)?,
            records: counts_at(row, 13)?,
        })
    }

    fn into_summary(self) -> Result<RunSummary, StoreError> {
        Ok(RunSummary {
            id: self.id,
            flow_id: self.flow_id,
            flow_version: self.flow_version.map(|version| version as u64),
            sync_id: self.sync_id,
            status: parse_enum("runs.status", &self.status)?,
            trigger_reason: parse_enum("runs.trigger_reason", &self.trigger_reason)?,
            triggered_by: self.triggered_by,
            retry_of: self.retry_of,
            created_at: parse_time("runs.created_at", &self.created_at)?,
            started_at: parse_optional_time("runs.started_at", self.started_at)?,
            finished_at: parse_optional_time("runs.finished_at", self.finished_at)?,
            step_count: self.step_count as u32,
            steps_failed: self.steps_failed as u32,
            records: self.records,
        })
    }
}
