//! The proleptic Gregorian calendar as plain integer arithmetic: days since 1970-01-01
//! to and from (year, month, day), ISO week dates, ordinal days and quarters. Years run
//! from -999,999,999 to 999,999,999, the range openCypher (and Neo4j) allow.

/// The smallest and largest year a date may have.
pub const MIN_YEAR: i64 = -999_999_999;
pub const MAX_YEAR: i64 = 999_999_999;

pub fn is_leap(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

pub fn days_in_year(year: i64) -> u32 {
    if is_leap(year) {
        366
    } else {
        365
    }
}

/// Days since 1970-01-01 of a valid (year, month, day) (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// ISO day of week: 1 = Monday … 7 = Sunday.
pub fn weekday(days: i64) -> u32 {
    ((days + 3).rem_euclid(7) + 1) as u32
}

/// Day of the year, 1-based.
pub fn ordinal_day(days: i64) -> u32 {
    let (y, _, _) = civil_from_days(days);
    (days - days_from_civil(y, 1, 1) + 1) as u32
}

pub fn quarter(month: u32) -> u32 {
    (month - 1) / 3 + 1
}

/// Day of the quarter, 1-based.
pub fn day_of_quarter(days: i64) -> u32 {
    let (y, m, _) = civil_from_days(days);
    let first = days_from_civil(y, (quarter(m) - 1) * 3 + 1, 1);
    (days - first + 1) as u32
}

/// The Monday that starts ISO week 1 of a week-based year.
pub fn week_one_monday(week_year: i64) -> i64 {
    let jan4 = days_from_civil(week_year, 1, 4);
    jan4 - (weekday(jan4) as i64 - 1)
}

/// (week-based year, week of that year) of a day.
pub fn iso_week(days: i64) -> (i64, u32) {
    let thursday = days - weekday(days) as i64 + 4;
    let (wy, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(wy, 1, 1)) / 7 + 1;
    (wy, week as u32)
}

/// The number of ISO weeks (52 or 53) in a week-based year.
pub fn weeks_in_year(week_year: i64) -> u32 {
    let next = week_one_monday(week_year + 1);
    ((next - week_one_monday(week_year)) / 7) as u32
}

/// Adds months to a date, clamping the day to the end of the resulting month.
pub fn add_months(days: i64, months: i64) -> Option<i64> {
    let (y, m, d) = civil_from_days(days);
    let total = (y as i128) * 12 + (m as i128 - 1) + months as i128;
    let ny = total.div_euclid(12);
    if ny < MIN_YEAR as i128 || ny > MAX_YEAR as i128 {
        return None;
    }
    let ny = ny as i64;
    let nm = (total.rem_euclid(12) + 1) as u32;
    Some(days_from_civil(ny, nm, d.min(days_in_month(ny, nm))))
}

/// True when a day count lies within the supported years.
pub fn in_range(days: i64) -> bool {
    (days_from_civil(MIN_YEAR, 1, 1)..=days_from_civil(MAX_YEAR, 12, 31)).contains(&days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        for d in [-800_000, -1, 0, 59, 60, 11_016, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(civil_from_days(days_from_civil(-1, 12, 31) + 1), (0, 1, 1));
        // 1984-10-11 was a Thursday.
        assert_eq!(weekday(days_from_civil(1984, 10, 11)), 4);
    }

    #[test]
    fn iso_weeks() {
        assert_eq!(iso_week(days_from_civil(1984, 1, 1)), (1983, 52));
        assert_eq!(iso_week(days_from_civil(1984, 10, 11)), (1984, 41));
        assert_eq!(civil_from_days(week_one_monday(1817)), (1816, 12, 30));
        assert_eq!(weeks_in_year(1818), 53);
        assert_eq!(weeks_in_year(1819), 52);
    }

    #[test]
    fn months_clamp() {
        let jan31 = days_from_civil(1984, 1, 31);
        assert_eq!(
            civil_from_days(add_months(jan31, 1).unwrap()),
            (1984, 2, 29)
        );
        assert_eq!(
            civil_from_days(add_months(jan31, -13).unwrap()),
            (1982, 12, 31)
        );
    }
}
