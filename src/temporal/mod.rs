//! openCypher's temporal values: DATE, LOCAL TIME, ZONED TIME, LOCAL DATETIME, ZONED
//! DATETIME and DURATION. This module holds the plain data types, their ISO-8601 text
//! (printed exactly as the openCypher TCK writes it), component access (`d.year`), and
//! equality and ordering; the submodules parse strings, build values from maps, do
//! arithmetic and truncation, and look up named time zones.
//!
//! Dates are day counts since 1970-01-01 over the proleptic Gregorian calendar, times are
//! nanoseconds of the day, offsets are seconds east of UTC. A zoned datetime keeps its
//! local date and time, the offset in force, and the IANA zone name when it has one.

pub mod build;
pub mod calendar;
pub mod duration;
pub mod func;
pub mod parse;
pub mod zone;

use std::cmp::Ordering;
use std::fmt::{self, Write};
use std::sync::Arc;

pub use build::begin_statement;
pub use duration::Duration;

pub const NANOS_PER_SECOND: i64 = 1_000_000_000;
pub const SECONDS_PER_DAY: i64 = 86_400;
pub const NANOS_PER_DAY: i64 = SECONDS_PER_DAY * NANOS_PER_SECOND;

/// A calendar date: days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub days: i64,
}

/// A time of day without an offset: nanoseconds since midnight, `0..NANOS_PER_DAY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalTime {
    pub nanos: i64,
}

/// A time of day with an offset from UTC in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    pub time: LocalTime,
    pub offset: i32,
}

/// A date and a time of day without a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalDateTime {
    pub date: Date,
    pub time: LocalTime,
}

/// A date and time in a time zone: the local date-time, the offset in force there, and
/// the IANA zone name when the zone is a named one rather than a fixed offset.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub local: LocalDateTime,
    pub offset: i32,
    pub zone: Option<Arc<str>>,
}

/// A temporal value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Temporal {
    Date(Date),
    LocalTime(LocalTime),
    Time(Time),
    LocalDateTime(LocalDateTime),
    DateTime(DateTime),
    Duration(Duration),
}

/// The six temporal types, as the constructor functions name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemporalKind {
    Date = 0,
    LocalTime = 1,
    Time = 2,
    LocalDateTime = 3,
    DateTime = 4,
    Duration = 5,
}

impl TemporalKind {
    pub fn function_name(self) -> &'static str {
        match self {
            TemporalKind::Date => "date",
            TemporalKind::LocalTime => "localtime",
            TemporalKind::Time => "time",
            TemporalKind::LocalDateTime => "localdatetime",
            TemporalKind::DateTime => "datetime",
            TemporalKind::Duration => "duration",
        }
    }
}

impl Date {
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        if !(calendar::MIN_YEAR..=calendar::MAX_YEAR).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > calendar::days_in_month(year, month)
        {
            return None;
        }
        Some(Date {
            days: calendar::days_from_civil(year, month, day),
        })
    }
    pub fn ymd(self) -> (i64, u32, u32) {
        calendar::civil_from_days(self.days)
    }
    pub fn year(self) -> i64 {
        self.ymd().0
    }
}

impl LocalTime {
    pub const MIDNIGHT: LocalTime = LocalTime { nanos: 0 };

    pub fn from_hms_nano(hour: i64, minute: i64, second: i64, nano: i64) -> Option<LocalTime> {
        if !(0..24).contains(&hour)
            || !(0..60).contains(&minute)
            || !(0..60).contains(&second)
            || !(0..NANOS_PER_SECOND).contains(&nano)
        {
            return None;
        }
        Some(LocalTime {
            nanos: ((hour * 60 + minute) * 60 + second) * NANOS_PER_SECOND + nano,
        })
    }
    pub fn hour(self) -> i64 {
        self.nanos / (3600 * NANOS_PER_SECOND)
    }
    pub fn minute(self) -> i64 {
        self.nanos / (60 * NANOS_PER_SECOND) % 60
    }
    pub fn second(self) -> i64 {
        self.nanos / NANOS_PER_SECOND % 60
    }
    /// Nanoseconds within the second.
    pub fn nano(self) -> i64 {
        self.nanos % NANOS_PER_SECOND
    }
    /// Wraps a nanosecond count around the clock.
    pub fn wrapping(nanos: i128) -> LocalTime {
        LocalTime {
            nanos: nanos.rem_euclid(NANOS_PER_DAY as i128) as i64,
        }
    }
}

impl Time {
    /// The time of day in UTC as nanoseconds, possibly outside one day.
    pub fn utc_nanos(self) -> i64 {
        self.time.nanos - self.offset as i64 * NANOS_PER_SECOND
    }
}

impl LocalDateTime {
    /// Nanoseconds since 1970-01-01T00:00 of this local date-time read as UTC.
    pub fn nanos(self) -> i128 {
        self.date.days as i128 * NANOS_PER_DAY as i128 + self.time.nanos as i128
    }
    pub fn from_nanos(nanos: i128) -> LocalDateTime {
        LocalDateTime {
            date: Date {
                days: nanos.div_euclid(NANOS_PER_DAY as i128) as i64,
            },
            time: LocalTime {
                nanos: nanos.rem_euclid(NANOS_PER_DAY as i128) as i64,
            },
        }
    }
}

impl DateTime {
    /// Nanoseconds since the Unix epoch.
    pub fn instant(&self) -> i128 {
        self.local.nanos() - self.offset as i128 * NANOS_PER_SECOND as i128
    }
    pub fn epoch_seconds(&self) -> i64 {
        self.instant().div_euclid(NANOS_PER_SECOND as i128) as i64
    }
}

impl Temporal {
    /// A stable one-byte tag of the value's kind, for storage formats.
    pub fn kind_tag(&self) -> u8 {
        self.kind() as u8
    }

    /// Reads a value back from its kind tag and its text (as `Display` writes it).
    pub fn from_tagged_text(tag: u8, text: &str) -> Option<Temporal> {
        let kind = match tag {
            0 => TemporalKind::Date,
            1 => TemporalKind::LocalTime,
            2 => TemporalKind::Time,
            3 => TemporalKind::LocalDateTime,
            4 => TemporalKind::DateTime,
            5 => TemporalKind::Duration,
            _ => return None,
        };
        parse::parse(kind, text, &build::default_zone()).ok()
    }

    pub fn kind(&self) -> TemporalKind {
        match self {
            Temporal::Date(_) => TemporalKind::Date,
            Temporal::LocalTime(_) => TemporalKind::LocalTime,
            Temporal::Time(_) => TemporalKind::Time,
            Temporal::LocalDateTime(_) => TemporalKind::LocalDateTime,
            Temporal::DateTime(_) => TemporalKind::DateTime,
            Temporal::Duration(_) => TemporalKind::Duration,
        }
    }

    /// The openCypher type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Temporal::Date(_) => "DATE",
            Temporal::LocalTime(_) => "LOCAL TIME",
            Temporal::Time(_) => "ZONED TIME",
            Temporal::LocalDateTime(_) => "LOCAL DATETIME",
            Temporal::DateTime(_) => "ZONED DATETIME",
            Temporal::Duration(_) => "DURATION",
        }
    }

    /// The date part, when the value has one.
    pub fn date(&self) -> Option<Date> {
        match self {
            Temporal::Date(d) => Some(*d),
            Temporal::LocalDateTime(dt) => Some(dt.date),
            Temporal::DateTime(dt) => Some(dt.local.date),
            _ => None,
        }
    }

    /// The local time part, when the value has one.
    pub fn local_time(&self) -> Option<LocalTime> {
        match self {
            Temporal::LocalTime(t) => Some(*t),
            Temporal::Time(t) => Some(t.time),
            Temporal::LocalDateTime(dt) => Some(dt.time),
            Temporal::DateTime(dt) => Some(dt.local.time),
            _ => None,
        }
    }

    /// The offset in seconds, when the value has a time zone.
    pub fn offset(&self) -> Option<i32> {
        match self {
            Temporal::Time(t) => Some(t.offset),
            Temporal::DateTime(dt) => Some(dt.offset),
            _ => None,
        }
    }

    /// A component by name (`year`, `hour`, `timezone`, `days`, …); None when this kind
    /// of value has no such component.
    pub fn component(&self, name: &str) -> Option<ComponentValue> {
        use ComponentValue::{Int, Str};
        if let Temporal::Duration(d) = self {
            return d.component(name).map(Int);
        }
        let key = name.to_ascii_lowercase();
        if let Some(date) = self.date() {
            let (y, m, d) = date.ymd();
            let v = match key.as_str() {
                "year" => Some(y),
                "quarter" => Some(calendar::quarter(m) as i64),
                "month" => Some(m as i64),
                "week" => Some(calendar::iso_week(date.days).1 as i64),
                "weekyear" => Some(calendar::iso_week(date.days).0),
                "day" => Some(d as i64),
                "ordinalday" => Some(calendar::ordinal_day(date.days) as i64),
                "weekday" | "dayofweek" => Some(calendar::weekday(date.days) as i64),
                "dayofquarter" => Some(calendar::day_of_quarter(date.days) as i64),
                _ => None,
            };
            if let Some(v) = v {
                return Some(Int(v));
            }
        }
        if let Some(t) = self.local_time() {
            let v = match key.as_str() {
                "hour" => Some(t.hour()),
                "minute" => Some(t.minute()),
                "second" => Some(t.second()),
                "millisecond" => Some(t.nano() / 1_000_000),
                "microsecond" => Some(t.nano() / 1_000),
                "nanosecond" => Some(t.nano()),
                _ => None,
            };
            if let Some(v) = v {
                return Some(Int(v));
            }
        }
        if let Some(offset) = self.offset() {
            match key.as_str() {
                "timezone" => {
                    return Some(Str(match self {
                        Temporal::DateTime(DateTime { zone: Some(z), .. }) => z.to_string(),
                        _ => format_offset(offset),
                    }))
                }
                "offset" => return Some(Str(format_offset(offset))),
                "offsetminutes" => return Some(Int(offset as i64 / 60)),
                "offsetseconds" => return Some(Int(offset as i64)),
                _ => {}
            }
        }
        if let Temporal::DateTime(dt) = self {
            match key.as_str() {
                "epochseconds" => return Some(Int(dt.epoch_seconds())),
                "epochmillis" => {
                    return Some(Int(dt.instant().div_euclid(1_000_000) as i64));
                }
                _ => {}
            }
        }
        None
    }
}

/// The value of a component: components are integers or strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentValue {
    Int(i64),
    Str(String),
}

/// `=` on temporals: values of different kinds are never equal; zoned values are equal
/// when their local date-time and zone (offset or name) are the same.
pub fn equals(a: &Temporal, b: &Temporal) -> bool {
    a == b
}

/// `<` and friends on temporals: None for values of different kinds and for durations.
pub fn compare(a: &Temporal, b: &Temporal) -> Option<Ordering> {
    use Temporal as T;
    Some(match (a, b) {
        (T::Date(x), T::Date(y)) => x.cmp(y),
        (T::LocalTime(x), T::LocalTime(y)) => x.cmp(y),
        (T::Time(x), T::Time(y)) => x
            .utc_nanos()
            .cmp(&y.utc_nanos())
            .then_with(|| x.time.cmp(&y.time)),
        (T::LocalDateTime(x), T::LocalDateTime(y)) => x.cmp(y),
        (T::DateTime(x), T::DateTime(y)) => x
            .instant()
            .cmp(&y.instant())
            .then_with(|| x.local.cmp(&y.local))
            .then_with(|| x.zone.cmp(&y.zone)),
        _ => return None,
    })
}

/// Rank of a temporal kind in ORDER BY, after paths and before strings.
pub fn order_rank(t: &Temporal) -> u8 {
    match t {
        Temporal::DateTime(_) => 0,
        Temporal::LocalDateTime(_) => 1,
        Temporal::Date(_) => 2,
        Temporal::Time(_) => 3,
        Temporal::LocalTime(_) => 4,
        Temporal::Duration(_) => 5,
    }
}

/// The total order of ORDER BY among temporals (kinds by `order_rank`).
pub fn order(a: &Temporal, b: &Temporal) -> Ordering {
    match (a, b) {
        (Temporal::Duration(x), Temporal::Duration(y)) => x.order(y),
        _ => compare(a, b).unwrap_or_else(|| order_rank(a).cmp(&order_rank(b))),
    }
}

/// Writes an offset the way java.time does: `Z`, `+01:00`, `+00:53:28`.
pub fn format_offset(offset: i32) -> String {
    if offset == 0 {
        return "Z".to_string();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    if s == 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}:{s:02}")
    }
}

fn write_date(f: &mut impl Write, date: Date) -> fmt::Result {
    let (y, m, d) = date.ymd();
    if y.abs() < 1000 {
        if y < 0 {
            write!(f, "-{:04}", -y)?;
        } else {
            write!(f, "{y:04}")?;
        }
    } else if y > 9999 {
        write!(f, "+{y}")?;
    } else {
        write!(f, "{y}")?;
    }
    write!(f, "-{m:02}-{d:02}")
}

fn write_time(f: &mut impl Write, t: LocalTime) -> fmt::Result {
    write!(f, "{:02}:{:02}", t.hour(), t.minute())?;
    let (s, n) = (t.second(), t.nano());
    if s > 0 || n > 0 {
        write!(f, ":{s:02}")?;
        if n > 0 {
            if n % 1_000_000 == 0 {
                write!(f, ".{:03}", n / 1_000_000)?;
            } else if n % 1000 == 0 {
                write!(f, ".{:06}", n / 1000)?;
            } else {
                write!(f, ".{n:09}")?;
            }
        }
    }
    Ok(())
}

impl fmt::Display for Temporal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Temporal::Date(d) => write_date(f, *d),
            Temporal::LocalTime(t) => write_time(f, *t),
            Temporal::Time(t) => {
                write_time(f, t.time)?;
                f.write_str(&format_offset(t.offset))
            }
            Temporal::LocalDateTime(dt) => {
                write_date(f, dt.date)?;
                f.write_char('T')?;
                write_time(f, dt.time)
            }
            Temporal::DateTime(dt) => {
                write_date(f, dt.local.date)?;
                f.write_char('T')?;
                write_time(f, dt.local.time)?;
                f.write_str(&format_offset(dt.offset))?;
                if let Some(z) = &dt.zone {
                    write!(f, "[{z}]")?;
                }
                Ok(())
            }
            Temporal::Duration(d) => write!(f, "{d}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_the_tck() {
        let d = Temporal::Date(Date::from_ymd(28, 11, 11).unwrap());
        assert_eq!(d.to_string(), "0028-11-11");
        let t = LocalTime::from_hms_nano(12, 31, 14, 645_000_000).unwrap();
        assert_eq!(Temporal::LocalTime(t).to_string(), "12:31:14.645");
        let t = LocalTime::from_hms_nano(12, 0, 0, 0).unwrap();
        assert_eq!(
            Temporal::Time(Time {
                time: t,
                offset: 3600 + 5 * 60 + 59
            })
            .to_string(),
            "12:00+01:05:59"
        );
        assert_eq!(format_offset(0), "Z");
        assert_eq!(format_offset(-90 * 60), "-01:30");
    }
}
