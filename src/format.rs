//! Formatting of times, durations, counts and statuses for the screen.

use baton_flow::RunStatus;
use chrono::{DateTime, Utc};

pub fn run_status_label(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Queued => "queued",
        RunStatus::Running => "running",
        RunStatus::Succeeded => "succeeded",
        RunStatus::Failed => "failed",
        RunStatus::Cancelled => "cancelled",
        RunStatus::Interrupted => "interrupted",
    }
}

/// "3 min ago" style, from the browser's clock.
pub fn relative_time(at: DateTime<Utc>) -> String {
    let now_ms = js_sys::Date::now() as i64;
    let seconds = (now_ms - at.timestamp_millis()) / 1000;
    match seconds {
        s if s < 0 => "just now".to_string(),
        s if s < 60 => format!("{s} s ago"),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}

/// A duration in human form: "850 ms", "12.4 s", "3 min 20 s", "1 h 5 min".
pub fn duration_ms(ms: u64) -> String {
    match ms {
        ms if ms < 1_000 => format!("{ms} ms"),
        ms if ms < 60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        ms if ms < 3_600_000 => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
        ms => format!("{} h {} min", ms / 3_600_000, (ms % 3_600_000) / 60_000),
    }
}

/// A time in the browser's time zone, as `2026-12-04 21:30:05`.
pub fn local_time(at: DateTime<Utc>) -> String {
    let millis = at.timestamp_millis() as f64;
    // getTimezoneOffset is minutes behind UTC, for that date (so daylight saving counts).
    let offset_minutes = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis)).get_timezone_offset();
    let local = at - chrono::Duration::minutes(offset_minutes as i64);
    local.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A time in UTC, for the `title` next to a local time.
pub fn utc_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Milliseconds from `start` to `end`, or to the browser's clock while `end`
/// is unknown; `None` before the start.
pub fn elapsed_ms(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Option<u64> {
    let start = start?.timestamp_millis();
    let end = end.map_or(js_sys::Date::now() as i64, |end| end.timestamp_millis());
    Some(end.saturating_sub(start).max(0) as u64)
}

pub fn step_run_status_label(status: baton_flow::StepRunStatus) -> &'static str {
    use baton_flow::StepRunStatus as S;
    match status {
        S::Pending => "pending",
        S::Queued => "queued",
        S::Running => "running",
        S::Succeeded => "succeeded",
        S::Failed => "failed",
        S::Skipped => "skipped",
        S::Cancelled => "cancelled",
        S::Interrupted => "interrupted",
    }
}

pub fn trigger_reason_label(reason: baton_flow::TriggerReason) -> &'static str {
    match reason {
        baton_flow::TriggerReason::Manual => "manual",
        baton_flow::TriggerReason::Schedule => "schedule",
        baton_flow::TriggerReason::Retry => "retry",
    }
}

/// A count with thousands separators: `29,114`.
pub fn count(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// The UTC time of a `datetime-local` input's value (`2026-12-04T21:30`),
/// which is in the browser's time zone; `None` when it is empty or invalid.
pub fn local_input_to_utc(value: &str) -> Option<DateTime<Utc>> {
    if value.trim().is_empty() {
        return None;
    }
    let millis = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value)).get_time();
    if !millis.is_finite() {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
}

/// A UTC time as a `datetime-local` input's value in the browser's time zone.
pub fn utc_to_local_input(at: DateTime<Utc>) -> String {
    local_time(at).replace(' ', "T").chars().take(16).collect()
}

/// Formats the time of day in the browser's time zone, as `21:30:05`, for
/// tables whose date is shown above them.
pub fn local_clock(at: DateTime<Utc>) -> String {
    local_time(at).chars().skip(11).collect()
}

/// Shortens `text` to `max` characters, ending with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}
