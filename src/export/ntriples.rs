//! The `ntriples` export: RDF 1.1 N-Triples, one triple per line.
//!
//! - node `ID` is `<urn:kg:node:ID>`; each label `L` gives `rdf:type <urn:kg:label:L>`;
//!   each property `k` gives `<urn:kg:property:k>` with a literal;
//! - relationship `ID` of type `T` from `A` to `B` gives the triple
//!   `<urn:kg:node:A> <urn:kg:type:T> <urn:kg:node:B>` and, so that parallel relationships
//!   and relationship properties survive, its standard RDF reification
//!   `<urn:kg:relationship:ID>` (`rdf:type rdf:Statement`, `rdf:subject`,
//!   `rdf:predicate`, `rdf:object`), which carries the relationship's properties;
//! - names are percent-encoded (UTF-8) except ASCII letters, digits and `-._~`;
//! - literals: strings plain, integers `xsd:integer`, floats `xsd:double` (`NaN`, `INF`,
//!   `-INF`), booleans `xsd:boolean`, dates and times `xsd:date`, `xsd:time`,
//!   `xsd:dateTime`, `xsd:duration` where XSD can hold them exactly, otherwise kg's own
//!   text typed `<urn:kg:datatype:KIND>` (e.g. a datetime with a named zone); a list is
//!   an RDF collection (`rdf:first`/`rdf:rest` blank nodes `_:lN`, `rdf:nil` when empty).

use super::{node_value, rel_value, write_failed, Selection};
use crate::error::Result;
use crate::store::Graph;
use crate::temporal::{Date, LocalTime, Temporal};
use crate::value::{format_float, Value};
use std::fmt::Write as _;
use std::io::Write;

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// Percent-encodes a name for use inside an IRI.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// An N-Triples string literal body (between the quotes).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn typed(text: &str, datatype: &str) -> String {
    format!("\"{}\"^^<{datatype}>", escape(text))
}

fn xsd(text: &str, name: &str) -> String {
    typed(text, &format!("{XSD}{name}"))
}

fn xsd_date(d: Date) -> Option<String> {
    let (y, m, day) = d.ymd();
    (0..=9999)
        .contains(&y)
        .then(|| format!("{y:04}-{m:02}-{day:02}"))
}

fn xsd_time(t: LocalTime) -> String {
    let mut s = format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    if t.nano() > 0 {
        let frac = format!("{:09}", t.nano());
        let _ = write!(s, ".{}", frac.trim_end_matches('0'));
    }
    s
}

fn xsd_offset(offset: i32) -> Option<String> {
    (offset % 60 == 0 && offset.abs() <= 14 * 3600).then(|| crate::temporal::format_offset(offset))
}

/// A temporal value in XSD's lexical space, when XSD can hold it exactly.
fn xsd_temporal(t: &Temporal) -> Option<String> {
    Some(match t {
        Temporal::Date(d) => xsd(&xsd_date(*d)?, "date"),
        Temporal::LocalTime(lt) => xsd(&xsd_time(*lt), "time"),
        Temporal::Time(tz) => xsd(
            &format!("{}{}", xsd_time(tz.time), xsd_offset(tz.offset)?),
            "time",
        ),
        Temporal::LocalDateTime(ldt) => xsd(
            &format!("{}T{}", xsd_date(ldt.date)?, xsd_time(ldt.time)),
            "dateTime",
        ),
        Temporal::DateTime(dt) if dt.zone.is_none() => xsd(
            &format!(
                "{}T{}{}",
                xsd_date(dt.local.date)?,
                xsd_time(dt.local.time),
                xsd_offset(dt.offset)?
            ),
            "dateTime",
        ),
        Temporal::Duration(d) if d.months >= 0 && d.days >= 0 && d.seconds >= 0 => {
            xsd(&t.to_string(), "duration")
        }
        _ => return None,
    })
}

/// Writes the triples of `subject`'s property `key`; lists become collections.
struct Writer<'a> {
    out: &'a mut dyn Write,
    text: String,
    blank: usize,
}

impl Writer<'_> {
    fn object(&mut self, v: &Value) -> String {
        match v {
            Value::Bool(b) => xsd(&b.to_string(), "boolean"),
            Value::Int(i) => xsd(&i.to_string(), "integer"),
            Value::Float(f) => {
                let text = if f.is_nan() {
                    "NaN".to_string()
                } else if f.is_infinite() {
                    if *f > 0.0 { "INF" } else { "-INF" }.to_string()
                } else {
                    format_float(*f)
                };
                xsd(&text, "double")
            }
            Value::String(s) => format!("\"{}\"", escape(s)),
            Value::Temporal(t) => xsd_temporal(t).unwrap_or_else(|| {
                typed(
                    &t.to_string(),
                    &format!("urn:kg:datatype:{}", t.kind().function_name()),
                )
            }),
            Value::List(items) => {
                if items.is_empty() {
                    return format!("<{RDF}nil>");
                }
                let first = self.blank;
                self.blank += items.len();
                for (i, item) in items.iter().enumerate() {
                    let node = format!("_:l{}", first + i);
                    let o = self.object(item);
                    let _ = writeln!(self.text, "{node} <{RDF}first> {o} .");
                    let rest = if i + 1 < items.len() {
                        format!("_:l{}", first + i + 1)
                    } else {
                        format!("<{RDF}nil>")
                    };
                    let _ = writeln!(self.text, "{node} <{RDF}rest> {rest} .");
                }
                format!("_:l{first}")
            }
            // Not property values.
            other => format!("\"{}\"", escape(&other.to_string())),
        }
    }

    fn property(&mut self, subject: &str, key: &str, v: &Value) {
        let o = self.object(v);
        let _ = writeln!(
            self.text,
            "{subject} <urn:kg:property:{}> {o} .",
            encode(key)
        );
    }

    fn flush(&mut self) -> Result<()> {
        self.out
            .write_all(self.text.as_bytes())
            .map_err(write_failed)?;
        self.text.clear();
        Ok(())
    }
}

/// Writes the selection as N-Triples.
pub fn write(graph: &Graph, selection: &Selection, out: &mut dyn Write) -> Result<()> {
    let mut w = Writer {
        out,
        text: String::new(),
        blank: 0,
    };
    for &id in &selection.nodes {
        let n = node_value(graph, id);
        let s = format!("<urn:kg:node:{}>", n.id);
        for l in &n.labels {
            let _ = writeln!(w.text, "{s} <{RDF}type> <urn:kg:label:{}> .", encode(l));
        }
        for (k, v) in &n.properties {
            w.property(&s, k, v);
        }
        if w.text.len() > 1 << 16 {
            w.flush()?;
        }
    }
    for &id in &selection.rels {
        let r = rel_value(graph, id);
        let (a, b) = (
            format!("<urn:kg:node:{}>", r.start),
            format!("<urn:kg:node:{}>", r.end),
        );
        let p = format!("<urn:kg:type:{}>", encode(&r.rel_type));
        let s = format!("<urn:kg:relationship:{}>", r.id);
        let _ = writeln!(w.text, "{a} {p} {b} .");
        let _ = writeln!(w.text, "{s} <{RDF}type> <{RDF}Statement> .");
        let _ = writeln!(w.text, "{s} <{RDF}subject> {a} .");
        let _ = writeln!(w.text, "{s} <{RDF}predicate> {p} .");
        let _ = writeln!(w.text, "{s} <{RDF}object> {b} .");
        for (k, v) in &r.properties {
            w.property(&s, k, v);
        }
        if w.text.len() > 1 << 16 {
            w.flush()?;
        }
    }
    w.flush()
}
