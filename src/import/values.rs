//! Turning the bytes of one CSV field into a property value of its column's type: integers
//! and floats parsed straight from bytes, booleans, UTF-8-checked strings, temporal values
//! (ISO-8601, by the temporal module's parser), and arrays split on the array delimiter. Parse failures are plain messages; the caller adds the
//! file, line and column.

use super::header::ValueType;
use crate::temporal::{self, TemporalKind};
use crate::val::Val;
use std::sync::Arc;

/// Strips ASCII whitespace at both ends (numbers and booleans may be padded).
fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// Parses a decimal integer (optional sign, ASCII digits, surrounding whitespace allowed)
/// without going through `str`; `None` on anything else or on overflow.
#[inline]
pub fn parse_int(bytes: &[u8]) -> Option<i64> {
    let mut digits = bytes;
    if digits.first().is_some_and(|b| b.is_ascii_whitespace())
        || digits.last().is_some_and(|b| b.is_ascii_whitespace())
    {
        digits = trim(digits);
    }
    let (negative, digits) = match digits.first() {
        Some(b'-') => (true, &digits[1..]),
        Some(b'+') => (false, &digits[1..]),
        _ => (false, digits),
    };
    if digits.is_empty() {
        return None;
    }
    // Accumulate as a negative number so that i64::MIN fits.
    let mut value: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value.checked_mul(10)?.checked_sub(d as i64)?;
    }
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

fn parse_float(bytes: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(trim(bytes)).ok()?;
    if text.is_empty() {
        return None;
    }
    text.parse::<f64>().ok()
}

fn parse_bool(bytes: &[u8]) -> Option<bool> {
    let text = trim(bytes);
    if text.eq_ignore_ascii_case(b"true") {
        Some(true)
    } else if text.eq_ignore_ascii_case(b"false") {
        Some(false)
    } else {
        None
    }
}

/// The field as a string, or a message when it is not UTF-8.
#[inline]
pub fn parse_str(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 (byte 0x{:02x} at offset {})",
            bytes[e.valid_up_to()],
            e.valid_up_to()
        )
    })
}

/// A field shown in a message: quoted, cut after 40 characters, invalid UTF-8 replaced.
pub fn quoted(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut shown: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        shown.push('…');
    }
    format!("'{shown}'")
}

fn scalar(bytes: &[u8], value_type: ValueType) -> Result<Val, String> {
    let parsed = match value_type {
        ValueType::Int => parse_int(bytes).map(Val::Int),
        ValueType::Float => parse_float(bytes).map(Val::Float),
        ValueType::Bool => parse_bool(bytes).map(Val::Bool),
        ValueType::Str => return parse_str(bytes).map(|s| Val::Str(crate::val::Str::from(s))),
        ValueType::Temporal(kind) => std::str::from_utf8(bytes).ok().and_then(|text| {
            temporal::parse::parse(kind, text, &temporal::build::default_zone())
                .ok()
                .map(temporal::func::val)
        }),
    };
    parsed.ok_or_else(|| format!("{} is not {}", quoted(bytes), article(value_type)))
}

fn article(value_type: ValueType) -> &'static str {
    match value_type {
        ValueType::Int => "an int",
        ValueType::Float => "a float",
        ValueType::Bool => "a boolean (true or false)",
        ValueType::Str => "a string",
        ValueType::Temporal(TemporalKind::Date) => "a date",
        ValueType::Temporal(TemporalKind::LocalTime) => "a localtime",
        ValueType::Temporal(TemporalKind::Time) => "a time",
        ValueType::Temporal(TemporalKind::LocalDateTime) => "a localdatetime",
        ValueType::Temporal(TemporalKind::DateTime) => "a datetime",
        ValueType::Temporal(TemporalKind::Duration) => "a duration",
    }
}

/// Parses a non-empty field of a property column. An array field is split on
/// `array_delimiter`; each item must parse as the item type.
pub fn parse_value(
    bytes: &[u8],
    value_type: ValueType,
    array: bool,
    array_delimiter: u8,
) -> Result<Val, String> {
    if !array {
        return scalar(bytes, value_type);
    }
    let mut items = Vec::new();
    for (n, item) in bytes.split(|&b| b == array_delimiter).enumerate() {
        match scalar(item, value_type) {
            Ok(v) => items.push(v),
            Err(e) => return Err(format!("item {}: {e}", n + 1)),
        }
    }
    Ok(Val::List(Arc::new(items)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        assert_eq!(parse_int(b"42"), Some(42));
        assert_eq!(parse_int(b"-7"), Some(-7));
        assert_eq!(parse_int(b"+7"), Some(7));
        assert_eq!(parse_int(b" 12 "), Some(12));
        assert_eq!(parse_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int(b"9223372036854775808"), None);
        assert_eq!(parse_int(b"00000000000000000000000001"), Some(1));
        for bad in [&b""[..], b"-", b"1.5", b"abc", b"1 2", b"\xff"] {
            assert_eq!(parse_int(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn values_and_messages() {
        assert!(matches!(scalar(b"2.5", ValueType::Float), Ok(Val::Float(f)) if f == 2.5));
        assert!(matches!(
            scalar(b"TRUE", ValueType::Bool),
            Ok(Val::Bool(true))
        ));
        assert_eq!(
            scalar(b"abc", ValueType::Int).unwrap_err(),
            "'abc' is not an int"
        );
        assert_eq!(
            scalar(b"yes", ValueType::Bool).unwrap_err(),
            "'yes' is not a boolean (true or false)"
        );
        assert_eq!(
            scalar(b"a\xffb", ValueType::Str).unwrap_err(),
            "invalid UTF-8 (byte 0xff at offset 1)"
        );
        let list = parse_value(b"1;2;3", ValueType::Int, true, b';').unwrap();
        assert!(matches!(list, Val::List(items) if items.len() == 3));
        assert_eq!(
            parse_value(b"1;x", ValueType::Int, true, b';').unwrap_err(),
            "item 2: 'x' is not an int"
        );
        assert_eq!(quoted(&[b'a'; 50]).chars().count(), 43);
    }
}
