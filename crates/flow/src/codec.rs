//! Share links: a flow encoded into a short, URL-safe string, so that a
//! draft can be sent as a link and opened in another browser.
//!
//! Layout of the decoded bytes: one version byte, the CRC-32 of the payload
//! (4 bytes, big-endian), then the payload, which is the flow's compact JSON
//! compressed with raw DEFLATE. The whole is written in URL-safe base64
//! without padding (RFC 4648, section 5). Decoding accepts any string and
//! returns a typed error for every way it can be wrong, and a cap on the
//! decompressed size stops a small link from expanding into gigabytes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use miniz_oxide::inflate::{decompress_to_vec_with_limit, TINFLStatus};

use crate::json::non_finite_step;
use crate::model::Flow;

/// The version byte this crate writes and reads.
pub const CODEC_VERSION: u8 = 1;

/// Maximum size of a flow's JSON inside a link, in bytes. A flow at the step
/// and trigger limits with 11-character step ids is about 5 MB of compact
/// JSON, which fits. With much longer ids it may not, and `encode` returns
/// `EncodeError::TooLarge`: such a flow is shared as a JSON file instead.
pub const MAX_DECODED_BYTES: usize = 8 * 1024 * 1024;

/// Maximum length of an encoded link, in characters.
pub const MAX_ENCODED_CHARS: usize = 4 * 1024 * 1024;

const HEADER_BYTES: usize = 5;

/// The reason a flow cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("step {step:?} has a position that is not a finite number, which a link cannot carry; move the step or lay the flow out again")]
    NonFinitePosition { step: String },

    #[error("the flow could not be written as JSON: {message}")]
    Serialize { message: String },

    #[error("the flow is {bytes} bytes of JSON, more than the {max} a link can carry; export it as a JSON file instead")]
    TooLarge { bytes: usize, max: usize },
}

/// The reason a string is not a valid share link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the link is empty; copy the whole link again")]
    Empty,

    #[error("the link is {chars} characters long, more than the maximum of {max}")]
    TooLong { chars: usize, max: usize },

    #[error("the link contains {character:?} at position {position}, which a share link never contains; copy the whole link again")]
    InvalidCharacter { character: char, position: usize },

    #[error("the link is truncated; copy the whole link again")]
    Truncated,

    #[error("the link has format version {version}, but this version of Baton reads version {CODEC_VERSION}; open it with a matching version")]
    UnknownVersion { version: u8 },

    #[error("the link is damaged: its checksum is {expected:08x}, but its content sums to {actual:08x}; copy the whole link again")]
    ChecksumMismatch { expected: u32, actual: u32 },

    #[error("the link's compressed content is damaged; copy the whole link again")]
    Corrupt,

    #[error("the link expands to more than {max} bytes, more than any flow")]
    TooLarge { max: usize },

    #[error("the link does not contain a valid flow: the field `{path}` is invalid: {message}")]
    InvalidFlow { path: String, message: String },
}

/// Encodes `flow` for a share link.
pub fn encode(flow: &Flow) -> Result<String, EncodeError> {
    if let Some(step) = non_finite_step(flow) {
        return Err(EncodeError::NonFinitePosition {
            step: step.to_string(),
        });
    }
    let json = serde_json::to_vec(flow).map_err(|error| EncodeError::Serialize {
        message: error.to_string(),
    })?;
    if json.len() > MAX_DECODED_BYTES {
        return Err(EncodeError::TooLarge {
            bytes: json.len(),
            max: MAX_DECODED_BYTES,
        });
    }

    let payload = miniz_oxide::deflate::compress_to_vec(&json, 9);
    let mut bytes = Vec::with_capacity(HEADER_BYTES + payload.len());
    bytes.push(CODEC_VERSION);
    bytes.extend_from_slice(&crc32fast::hash(&payload).to_be_bytes());
    bytes.extend_from_slice(&payload);
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Decodes a share link made by `encode`. White space around the link is
/// ignored, since pasting often adds a line break.
pub fn decode(text: &str) -> Result<Flow, DecodeError> {
    let bytes = decode_base64(text.trim())?;
    if bytes.len() <= HEADER_BYTES {
        return Err(DecodeError::Truncated);
    }

    let version = bytes[0];
    if version != CODEC_VERSION {
        return Err(DecodeError::UnknownVersion { version });
    }
    let expected = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]);
    let payload = &bytes[HEADER_BYTES..];
    let actual = crc32fast::hash(payload);
    if expected != actual {
        return Err(DecodeError::ChecksumMismatch { expected, actual });
    }

    let json =
        decompress_to_vec_with_limit(payload, MAX_DECODED_BYTES).map_err(|error| {
            match error.status {
                TINFLStatus::HasMoreOutput => DecodeError::TooLarge {
                    max: MAX_DECODED_BYTES,
                },
                _ => DecodeError::Corrupt,
            }
        })?;

    let mut deserializer = serde_json::Deserializer::from_slice(&json);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        DecodeError::InvalidFlow {
            path,
            message: error.into_inner().to_string(),
        }
    })
}

fn decode_base64(text: &str) -> Result<Vec<u8>, DecodeError> {
    if text.is_empty() {
        return Err(DecodeError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_ENCODED_CHARS {
        return Err(DecodeError::TooLong {
            chars,
            max: MAX_ENCODED_CHARS,
        });
    }
    let url_safe = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if let Some((position, character)) = text.chars().enumerate().find(|(_, c)| !url_safe(*c)) {
        return Err(DecodeError::InvalidCharacter {
            character,
            position,
        });
    }

    // Every character is in the alphabet, so the only remaining failures
    // are a length or a final character that a cut-off link produces.
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| DecodeError::Truncated)
}
