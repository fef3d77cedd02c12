//! ISO-8601 text to temporal values, in the forms openCypher accepts: calendar dates
//! (`2015-07-21`, `20150721`, `2015-07`, `2015`), week dates (`2015-W30-2`, `2015W302`),
//! ordinal dates (`2015-202`), times with optional seconds and fraction in extended or
//! basic form (`21:40:32.142`, `214032`), offsets (`Z`, `+01`, `+0100`, `+01:00`), zone
//! names in brackets (`[Europe/Stockholm]`), and durations (`P1Y2M3W4DT5H6M7.5S`, or the
//! alternative form `P2012-02-02T14:37:21.545`).

use super::build::{duration_from_parts, Num};
use super::zone::{self, Zone};
use super::{
    calendar, Date, DateTime, Duration, LocalDateTime, LocalTime, Temporal, TemporalKind, Time,
};
use regex::Regex;
use std::sync::OnceLock;

fn bad(kind: TemporalKind, text: &str) -> String {
    format!(
        "text cannot be parsed to a {}: '{text}'",
        kind.function_name()
    )
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("temporal pattern"))
}

const YEAR: &str = r"(?P<year>[0-9]{4}|[+-][0-9]{1,9})";

/// Parses the date part of a string.
pub fn parse_date(text: &str) -> Option<Date> {
    static CALENDAR: OnceLock<Regex> = OnceLock::new();
    static WEEK: OnceLock<Regex> = OnceLock::new();
    static ORDINAL: OnceLock<Regex> = OnceLock::new();
    let num = |s: Option<regex::Match>| s.map(|m| m.as_str().parse::<i64>().ok());
    let week = re(
        &WEEK,
        &format!(
            r"^{YEAR}(?:-W(?P<w1>[0-9]{{2}})(?:-(?P<d1>[0-9]))?|W(?P<w2>[0-9]{{2}})(?P<d2>[0-9])?)$"
        ),
    );
    if let Some(c) = week.captures(text) {
        let year = c.name("year")?.as_str().parse::<i64>().ok()?;
        let w = num(c.name("w1").or(c.name("w2")))??;
        let d = num(c.name("d1").or(c.name("d2"))).unwrap_or(Some(1))?;
        return week_date(year, w, d);
    }
    let ordinal = re(&ORDINAL, &format!(r"^{YEAR}-?(?P<o>[0-9]{{3}})$"));
    if let Some(c) = ordinal.captures(text) {
        let year = c.name("year")?.as_str().parse::<i64>().ok()?;
        let o = c.name("o")?.as_str().parse::<i64>().ok()?;
        return ordinal_date(year, o);
    }
    let calendar_re = re(
        &CALENDAR,
        &format!(
            r"^{YEAR}(?:-(?P<m1>[0-9]{{2}})(?:-(?P<d1>[0-9]{{2}}))?|(?P<m2>[0-9]{{2}})(?P<d2>[0-9]{{2}})?)?$"
        ),
    );
    let c = calendar_re.captures(text)?;
    let year = c.name("year")?.as_str().parse::<i64>().ok()?;
    let m = num(c.name("m1").or(c.name("m2"))).unwrap_or(Some(1))?;
    let d = num(c.name("d1").or(c.name("d2"))).unwrap_or(Some(1))?;
    Date::from_ymd(year, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
}

/// The date of a (week-based year, week, day of week).
pub fn week_date(year: i64, week: i64, dow: i64) -> Option<Date> {
    if !(calendar::MIN_YEAR..=calendar::MAX_YEAR).contains(&year)
        || week < 1
        || week > calendar::weeks_in_year(year) as i64
        || !(1..=7).contains(&dow)
    {
        return None;
    }
    Some(Date {
        days: calendar::week_one_monday(year) + (week - 1) * 7 + dow - 1,
    })
}

/// The date of a (year, day of year).
pub fn ordinal_date(year: i64, ordinal: i64) -> Option<Date> {
    if !(calendar::MIN_YEAR..=calendar::MAX_YEAR).contains(&year)
        || ordinal < 1
        || ordinal > calendar::days_in_year(year) as i64
    {
        return None;
    }
    Some(Date {
        days: calendar::days_from_civil(year, 1, 1) + ordinal - 1,
    })
}

/// Parses a time of day (no offset).
pub fn parse_local_time(text: &str) -> Option<LocalTime> {
    static TIME: OnceLock<Regex> = OnceLock::new();
    let time = re(
        &TIME,
        r"^(?P<h>[0-9]{2})(?::(?P<m1>[0-9]{2})(?::(?P<s1>[0-9]{2})(?:[.,](?P<f1>[0-9]{1,9}))?)?|(?P<m2>[0-9]{2})(?:(?P<s2>[0-9]{2})(?:[.,](?P<f2>[0-9]{1,9}))?)?)?$",
    );
    let c = time.captures(text)?;
    let int = |m: Option<regex::Match>| {
        m.map(|m| m.as_str().parse::<i64>().unwrap_or(99))
            .unwrap_or(0)
    };
    let h = int(c.name("h"));
    let m = int(c.name("m1").or(c.name("m2")));
    let s = int(c.name("s1").or(c.name("s2")));
    let nano = match c.name("f1").or(c.name("f2")) {
        Some(f) => {
            let digits = f.as_str();
            digits.parse::<i64>().ok()? * 10i64.pow(9 - digits.len() as u32)
        }
        None => 0,
    };
    LocalTime::from_hms_nano(h, m, s, nano)
}

/// Splits `text` into (time, offset, zone name): the offset starts at the first `Z`, `+`
/// or `-`; the zone name is in brackets at the end.
fn split_zone(text: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let (rest, zone) = match text.find('[') {
        Some(i) => {
            let name = text[i + 1..].strip_suffix(']')?;
            (&text[..i], Some(name))
        }
        None => (text, None),
    };
    match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => Some((&rest[..i], Some(&rest[i..]), zone)),
        None => Some((rest, None, zone)),
    }
}

/// Parses a string into a temporal value of the given kind; `default_zone` is used when
/// a zoned value has no zone in its text.
pub fn parse(kind: TemporalKind, text: &str, default_zone: &Zone) -> Result<Temporal, String> {
    let err = || bad(kind, text);
    let text = text.trim();
    Ok(match kind {
        TemporalKind::Date => Temporal::Date(parse_date(text).ok_or_else(err)?),
        TemporalKind::LocalTime => Temporal::LocalTime(parse_local_time(text).ok_or_else(err)?),
        TemporalKind::Time => {
            let (t, offset, zone_name) = split_zone(text).ok_or_else(err)?;
            if zone_name.is_some() {
                return Err(err());
            }
            let time = parse_local_time(t).ok_or_else(err)?;
            let offset = match offset {
                Some(o) => zone::parse_offset(o).ok_or_else(err)?,
                None => default_zone.offset_at(super::build::now_instant())?,
            };
            Temporal::Time(Time { time, offset })
        }
        TemporalKind::LocalDateTime => {
            let (d, t) = match text.split_once('T') {
                Some((d, t)) => (d, Some(t)),
                None => (text, None),
            };
            let date = parse_date(d).ok_or_else(err)?;
            let time = match t {
                Some(t) => parse_local_time(t).ok_or_else(err)?,
                None => LocalTime::MIDNIGHT,
            };
            Temporal::LocalDateTime(LocalDateTime { date, time })
        }
        TemporalKind::DateTime => {
            let (d, rest) = match text.split_once('T') {
                Some((d, t)) => (d, t),
                None => (text, ""),
            };
            let date = parse_date(d).ok_or_else(err)?;
            let (t, offset, zone_name) = split_zone(rest).ok_or_else(err)?;
            let time = if t.is_empty() {
                LocalTime::MIDNIGHT
            } else {
                parse_local_time(t).ok_or_else(err)?
            };
            let offset = match offset {
                Some(o) => Some(zone::parse_offset(o).ok_or_else(err)?),
                None => None,
            };
            let local = LocalDateTime { date, time };
            let dt = match (offset, zone_name) {
                (_, Some(name)) => {
                    let dt = zone::named(name)?.at_local(local, offset)?;
                    if offset.is_some_and(|o| o != dt.offset) {
                        return Err(format!(
                            "the offset and the time zone do not match: '{text}'"
                        ));
                    }
                    dt
                }
                (Some(o), None) => DateTime {
                    local,
                    offset: o,
                    zone: None,
                },
                (None, None) => default_zone.at_local(local, None)?,
            };
            Temporal::DateTime(dt)
        }
        TemporalKind::Duration => Temporal::Duration(parse_duration(text).ok_or_else(err)?),
    })
}

fn number(text: &str) -> Option<Num> {
    let t = text.replace(',', ".");
    if t.contains('.') {
        t.parse::<f64>().ok().map(Num::Float)
    } else {
        t.parse::<i64>().ok().map(Num::Int)
    }
}

/// Parses an ISO-8601 duration.
pub fn parse_duration(text: &str) -> Option<Duration> {
    static UNITS: OnceLock<Regex> = OnceLock::new();
    static ALTERNATIVE: OnceLock<Regex> = OnceLock::new();
    const N: &str = r"[-+]?[0-9]+(?:[.,][0-9]+)?";
    let units = re(
        &UNITS,
        &format!(
            r"^(?P<sign>[-+]?)P(?:(?P<y>{N})Y)?(?:(?P<mo>{N})M)?(?:(?P<w>{N})W)?(?:(?P<d>{N})D)?(?:T(?:(?P<h>{N})H)?(?:(?P<mi>{N})M)?(?:(?P<s>[-+]?[0-9]+)(?:[.,](?P<f>[0-9]{{1,9}}))?S)?)?$"
        ),
    );
    let alternative = re(
        &ALTERNATIVE,
        r"^(?P<sign>[-+]?)P(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})(?:T(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,9}))?)?)?$",
    );
    let c = units
        .captures(text)
        .or_else(|| alternative.captures(text))?;
    if text.ends_with('P') || text.ends_with('T') {
        return None;
    }
    let get = |name: &str| -> Option<Option<Num>> {
        match c.name(name) {
            Some(m) => number(m.as_str()).map(Some),
            None => Some(None),
        }
    };
    let seconds = get("s")?;
    let fraction = match c.name("f") {
        Some(f) => {
            let digits = f.as_str();
            let n = digits.parse::<i64>().ok()? * 10i64.pow(9 - digits.len() as u32);
            let negative = c.name("s").is_some_and(|s| s.as_str().starts_with('-'));
            Some(Num::Int(if negative { -n } else { n }))
        }
        None => None,
    };
    let d = duration_from_parts([
        get("y")?,
        get("mo")?,
        get("w")?,
        get("d")?,
        get("h")?,
        get("mi")?,
        seconds,
        None,
        None,
        fraction,
    ])
    .ok()?;
    if c.name("sign").is_some_and(|s| s.as_str() == "-") {
        d.checked_neg().ok()
    } else {
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> String {
        Temporal::Date(parse_date(text).unwrap()).to_string()
    }

    #[test]
    fn date_forms() {
        assert_eq!(date("2015-07-21"), "2015-07-21");
        assert_eq!(date("20150721"), "2015-07-21");
        assert_eq!(date("201507"), "2015-07-01");
        assert_eq!(date("2015-W30-2"), "2015-07-21");
        assert_eq!(date("2015W30"), "2015-07-20");
        assert_eq!(date("2015202"), "2015-07-21");
        assert_eq!(date("2015"), "2015-01-01");
        assert_eq!(date("-999999999-01-01"), "-999999999-01-01");
        assert!(parse_date("2015-02-30").is_none());
        assert!(parse_date("2015-13").is_none());
    }

    #[test]
    fn durations() {
        let p = |t: &str| parse_duration(t).unwrap().to_string();
        assert_eq!(p("P5M1.5D"), "P5M1DT12H");
        assert_eq!(p("PT0.75M"), "PT45S");
        assert_eq!(p("P2012-02-02T14:37:21.545"), "P2012Y2M2DT14H37M21.545S");
        assert_eq!(p("PT-1.5S"), "PT-1.5S");
        assert!(parse_duration("P").is_none());
        assert!(parse_duration("PT").is_none());
        assert!(parse_duration("1D").is_none());
    }
}
