//! JSON import and export of a flow, for files that people download, keep
//! in version control and upload again. The flow sits in an envelope with a
//! format marker and version, so a future format can be distinguished and an
//! unrelated JSON file is rejected with a clear error. docs/flow-json.md
//! documents the schema.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::Flow;

/// The `format` marker of an exported flow.
pub const FORMAT: &str = "baton.flow";

/// The `format_version` this crate writes and reads.
pub const FORMAT_VERSION: u64 = 1;

/// Maximum size of an imported file, in bytes. A flow at the step and
/// trigger limits is about 9 MB pretty-printed with 11-character step ids,
/// and an estimated 20 MB with step ids at their maximum length.
pub const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

#[derive(Serialize)]
struct Envelope<'a> {
    format: &'static str,
    format_version: u64,
    flow: &'a Flow,
}

/// The reason a flow cannot be exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("step {step:?} has a position that is not a finite number, which JSON cannot carry; move the step or lay the flow out again")]
    NonFinitePosition { step: String },

    #[error("the flow could not be written as JSON: {message}")]
    Serialize { message: String },
}

/// The reason a JSON document cannot be imported as a flow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is {bytes} bytes, more than the maximum of {max}")]
    TooLarge { bytes: usize, max: usize },

    #[error("the file is not valid JSON: {message} at line {line}, column {column}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },

    #[error(
        "the file is not a Baton flow export: expected a JSON object with \"format\": \"{FORMAT}\""
    )]
    NotAnObject,

    #[error("the field `{field}` is missing: a Baton flow export has \"format\", \"format_version\" and \"flow\"")]
    MissingField { field: &'static str },

    #[error("the field `format` is {found}, but a Baton flow export has \"format\": \"{FORMAT}\"")]
    WrongFormat { found: String },

    #[error("the field `format_version` is {found}, but this version of Baton reads version {FORMAT_VERSION}; export the flow again from a matching version")]
    UnsupportedVersion { found: String },

    #[error("the field `{field}` is not part of a Baton flow export; remove it")]
    UnknownField { field: String },

    #[error("the field `{path}` is invalid: {message}")]
    InvalidField { path: String, message: String },
}

/// Returns the id of the first step whose position is not finite.
pub(crate) fn non_finite_step(flow: &Flow) -> Option<&str> {
    flow.steps
        .iter()
        .find(|step| !(step.position.x.is_finite() && step.position.y.is_finite()))
        .map(|step| step.id.as_str())
}

/// Writes `flow` as pretty-printed JSON in its envelope.
pub fn export(flow: &Flow) -> Result<String, ExportError> {
    if let Some(step) = non_finite_step(flow) {
        return Err(ExportError::NonFinitePosition {
            step: step.to_string(),
        });
    }
    let envelope = Envelope {
        format: FORMAT,
        format_version: FORMAT_VERSION,
        flow,
    };
    serde_json::to_string_pretty(&envelope).map_err(|error| ExportError::Serialize {
        message: error.to_string(),
    })
}

/// Reads a flow from JSON written by `export`.
pub fn import(text: &str) -> Result<Flow, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge {
            bytes: text.len(),
            max: MAX_IMPORT_BYTES,
        });
    }
    let value: Value = serde_json::from_str(text).map_err(|error| ImportError::Syntax {
        line: error.line(),
        column: error.column(),
        message: strip_position(&error.to_string()),
    })?;
    let Value::Object(mut envelope) = value else {
        return Err(ImportError::NotAnObject);
    };

    check_format(&envelope)?;
    let flow = envelope
        .remove("flow")
        .ok_or(ImportError::MissingField { field: "flow" })?;
    if let Some(field) = envelope
        .keys()
        .find(|key| !matches!(key.as_str(), "format" | "format_version"))
    {
        return Err(ImportError::UnknownField {
            field: field.clone(),
        });
    }

    serde_path_to_error::deserialize(flow).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." {
            "flow".to_string()
        } else {
            format!("flow.{path}")
        };
        ImportError::InvalidField {
            path,
            message: error.into_inner().to_string(),
        }
    })
}

fn check_format(envelope: &Map<String, Value>) -> Result<(), ImportError> {
    match envelope.get("format") {
        None => return Err(ImportError::MissingField { field: "format" }),
        Some(Value::String(format)) if format == FORMAT => {}
        Some(other) => {
            return Err(ImportError::WrongFormat {
                found: other.to_string(),
            })
        }
    }
    match envelope.get("format_version") {
        None => Err(ImportError::MissingField {
            field: "format_version",
        }),
        Some(Value::Number(version)) if version.as_u64() == Some(FORMAT_VERSION) => Ok(()),
        Some(other) => Err(ImportError::UnsupportedVersion {
            found: other.to_string(),
        }),
    }
}

/// serde_json appends " at line L column C" to its messages; the error
/// reports those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}
