//! Cron schedules: starts a run of each flow whose schedule (UTC) fell due.
//!
//! The scheduler reads the flows from the store on every pass, so a saved
//! schedule takes effect at the next pass without a restart. A fire time
//! that passes while the backend is down is not made up for, as with cron.

use std::sync::Arc;
use std::time::Duration;

use baton_flow::schedule::Schedule;
use baton_flow::{Flow, TriggerReason};
use chrono::{DateTime, Utc};

use crate::executor::{Executor, Plan, Start, StartError};
use crate::store::flows;

/// Maximum sleep between two passes, so that new and changed schedules take effect.
const MAX_SLEEP: Duration = Duration::from_secs(30);

/// Name recorded as `triggered_by` of scheduled runs.
pub const SCHEDULE_CALLER: &str = "schedule";

/// Runs the scheduler until the process stops.
pub fn spawn(executor: Arc<Executor>) {
    tokio::spawn(async move {
        let mut last_pass = Utc::now();
        loop {
            let now = Utc::now();
            let flows = run_pass(&executor, last_pass, now).await;
            last_pass = now;

            let wake = next_fire(&flows, now).map(|next| (next - now).to_std().unwrap_or_default());
            tokio::time::sleep(wake.map_or(MAX_SLEEP, |wake| wake.min(MAX_SLEEP))).await;
        }
    });
}

/// Starts a run of every flow with a fire time in `(after, now]`, and
/// returns the scheduled flows it read.
pub async fn run_pass(
    executor: &Arc<Executor>,
    after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Flow> {
    let flows = match executor.store().call(|conn| flows::scheduled(conn)).await {
        Ok(flows) => flows,
        Err(error) => {
            tracing::error!(%error, "scheduler cannot read the flows; trying again at the next pass");
            return Vec::new();
        }
    };
    for flow in due_flows(&flows, after, now) {
        start(executor, flow).await;
    }
    flows
}

/// Returns the flows with a fire time in `(after, now]`.
pub fn due_flows(flows: &[Flow], after: DateTime<Utc>, now: DateTime<Utc>) -> Vec<&Flow> {
    flows
        .iter()
        .filter(|flow| {
            parse(flow)
                .and_then(|schedule| schedule.next_after(after))
                .is_some_and(|next| next <= now)
        })
        .collect()
}

fn next_fire(flows: &[Flow], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    flows
        .iter()
        .filter_map(|flow| parse(flow)?.next_after(now))
        .min()
}

fn parse(flow: &Flow) -> Option<Schedule> {
    let text = flow.schedule.as_deref()?;
    match Schedule::parse(text) {
        Ok(schedule) => Some(schedule),
        Err(error) => {
            // Validation rejects such a schedule, so only a flow stored by an
            // older backend gets here.
            tracing::warn!(flow_id = %flow.id, %error, "flow has an invalid schedule; it does not run on schedule");
            None
        }
    }
}

async fn start(executor: &Arc<Executor>, flow: &Flow) {
    let start = Start {
        reason: TriggerReason::Schedule,
        triggered_by: SCHEDULE_CALLER.to_string(),
        retry_of: None,
        flow_version: Some(flow.version),
    };
    match executor.start(Plan::of_flow(flow, None), start).await {
        Ok(run) => tracing::info!(flow_id = %flow.id, run_id = %run.id, "scheduled run started"),
        Err(StartError::Active(run_id)) => {
            tracing::warn!(flow_id = %flow.id, active_run_id = %run_id, "scheduled run skipped: the flow's previous run is still active")
        }
        Err(StartError::Stopping) => {
            tracing::info!(flow_id = %flow.id, "scheduled run not started: the backend is stopping")
        }
        Err(StartError::Store(error)) => {
            tracing::error!(flow_id = %flow.id, %error, "scheduled run failed to start")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(schedule: &str) -> Flow {
        Flow {
            id: schedule.to_string(),
            schedule: Some(schedule.to_string()),
            ..Flow::default()
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn due_when_fire_time_passed() {
        let flows = [flow("30 2 * * *"), flow("0 3 * * *")];

        let due = due_flows(
            &flows,
            at("2026-01-01T02:29:50Z"),
            at("2026-01-01T02:30:05Z"),
        );

        assert_eq!(due.len(), 1);
        assert_eq!(due[0].id, "30 2 * * *");
    }

    #[test]
    fn not_due_twice_for_one_fire_time() {
        let flows = [flow("30 2 * * *")];

        let due = due_flows(
            &flows,
            at("2026-01-01T02:30:05Z"),
            at("2026-01-01T02:30:35Z"),
        );

        assert!(due.is_empty());
    }
}
