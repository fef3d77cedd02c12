//! DURATION: months, days, seconds and nanoseconds kept apart (a month is not a fixed
//! number of days, nor a day a fixed number of seconds across DST), its ISO-8601 text,
//! components, arithmetic with numbers and with the other temporal types, and the
//! duration between two temporal values (`duration.between`, `inMonths`, `inDays`,
//! `inSeconds`) with openCypher's rules for values of different types.

use super::zone::Zone;
use super::{
    calendar, Date, LocalDateTime, LocalTime, Temporal, Time, NANOS_PER_DAY, NANOS_PER_SECOND,
    SECONDS_PER_DAY,
};
use std::cmp::Ordering;
use std::fmt::{self, Write};

/// A duration; `nanos` is always in `0..1_000_000_000` and `seconds` carries the sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Duration {
    pub months: i64,
    pub days: i64,
    pub seconds: i64,
    pub nanos: i32,
}

/// The average length of a month (a 400-year Gregorian cycle / 4800 months), in nanoseconds.
const AVG_NANOS_PER_MONTH: i64 = 2_629_746_000_000_000;
const AVG_SECONDS_PER_MONTH: i64 = 2_629_746;

fn overflow() -> String {
    "duration out of range".to_string()
}

impl Duration {
    pub const ZERO: Duration = Duration {
        months: 0,
        days: 0,
        seconds: 0,
        nanos: 0,
    };

    /// A duration with the nanoseconds carried into the seconds.
    pub fn new(months: i64, days: i64, seconds: i64, nanos: i64) -> Result<Duration, String> {
        let seconds = seconds
            .checked_add(nanos.div_euclid(NANOS_PER_SECOND))
            .ok_or_else(overflow)?;
        Ok(Duration {
            months,
            days,
            seconds,
            nanos: nanos.rem_euclid(NANOS_PER_SECOND) as i32,
        })
    }

    /// A duration from a number of months, days, seconds and nanoseconds that may have
    /// fractions: each fraction is carried into the next smaller unit (a month being
    /// 30.436875 days, a day 86,400 seconds), the way Neo4j does it.
    pub fn approximate(
        months: f64,
        days: f64,
        seconds: f64,
        nanos: f64,
    ) -> Result<Duration, String> {
        let to_long = |d: f64| -> Result<i64, String> {
            if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&d) {
                Ok(d as i64)
            } else {
                Err(overflow())
            }
        };
        let months_long = to_long(months)?;
        let month_diff =
            AVG_NANOS_PER_MONTH as f64 * months - AVG_NANOS_PER_MONTH as f64 * months_long as f64;
        let days = days + month_diff / (NANOS_PER_DAY as f64);
        let days_long = to_long(days)?;
        let day_diff = NANOS_PER_DAY as f64 * days - NANOS_PER_DAY as f64 * days_long as f64;
        let seconds = seconds + day_diff / NANOS_PER_SECOND as f64;
        let seconds_long = to_long(seconds)?;
        let second_diff =
            NANOS_PER_SECOND as f64 * seconds - NANOS_PER_SECOND as f64 * seconds_long as f64;
        let nanos = nanos + second_diff;
        Duration::new(months_long, days_long, seconds_long, to_long(nanos)?)
    }

    /// All seconds and nanoseconds as one count.
    pub fn total_nanos(&self) -> i128 {
        self.seconds as i128 * NANOS_PER_SECOND as i128 + self.nanos as i128
    }

    pub fn checked_add(&self, o: &Duration) -> Result<Duration, String> {
        Duration::new(
            self.months.checked_add(o.months).ok_or_else(overflow)?,
            self.days.checked_add(o.days).ok_or_else(overflow)?,
            self.seconds.checked_add(o.seconds).ok_or_else(overflow)?,
            self.nanos as i64 + o.nanos as i64,
        )
    }

    pub fn checked_neg(&self) -> Result<Duration, String> {
        Duration::new(
            self.months.checked_neg().ok_or_else(overflow)?,
            self.days.checked_neg().ok_or_else(overflow)?,
            self.seconds.checked_neg().ok_or_else(overflow)?,
            -(self.nanos as i64),
        )
    }

    pub fn checked_sub(&self, o: &Duration) -> Result<Duration, String> {
        self.checked_add(&o.checked_neg()?)
    }

    pub fn mul_int(&self, factor: i64) -> Result<Duration, String> {
        Duration::new(
            self.months.checked_mul(factor).ok_or_else(overflow)?,
            self.days.checked_mul(factor).ok_or_else(overflow)?,
            self.seconds.checked_mul(factor).ok_or_else(overflow)?,
            (self.nanos as i64)
                .checked_mul(factor)
                .ok_or_else(overflow)?,
        )
    }

    pub fn mul_float(&self, factor: f64) -> Result<Duration, String> {
        Duration::approximate(
            self.months as f64 * factor,
            self.days as f64 * factor,
            self.seconds as f64 * factor,
            self.nanos as f64 * factor,
        )
    }

    pub fn div(&self, divisor: f64) -> Result<Duration, String> {
        if divisor == 0.0 {
            return Err("division of a duration by zero".to_string());
        }
        Duration::approximate(
            self.months as f64 / divisor,
            self.days as f64 / divisor,
            self.seconds as f64 / divisor,
            self.nanos as f64 / divisor,
        )
    }

    /// The order of ORDER BY: by average length, then component by component.
    pub fn order(&self, o: &Duration) -> Ordering {
        let approx = |d: &Duration| {
            (d.months as i128 * AVG_SECONDS_PER_MONTH as i128
                + d.days as i128 * SECONDS_PER_DAY as i128
                + d.seconds as i128)
                * NANOS_PER_SECOND as i128
                + d.nanos as i128
        };
        approx(self)
            .cmp(&approx(o))
            .then_with(|| self.months.cmp(&o.months))
            .then_with(|| self.days.cmp(&o.days))
            .then_with(|| self.seconds.cmp(&o.seconds))
            .then_with(|| self.nanos.cmp(&o.nanos))
    }

    /// A component by name (`years`, `monthsOfYear`, `nanosecondsOfSecond`, …).
    pub fn component(&self, name: &str) -> Option<i64> {
        let (m, d, s, n) = (self.months, self.days, self.seconds, self.nanos as i64);
        Some(match name.to_ascii_lowercase().as_str() {
            "years" => m / 12,
            "quarters" => m / 3,
            "months" => m,
            "weeks" => d / 7,
            "days" => d,
            "hours" => s / 3600,
            "minutes" => s / 60,
            "seconds" => s,
            "milliseconds" => s.saturating_mul(1000).saturating_add(n / 1_000_000),
            "microseconds" => s.saturating_mul(1_000_000).saturating_add(n / 1000),
            "nanoseconds" => s.saturating_mul(NANOS_PER_SECOND).saturating_add(n),
            "quartersofyear" => m / 3 % 4,
            "monthsofquarter" => m % 3,
            "monthsofyear" => m % 12,
            "daysofweek" => d % 7,
            "minutesofhour" => s / 60 % 60,
            "secondsofminute" => s % 60,
            "millisecondsofsecond" => n / 1_000_000,
            "microsecondsofsecond" => n / 1000,
            "nanosecondsofsecond" => n,
            _ => return None,
        })
    }
}

fn write_fraction(f: &mut impl Write, nanos: i64) -> fmt::Result {
    let digits = format!("{:09}", nanos.abs());
    write!(f, ".{}", digits.trim_end_matches('0'))
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::from("P");
        let part = |out: &mut String, v: i64, unit: char| {
            if v != 0 {
                let _ = write!(out, "{v}{unit}");
            }
        };
        part(&mut out, self.months / 12, 'Y');
        part(&mut out, self.months % 12, 'M');
        part(&mut out, self.days, 'D');
        if self.seconds != 0 || self.nanos != 0 {
            let mut s = self.seconds;
            let mut n = self.nanos as i64;
            if s < 0 && n != 0 {
                s += 1;
                n -= NANOS_PER_SECOND;
            }
            out.push('T');
            part(&mut out, s / 3600, 'H');
            s %= 3600;
            part(&mut out, s / 60, 'M');
            s %= 60;
            if s != 0 {
                let _ = write!(out, "{s}");
                if n != 0 {
                    write_fraction(&mut out, n)?;
                }
                out.push('S');
            } else if n != 0 {
                if n < 0 {
                    out.push('-');
                }
                out.push('0');
                write_fraction(&mut out, n)?;
                out.push('S');
            }
        }
        if out.len() == 1 {
            out.push_str("T0S");
        }
        f.write_str(&out)
    }
}

// ---------------------------------------------------------------- temporal ± duration

fn range_err() -> String {
    "date out of range".to_string()
}

fn add_days(date: Date, months: i64, days: i64) -> Result<Date, String> {
    let d = calendar::add_months(date.days, months).ok_or_else(range_err)?;
    let d = d.checked_add(days).ok_or_else(range_err)?;
    if !calendar::in_range(d) {
        return Err(range_err());
    }
    Ok(Date { days: d })
}

fn shift_local(local: LocalDateTime, nanos: i128) -> Result<LocalDateTime, String> {
    let out = LocalDateTime::from_nanos(local.nanos() + nanos);
    if !calendar::in_range(out.date.days) {
        return Err(range_err());
    }
    Ok(out)
}

/// `t + d` (or `t - d` when `negate`): months first, then days, then the time.
pub fn add_to(t: &Temporal, d: &Duration, negate: bool) -> Result<Temporal, String> {
    let original = *d;
    let d = if negate { d.checked_neg()? } else { *d };
    let time_nanos = d.total_nanos();
    Ok(match t {
        Temporal::Date(date) => {
            // A date moves by whole days of the seconds, truncated as the original reads.
            let sign = if negate { -1 } else { 1 };
            let extra_days = original.seconds / SECONDS_PER_DAY * sign;
            let days = d.days.checked_add(extra_days).ok_or_else(range_err)?;
            Temporal::Date(add_days(*date, d.months, days)?)
        }
        Temporal::LocalTime(lt) => {
            Temporal::LocalTime(LocalTime::wrapping(lt.nanos as i128 + time_nanos))
        }
        Temporal::Time(tm) => Temporal::Time(Time {
            time: LocalTime::wrapping(tm.time.nanos as i128 + time_nanos),
            offset: tm.offset,
        }),
        Temporal::LocalDateTime(ldt) => {
            let date = add_days(ldt.date, d.months, d.days)?;
            Temporal::LocalDateTime(shift_local(
                LocalDateTime {
                    date,
                    time: ldt.time,
                },
                time_nanos,
            )?)
        }
        Temporal::DateTime(dt) => {
            let zone = Zone::of(dt)?;
            let date = add_days(dt.local.date, d.months, d.days)?;
            let moved = zone.at_local(
                LocalDateTime {
                    date,
                    time: dt.local.time,
                },
                Some(dt.offset),
            )?;
            let out = zone.at_instant(moved.instant() + time_nanos)?;
            if !calendar::in_range(out.local.date.days) {
                return Err(range_err());
            }
            Temporal::DateTime(out)
        }
        Temporal::Duration(x) => Temporal::Duration(x.checked_add(&d)?),
    })
}

// ---------------------------------------------------------------- durations between

/// The unit of a `duration.in…` function; `None` in `between` means all units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BetweenUnit {
    All,
    Months,
    Days,
    Seconds,
}

/// A temporal value taken apart: the pieces `until` works on.
#[derive(Debug, Clone)]
struct Parts {
    date: Option<Date>,
    time: Option<LocalTime>,
    /// The zone (for a time: its fixed offset).
    zone: Option<Zone>,
    /// The offset in force, when zoned.
    offset: Option<i32>,
}

impl Parts {
    fn of(t: &Temporal) -> Result<Parts, String> {
        Ok(match t {
            Temporal::Date(d) => Parts {
                date: Some(*d),
                time: None,
                zone: None,
                offset: None,
            },
            Temporal::LocalTime(lt) => Parts {
                date: None,
                time: Some(*lt),
                zone: None,
                offset: None,
            },
            Temporal::Time(tm) => Parts {
                date: None,
                time: Some(tm.time),
                zone: Some(Zone::Fixed(tm.offset)),
                offset: Some(tm.offset),
            },
            Temporal::LocalDateTime(ldt) => Parts {
                date: Some(ldt.date),
                time: Some(ldt.time),
                zone: None,
                offset: None,
            },
            Temporal::DateTime(dt) => Parts {
                date: Some(dt.local.date),
                time: Some(dt.local.time),
                zone: Some(Zone::of(dt)?),
                offset: Some(dt.offset),
            },
            Temporal::Duration(_) => {
                return Err(
                    "duration.between needs two temporal instants, not a duration".to_string(),
                )
            }
        })
    }

    /// Fills in the offset of a value that got a zone from the other value.
    fn resolve(&mut self) -> Result<(), String> {
        if let (Some(date), Some(time), Some(zone)) = (self.date, self.time, &self.zone) {
            if self.offset.is_none() {
                let dt = zone.at_local(LocalDateTime { date, time }, None)?;
                self.date = Some(dt.local.date);
                self.time = Some(dt.local.time);
                self.offset = Some(dt.offset);
            }
        }
        if let (None, Some(Zone::Fixed(o))) = (self.offset, &self.zone) {
            self.offset = Some(*o);
        }
        Ok(())
    }

    fn local_nanos(&self) -> i128 {
        let days = self.date.map(|d| d.days).unwrap_or(0) as i128;
        days * NANOS_PER_DAY as i128 + self.time.map(|t| t.nanos).unwrap_or(0) as i128
    }

    /// The instant (for values without a date: the UTC time of day) in nanoseconds.
    fn instant(&self) -> i128 {
        self.local_nanos() - self.offset.unwrap_or(0) as i128 * NANOS_PER_SECOND as i128
    }
}

/// Brings two values to the same shape, as openCypher prescribes: a value without a
/// time gets midnight (when the other has a time, or always for time-based units), one
/// without a date takes the other's date, and one without a zone takes the other's.
fn align(a: &Temporal, b: &Temporal, time_based: bool) -> Result<(Parts, Parts), String> {
    let mut from = Parts::of(a)?;
    let mut to = Parts::of(b)?;
    if time_based {
        from.time.get_or_insert(LocalTime::MIDNIGHT);
        to.time.get_or_insert(LocalTime::MIDNIGHT);
    } else if from.time.is_some() && to.time.is_none() {
        to.time = Some(LocalTime::MIDNIGHT);
    } else if to.time.is_some() && from.time.is_none() {
        from.time = Some(LocalTime::MIDNIGHT);
    }
    if from.date.is_some() && to.date.is_none() {
        to.date = from.date;
    } else if to.date.is_some() && from.date.is_none() {
        from.date = to.date;
    }
    if from.zone.is_some() && to.zone.is_none() {
        to.zone = from.zone.clone();
    } else if to.zone.is_some() && from.zone.is_none() {
        from.zone = to.zone.clone();
    }
    from.resolve()?;
    to.resolve()?;
    Ok((from, to))
}

/// Whole months from one local date-time to another (java.time's `until(MONTHS)`).
fn months_until(from: LocalDateTime, to: LocalDateTime) -> i64 {
    let end = adjusted_end(from, to);
    let (y1, m1, d1) = from.date.ymd();
    let (y2, m2, d2) = end.ymd();
    let packed1 = (y1 * 12 + m1 as i64 - 1) * 32 + d1 as i64;
    let packed2 = (y2 * 12 + m2 as i64 - 1) * 32 + d2 as i64;
    (packed2 - packed1) / 32
}

/// Whole days from one local date-time to another (java.time's `until(DAYS)`).
fn days_until(from: LocalDateTime, to: LocalDateTime) -> i64 {
    adjusted_end(from, to).days - from.date.days
}

/// The end date, moved by a day when the time of day makes the last day incomplete.
fn adjusted_end(from: LocalDateTime, to: LocalDateTime) -> Date {
    let mut end = to.date;
    if end > from.date && to.time < from.time {
        end.days -= 1;
    } else if end < from.date && to.time > from.time {
        end.days += 1;
    }
    end
}

/// The duration from `a` to `b` in the given unit(s).
pub fn between(a: &Temporal, b: &Temporal, unit: BetweenUnit) -> Result<Duration, String> {
    let time_based = unit == BetweenUnit::Seconds;
    let (from, to) = align(a, b, time_based)?;
    let has_dates = from.date.is_some() && to.date.is_some();
    // Date-based units compare local date-times, with `to` moved into `from`'s zone.
    let local_pair = || -> Result<(LocalDateTime, LocalDateTime), String> {
        let f = LocalDateTime {
            date: from.date.unwrap_or(Date { days: 0 }),
            time: from.time.unwrap_or(LocalTime::MIDNIGHT),
        };
        let t = match &from.zone {
            Some(zone) => zone.at_instant(to.instant())?.local,
            None => LocalDateTime {
                date: to.date.unwrap_or(Date { days: 0 }),
                time: to.time.unwrap_or(LocalTime::MIDNIGHT),
            },
        };
        Ok((f, t))
    };
    let nanos_between = |f: &Parts| -> i128 {
        if f.zone.is_some() {
            to.instant() - f.instant()
        } else {
            to.local_nanos() - f.local_nanos()
        }
    };
    match unit {
        BetweenUnit::Months | BetweenUnit::Days => {
            if !has_dates {
                return Ok(Duration::ZERO);
            }
            let (f, t) = local_pair()?;
            if unit == BetweenUnit::Months {
                Duration::new(months_until(f, t), 0, 0, 0)
            } else {
                Duration::new(0, days_until(f, t), 0, 0)
            }
        }
        BetweenUnit::Seconds => split_nanos(0, 0, nanos_between(&from)),
        BetweenUnit::All => {
            if !has_dates {
                return split_nanos(0, 0, nanos_between(&from));
            }
            let (f, t) = local_pair()?;
            let months = months_until(f, t);
            let mut moved = from.clone();
            let shifted = add_days(f.date, months, 0)?;
            let after_months = LocalDateTime {
                date: shifted,
                time: f.time,
            };
            let days = days_until(after_months, t);
            moved.date = Some(add_days(shifted, 0, days)?);
            if let Some(zone) = &from.zone {
                let dt = zone.at_local(
                    LocalDateTime {
                        date: moved.date.unwrap_or(Date { days: 0 }),
                        time: f.time,
                    },
                    from.offset,
                )?;
                moved.date = Some(dt.local.date);
                moved.time = Some(dt.local.time);
                moved.offset = Some(dt.offset);
            }
            split_nanos(months, days, nanos_between(&moved))
        }
    }
}

fn split_nanos(months: i64, days: i64, nanos: i128) -> Result<Duration, String> {
    let seconds = nanos / NANOS_PER_SECOND as i128;
    let rest = (nanos % NANOS_PER_SECOND as i128) as i64;
    Duration::new(
        months,
        days,
        i64::try_from(seconds).map_err(|_| overflow())?,
        rest,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(months: i64, days: i64, seconds: i64, nanos: i64) -> Duration {
        Duration::new(months, days, seconds, nanos).unwrap()
    }

    #[test]
    fn prints_like_neo4j() {
        assert_eq!(Duration::ZERO.to_string(), "PT0S");
        assert_eq!(
            d(149, 14, 58390, 1).to_string(),
            "P12Y5M14DT16H13M10.000000001S"
        );
        assert_eq!(d(0, 0, -2, 1_000_000).to_string(), "PT-1.999S");
        assert_eq!(d(0, 0, -60, -1_000_000).to_string(), "PT-1M-0.001S");
        assert_eq!(d(0, 1, 0, -1_000_000).to_string(), "P1DT-0.001S");
        assert_eq!(d(149, -14, 57600, 0).to_string(), "P12Y5M-14DT16H");
    }

    #[test]
    fn fractions_carry_down() {
        assert_eq!(
            Duration::approximate(0.75, 0.0, 0.0, 0.0)
                .unwrap()
                .to_string(),
            "P22DT19H51M49.5S"
        );
        assert_eq!(
            d(149, 14, 58390, 1).mul_float(0.5).unwrap().to_string(),
            "P6Y2M22DT13H21M8S"
        );
    }
}
