//! Validation: every rule a flow must pass, each problem at once.

use crate::model::{Flow, Sync};
use crate::problem::Problem;

/// Check `flow` against every rule, using `syncs` (the backend's catalog) to
/// resolve each step's sync. Returns every problem found, errors first.
pub fn validate(flow: &Flow, syncs: &[Sync]) -> Vec<Problem> {
    // TODO: the rules land with the validation work; this placeholder finds nothing.
    let _ = (flow, syncs);
    Vec::new()
}
