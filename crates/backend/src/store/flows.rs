//! Flows and their saved versions. Each save writes the flow and a new row in
//! `flow_versions` in one transaction, so history never misses a version.

use baton_flow::{Flow, FlowSummary, FlowVersion, FlowVersionInfo};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{format_time, new_id, parse_time, runs, StoreError};

/// Result of a save that expects a version.
#[derive(Debug)]
pub enum SaveOutcome {
    Saved(Flow),
    /// Someone saved another version since; this is the current flow.
    Stale(Flow),
    NotFound,
}

/// Stores `flow` as a new flow at version 1 and returns it with its new id.
pub fn create(conn: &mut Connection, flow: Flow, saved_by: &str) -> Result<Flow, StoreError> {
    let now = super::now();
    let mut flow = flow;
    flow.id = new_id("flow");
    flow.version = 1;

    let tx = conn.transaction()?;
    let body = to_json(&flow)?;
    tx.execute(
        "INSERT INTO flows (id, name, version, body, created_at, updated_at, updated_by)
         VALUES (?1, ?2, 1, ?3, ?4, ?4, ?5)",
        params![flow.id, flow.name, body, format_time(now), saved_by],
    )?;
    insert_version(&tx, &flow, &body, now, saved_by)?;
    tx.commit()?;
    Ok(flow)
}

/// Replaces flow `id` with `flow` if its current version is `expected_version`.
pub fn update(
    conn: &mut Connection,
    id: &str,
    expected_version: u64,
    flow: Flow,
    saved_by: &str,
) -> Result<SaveOutcome, StoreError> {
    let tx = conn.transaction()?;
    let Some(current) = get_in(&tx, id)? else {
        return Ok(SaveOutcome::NotFound);
    };
    if current.version != expected_version {
        return Ok(SaveOutcome::Stale(current));
    }

    let now = super::now();
    let mut flow = flow;
    flow.id = id.to_string();
    flow.version = current.version + 1;
    let body = to_json(&flow)?;
    tx.execute(
        "UPDATE flows SET name = ?2, version = ?3, body = ?4, updated_at = ?5, updated_by = ?6 WHERE id = ?1",
        params![id, flow.name, flow.version as i64, body, format_time(now), saved_by],
    )?;
    insert_version(&tx, &flow, &body, now, saved_by)?;
    tx.commit()?;
    Ok(SaveOutcome::Saved(flow))
}

/// Deletes flow `id` and its versions; its runs stay in history.
pub fn delete(conn: &mut Connection, id: &str) -> Result<bool, StoreError> {
    let deleted = conn.execute("DELETE FROM flows WHERE id = ?1", [id])?;
    Ok(deleted > 0)
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Flow>, StoreError> {
    get_in(conn, id)
}

fn get_in(conn: &Connection, id: &str) -> Result<Option<Flow>, StoreError> {
    let body: Option<String> = conn
        .query_row("SELECT body FROM flows WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    body.map(|body| from_json(&body)).transpose()
}

/// Every flow, by name, with its last run.
pub fn list(conn: &Connection) -> Result<Vec<FlowSummary>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT body, updated_at, updated_by FROM flows ORDER BY name COLLATE NOCASE, id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;

    let mut summaries = Vec::new();
    for row in rows {
        let (body, updated_at, updated_by) = row?;
        let flow: Flow = from_json(&body)?;
        summaries.push(FlowSummary {
            last_run: runs::last_of_flow(conn, &flow.id)?,
            id: flow.id,
            name: flow.name,
            description: flow.description,
            version: flow.version,
            schedule: flow.schedule,
            step_count: flow.steps.len() as u32,
            trigger_count: flow.triggers.len() as u32,
            updated_at: parse_time("flows.updated_at", &updated_at)?,
            updated_by,
        });
    }
    Ok(summaries)
}

/// The saved versions of flow `id`, newest first; `None` if there is no such flow.
pub fn versions(conn: &Connection, id: &str) -> Result<Option<Vec<FlowVersionInfo>>, StoreError> {
    if get_in(conn, id)?.is_none() {
        return Ok(None);
    }
    let mut statement = conn.prepare(
        "SELECT version, saved_at, saved_by, step_count, trigger_count
         FROM flow_versions WHERE flow_id = ?1 ORDER BY version DESC",
    )?;
    let rows = statement.query_map([id], version_info_columns)?;
    let mut infos = Vec::new();
    for row in rows {
        infos.push(version_info(row?)?);
    }
    Ok(Some(infos))
}

/// Version `version` of flow `id`, as it was saved.
pub fn version(
    conn: &Connection,
    id: &str,
    version: u64,
) -> Result<Option<FlowVersion>, StoreError> {
    let row = conn
        .query_row(
            "SELECT version, saved_at, saved_by, step_count, trigger_count, body
             FROM flow_versions WHERE flow_id = ?1 AND version = ?2",
            params![id, version as i64],
            |row| Ok((version_info_columns(row)?, row.get::<_, String>(5)?)),
        )
        .optional()?;
    let Some((columns, body)) = row else {
        return Ok(None);
    };
    Ok(Some(FlowVersion {
        info: version_info(columns)?,
        flow: from_json(&body)?,
    }))
}

/// Flows whose schedule is set, for the scheduler.
pub fn scheduled(conn: &Connection) -> Result<Vec<Flow>, StoreError> {
    let mut statement = conn.prepare("SELECT body FROM flows")?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    let mut flows = Vec::new();
    for body in rows {
        let flow: Flow = from_json(&body?)?;
        if flow.schedule.is_some() {
            flows.push(flow);
        }
    }
    Ok(flows)
}

pub fn count(conn: &Connection) -> Result<u64, StoreError> {
    let count: i64 = conn.query_row("SELECT COUNT(*) FROM flows", [], |row| row.get(0))?;
    Ok(count as u64)
}

pub fn meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

pub fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

type VersionColumns = (i64, String, String, i64, i64);

fn version_info_columns(row: &rusqlite::Row<'_>) -> rusqlite::Result<VersionColumns> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn version_info(
    (version, saved_at, saved_by, steps, triggers): VersionColumns,
) -> Result<FlowVersionInfo, StoreError> {
    Ok(FlowVersionInfo {
        version: version as u64,
        saved_at: parse_time("flow_versions.saved_at", &saved_at)?,
        saved_by,
        step_count: steps as u32,
        trigger_count: triggers as u32,
    })
}

fn insert_version(
    tx: &Transaction<'_>,
    flow: &Flow,
    body: &str,
    saved_at: DateTime<Utc>,
    saved_by: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO flow_versions (flow_id, version, body, saved_at, saved_by, step_count, trigger_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            flow.id,
            flow.version as i64,
            body,
            format_time(saved_at),
            saved_by,
            flow.steps.len() as i64,
            flow.triggers.len() as i64
        ],
    )?;
    Ok(())
}

fn to_json(flow: &Flow) -> Result<String, StoreError> {
    serde_json::to_string(flow).map_err(|source| StoreError::Json {
        what: "flows.body",
        source,
    })
}

fn from_json(body: &str) -> Result<Flow, StoreError> {
    serde_json::from_str(body).map_err(|source| StoreError::Json {
        what: "flows.body",
        source,
    })
}
