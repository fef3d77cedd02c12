//! Building temporal values: from a map of components (`{year: 1984, week: 10}`), from
//! another temporal value (selecting its date or time, possibly overriding components and
//! moving it to another zone), by truncation (`date.truncate('month', d, {day: 2})`), from
//! the clock, and durations from their parts. Component maps follow Neo4j's rules: keys
//! are case-insensitive, a `week` makes `year` a week-based year, larger components must
//! be given before smaller ones can be, and millisecond, microsecond and nanosecond add up.

use super::duration::Duration;
use super::zone::{self, Zone};
use super::{
    calendar, Date, DateTime, LocalDateTime, LocalTime, Temporal, TemporalKind, Time,
    NANOS_PER_SECOND,
};
use crate::error::{Error, Result};
use crate::val::{MapVal, Val};
use std::cell::Cell;

/// An invalid value for a temporal function.
pub fn value_err(msg: impl Into<String>) -> Error {
    Error::argument("InvalidArgumentValue", msg)
}

/// A value of the wrong type for a temporal function.
pub fn type_err(msg: impl Into<String>) -> Error {
    Error::type_error("InvalidArgumentType", msg)
}

// ---------------------------------------------------------------- clock

thread_local! {
    static STATEMENT_INSTANT: Cell<Option<i128>> = const { Cell::new(None) };
    static STATEMENT_CLOCK: Cell<bool> = const { Cell::new(false) };
}

/// Starts a new statement: `date()`, `datetime.statement()` and friends read one instant
/// per statement, taken the first time one of them asks for it after this call.
pub fn begin_statement() {
    STATEMENT_CLOCK.with(|c| c.set(true));
    STATEMENT_INSTANT.with(|c| c.set(None));
}

/// The current instant in nanoseconds since the epoch.
pub fn now_instant() -> i128 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// The instant of the current statement (the current instant when no statement was
/// begun on this thread).
pub fn statement_instant() -> i128 {
    if !STATEMENT_CLOCK.with(|c| c.get()) {
        return now_instant();
    }
    STATEMENT_INSTANT.with(|c| match c.get() {
        Some(i) => i,
        None => {
            let i = now_instant();
            c.set(Some(i));
            i
        }
    })
}

/// The zone of values that are given none: UTC.
pub fn default_zone() -> Zone {
    Zone::Fixed(0)
}

/// The value of `kind` for an instant, in a zone.
pub fn at_instant(kind: TemporalKind, instant: i128, zone: &Zone) -> Result<Temporal> {
    let dt = zone.at_instant(instant).map_err(value_err)?;
    Ok(match kind {
        TemporalKind::Date => Temporal::Date(dt.local.date),
        TemporalKind::LocalTime => Temporal::LocalTime(dt.local.time),
        TemporalKind::Time => Temporal::Time(Time {
            time: dt.local.time,
            offset: dt.offset,
        }),
        TemporalKind::LocalDateTime => Temporal::LocalDateTime(dt.local),
        TemporalKind::DateTime => Temporal::DateTime(dt),
        TemporalKind::Duration => return Err(value_err("a duration has no current value")),
    })
}

// ---------------------------------------------------------------- durations

/// A number that may be an integer or a float.
#[derive(Debug, Clone, Copy)]
pub enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn float(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// A duration from years, months, weeks, days, hours, minutes, seconds, milliseconds,
/// microseconds and nanoseconds (absent ones are zero): exact when all are integers,
/// with fractions carried down otherwise.
pub fn duration_from_parts(parts: [Option<Num>; 10]) -> std::result::Result<Duration, String> {
    if parts.iter().flatten().any(|n| matches!(n, Num::Float(_))) {
        let f = |i: usize| parts[i].map(Num::float).unwrap_or(0.0);
        return Duration::approximate(
            f(0) * 12.0 + f(1),
            f(2) * 7.0 + f(3),
            f(4) * 3600.0 + f(5) * 60.0 + f(6),
            f(7) * 1_000_000.0 + f(8) * 1000.0 + f(9),
        );
    }
    let i = |k: usize| match parts[k] {
        Some(Num::Int(v)) => v as i128,
        _ => 0,
    };
    let months = i(0) * 12 + i(1);
    let days = i(2) * 7 + i(3);
    let seconds = i(4) * 3600 + i(5) * 60 + i(6);
    let nanos = i(7) * 1_000_000 + i(8) * 1000 + i(9);
    let seconds = seconds + nanos.div_euclid(NANOS_PER_SECOND as i128);
    let nanos = nanos.rem_euclid(NANOS_PER_SECOND as i128);
    let long = |v: i128| i64::try_from(v).map_err(|_| "duration out of range".to_string());
    Duration::new(long(months)?, long(days)?, long(seconds)?, nanos as i64)
}

fn duration_from_map(map: &MapVal) -> Result<Duration> {
    const KEYS: [&str; 10] = [
        "years",
        "months",
        "weeks",
        "days",
        "hours",
        "minutes",
        "seconds",
        "milliseconds",
        "microseconds",
        "nanoseconds",
    ];
    let mut parts: [Option<Num>; 10] = [None; 10];
    for (k, v) in map.iter() {
        let key = k.to_ascii_lowercase();
        let Some(i) = KEYS.iter().position(|x| *x == key) else {
            return Err(value_err(format!("no such duration component: {k}")));
        };
        parts[i] = match v {
            Val::Int(n) => Some(Num::Int(*n)),
            Val::Float(f) => Some(Num::Float(*f)),
            Val::Null => None,
            other => {
                return Err(type_err(format!(
                    "duration component {k} must be a number, not {}",
                    other.type_name()
                )))
            }
        };
    }
    if parts.iter().all(Option::is_none) {
        return Err(value_err("a duration needs at least one component"));
    }
    duration_from_parts(parts).map_err(value_err)
}

// ---------------------------------------------------------------- component maps

/// The components of a temporal map.
#[derive(Debug, Default, Clone)]
struct Fields {
    year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    week: Option<i64>,
    day_of_week: Option<i64>,
    ordinal_day: Option<i64>,
    quarter: Option<i64>,
    day_of_quarter: Option<i64>,
    hour: Option<i64>,
    minute: Option<i64>,
    second: Option<i64>,
    millisecond: Option<i64>,
    microsecond: Option<i64>,
    nanosecond: Option<i64>,
    timezone: Option<Zone>,
    date: Option<Temporal>,
    time: Option<Temporal>,
    datetime: Option<Temporal>,
    epoch_seconds: Option<i64>,
    epoch_millis: Option<i64>,
}

fn read_fields(kind: TemporalKind, map: &MapVal) -> Result<Fields> {
    let has_date = matches!(
        kind,
        TemporalKind::Date | TemporalKind::LocalDateTime | TemporalKind::DateTime
    );
    let has_time = !matches!(kind, TemporalKind::Date);
    let has_zone = matches!(kind, TemporalKind::Time | TemporalKind::DateTime);
    let mut f = Fields::default();
    for (k, v) in map.iter() {
        let key = k.to_ascii_lowercase();
        if v.is_null() {
            continue;
        }
        let int = || match v {
            Val::Int(i) => Ok(Some(*i)),
            other => Err(type_err(format!(
                "{k} must be an integer, not {}",
                other.type_name()
            ))),
        };
        let temporal = || match v {
            Val::Temporal(t) => Ok(Some((**t).clone())),
            other => Err(type_err(format!(
                "{k} must be a temporal value, not {}",
                other.type_name()
            ))),
        };
        let slot_ok = match key.as_str() {
            "year" | "month" | "day" | "week" | "dayofweek" | "ordinalday" | "quarter"
            | "dayofquarter" | "date" => has_date,
            "hour" | "minute" | "second" | "millisecond" | "microsecond" | "nanosecond"
            | "time" => has_time,
            "timezone" => has_zone,
            "datetime" => has_date && has_time,
            "epochseconds" | "epochmillis" => kind == TemporalKind::DateTime,
            _ => false,
        };
        if !slot_ok {
            return Err(value_err(format!(
                "{} cannot be built with the component {k}",
                kind.function_name()
            )));
        }
        match key.as_str() {
            "year" => f.year = int()?,
            "month" => f.month = int()?,
            "day" => f.day = int()?,
            "week" => f.week = int()?,
            "dayofweek" => f.day_of_week = int()?,
            "ordinalday" => f.ordinal_day = int()?,
            "quarter" => f.quarter = int()?,
            "dayofquarter" => f.day_of_quarter = int()?,
            "hour" => f.hour = int()?,
            "minute" => f.minute = int()?,
            "second" => f.second = int()?,
            "millisecond" => f.millisecond = int()?,
            "microsecond" => f.microsecond = int()?,
            "nanosecond" => f.nanosecond = int()?,
            "epochseconds" => f.epoch_seconds = int()?,
            "epochmillis" => f.epoch_millis = int()?,
            "timezone" => match v {
                Val::Str(s) => f.timezone = Some(zone::parse_zone(s).map_err(value_err)?),
                other => {
                    return Err(type_err(format!(
                        "timezone must be a string, not {}",
                        other.type_name()
                    )))
                }
            },
            "date" => f.date = temporal()?,
            "time" => f.time = temporal()?,
            _ => f.datetime = temporal()?,
        }
    }
    Ok(f)
}

fn check(ok: bool, what: &str, value: i64) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(value_err(format!("invalid value for {what}: {value}")))
    }
}

fn with_day_of_month(days: i64, day: i64) -> Result<i64> {
    let (y, m, _) = calendar::civil_from_days(days);
    check(
        (1..=calendar::days_in_month(y, m) as i64).contains(&day),
        "day",
        day,
    )?;
    Ok(calendar::days_from_civil(y, m, day as u32))
}

fn with_month(days: i64, month: i64) -> Result<i64> {
    check((1..=12).contains(&month), "month", month)?;
    let (y, _, d) = calendar::civil_from_days(days);
    let m = month as u32;
    Ok(calendar::days_from_civil(
        y,
        m,
        d.min(calendar::days_in_month(y, m)),
    ))
}

fn with_year(days: i64, year: i64) -> Result<i64> {
    check(
        (calendar::MIN_YEAR..=calendar::MAX_YEAR).contains(&year),
        "year",
        year,
    )?;
    let (_, m, d) = calendar::civil_from_days(days);
    Ok(calendar::days_from_civil(
        year,
        m,
        d.min(calendar::days_in_month(year, m)),
    ))
}

fn with_week_year(days: i64, week_year: i64) -> Result<i64> {
    check(
        (calendar::MIN_YEAR + 1..calendar::MAX_YEAR).contains(&week_year),
        "year",
        week_year,
    )?;
    let (_, week) = calendar::iso_week(days);
    let week = week.min(calendar::weeks_in_year(week_year)) as i64;
    Ok(calendar::week_one_monday(week_year) + (week - 1) * 7 + calendar::weekday(days) as i64 - 1)
}

/// Applies the date components of a map to a base date (or to the start of the given
/// year when there is no base).
fn apply_date(f: &Fields, base: Option<Date>) -> Result<Date> {
    let weekly = f.week.is_some();
    let mut days = match base {
        Some(d) => d.days,
        None => {
            let Some(year) = f.year else {
                return Err(value_err("a date needs a year"));
            };
            check(
                (calendar::MIN_YEAR..=calendar::MAX_YEAR).contains(&year),
                "year",
                year,
            )?;
            if weekly {
                calendar::week_one_monday(year)
            } else {
                calendar::days_from_civil(year, 1, 1)
            }
        }
    };
    if let Some(y) = f.year {
        days = if weekly {
            with_week_year(days, y)?
        } else {
            with_year(days, y)?
        };
    }
    if let Some(q) = f.quarter {
        check((1..=4).contains(&q), "quarter", q)?;
        let (_, m, _) = calendar::civil_from_days(days);
        let month = m as i64 + (q - calendar::quarter(m) as i64) * 3;
        days = with_month(days, month)?;
    }
    if let Some(m) = f.month {
        days = with_month(days, m)?;
    }
    if let Some(w) = f.week {
        let (wy, cur) = calendar::iso_week(days);
        check(
            (1..=calendar::weeks_in_year(wy) as i64).contains(&w),
            "week",
            w,
        )?;
        days += (w - cur as i64) * 7;
    }
    if let Some(o) = f.ordinal_day {
        let (y, _, _) = calendar::civil_from_days(days);
        check(
            (1..=calendar::days_in_year(y) as i64).contains(&o),
            "ordinalDay",
            o,
        )?;
        days = calendar::days_from_civil(y, 1, 1) + o - 1;
    }
    if let Some(dq) = f.day_of_quarter {
        let (y, m, _) = calendar::civil_from_days(days);
        let first_month = (calendar::quarter(m) - 1) * 3 + 1;
        let first = calendar::days_from_civil(y, first_month, 1);
        let len = calendar::add_months(first, 3).unwrap_or(first + 92) - first;
        check((1..=len).contains(&dq), "dayOfQuarter", dq)?;
        days = first + dq - 1;
    }
    if let Some(d) = f.day {
        days = with_day_of_month(days, d)?;
    }
    if let Some(dw) = f.day_of_week {
        check((1..=7).contains(&dw), "dayOfWeek", dw)?;
        days += dw - calendar::weekday(days) as i64;
    }
    if !calendar::in_range(days) {
        return Err(value_err("date out of range"));
    }
    Ok(Date { days })
}

/// Applies the time components of a map to a base time (or to midnight).
fn apply_time(f: &Fields, base: Option<LocalTime>) -> Result<LocalTime> {
    let sub = f.millisecond.is_some() || f.microsecond.is_some() || f.nanosecond.is_some();
    if base.is_none() {
        let missing = (f.minute.is_some() && f.hour.is_none())
            || (f.second.is_some() && f.minute.is_none())
            || (sub && f.second.is_none());
        if missing {
            return Err(value_err(
                "a time component needs all larger components (hour, minute, second) too",
            ));
        }
    }
    let base = base.unwrap_or(LocalTime::MIDNIGHT);
    let hour = f.hour.unwrap_or(base.hour());
    let minute = f.minute.unwrap_or(base.minute());
    let second = f.second.unwrap_or(base.second());
    check((0..24).contains(&hour), "hour", hour)?;
    check((0..60).contains(&minute), "minute", minute)?;
    check((0..60).contains(&second), "second", second)?;
    let nano = if sub {
        let ms = f.millisecond.unwrap_or(0);
        let us = f.microsecond.unwrap_or(0);
        let ns = f.nanosecond.unwrap_or(0);
        check((0..1000).contains(&ms), "millisecond", ms)?;
        let us_max = if f.millisecond.is_some() {
            1000
        } else {
            1_000_000
        };
        check((0..us_max).contains(&us), "microsecond", us)?;
        let ns_max = if f.millisecond.is_some() || f.microsecond.is_some() {
            1000
        } else {
            NANOS_PER_SECOND
        };
        check((0..ns_max).contains(&ns), "nanosecond", ns)?;
        ms * 1_000_000 + us * 1000 + ns
    } else {
        base.nano()
    };
    LocalTime::from_hms_nano(hour, minute, second, nano).ok_or_else(|| value_err("invalid time"))
}

fn cannot_select(kind: TemporalKind, what: &str, from: &Temporal) -> Error {
    type_err(format!(
        "cannot select the {what} of a {} for {}",
        from.type_name(),
        kind.function_name()
    ))
}

/// The zone of a zoned value used as a base (a time's zone is its fixed offset).
fn zone_of(t: &Temporal) -> Result<Option<Zone>> {
    Ok(match t {
        Temporal::Time(tm) => Some(Zone::Fixed(tm.offset)),
        Temporal::DateTime(dt) => Some(Zone::of(dt).map_err(value_err)?),
        _ => None,
    })
}

/// Builds a value of `kind` from a component map.
pub fn from_map(kind: TemporalKind, map: &MapVal) -> Result<Temporal> {
    if kind == TemporalKind::Duration {
        return duration_from_map(map).map(Temporal::Duration);
    }
    let f = read_fields(kind, map)?;
    let date_of = |t: &Option<Temporal>| -> Result<Option<Date>> {
        match t {
            Some(t) => t
                .date()
                .map(Some)
                .ok_or_else(|| cannot_select(kind, "date", t)),
            None => Ok(None),
        }
    };
    let time_of = |t: &Option<Temporal>| -> Result<Option<LocalTime>> {
        match t {
            Some(t) => t
                .local_time()
                .map(Some)
                .ok_or_else(|| cannot_select(kind, "time", t)),
            None => Ok(None),
        }
    };
    Ok(match kind {
        TemporalKind::Date => Temporal::Date(apply_date(&f, date_of(&f.date)?)?),
        TemporalKind::LocalTime => Temporal::LocalTime(apply_time(&f, time_of(&f.time)?)?),
        TemporalKind::Time => {
            let mut local = time_of(&f.time)?;
            let mut offset = f.time.as_ref().and_then(Temporal::offset);
            if let Some(zone) = &f.timezone {
                let new_offset = zone.offset_at(statement_instant()).map_err(value_err)?;
                if let (Some(t), Some(old)) = (local, offset) {
                    local = Some(LocalTime::wrapping(
                        t.nanos as i128
                            + (new_offset as i128 - old as i128) * NANOS_PER_SECOND as i128,
                    ));
                }
                offset = Some(new_offset);
            }
            Temporal::Time(Time {
                time: apply_time(&f, local)?,
                offset: offset.unwrap_or(0),
            })
        }
        TemporalKind::LocalDateTime => {
            let base_date = date_of(&f.datetime)?.or(date_of(&f.date)?);
            let base_time = time_of(&f.datetime)?.or(time_of(&f.time)?);
            Temporal::LocalDateTime(LocalDateTime {
                date: apply_date(&f, base_date)?,
                time: apply_time(&f, base_time)?,
            })
        }
        TemporalKind::DateTime => Temporal::DateTime(datetime_from_fields(&f, date_of, time_of)?),
        TemporalKind::Duration => unreachable!("handled above"),
    })
}

fn datetime_from_fields(
    f: &Fields,
    date_of: impl Fn(&Option<Temporal>) -> Result<Option<Date>>,
    time_of: impl Fn(&Option<Temporal>) -> Result<Option<LocalTime>>,
) -> Result<DateTime> {
    if f.epoch_seconds.is_some() || f.epoch_millis.is_some() {
        let base = match (f.epoch_seconds, f.epoch_millis) {
            (Some(s), _) => s as i128 * NANOS_PER_SECOND as i128,
            (None, Some(ms)) => ms as i128 * 1_000_000,
            _ => 0,
        };
        let extra = f.millisecond.unwrap_or(0) as i128 * 1_000_000
            + f.microsecond.unwrap_or(0) as i128 * 1000
            + f.nanosecond.unwrap_or(0) as i128;
        let zone = f.timezone.clone().unwrap_or_else(default_zone);
        return zone.at_instant(base + extra).map_err(value_err);
    }
    let (base_date, base_time, base_zone, base_offset) = match &f.datetime {
        Some(dt) => (
            date_of(&f.datetime)?,
            time_of(&f.datetime)?,
            zone_of(dt)?,
            dt.offset(),
        ),
        None => {
            let (zone, offset) = match &f.time {
                Some(t) => (zone_of(t)?, t.offset()),
                None => (None, None),
            };
            (date_of(&f.date)?, time_of(&f.time)?, zone, offset)
        }
    };
    let local = LocalDateTime {
        date: apply_date(f, base_date)?,
        time: apply_time(f, base_time)?,
    };
    match (f.timezone.clone(), base_zone) {
        (Some(new_zone), Some(old_zone)) => {
            let old = old_zone.at_local(local, base_offset).map_err(value_err)?;
            new_zone.at_instant(old.instant()).map_err(value_err)
        }
        (Some(zone), None) | (None, Some(zone)) => {
            zone.at_local(local, base_offset).map_err(value_err)
        }
        (None, None) => default_zone().at_local(local, None).map_err(value_err),
    }
}

/// `kind(t)`: the value of `kind` a temporal value stands for (its date, its time, …).
pub fn select(kind: TemporalKind, t: &Temporal) -> Result<Temporal> {
    let date = || t.date().ok_or_else(|| cannot_select(kind, "date", t));
    let time = || t.local_time().ok_or_else(|| cannot_select(kind, "time", t));
    Ok(match kind {
        TemporalKind::Date => Temporal::Date(date()?),
        TemporalKind::LocalTime => Temporal::LocalTime(time()?),
        TemporalKind::Time => Temporal::Time(Time {
            time: time()?,
            offset: t.offset().unwrap_or(0),
        }),
        TemporalKind::LocalDateTime => Temporal::LocalDateTime(LocalDateTime {
            date: date()?,
            time: t.local_time().unwrap_or(LocalTime::MIDNIGHT),
        }),
        TemporalKind::DateTime => match t {
            Temporal::DateTime(dt) => Temporal::DateTime(dt.clone()),
            _ => {
                let local = LocalDateTime {
                    date: date()?,
                    time: t.local_time().unwrap_or(LocalTime::MIDNIGHT),
                };
                Temporal::DateTime(default_zone().at_local(local, None).map_err(value_err)?)
            }
        },
        TemporalKind::Duration => match t {
            Temporal::Duration(d) => Temporal::Duration(*d),
            _ => return Err(cannot_select(kind, "duration", t)),
        },
    })
}

// ---------------------------------------------------------------- truncation

/// The units of `truncate`, largest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Millennium,
    Century,
    Decade,
    Year,
    WeekYear,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
}

impl Unit {
    fn parse(s: &str) -> Result<Unit> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "millennium" => Unit::Millennium,
            "century" => Unit::Century,
            "decade" => Unit::Decade,
            "year" => Unit::Year,
            "weekyear" => Unit::WeekYear,
            "quarter" => Unit::Quarter,
            "month" => Unit::Month,
            "week" => Unit::Week,
            "day" => Unit::Day,
            "hour" => Unit::Hour,
            "minute" => Unit::Minute,
            "second" => Unit::Second,
            "millisecond" => Unit::Millisecond,
            "microsecond" => Unit::Microsecond,
            _ => return Err(value_err(format!("no such unit for truncate: '{s}'"))),
        })
    }
}

fn truncate_date(date: Date, unit: Unit) -> Date {
    let (y, m, _) = date.ymd();
    let year_start = |y: i64| calendar::days_from_civil(y, 1, 1);
    let days = match unit {
        Unit::Millennium => year_start(y.div_euclid(1000) * 1000),
        Unit::Century => year_start(y.div_euclid(100) * 100),
        Unit::Decade => year_start(y.div_euclid(10) * 10),
        Unit::Year => year_start(y),
        Unit::WeekYear => calendar::week_one_monday(calendar::iso_week(date.days).0),
        Unit::Quarter => calendar::days_from_civil(y, (calendar::quarter(m) - 1) * 3 + 1, 1),
        Unit::Month => calendar::days_from_civil(y, m, 1),
        Unit::Week => date.days - (calendar::weekday(date.days) as i64 - 1),
        _ => date.days,
    };
    Date { days }
}

fn truncate_time(t: LocalTime, unit: Unit) -> LocalTime {
    let step = match unit {
        Unit::Hour => 3600 * NANOS_PER_SECOND,
        Unit::Minute => 60 * NANOS_PER_SECOND,
        Unit::Second => NANOS_PER_SECOND,
        Unit::Millisecond => 1_000_000,
        Unit::Microsecond => 1000,
        _ => super::NANOS_PER_DAY,
    };
    LocalTime {
        nanos: t.nanos - t.nanos % step,
    }
}

/// `kind.truncate(unit, t, map)`.
pub fn truncate(
    kind: TemporalKind,
    unit: &str,
    t: &Temporal,
    map: Option<&MapVal>,
) -> Result<Temporal> {
    let unit = Unit::parse(unit)?;
    let dated = matches!(
        kind,
        TemporalKind::Date | TemporalKind::LocalDateTime | TemporalKind::DateTime
    );
    if kind == TemporalKind::Date && unit > Unit::Day {
        return Err(value_err(
            "a date cannot be truncated to a unit smaller than a day",
        ));
    }
    if !dated && unit < Unit::Day {
        return Err(value_err(
            "a time cannot be truncated to a unit larger than a day",
        ));
    }
    if let Temporal::Duration(_) = t {
        return Err(type_err("a duration cannot be truncated"));
    }
    let empty = MapVal::new();
    let mut f = read_fields(kind, map.unwrap_or(&empty))?;
    let time = truncate_time(t.local_time().unwrap_or(LocalTime::MIDNIGHT), unit);
    // A finer sub-second component keeps the coarser ones the truncation kept.
    if unit == Unit::Millisecond
        && f.millisecond.is_none()
        && (f.microsecond.is_some() || f.nanosecond.is_some())
    {
        f.millisecond = Some(time.nano() / 1_000_000);
    }
    if unit == Unit::Microsecond && f.microsecond.is_none() && f.nanosecond.is_some() {
        f.microsecond = Some(time.nano() / 1000);
    }
    let time = apply_time(&f, Some(time))?;
    let date = if dated {
        let date = t.date().ok_or_else(|| cannot_select(kind, "date", t))?;
        Some(apply_date(&f, Some(truncate_date(date, unit)))?)
    } else {
        None
    };
    let zone = match &f.timezone {
        Some(z) => Some(z.clone()),
        None => zone_of(t)?,
    };
    Ok(match kind {
        TemporalKind::Date => Temporal::Date(date.unwrap_or(Date { days: 0 })),
        TemporalKind::LocalTime => Temporal::LocalTime(time),
        TemporalKind::Time => {
            let offset = match &f.timezone {
                Some(z) => z.offset_at(statement_instant()).map_err(value_err)?,
                None => t.offset().unwrap_or(0),
            };
            Temporal::Time(Time { time, offset })
        }
        TemporalKind::LocalDateTime => Temporal::LocalDateTime(LocalDateTime {
            date: date.unwrap_or(Date { days: 0 }),
            time,
        }),
        TemporalKind::DateTime => {
            let local = LocalDateTime {
                date: date.unwrap_or(Date { days: 0 }),
                time,
            };
            let zone = zone.unwrap_or_else(default_zone);
            Temporal::DateTime(zone.at_local(local, t.offset()).map_err(value_err)?)
        }
        TemporalKind::Duration => return Err(type_err("durations cannot be truncated")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn map(entries: &[(&str, Val)]) -> MapVal {
        entries
            .iter()
            .map(|(k, v)| (Arc::from(*k), v.clone()))
            .collect()
    }

    #[test]
    fn week_dates_from_maps() {
        let d = from_map(
            TemporalKind::Date,
            &map(&[("year", Val::Int(1817)), ("week", Val::Int(1))]),
        )
        .unwrap();
        assert_eq!(d.to_string(), "1816-12-30");
        let base = from_map(
            TemporalKind::Date,
            &map(&[
                ("year", Val::Int(1816)),
                ("month", Val::Int(12)),
                ("day", Val::Int(31)),
            ]),
        )
        .unwrap();
        let d = from_map(
            TemporalKind::Date,
            &map(&[
                ("date", Val::Temporal(Arc::new(base))),
                ("year", Val::Int(1817)),
                ("week", Val::Int(2)),
            ]),
        )
        .unwrap();
        assert_eq!(d.to_string(), "1817-01-07");
    }

    #[test]
    fn durations_from_maps() {
        let d = from_map(
            TemporalKind::Duration,
            &map(&[("months", Val::Int(5)), ("days", Val::Float(1.5))]),
        )
        .unwrap();
        assert_eq!(d.to_string(), "P5M1DT12H");
    }
}
