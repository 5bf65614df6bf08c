//! Minimal fixtures shared by the integration tests.
#![allow(dead_code)]

use baton_flow::{
    Flow, Lookup, Operation, Position, Step, Sync, SyncDestination, SyncSource, Trigger,
    TriggerCondition,
};

/// A sync writing `object` in the `crm` destination, with lookups to `lookups`.
pub fn sync(id: &str, object: &str, lookups: &[&str]) -> Sync {
    sync_in("crm", id, object, lookups)
}

pub fn sync_in(connection: &str, id: &str, object: &str, lookups: &[&str]) -> Sync {
    Sync {
        id: id.to_string(),
        label: id.to_string(),
        source: SyncSource {
            connection_id: "warehouse".into(),
            query: format!("select * from {object}"),
        },
        destination: SyncDestination {
            connection_id: connection.into(),
            object: object.into(),
        },
        operation: Operation::Upsert,
        key: "id".into(),
        lookups: lookups
            .iter()
            .map(|target| Lookup {
                field: format!("{target}_id"),
                object: target.to_string(),
            })
            .collect(),
        last_run: None,
    }
}

pub fn step(id: &str, sync_id: &str) -> Step {
    Step {
        id: id.into(),
        sync_id: sync_id.into(),
        position: Position::default(),
        pinned: false,
        enabled: true,
        failure_policy: Default::default(),
        timeout_secs: None,
    }
}

pub fn trigger(from: &str, to: &str) -> Trigger {
    Trigger {
        from: from.into(),
        to: to.into(),
        condition: TriggerCondition::OnSuccess,
    }
}

/// A flow whose steps use the sync of the same name.
pub fn flow(steps: &[&str], triggers: &[(&str, &str)]) -> Flow {
    Flow {
        name: "test flow".into(),
        steps: steps.iter().map(|id| step(id, id)).collect(),
        triggers: triggers
            .iter()
            .map(|(from, to)| trigger(from, to))
            .collect(),
        ..Flow::default()
    }
}

/// One sync per name, each writing its own object with no lookups.
pub fn plain_syncs(names: &[&str]) -> Vec<Sync> {
    names.iter().map(|name| sync(name, name, &[])).collect()
}
