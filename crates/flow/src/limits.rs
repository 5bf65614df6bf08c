//! Limits on the size of a flow and of its text fields.
//!
//! Validation reports a flow beyond them as `limit_exceeded`, and the backend
//! uses the same constants to size request bodies and storage, so the
//! dashboard and the backend accept exactly the same flows.

/// Maximum number of steps in one flow.
pub const MAX_STEPS: usize = 10_000;

/// Maximum number of triggers in one flow.
pub const MAX_TRIGGERS: usize = 50_000;

/// Maximum length of a flow's name, in characters. A name must not be blank.
pub const MAX_NAME_CHARS: usize = 200;

/// Maximum length of a flow's description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;

/// Maximum length of a step id, in characters. A step id must not be empty.
pub const MAX_STEP_ID_CHARS: usize = 100;

/// Maximum length of a flow's schedule (a cron expression), in characters.
pub const MAX_SCHEDULE_CHARS: usize = 200;

/// Maximum retries of a step's failure policy.
pub const MAX_RETRIES: u32 = 10;

/// Maximum timeout of one step attempt, in seconds (24 hours).
pub const MAX_TIMEOUT_SECS: u32 = 86_400;

/// Maximum absolute value of a step's canvas coordinate, in canvas units.
/// Far beyond any real canvas, and small enough that adding a step's size
/// to a coordinate still changes it in `f64`.
pub const MAX_COORDINATE: f64 = 10_000_000.0;
