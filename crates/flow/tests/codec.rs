//! Share-link encoding and JSON import and export.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use baton_flow::codec::{
    decode, encode, DecodeError, EncodeError, CODEC_VERSION, MAX_DECODED_BYTES,
};
use baton_flow::json::{export, import, ImportError};
use baton_flow::limits::{MAX_STEPS, MAX_TRIGGERS};
use baton_flow::{Flow, Position, Step, Trigger};
use common::flow;

fn sample() -> Flow {
    let mut sample = flow(&["accounts", "contacts"], &[("accounts", "contacts")]);
    sample.description = "CRM sync — ünïcode".into();
    sample.schedule = Some("0 6 * * *".into());
    sample.steps[1].position = Position {
        x: 300.5,
        y: -12.25,
    };
    sample
}

fn frame(version: u8, payload: &[u8]) -> String {
    let mut bytes = vec![version];
    bytes.extend_from_slice(&crc32fast::hash(payload).to_be_bytes());
    bytes.extend_from_slice(payload);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn link_round_trips() {
    let link = encode(&sample()).unwrap();
    assert!(
        link.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "{link}"
    );
    assert_eq!(decode(&link).unwrap(), sample());
    assert_eq!(decode(&format!("  {link}\n")).unwrap(), sample());
}

#[test]
fn decode_errors_are_typed() {
    let link = encode(&sample()).unwrap();

    assert_eq!(decode(""), Err(DecodeError::Empty));
    assert_eq!(
        decode("abc=def"),
        Err(DecodeError::InvalidCharacter {
            character: '=',
            position: 3
        })
    );
    assert_eq!(
        decode("a+b"),
        Err(DecodeError::InvalidCharacter {
            character: '+',
            position: 1
        })
    );
    assert_eq!(decode("AAAA"), Err(DecodeError::Truncated));
    assert_eq!(decode("A"), Err(DecodeError::Truncated));
    assert_eq!(
        decode(&frame(2, b"xyz")),
        Err(DecodeError::UnknownVersion { version: 2 })
    );
    // Cut at a whole base64 group, the bytes decode but the checksum fails.
    let whole_groups = (link.len() - 8) / 4 * 4;
    let cut = decode(&link[..whole_groups]);
    assert!(
        matches!(cut, Err(DecodeError::ChecksumMismatch { .. })),
        "{cut:?}"
    );
    // Cut one character past a group, no byte can be formed.
    assert_eq!(
        decode(&link[..whole_groups + 1]),
        Err(DecodeError::Truncated)
    );
    assert_eq!(
        decode(&frame(CODEC_VERSION, &[0xff, 0xff, 0xff])),
        Err(DecodeError::Corrupt)
    );
}

#[test]
fn damaged_link_fails_checksum() {
    let link = encode(&sample()).unwrap();
    let mut chars: Vec<char> = link.chars().collect();
    let middle = chars.len() / 2;
    chars[middle] = if chars[middle] == 'A' { 'B' } else { 'A' };
    let damaged: String = chars.into_iter().collect();
    assert!(matches!(
        decode(&damaged),
        Err(DecodeError::ChecksumMismatch { .. })
    ));
}

#[test]
fn decompression_bomb_is_capped() {
    let zeros = vec![b' '; MAX_DECODED_BYTES + 1];
    let payload = miniz_oxide::deflate::compress_to_vec(&zeros, 9);
    assert_eq!(
        decode(&frame(CODEC_VERSION, &payload)),
        Err(DecodeError::TooLarge {
            max: MAX_DECODED_BYTES
        })
    );
}

#[test]
fn invalid_flow_names_field() {
    let payload = miniz_oxide::deflate::compress_to_vec(
        br#"{"name":"x","steps":[{"id":"a","sync_id":"s","enabeld":true}]}"#,
        9,
    );
    match decode(&frame(CODEC_VERSION, &payload)) {
        Err(DecodeError::InvalidFlow { path, message }) => {
            assert_eq!(path, "steps[0].enabeld");
            assert!(message.contains("unknown field"), "{message}");
        }
        other => panic!("expected an invalid flow, got {other:?}"),
    }
}

#[test]
fn non_finite_position_cannot_be_encoded() {
    let mut bad = sample();
    bad.steps[0].position.y = f64::INFINITY;
    assert_eq!(
        encode(&bad),
        Err(EncodeError::NonFinitePosition {
            step: "accounts".into()
        })
    );
}

#[test]
fn largest_flow_fits_in_link() {
    let steps: Vec<Step> = (0..MAX_STEPS)
        .map(|i| {
            let mut step = common::step(&format!("step-{i:05}"), &format!("sync-{:03}", i % 300));
            step.position = Position {
                x: (i / 100) as f64 * 300.0,
                y: (i % 100) as f64 * 104.0,
            };
            step
        })
        .collect();
    let triggers: Vec<Trigger> = (0..MAX_TRIGGERS)
        .map(|k| {
            common::trigger(
                &format!("step-{:05}", k / 5),
                &format!("step-{:05}", (k / 5 + 1 + k % 5) % MAX_STEPS),
            )
        })
        .collect();
    let largest = Flow {
        name: "largest".into(),
        steps,
        triggers,
        ..Flow::default()
    };

    let link = encode(&largest).unwrap();
    assert_eq!(decode(&link).unwrap(), largest);
}

#[test]
fn json_round_trips() {
    let text = export(&sample()).unwrap();
    assert!(text.contains(r#""format": "baton.flow""#), "{text}");
    assert!(text.contains(r#""format_version": 1"#), "{text}");
    assert_eq!(import(&text).unwrap(), sample());
}

#[test]
fn json_import_errors_name_the_field() {
    let cases = [
        ("[1, 2]", ImportError::NotAnObject),
        (
            r#"{"format_version": 1, "flow": {}}"#,
            ImportError::MissingField { field: "format" },
        ),
        (
            r#"{"format": "baton.flow", "flow": {}}"#,
            ImportError::MissingField {
                field: "format_version",
            },
        ),
        (
            r#"{"format": "baton.flow", "format_version": 1}"#,
            ImportError::MissingField { field: "flow" },
        ),
        (
            r#"{"format": "other", "format_version": 1, "flow": {}}"#,
            ImportError::WrongFormat {
                found: r#""other""#.into(),
            },
        ),
        (
            r#"{"format": "baton.flow", "format_version": 2, "flow": {}}"#,
            ImportError::UnsupportedVersion { found: "2".into() },
        ),
        (
            r#"{"format": "baton.flow", "format_version": 1, "flow": {"name": "x"}, "extra": 1}"#,
            ImportError::UnknownField {
                field: "extra".into(),
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(import(text), Err(expected), "{text}");
    }
}

#[test]
fn json_import_reports_path_and_syntax() {
    let wrong_type = r#"{"format": "baton.flow", "format_version": 1,
        "flow": {"name": "x", "steps": [{"id": "a", "sync_id": "s", "pinned": "yes"}]}}"#;
    match import(wrong_type) {
        Err(ImportError::InvalidField { path, message }) => {
            assert_eq!(path, "flow.steps[0].pinned");
            assert!(message.contains("expected a boolean"), "{message}");
        }
        other => panic!("expected an invalid field, got {other:?}"),
    }

    let missing_name = r#"{"format": "baton.flow", "format_version": 1, "flow": {}}"#;
    assert!(
        matches!(import(missing_name), Err(ImportError::InvalidField { ref path, .. }) if path == "flow")
    );

    match import("{\n  \"format\": ,\n}") {
        Err(ImportError::Syntax { line, column, .. }) => assert_eq!((line, column), (2, 13)),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn documented_example_imports() {
    let doc = include_str!("../../../docs/flow-json.md");
    let start = doc
        .find("```json\n")
        .expect("docs/flow-json.md has a json example")
        + "```json\n".len();
    let end = start
        + doc[start..]
            .find("```")
            .expect("the json example is closed");
    let imported = import(&doc[start..end]).unwrap();

    assert_eq!(imported.name, "CRM nightly");
    assert_eq!(imported.steps.len(), 3);
    assert_eq!(imported.triggers.len(), 2);
    assert_eq!(import(&export(&imported).unwrap()).unwrap(), imported);
}
