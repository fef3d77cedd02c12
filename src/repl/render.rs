//! How the shell prints a statement's result: an aligned table cut to the terminal width
//! (long cells end in `…`), at most `:maxrows` rows with a line saying how many more,
//! `(no rows)`, write statistics and notices, and a footer such as `3 rows · 0.4 ms`; or the
//! JSON and CSV encodings of `kg::output` when `:format` asks for them.

use crate::database::QueryResult;
use crate::output::{result_csv, result_json, result_table, stats_summary, Format, TableOptions};
use nu_ansi_term::Color;
use std::time::Duration;
use unicode_width::UnicodeWidthStr;

/// The settings that shape output.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub format: Format,
    /// Most rows a table shows; 0 shows all.
    pub max_rows: usize,
    /// Show parse, plan and execute time.
    pub timing: bool,
    /// Terminal width in columns, when known.
    pub width: Option<usize>,
    pub color: bool,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            format: Format::Table,
            max_rows: 1000,
            timing: false,
            width: None,
            color: false,
        }
    }
}

/// A duration for people: `0.42 ms`, `3.1 ms`, `250 ms`, `1.25 s`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 0.1 {
        format!("{ms:.2} ms")
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The terminal width of standard output, when it is a terminal.
pub fn terminal_width() -> Option<usize> {
    // SAFETY: TIOCGWINSZ fills a winsize struct we own; fd 1 may not be a terminal, in
    // which case the call fails and we return None.
    unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        if libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) == 0 && ws.ws_col > 0 {
            Some(ws.ws_col as usize)
        } else {
            None
        }
    }
}

/// The widest a cell may be so that a table of these columns fits in `width` columns:
/// one limit for all columns (the widest ones are cut first), never below 3 characters.
/// `None` when the table fits as it is.
pub fn cell_limit(headers: &[usize], cells: &[usize], width: usize) -> Option<usize> {
    let n = headers.len();
    let overhead = 3 * n + 1;
    let total = |limit: usize| -> usize {
        headers
            .iter()
            .zip(cells)
            .map(|(&h, &c)| h.max(c.min(limit)))
            .sum::<usize>()
            + overhead
    };
    let widest = cells.iter().copied().max().unwrap_or(0);
    if total(widest) <= width {
        return None;
    }
    // The largest limit that fits, by binary search over [3, widest).
    let (mut lo, mut hi) = (3usize, widest);
    if total(lo) > width {
        return Some(lo);
    }
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if total(mid) <= width {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(lo)
}

/// Renders a result; `explain` prints a plan's lines as plain text.
pub fn render(result: &QueryResult, opts: &RenderOptions, explain: bool) -> String {
    match opts.format {
        Format::Json => return result_json(result),
        Format::Csv => {
            let csv = result_csv(result);
            let body = csv.trim_end_matches(['\r', '\n']).to_string();
            return match footer_extras(result) {
                Some(extra) if body.is_empty() => extra,
                _ => body,
            };
        }
        Format::Table => {}
    }
    let mut out = String::new();
    if explain && !result.rows.is_empty() && result.columns.len() == 1 {
        for row in &result.rows {
            match row.first() {
                Some(crate::Value::String(s)) => out.push_str(s),
                Some(v) => out.push_str(&v.to_string()),
                None => {}
            }
            out.push('\n');
        }
        out.push_str(&dim(&timing_text(result, opts), opts.color));
        return out;
    }
    let mut parts: Vec<String> = Vec::new();
    if !result.columns.is_empty() {
        if result.rows.is_empty() {
            if let Some(profile) = crate::output::profile_text(result) {
                out.push_str(&profile);
                out.push('\n');
            }
            parts.push("(no rows)".to_string());
        } else {
            let max_rows = if opts.max_rows == 0 {
                usize::MAX
            } else {
                opts.max_rows
            };
            let shown = result.rows.len().min(max_rows);
            let max_cell = opts
                .width
                .and_then(|w| {
                    let headers: Vec<usize> = result.columns.iter().map(|c| c.width()).collect();
                    let mut cells = vec![0usize; headers.len()];
                    for row in &result.rows[..shown] {
                        for (i, v) in row.iter().enumerate().take(cells.len()) {
                            cells[i] = cells[i].max(v.to_string().width());
                        }
                    }
                    cell_limit(&headers, &cells, w)
                })
                .unwrap_or(usize::MAX);
            let (table, hidden) = result_table(
                result,
                &TableOptions {
                    max_rows,
                    width: None,
                    max_cell,
                },
            );
            out.push_str(&table);
            out.push('\n');
            if hidden > 0 {
                out.push_str(&dim(
                    &format!(
                        "… {hidden} more {} (:maxrows 0 shows every row)",
                        if hidden == 1 { "row" } else { "rows" }
                    ),
                    opts.color,
                ));
                out.push('\n');
            }
            parts.push(plural(result.rows.len(), "row", "rows"));
        }
    }
    if let Some(extra) = footer_extras(result) {
        parts.push(extra);
    } else if result.columns.is_empty() {
        parts.push("(no changes)".to_string());
    }
    parts.push(timing_text(result, opts));
    out.push_str(&dim(&parts.join(" · "), opts.color));
    out
}

/// Write statistics and the notice, if the statement has them.
fn footer_extras(result: &QueryResult) -> Option<String> {
    let mut extras: Vec<String> = Vec::new();
    if let Some(stats) = stats_summary(result) {
        extras.push(stats);
    }
    if let Some(notice) = &result.notice {
        extras.push(notice.clone());
    }
    (!extras.is_empty()).then(|| extras.join(" · "))
}

fn timing_text(result: &QueryResult, opts: &RenderOptions) -> String {
    let t = &result.timing;
    if opts.timing {
        format!(
            "{} (parse {}, plan {}, execute {})",
            duration(t.total()),
            duration(t.parse),
            duration(t.plan),
            duration(t.execute)
        )
    } else {
        duration(t.total())
    }
}

fn dim(text: &str, color: bool) -> String {
    if color {
        Color::DarkGray.paint(text).to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;

    fn result(columns: &[&str], rows: Vec<Vec<Value>>) -> QueryResult {
        QueryResult {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows,
            timing: crate::Timing {
                parse: Duration::from_micros(100),
                plan: Duration::from_micros(100),
                execute: Duration::from_micros(200),
            },
            ..QueryResult::default()
        }
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(Duration::from_micros(40)), "0.04 ms");
        assert_eq!(duration(Duration::from_micros(400)), "0.4 ms");
        assert_eq!(duration(Duration::from_millis(250)), "250 ms");
        assert_eq!(duration(Duration::from_millis(1250)), "1.25 s");
    }

    #[test]
    fn a_table_with_its_footer() {
        let r = result(
            &["name", "n"],
            vec![
                vec![Value::from("Ann"), Value::Int(1)],
                vec![Value::from("Bo"), Value::Int(22)],
            ],
        );
        let text = render(&r, &RenderOptions::default(), false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].contains("name") && lines[1].contains(" n "),
            "{text}"
        );
        assert!(text.contains("'Ann'"), "{text}");
        assert_eq!(lines.last(), Some(&"2 rows · 0.4 ms"));
    }

    #[test]
    fn limits_rows_and_says_how_many_more() {
        let rows = (0..5).map(|i| vec![Value::Int(i)]).collect();
        let r = result(&["x"], rows);
        let opts = RenderOptions {
            max_rows: 2,
            ..RenderOptions::default()
        };
        let text = render(&r, &opts, false);
        assert!(
            text.contains("… 3 more rows (:maxrows 0 shows every row)"),
            "{text}"
        );
        assert!(text.ends_with("5 rows · 0.4 ms"), "{text}");
        assert!(!text.contains(" 4 "), "{text}");
    }

    #[test]
    fn empty_results_writes_and_notices() {
        let r = result(&["x"], vec![]);
        assert_eq!(
            render(&r, &RenderOptions::default(), false),
            "(no rows) · 0.4 ms"
        );
        let mut w = result(&[], vec![]);
        w.stats.nodes_created = 2;
        w.stats.properties_set = 3;
        assert_eq!(
            render(&w, &RenderOptions::default(), false),
            "Created 2 nodes, set 3 properties · 0.4 ms"
        );
        let mut n = result(&[], vec![]);
        n.notice = Some("transaction started".into());
        assert_eq!(
            render(&n, &RenderOptions::default(), false),
            "transaction started · 0.4 ms"
        );
        let nothing = result(&[], vec![]);
        assert_eq!(
            render(&nothing, &RenderOptions::default(), false),
            "(no changes) · 0.4 ms"
        );
        let timed = RenderOptions {
            timing: true,
            ..RenderOptions::default()
        };
        assert_eq!(
            render(&nothing, &timed, false),
            "(no changes) · 0.4 ms (parse 0.1 ms, plan 0.1 ms, execute 0.2 ms)"
        );
    }

    #[test]
    fn wide_tables_are_cut_to_the_terminal() {
        let long = "x".repeat(200);
        let r = result(
            &["id", "text"],
            vec![vec![Value::Int(1), Value::String(long)]],
        );
        let opts = RenderOptions {
            width: Some(40),
            ..RenderOptions::default()
        };
        let text = render(&r, &opts, false);
        for line in text.lines() {
            assert!(line.width() <= 40, "{line:?} is wider than 40");
        }
        assert!(text.contains('…'));
    }

    #[test]
    fn cell_limit_cuts_the_widest_columns_first() {
        assert_eq!(cell_limit(&[2, 4], &[3, 10], 40), None);
        // 3*2+1 = 7 columns of borders; 20 - 7 = 13 for content: 3 + 10 fits exactly.
        assert_eq!(cell_limit(&[2, 4], &[3, 12], 20), Some(10));
        assert_eq!(cell_limit(&[2, 4], &[3, 100], 5), Some(3));
    }

    #[test]
    fn json_and_csv_formats() {
        let r = result(&["x"], vec![vec![Value::Int(1)]]);
        let json = RenderOptions {
            format: Format::Json,
            ..RenderOptions::default()
        };
        assert!(render(&r, &json, false).starts_with("{\"columns\":[\"x\"]"));
        let csv = RenderOptions {
            format: Format::Csv,
            ..RenderOptions::default()
        };
        assert_eq!(render(&r, &csv, false), "x\r\n1");
    }
}
