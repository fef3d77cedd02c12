//! Temporal values through the whole engine: construction, printing, components,
//! comparison, ORDER BY and DISTINCT, arithmetic, truncation, durations between, storage
//! as properties, the JSON encoding, and errors (never panics) for bad input.

use kg::{Database, Params, Value};

fn run(db: &mut Database, query: &str) -> Vec<Vec<Value>> {
    match db.execute(query, &Params::new()) {
        Ok(r) => r.rows,
        Err(e) => panic!("{query}: {}", e.render(query)),
    }
}

/// The single value of a one-row, one-column query, as text.
fn one(query: &str) -> String {
    let rows = run(&mut Database::new(), query);
    assert_eq!(rows.len(), 1, "{query}");
    rows[0][0].to_string()
}

/// The error kind and code of a failing query.
fn error(query: &str) -> (String, Option<String>) {
    match Database::new().execute(query, &Params::new()) {
        Ok(r) => panic!("{query} should fail, got {:?}", r.rows),
        Err(e) => (e.kind().name().to_string(), e.code().map(str::to_string)),
    }
}

#[test]
fn constructs_and_prints_every_type() {
    assert_eq!(
        one("RETURN date({year: 1984, month: 10, day: 11})"),
        "1984-10-11"
    );
    assert_eq!(one("RETURN date('2015-W30-2')"), "2015-07-21");
    assert_eq!(
        one("RETURN localtime({hour: 12, minute: 31, second: 14, millisecond: 645})"),
        "12:31:14.645"
    );
    assert_eq!(one("RETURN time('214032-0100')"), "21:40:32-01:00");
    assert_eq!(
        one("RETURN localdatetime({year: 1984, ordinalDay: 202, hour: 12})"),
        "1984-07-20T12:00"
    );
    assert_eq!(
        one("RETURN datetime('2015-07-21T21:40:32.142[Europe/London]')"),
        "2015-07-21T21:40:32.142+01:00[Europe/London]"
    );
    assert_eq!(one("RETURN duration({weeks: 2.5})"), "P17DT12H");
    assert_eq!(one("RETURN duration('-P1DT2H')"), "P-1DT-2H");
    assert_eq!(one("RETURN date('+999999999-12-31')"), "+999999999-12-31");
}

#[test]
fn named_zones_follow_history_and_dst() {
    assert_eq!(
        one("RETURN datetime('1818-07-21T21:40:32.142[Europe/Stockholm]')"),
        "1818-07-21T21:40:32.142+00:53:28[Europe/Stockholm]"
    );
    // 02:30 did not exist on 2017-03-26 in Stockholm: the time moves past the gap.
    assert_eq!(
        one("RETURN datetime({year: 2017, month: 3, day: 26, hour: 2, minute: 30, timezone: 'Europe/Stockholm'})"),
        "2017-03-26T03:30+02:00[Europe/Stockholm]"
    );
    assert_eq!(
        one("RETURN datetime({year: 1984, month: 10, day: 11, hour: 12, timezone: 'Europe/Stockholm'}).epochSeconds"),
        "466340400"
    );
}

#[test]
fn components() {
    let mut db = Database::new();
    let rows = run(
        &mut db,
        "WITH date('1984-01-01') AS d, duration('P1Y4M10DT1H1M1.111111111S') AS u \
         RETURN d.weekYear, d.week, d.weekDay, d.dayOfQuarter, u.monthsOfYear, u.minutes, u.nanosecondsOfSecond",
    );
    let got: Vec<String> = rows[0].iter().map(Value::to_string).collect();
    assert_eq!(got, ["1983", "52", "7", "1", "4", "61", "111111111"]);
    assert_eq!(
        one("RETURN time('12:00+05:30').offsetMinutes"),
        "330",
        "offset components"
    );
    let (kind, _) = error("WITH date('2015-01-01') AS d RETURN d.hour");
    assert_eq!(kind, "TypeError");
}

#[test]
fn equality_comparison_and_order() {
    assert_eq!(
        one("RETURN date('2015-01-01') < date('2015-01-02')"),
        "true"
    );
    assert_eq!(one("RETURN time('12:00+01:00') < time('11:30Z')"), "true");
    assert_eq!(
        one("RETURN datetime('2015-01-01T12:00+01:00') > datetime('2015-01-01T11:30Z')"),
        "false"
    );
    assert_eq!(
        one("RETURN date('2015-01-01') < localdatetime('2015-01-02')"),
        "null"
    );
    assert_eq!(one("RETURN duration('P1D') < duration('P2D')"), "null");
    assert_eq!(
        one("RETURN duration('PT70S') = duration('PT1M10S')"),
        "true"
    );
    assert_eq!(one("RETURN duration('P1M') = duration('P30D')"), "false");
    assert_eq!(one("RETURN date('2015-01-01') = '2015-01-01'"), "false");
    let mut db = Database::new();
    let rows = run(
        &mut db,
        "UNWIND ['a', duration('P1D'), date('2015-01-01'), 1, datetime('2015-01-01T00:00Z'), \
         localtime('12:00'), null] AS x RETURN x ORDER BY x",
    );
    let got: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
    assert_eq!(
        got,
        [
            "2015-01-01T00:00Z",
            "2015-01-01",
            "12:00",
            "P1D",
            "'a'",
            "1",
            "null"
        ]
    );
    let rows = run(
        &mut db,
        "UNWIND [date('2015-01-01'), date('20150101'), date('2015-001')] AS d RETURN DISTINCT d",
    );
    assert_eq!(rows.len(), 1, "equal dates are one group");
    assert_eq!(
        one("UNWIND [date('1999-12-31'), date('2001-01-01'), date('2000-06-15')] AS d RETURN max(d)"),
        "2001-01-01"
    );
}

#[test]
fn arithmetic() {
    assert_eq!(
        one("RETURN date('2015-01-31') + duration('P1M')"),
        "2015-02-28"
    );
    assert_eq!(
        one("RETURN duration('P1M') + date('2015-01-31')"),
        "2015-02-28"
    );
    assert_eq!(one("RETURN localtime('23:30') + duration('PT1H')"), "00:30");
    assert_eq!(
        one("RETURN datetime('2017-10-28T12:00[Europe/Stockholm]') + duration('P1D')"),
        "2017-10-29T12:00+01:00[Europe/Stockholm]"
    );
    assert_eq!(
        one("RETURN datetime('2017-10-28T12:00[Europe/Stockholm]') + duration('PT24H')"),
        "2017-10-29T11:00+01:00[Europe/Stockholm]"
    );
    assert_eq!(one("RETURN duration('PT1H') * 1.5"), "PT1H30M");
    assert_eq!(one("RETURN 2 * duration('P1D')"), "P2D");
    assert_eq!(one("RETURN duration('P1D') / 4"), "PT6H");
    assert_eq!(one("RETURN -duration('P1DT1S')"), "P-1DT-1S");
    assert_eq!(one("RETURN duration('P1D') - duration('PT1S')"), "P1DT-1S");
    assert_eq!(one("RETURN date('2015-01-01') + null"), "null");
    assert_eq!(
        one("RETURN [date('2015-01-01')] + date('2015-01-02')"),
        "[2015-01-01, 2015-01-02]"
    );
    // Over literals the type error is found when the query is compiled.
    let (kind, code) = error("RETURN duration('P1D') - date('2015-01-01')");
    assert_eq!(
        (kind.as_str(), code.as_deref()),
        ("SyntaxError", Some("InvalidArgumentType"))
    );
    let mut db = Database::new();
    run(&mut db, "CREATE ({d: date('2015-01-01')})");
    let err = db
        .execute("MATCH (n) RETURN duration('P1D') - n.d", &Params::new())
        .unwrap_err();
    assert_eq!(
        (err.kind().name(), err.code()),
        ("TypeError", Some("InvalidArgumentType"))
    );
    let (kind, _) = error("WITH duration('P1D') AS d RETURN d / 0");
    assert_eq!(kind, "ArgumentError");
}

#[test]
fn truncate_and_between() {
    assert_eq!(
        one("RETURN datetime.truncate('week', datetime('2015-07-23T12:00+02:00'), {dayOfWeek: 5})"),
        "2015-07-24T00:00+02:00"
    );
    assert_eq!(
        one("RETURN date.truncate('century', date('1999-12-31'))"),
        "1900-01-01"
    );
    assert_eq!(
        one("RETURN duration.between(date('2015-01-31'), date('2015-03-01'))"),
        "P1M1D"
    );
    assert_eq!(
        one("RETURN duration.inDays(datetime('2017-10-28T12:00[Europe/Stockholm]'), datetime('2017-10-29T12:00[Europe/Stockholm]'))"),
        "P1D"
    );
    assert_eq!(
        one("RETURN duration.inSeconds(datetime('2017-10-28T12:00[Europe/Stockholm]'), datetime('2017-10-29T12:00[Europe/Stockholm]'))"),
        "PT25H"
    );
    assert_eq!(
        one("RETURN duration.between(date('-999999999-01-01'), date('+999999999-12-31'))"),
        "P1999999998Y11M30D"
    );
}

#[test]
fn stored_as_properties_and_encoded_as_json() {
    let mut db = Database::new();
    run(
        &mut db,
        "CREATE (:E {on: date('2015-07-21'), at: [localtime('12:00'), localtime('13:00')], took: duration('PT90M')})",
    );
    let rows = run(
        &mut db,
        "MATCH (e:E) WHERE e.on > date('2015-01-01') RETURN e.on, e.at, e.took",
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0].to_string(), "2015-07-21");
    assert_eq!(rows[0][1].to_string(), "[12:00, 13:00]");
    assert_eq!(rows[0][2].to_string(), "PT1H30M");
    let result = db
        .execute(
            "MATCH (e:E) RETURN e.on AS day, e.took AS took",
            &Params::new(),
        )
        .unwrap();
    let json = kg::output::result_json(&result);
    assert!(
        json.contains(r#""rows":[["2015-07-21","PT1H30M"]]"#),
        "temporals are ISO strings in JSON: {json}"
    );
    // Mixed lists cannot be stored.
    assert!(db
        .execute(
            "CREATE ({x: [date('2015-01-01'), localtime('12:00')]})",
            &Params::new()
        )
        .is_err());
}

#[test]
fn nulls_and_clock_functions() {
    for f in [
        "date",
        "localtime",
        "time",
        "localdatetime",
        "datetime",
        "duration",
    ] {
        assert_eq!(one(&format!("RETURN {f}(null)")), "null");
    }
    assert_eq!(one("RETURN date.statement(null)"), "null");
    assert_eq!(one("RETURN duration.between(null, date())"), "null");
    assert_eq!(one("RETURN datetime.realtime('+05:00').offset"), "'+05:00'");
    assert_eq!(
        one("RETURN date.realtime('Pacific/Kiritimati') >= date.realtime('Pacific/Pago_Pago')"),
        "true"
    );
    assert_eq!(
        one("RETURN datetime.fromepochmillis(0)"),
        "1970-01-01T00:00Z"
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    for q in [
        "RETURN date('2015-02-30')",
        "RETURN date('not a date')",
        "RETURN date({year: 2015, month: 13})",
        "RETURN date({month: 1})",
        "RETURN localtime({hour: 24})",
        "RETURN localtime({hour: 1, second: 3})",
        "RETURN time('12:00+19:00')",
        "RETURN datetime({year: 2015, timezone: 'Mars/Olympus'})",
        "RETURN datetime({year: 20000, timezone: 'Europe/Stockholm'})",
        "RETURN duration('P')",
        "RETURN duration({})",
        "RETURN duration({years: 1e300}) * 1e300",
        "RETURN date({year: 2015, hour: 3})",
        "RETURN date.truncate('hour', date('2015-01-01'))",
        "RETURN date.truncate('fortnight', date('2015-01-01'))",
        "RETURN datetime.fromepoch(9223372036854775807, 0)",
        "RETURN date('+999999999-12-31') + duration('P1D')",
        "RETURN localtime(date('2015-01-01'))",
    ] {
        let (kind, _) = error(q);
        assert!(
            kind == "ArgumentError" || kind == "TypeError" || kind == "SyntaxError",
            "{q}: {kind}"
        );
    }
    let (kind, code) = error("RETURN date(42)");
    assert_eq!(
        kind, "SyntaxError",
        "a literal of the wrong type fails at compile time"
    );
    assert_eq!(code.as_deref(), Some("InvalidArgumentType"));
}

#[test]
fn snapshots_keep_temporal_properties() {
    let mut db = Database::new();
    run(
        &mut db,
        "CREATE ({d: date('-0044-03-15'), t: time('12:34:56.789+02:05:59'), \
         z: datetime('1818-07-21T21:40:32.142[Europe/Stockholm]'), \
         l: [localdatetime('2015-07-21T21:40'), localdatetime('9999-12-31T23:59:59.999999999')], \
         u: duration({seconds: -60, milliseconds: -1}), lt: localtime('00:00:00.000001')})",
    );
    let query = "MATCH (n) RETURN n.d, n.t, n.z, n.l, n.u, n.lt";
    let before = run(&mut db, query);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.kg");
    kg::snapshot::save_graph(db.graph(), &path).unwrap();
    let mut loaded = Database::from_graph(kg::snapshot::load_graph(&path).unwrap());
    let after = run(&mut loaded, query);
    assert_eq!(before, after);
    let text: Vec<String> = after[0].iter().map(Value::to_string).collect();
    assert_eq!(
        text,
        [
            "-0044-03-15",
            "12:34:56.789+02:05:59",
            "1818-07-21T21:40:32.142+00:53:28[Europe/Stockholm]",
            "[2015-07-21T21:40, 9999-12-31T23:59:59.999999999]",
            "PT-1M-0.001S",
            "00:00:00.000001"
        ]
    );
}

#[test]
fn current_values_in_a_zone() {
    assert_eq!(
        one("RETURN datetime({timezone: 'Asia/Kolkata'}).timezone"),
        "'Asia/Kolkata'"
    );
    assert_eq!(one("RETURN time({timezone: '-03:00'}).offset"), "'-03:00'");
    assert_eq!(
        one("RETURN date({timezone: 'Pacific/Kiritimati'}) >= date({timezone: 'Pacific/Pago_Pago'})"),
        "true"
    );
    // An offset that the named zone does not have at that time is refused.
    let (kind, _) = error("RETURN datetime('2015-07-21T21:40+05:00[Europe/Stockholm]')");
    assert_eq!(kind, "ArgumentError");
}

mod never_panics {
    use kg::temporal::zone::{self, Zone};
    use kg::temporal::{
        build, calendar, parse, Date, Duration, LocalDateTime, LocalTime, Temporal, TemporalKind,
        Time,
    };
    use proptest::prelude::*;

    const KINDS: [TemporalKind; 6] = [
        TemporalKind::Date,
        TemporalKind::LocalTime,
        TemporalKind::Time,
        TemporalKind::LocalDateTime,
        TemporalKind::DateTime,
        TemporalKind::Duration,
    ];

    proptest! {
        #[test]
        fn parsing_any_text(text in r"[-+0-9TWPYMDHSZ:.,\[\]a-z/_]{0,32}") {
            for kind in KINDS {
                if let Ok(t) = parse::parse(kind, &text, &build::default_zone()) {
                    // Whatever parses prints as text that parses back to the same value.
                    let again = parse::parse(kind, &t.to_string(), &build::default_zone());
                    prop_assert_eq!(again, Ok(t));
                }
            }
        }

        #[test]
        fn printing_then_parsing_gives_the_same_value(
            days in calendar::days_from_civil(-99_999, 1, 1)..calendar::days_from_civil(99_999, 12, 31),
            nanos in 0i64..86_400_000_000_000,
            offset in -18 * 3600..=18 * 3600,
            instant in -5_000_000_000_000_000_000i128..5_000_000_000_000_000_000,
            zone_name in proptest::sample::select(vec!["Europe/Stockholm", "America/New_York",
                "Australia/Eucla", "Asia/Kathmandu", "Pacific/Apia", "UTC"]),
            months in any::<i32>(), d in any::<i32>(), secs in any::<i64>(), ns in 0i64..1_000_000_000,
        ) {
            let date = Date { days };
            let time = LocalTime { nanos };
            let local = LocalDateTime { date, time };
            let values = vec![
                Temporal::Date(date),
                Temporal::LocalTime(time),
                Temporal::Time(Time { time, offset }),
                Temporal::LocalDateTime(local),
                Temporal::DateTime(Zone::Fixed(offset).at_local(local, None).unwrap()),
                Temporal::DateTime(zone::named(zone_name).unwrap().at_instant(instant).unwrap()),
                Temporal::Duration(Duration::new(months as i64, d as i64, secs / 8, ns).unwrap()),
            ];
            for t in values {
                let text = t.to_string();
                let back = parse::parse(t.kind(), &text, &build::default_zone());
                prop_assert_eq!(back, Ok(t), "{}", text);
            }
        }

        #[test]
        fn building_from_any_components(
            year in prop_oneof![any::<i64>(), -3000i64..3000],
            a in prop_oneof![any::<i64>(), -60i64..60],
            b in prop_oneof![any::<i64>(), -60i64..60],
            keys in proptest::sample::subsequence(
                vec!["month", "day", "week", "dayOfWeek", "ordinalDay", "quarter",
                     "dayOfQuarter", "hour", "minute", "second", "millisecond", "nanosecond"], 0..4),
        ) {
            let mut fields = format!("year: {year}");
            for (i, k) in keys.iter().enumerate() {
                fields.push_str(&format!(", {k}: {}", if i % 2 == 0 { a } else { b }));
            }
            for f in ["date", "localdatetime", "datetime"] {
                let q = format!("RETURN {f}({{{fields}}}) AS v");
                let _ = kg::Database::new().execute(&q, &kg::Params::new());
            }
            let q = format!("RETURN duration({{years: {year}, days: {a}, seconds: {b}}}) * {a}");
            let _ = kg::Database::new().execute(&q, &kg::Params::new());
        }
    }
}
