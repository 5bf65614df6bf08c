//! The two example flows of the demo, created once per data dir: an ordered
//! flow of every CRM, billing and analytics sync, and a flow with the demo's
//! failing sync that shows a skipped step and an `on_completion` trigger.

use baton_flow::{Flow, Position, Step, Trigger, TriggerCondition};

use crate::store::{flows, format_time, now, Store, StoreError};
use crate::SyncCatalog;

const CREATED_KEY: &str = "demo_flows_created";

/// Creates the example flows unless this data dir already got them once, so
/// a flow the user deleted stays deleted.
pub fn create_once(store: &Store, catalog: &SyncCatalog) -> Result<(), StoreError> {
    let flows_to_create = [ordered_flow(), failing_flow()];
    store.call_blocking(|conn| {
        if flows::meta(conn, CREATED_KEY)?.is_some() {
            return Ok(());
        }
        for flow in flows_to_create {
            let problems = baton_flow::validate(&flow, &catalog.syncs);
            if problems.iter().any(|problem| problem.is_error()) {
                tracing::error!(flow = %flow.name, ?problems, "demo flow breaks a rule with this catalog; not created");
                continue;
            }
            let flow = flows::create(conn, flow, "demo")?;
            tracing::info!(flow_id = %flow.id, name = %flow.name, "demo flow created");
        }
        flows::set_meta(conn, CREATED_KEY, &format_time(now()))
    })
}

fn ordered_flow() -> Flow {
    let steps = vec![
        step("accounts", "crm_accounts", 0, 1),
        step("contacts", "crm_contacts", 1, 0),
        step("deals", "crm_deals", 2, 0),
        step("customers", "billing_customers", 1, 1),
        step("payments", "billing_payments", 2, 1),
        step("users", "analytics_users", 1, 2),
        step("events", "analytics_events", 2, 2),
    ];
    let triggers = vec![
        on_success("accounts", "contacts"),
        on_success("contacts", "deals"),
        on_success("accounts", "customers"),
        on_success("customers", "payments"),
        on_success("accounts", "users"),
        on_success("users", "events"),
    ];
    Flow {
        name: "Daily CRM, billing and analytics".to_string(),
        description: "Accounts first, so that contacts and deals find their account in the CRM; \
                      billing and analytics follow in their own branches."
            .to_string(),
        steps,
        triggers,
        ..Flow::default()
    }
}

fn failing_flow() -> Flow {
    let steps = vec![
        step("accounts", "crm_accounts", 0, 0),
        step("contacts", "crm_contacts", 1, 0),
        step("opportunities_v2", "crm_opportunities_v2", 2, 0),
        step("deals", "crm_deals", 3, 0),
        step("account_health", "crm_account_health", 3, 1),
    ];
    let triggers = vec![
        on_success("accounts", "contacts"),
        on_success("contacts", "opportunities_v2"),
        on_success("opportunities_v2", "deals"),
        Trigger {
            from: "opportunities_v2".to_string(),
            to: "account_health".to_string(),
            condition: TriggerCondition::OnCompletion,
        },
    ];
    Flow {
        name: "CRM with the v2 opportunities model".to_string(),
        description:
            "The opportunities_v2 sync reads a table the warehouse does not have yet, so it fails: \
                      deals below it are skipped, while account health runs on completion."
                .to_string(),
        steps,
        triggers,
        ..Flow::default()
    }
}

fn step(id: &str, sync_id: &str, column: u32, row: u32) -> Step {
    Step {
        id: id.to_string(),
        sync_id: sync_id.to_string(),
        position: Position {
            x: f64::from(column) * 280.0,
            y: f64::from(row) * 140.0,
        },
        pinned: false,
        enabled: true,
        failure_policy: Default::default(),
        timeout_secs: None,
    }
}

fn on_success(from: &str, to: &str) -> Trigger {
    Trigger {
        from: from.to_string(),
        to: to.to_string(),
        condition: TriggerCondition::OnSuccess,
    }
}
