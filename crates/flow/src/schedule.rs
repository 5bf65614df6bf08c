//! A flow's schedule: a five-field cron expression evaluated in UTC, and the
//! next time it fires. Validation reports a schedule that does not parse,
//! and the backend's scheduler computes the next fire time with
//! `Schedule::next_after`.
//!
//! Why not a cron crate: croner 4.0 (the best kept one) pulls in the
//! derive_builder and strum proc-macro trees, accepts seconds and the
//! `L`, `W` and `#` extensions that the backend would then have to run, and
//! reports errors without the field's position. The five-field grammar
//! below is small, and owning it lets every error name the field, the value
//! and what the field accepts.
//!
//! Grammar, per field: `*`, a value, a range `a-b`, any of these with a step
//! (`*/15`, `1-30/2`, `5/10` meaning 5 to the field's maximum by 10), and
//! comma-separated lists of them. Months accept `jan`..`dec` and days of
//! the week `sun`..`sat` (any case); day of week 0 and 7 are both Sunday.
//! The macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
//! `@midnight` and `@hourly` stand for their usual expansions. As in Vixie
//! cron, when both day fields are restricted (neither starts with `*`) a
//! day matches if either field matches; otherwise both must.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc};

use crate::limits::MAX_SCHEDULE_CHARS;

/// One of the five fields of a cron expression, in their order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
}

impl Field {
    const ALL: [Field; 5] = [
        Field::Minute,
        Field::Hour,
        Field::DayOfMonth,
        Field::Month,
        Field::DayOfWeek,
    ];

    fn range(self) -> (u32, u32) {
        match self {
            Field::Minute => (0, 59),
            Field::Hour => (0, 23),
            Field::DayOfMonth => (1, 31),
            Field::Month => (1, 12),
            // 7 is accepted as a second Sunday and folded onto 0.
            Field::DayOfWeek => (0, 7),
        }
    }

    fn accepted(self) -> &'static str {
        match self {
            Field::Minute => "0-59",
            Field::Hour => "0-23",
            Field::DayOfMonth => "1-31",
            Field::Month => "1-12 or jan-dec",
            Field::DayOfWeek => "0-7 (0 and 7 are Sunday) or sun-sat",
        }
    }

    fn names(self) -> &'static [&'static str] {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
        match self {
            Field::Month => &MONTHS,
            Field::DayOfWeek => &WEEKDAYS,
            _ => &[],
        }
    }

    /// Returns the value of a name: months count from 1, days of the week from 0.
    fn name_value(self, text: &str) -> Option<u32> {
        let position = self
            .names()
            .iter()
            .position(|name| name.eq_ignore_ascii_case(text))?;
        let offset = if self == Field::Month { 1 } else { 0 };
        u32::try_from(position).ok().map(|p| p + offset)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Minute => "minute",
            Field::Hour => "hour",
            Field::DayOfMonth => "day-of-month",
            Field::Month => "month",
            Field::DayOfWeek => "day-of-week",
        })
    }
}

/// Why a schedule does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("the schedule is empty: write five fields (minute hour day-of-month month day-of-week), such as `0 6 * * *` for 06:00 UTC every day")]
    Empty,

    #[error("the schedule is {chars} characters long, more than the maximum of {max}: shorten it")]
    TooLong { chars: usize, max: usize },

    #[error("the schedule `{schedule}` has {count} fields, but a cron expression has five (minute hour day-of-month month day-of-week), such as `0 6 * * *`")]
    FieldCount { schedule: String, count: usize },

    #[error("the schedule macro `{name}` is not supported: use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly, or five fields")]
    UnknownMacro { name: String },

    #[error("the {field} field `{value}` is invalid: {reason}; the {field} field accepts {accepted}, ranges `a-b`, steps `*/n` and lists `a,b`")]
    InvalidField {
        field: Field,
        value: String,
        reason: String,
        accepted: &'static str,
    },

    #[error("the schedule `{schedule}` never fires: no selected month has the selected day of the month; pick a day that exists in one of the months")]
    NeverFires { schedule: String },
}

/// A set of values of one field, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bits(u64);

impl Bits {
    fn has(self, value: u32) -> bool {
        value < 64 && self.0 & (1 << value) != 0
    }
}

/// A parsed cron expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    source: String,
    minutes: Bits,
    hours: Bits,
    days_of_month: Bits,
    months: Bits,
    days_of_week: Bits,
    /// Whether each day field was restricted (did not start with `*`).
    day_of_month_restricted: bool,
    day_of_week_restricted: bool,
}

impl Schedule {
    /// Parses a five-field cron expression or one of the `@` macros.
    pub fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        let chars = text.chars().count();
        if chars > MAX_SCHEDULE_CHARS {
            return Err(ScheduleError::TooLong {
                chars,
                max: MAX_SCHEDULE_CHARS,
            });
        }

        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(ScheduleError::Empty);
        }
        let expanded = expand_macro(trimmed)?;

        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(ScheduleError::FieldCount {
                schedule: trimmed.to_string(),
                count: fields.len(),
            });
        }

        let mut sets = [Bits(0); 5];
        for (slot, (field, value)) in sets.iter_mut().zip(Field::ALL.into_iter().zip(&fields)) {
            *slot = parse_field(field, value)?;
        }
        let schedule = Schedule {
            source: trimmed.to_string(),
            minutes: sets[0],
            hours: sets[1],
            days_of_month: sets[2],
            months: sets[3],
            days_of_week: sets[4],
            day_of_month_restricted: !fields[2].starts_with('*'),
            day_of_week_restricted: !fields[4].starts_with('*'),
        };

        if !schedule.can_fire() {
            return Err(ScheduleError::NeverFires {
                schedule: schedule.source,
            });
        }
        Ok(schedule)
    }

    /// The expression as written, without surrounding white space.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Computes the first fire time strictly after `after`, to the minute.
    /// `None` only when no fire time is representable (past chrono's year
    /// range).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let start = after
            .with_second(0)?
            .with_nanosecond(0)?
            .checked_add_signed(TimeDelta::minutes(1))?;
        let mut time = start.naive_utc();

        // Each pass either returns or moves `time` to the start of the next
        // candidate month, day, hour or minute. A day that matches always
        // holds a matching hour and minute, and `can_fire` guarantees a
        // matching day within eight years (Feb 29 across a century that
        // skips its leap year), so the bound is never reached in practice.
        for _ in 0..200_000 {
            let date = time.date();
            if !self.months.has(date.month()) {
                let (year, month) = if date.month() == 12 {
                    (date.year() + 1, 1)
                } else {
                    (date.year(), date.month() + 1)
                };
                time = NaiveDate::from_ymd_opt(year, month, 1)?.and_hms_opt(0, 0, 0)?;
            } else if !self.day_matches(date) {
                time = date.succ_opt()?.and_hms_opt(0, 0, 0)?;
            } else if !self.hours.has(time.hour()) {
                time = date
                    .and_hms_opt(time.hour(), 0, 0)?
                    .checked_add_signed(TimeDelta::hours(1))?;
            } else if !self.minutes.has(time.minute()) {
                time = time.checked_add_signed(TimeDelta::minutes(1))?;
            } else {
                return Some(time.and_utc());
            }
        }
        None
    }

    fn day_matches(&self, date: NaiveDate) -> bool {
        let by_month_day = self.days_of_month.has(date.day());
        let by_weekday = self.days_of_week.has(date.weekday().num_days_from_sunday());
        if self.day_of_month_restricted && self.day_of_week_restricted {
            by_month_day || by_weekday
        } else {
            by_month_day && by_weekday
        }
    }

    /// Whether some selected month has a selected day, so that `next_after`
    /// always finds a time. Day-of-week matching alone always can.
    fn can_fire(&self) -> bool {
        if self.day_of_month_restricted && self.day_of_week_restricted {
            return true;
        }
        const DAYS_IN_MONTH: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        (1..=12u32)
            .filter(|&month| self.months.has(month))
            .any(|month| {
                let days = DAYS_IN_MONTH[(month - 1) as usize];
                (1..=days).any(|day| self.days_of_month.has(day))
            })
    }
}

impl FromStr for Schedule {
    type Err = ScheduleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Schedule::parse(text)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn expand_macro(text: &str) -> Result<&str, ScheduleError> {
    if !text.starts_with('@') {
        return Ok(text);
    }
    match text.to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => Ok("0 0 1 1 *"),
        "@monthly" => Ok("0 0 1 * *"),
        "@weekly" => Ok("0 0 * * 0"),
        "@daily" | "@midnight" => Ok("0 0 * * *"),
        "@hourly" => Ok("0 * * * *"),
        _ => Err(ScheduleError::UnknownMacro {
            name: text.to_string(),
        }),
    }
}

fn parse_field(field: Field, text: &str) -> Result<Bits, ScheduleError> {
    let invalid = |reason: String| ScheduleError::InvalidField {
        field,
        value: text.to_string(),
        reason,
        accepted: field.accepted(),
    };

    let mut bits = 0u64;
    for part in text.split(',') {
        if part.is_empty() {
            return Err(invalid("a list item is empty".to_string()));
        }
        bits |= parse_part(field, part).map_err(invalid)?;
    }

    // Day of week 7 is Sunday, the same as 0.
    if field == Field::DayOfWeek && bits & (1 << 7) != 0 {
        bits = (bits & !(1 << 7)) | 1;
    }
    Ok(Bits(bits))
}

/// Parses one list item, returning the reason it is invalid on failure.
fn parse_part(field: Field, part: &str) -> Result<u64, String> {
    let (min, max) = field.range();
    let (range, step) = match part.split_once('/') {
        Some((range, step)) => (range, Some(step)),
        None => (part, None),
    };

    let step = match step {
        None => 1,
        Some(text) => match text.parse::<u32>() {
            Ok(step) if step >= 1 => step,
            _ => {
                return Err(format!(
                    "the step `{text}` is not a whole number of 1 or more"
                ))
            }
        },
    };

    let (start, end) = if range == "*" {
        (min, max)
    } else if let Some((low, high)) = range.split_once('-') {
        let (low, high) = (parse_value(field, low)?, parse_value(field, high)?);
        if low > high {
            return Err(format!("the range `{range}` starts after it ends"));
        }
        (low, high)
    } else {
        let value = parse_value(field, range)?;
        // `5/10` means from 5 to the maximum by 10, as in Vixie cron.
        let end = if part.contains('/') { max } else { value };
        (value, end)
    };

    let mut bits = 0u64;
    let mut value = start;
    while value <= end {
        bits |= 1 << value;
        let Some(following) = value.checked_add(step) else {
            break;
        };
        value = following;
    }
    Ok(bits)
}

fn parse_value(field: Field, text: &str) -> Result<u32, String> {
    let (min, max) = field.range();
    if let Some(value) = field.name_value(text) {
        return Ok(value);
    }
    match text.parse::<u32>() {
        Ok(value) if (min..=max).contains(&value) => Ok(value),
        Ok(value) => Err(format!("{value} is out of range")),
        Err(_) if text.is_empty() => Err("a value is missing".to_string()),
        Err(_) => Err(format!("`{text}` is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn next(schedule: &str, after: &str) -> String {
        let schedule = Schedule::parse(schedule).unwrap();
        schedule.next_after(at(after)).unwrap().to_rfc3339()
    }

    #[test]
    fn daily_fires_next_day() {
        assert_eq!(
            next("0 6 * * *", "2026-03-01T06:00:00Z"),
            "2026-03-02T06:00:00+00:00"
        );
        assert_eq!(
            next("0 6 * * *", "2026-03-01T05:59:59Z"),
            "2026-03-01T06:00:00+00:00"
        );
    }

    #[test]
    fn steps_ranges_and_lists() {
        assert_eq!(
            next("*/15 * * * *", "2026-03-01T10:07:30Z"),
            "2026-03-01T10:15:00+00:00"
        );
        assert_eq!(
            next("5/20 * * * *", "2026-03-01T10:30:00Z"),
            "2026-03-01T10:45:00+00:00"
        );
        assert_eq!(
            next("0 9-17/4 * * *", "2026-03-01T14:00:00Z"),
            "2026-03-01T17:00:00+00:00"
        );
        assert_eq!(
            next("0 0 1,15 * *", "2026-03-02T00:00:00Z"),
            "2026-03-15T00:00:00+00:00"
        );
    }

    #[test]
    fn names_and_sunday_as_seven() {
        // 2026-03-01 is a Sunday.
        assert_eq!(
            next("0 0 * * mon-fri", "2026-02-28T12:00:00Z"),
            "2026-03-02T00:00:00+00:00"
        );
        assert_eq!(
            next("0 0 * * 7", "2026-02-28T12:00:00Z"),
            "2026-03-01T00:00:00+00:00"
        );
        assert_eq!(
            next("0 0 1 DEC *", "2026-03-01T00:00:00Z"),
            "2026-12-01T00:00:00+00:00"
        );
    }

    #[test]
    fn restricted_day_fields_match_either() {
        // The 13th, or any Friday: 2026-03-06 is the first Friday after the 1st.
        assert_eq!(
            next("0 0 13 * fri", "2026-03-01T00:00:00Z"),
            "2026-03-06T00:00:00+00:00"
        );
        // With `*` in the day-of-week field, only the 13th counts.
        assert_eq!(
            next("0 0 13 * *", "2026-03-01T00:00:00Z"),
            "2026-03-13T00:00:00+00:00"
        );
    }

    #[test]
    fn leap_day_and_year_end() {
        assert_eq!(
            next("0 0 29 2 *", "2026-03-01T00:00:00Z"),
            "2028-02-29T00:00:00+00:00"
        );
        assert_eq!(
            next("59 23 31 12 *", "2026-12-31T23:59:00Z"),
            "2027-12-31T23:59:00+00:00"
        );
    }

    #[test]
    fn macros_expand() {
        assert_eq!(
            next("@hourly", "2026-03-01T10:00:00Z"),
            "2026-03-01T11:00:00+00:00"
        );
        assert_eq!(
            next("@weekly", "2026-03-01T10:00:00Z"),
            "2026-03-08T00:00:00+00:00"
        );
        assert_eq!(
            Schedule::parse("@reboot"),
            Err(ScheduleError::UnknownMacro {
                name: "@reboot".into()
            })
        );
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            ("60 * * * *", Field::Minute),
            ("* 24 * * *", Field::Hour),
            ("* * 0 * *", Field::DayOfMonth),
            ("* * * 13 *", Field::Month),
            ("* * * * 8", Field::DayOfWeek),
            ("* * * foo *", Field::Month),
            ("*/0 * * * *", Field::Minute),
            ("* 5-2 * * *", Field::Hour),
            ("1,,2 * * * *", Field::Minute),
            ("* * 3- * *", Field::DayOfMonth),
        ];
        for (text, expected) in cases {
            match Schedule::parse(text) {
                Err(ScheduleError::InvalidField { field, .. }) => {
                    assert_eq!(field, expected, "{text}")
                }
                other => panic!("{text}: expected an invalid {expected} field, got {other:?}"),
            }
        }
    }

    #[test]
    fn error_message_names_field_and_value() {
        let message = Schedule::parse("0 25 * * *").unwrap_err().to_string();
        assert!(message.contains("hour field `25`"), "{message}");
        assert!(message.contains("0-23"), "{message}");
    }

    #[test]
    fn wrong_field_count_and_empty() {
        assert_eq!(
            Schedule::parse("0 6 * *"),
            Err(ScheduleError::FieldCount {
                schedule: "0 6 * *".into(),
                count: 4
            })
        );
        assert!(matches!(
            Schedule::parse("0 0 6 * * *"),
            Err(ScheduleError::FieldCount { count: 6, .. })
        ));
        assert_eq!(Schedule::parse("   "), Err(ScheduleError::Empty));
    }

    #[test]
    fn impossible_date_never_fires() {
        assert!(matches!(
            Schedule::parse("0 0 30 2 *"),
            Err(ScheduleError::NeverFires { .. })
        ));
        assert!(matches!(
            Schedule::parse("0 0 31 4,6 *"),
            Err(ScheduleError::NeverFires { .. })
        ));
        // With a weekday as well, the weekday alone lets it fire.
        assert!(Schedule::parse("0 0 30 2 mon").is_ok());
    }

    #[test]
    fn end_of_time_returns_none() {
        let schedule = Schedule::parse("0 0 1 1 *").unwrap();
        assert_eq!(schedule.next_after(DateTime::<Utc>::MAX_UTC), None);
    }

    #[test]
    fn too_long_is_rejected() {
        let text = "0 ".repeat(200);
        assert!(matches!(
            Schedule::parse(&text),
            Err(ScheduleError::TooLong { .. })
        ));
    }
}
