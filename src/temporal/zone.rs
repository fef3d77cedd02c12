//! Time zones: fixed offsets (`+01:00`, `Z`) and IANA named zones (`Europe/Stockholm`),
//! the latter from the time zone database bundled by the jiff crate, so that no system
//! files are needed. Resolving a local date-time in a named zone follows java.time: in a
//! gap the time moves forward by the gap's length, in a fold the earlier offset wins
//! unless the preferred one is valid.

use super::{DateTime, LocalDateTime, NANOS_PER_SECOND};
use std::sync::Arc;

/// A time zone.
#[derive(Debug, Clone)]
pub enum Zone {
    Fixed(i32),
    Named(Arc<str>, jiff::tz::TimeZone),
}

/// The largest offset java.time allows: ±18:00.
const MAX_OFFSET: i32 = 18 * 3600;

/// Parses an offset: `Z`, `+01`, `+0100`, `+01:00`, `-02:05:07`; None when the text is not
/// one (or is out of range).
pub fn parse_offset(text: &str) -> Option<i32> {
    if text == "Z" || text == "z" {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    // Digits and colons only; checked first so that the two-byte chunks below never cut a
    // character.
    if !rest.is_ascii() {
        return None;
    }
    let digits: Vec<u32> = {
        let parts: Vec<&str> = if rest.contains(':') {
            rest.split(':').collect()
        } else {
            let mut v = Vec::new();
            let mut r = rest;
            while !r.is_empty() {
                let n = r.len().min(2);
                v.push(&r[..n]);
                r = &r[n..];
            }
            v
        };
        if parts.is_empty()
            || parts.len() > 3
            || parts
                .iter()
                .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        parts.iter().map(|p| p.parse().unwrap_or(99)).collect()
    };
    let h = digits[0];
    let m = digits.get(1).copied().unwrap_or(0);
    let s = digits.get(2).copied().unwrap_or(0);
    if m > 59 || s > 59 {
        return None;
    }
    let total = (h * 3600 + m * 60 + s) as i32;
    if total > MAX_OFFSET {
        return None;
    }
    Some(sign * total)
}

/// Looks a zone up: an offset, or an IANA name.
pub fn parse_zone(text: &str) -> Result<Zone, String> {
    if let Some(offset) = parse_offset(text) {
        return Ok(Zone::Fixed(offset));
    }
    named(text)
}

/// Looks up a named zone.
pub fn named(name: &str) -> Result<Zone, String> {
    match jiff::tz::TimeZone::get(name) {
        Ok(tz) => {
            let canonical: Arc<str> = Arc::from(tz.iana_name().unwrap_or(name));
            Ok(Zone::Named(canonical, tz))
        }
        Err(_) => Err(format!("invalid time zone '{name}'")),
    }
}

fn timestamp(instant: i128) -> Result<jiff::Timestamp, String> {
    let secs = instant.div_euclid(NANOS_PER_SECOND as i128);
    let nanos = instant.rem_euclid(NANOS_PER_SECOND as i128) as i32;
    i64::try_from(secs)
        .ok()
        .and_then(|s| jiff::Timestamp::new(s, nanos).ok())
        .ok_or_else(|| "instant out of range for named time zones".to_string())
}

fn civil(local: LocalDateTime) -> Result<jiff::civil::DateTime, String> {
    let (y, m, d) = local.date.ymd();
    let t = local.time;
    let year = i16::try_from(y).map_err(|_| "year out of range for named time zones")?;
    jiff::civil::DateTime::new(
        year,
        m as i8,
        d as i8,
        t.hour() as i8,
        t.minute() as i8,
        t.second() as i8,
        t.nano() as i32,
    )
    .map_err(|_| "date out of range for named time zones".to_string())
}

impl Zone {
    /// The zone a zoned datetime is in.
    pub fn of(dt: &DateTime) -> Result<Zone, String> {
        match &dt.zone {
            Some(name) => named(name),
            None => Ok(Zone::Fixed(dt.offset)),
        }
    }

    pub fn name(&self) -> Option<Arc<str>> {
        match self {
            Zone::Fixed(_) => None,
            Zone::Named(name, _) => Some(name.clone()),
        }
    }

    /// The offset in force at an instant (nanoseconds since the epoch).
    pub fn offset_at(&self, instant: i128) -> Result<i32, String> {
        match self {
            Zone::Fixed(o) => Ok(*o),
            Zone::Named(_, tz) => Ok(tz.to_offset(timestamp(instant)?).seconds()),
        }
    }

    /// The datetime at an instant in this zone.
    pub fn at_instant(&self, instant: i128) -> Result<DateTime, String> {
        let offset = self.offset_at(instant)?;
        let local = LocalDateTime::from_nanos(instant + offset as i128 * NANOS_PER_SECOND as i128);
        if !super::calendar::in_range(local.date.days) {
            return Err("date out of range".to_string());
        }
        Ok(DateTime {
            local,
            offset,
            zone: self.name(),
        })
    }

    /// A local date-time placed in this zone; `preferred` is the offset to keep in a fold.
    pub fn at_local(
        &self,
        local: LocalDateTime,
        preferred: Option<i32>,
    ) -> Result<DateTime, String> {
        match self {
            Zone::Fixed(o) => Ok(DateTime {
                local,
                offset: *o,
                zone: None,
            }),
            Zone::Named(name, tz) => {
                use jiff::tz::AmbiguousOffset;
                let (local, offset) = match tz.to_ambiguous_timestamp(civil(local)?).offset() {
                    AmbiguousOffset::Unambiguous { offset } => (local, offset.seconds()),
                    AmbiguousOffset::Gap { before, after } => {
                        let shift = (after.seconds() - before.seconds()) as i128;
                        (
                            LocalDateTime::from_nanos(
                                local.nanos() + shift * NANOS_PER_SECOND as i128,
                            ),
                            after.seconds(),
                        )
                    }
                    AmbiguousOffset::Fold { before, after } => {
                        let keep = preferred.filter(|p| *p == after.seconds());
                        (local, keep.unwrap_or(before.seconds()))
                    }
                };
                Ok(DateTime {
                    local,
                    offset,
                    zone: Some(name.clone()),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temporal::{Date, LocalTime};

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+0100"), Some(3600));
        assert_eq!(parse_offset("-04"), Some(-4 * 3600));
        assert_eq!(parse_offset("+02:05:59"), Some(2 * 3600 + 5 * 60 + 59));
        assert_eq!(parse_offset("-00:00"), Some(0));
        assert_eq!(parse_offset("+19:00"), None);
        assert_eq!(parse_offset("Europe/Stockholm"), None);
    }

    #[test]
    fn stockholm_lmt_and_dst() {
        let zone = named("Europe/Stockholm").unwrap();
        let local = LocalDateTime {
            date: Date::from_ymd(1818, 7, 21).unwrap(),
            time: LocalTime::from_hms_nano(21, 40, 32, 0).unwrap(),
        };
        assert_eq!(zone.at_local(local, None).unwrap().offset, 53 * 60 + 28);
        let summer = LocalDateTime {
            date: Date::from_ymd(2017, 8, 8).unwrap(),
            time: LocalTime::MIDNIGHT,
        };
        assert_eq!(zone.at_local(summer, None).unwrap().offset, 7200);
    }
}
