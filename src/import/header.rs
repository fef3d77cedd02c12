//! The header line of an import file in neo4j-admin's convention: each field is `name`,
//! `name:type` or `:type`, where the type is a value type (`int`, `float`, `string[]`, …)
//! or a role (`ID(Group)`, `LABEL`, `START_ID(Group)`, `END_ID(Group)`, `TYPE`, `IGNORE`).
//! This module turns a header into one `Column` per field and checks that the roles fit
//! the kind of file (node or relationship).

use crate::temporal::TemporalKind;
use std::fmt;

/// Whether a file holds nodes or relationships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Nodes,
    Relationships,
}

/// The type of a property column's values (or of each item of an array column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Int,
    Float,
    Bool,
    Str,
    Temporal(TemporalKind),
}

/// What a column means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Skipped (`:IGNORE`).
    Ignore,
    /// The node's id in an id group (`""` is the global group); with a name, also stored
    /// as a property of that name.
    Id {
        group: String,
        property: Option<String>,
    },
    /// Labels separated by the array delimiter.
    Label,
    StartId {
        group: String,
    },
    EndId {
        group: String,
    },
    Type,
    Property {
        name: String,
        value_type: ValueType,
        array: bool,
    },
}

/// One header field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// How the column is named in messages: the property name, or the header text for
    /// the other roles (`:START_ID(Person)`).
    pub display: String,
    pub role: Role,
}

/// A header problem: which column (0-based) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    pub column: Option<usize>,
    pub field: String,
    pub message: String,
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(i) => write!(
                f,
                "header column {} ('{}'): {}",
                i + 1,
                self.field,
                self.message
            ),
            None => f.write_str(&self.message),
        }
    }
}

fn problem(column: usize, field: &str, message: impl Into<String>) -> HeaderError {
    HeaderError {
        column: Some(column),
        field: field.to_string(),
        message: message.into(),
    }
}

/// Splits `ROLE(Group)` into the role word and the group (`""` without parentheses).
fn split_group(spec: &str) -> Result<(&str, &str), String> {
    match spec.find('(') {
        None => Ok((spec, "")),
        Some(open) => {
            let Some(inner) = spec[open + 1..].strip_suffix(')') else {
                return Err(format!("'{spec}' has an unclosed or misplaced '('"));
            };
            if inner.contains(['(', ')']) {
                return Err(format!("'{spec}' has nested parentheses"));
            }
            Ok((&spec[..open], inner.trim()))
        }
    }
}

fn value_type(name: &str) -> Option<ValueType> {
    Some(match name.to_ascii_lowercase().as_str() {
        "int" | "long" | "short" | "byte" => ValueType::Int,
        "float" | "double" => ValueType::Float,
        "boolean" => ValueType::Bool,
        // kg has no spatial values: a point is kept as its text.
        "string" | "char" | "point" => ValueType::Str,
        "date" => ValueType::Temporal(TemporalKind::Date),
        "localtime" => ValueType::Temporal(TemporalKind::LocalTime),
        "time" => ValueType::Temporal(TemporalKind::Time),
        "localdatetime" => ValueType::Temporal(TemporalKind::LocalDateTime),
        "datetime" => ValueType::Temporal(TemporalKind::DateTime),
        "duration" => ValueType::Temporal(TemporalKind::Duration),
        _ => return None,
    })
}

/// Parses one header field.
fn parse_field(index: usize, field: &str) -> Result<Column, HeaderError> {
    let text = field.trim();
    let (name, spec) = match text.find(':') {
        Some(colon) => (text[..colon].trim(), Some(text[colon + 1..].trim())),
        None => (text, None),
    };
    let Some(spec) = spec else {
        if name.is_empty() {
            return Err(problem(index, field, "the column has no name and no type"));
        }
        return Ok(Column {
            display: name.to_string(),
            role: Role::Property {
                name: name.to_string(),
                value_type: ValueType::Str,
                array: false,
            },
        });
    };
    let (word, group) = split_group(spec).map_err(|m| problem(index, field, m))?;
    let word_upper = word.trim().to_ascii_uppercase();
    let special = |role: Role| Column {
        display: text.to_string(),
        role,
    };
    let no_group = |role: Role| -> Result<Column, HeaderError> {
        if spec.contains('(') {
            Err(problem(
                index,
                field,
                format!("{word_upper} takes no (group)"),
            ))
        } else {
            Ok(special(role))
        }
    };
    let property = (!name.is_empty()).then(|| name.to_string());
    match word_upper.as_str() {
        "ID" => Ok(special(Role::Id {
            group: group.to_string(),
            property,
        })),
        "START_ID" => Ok(special(Role::StartId {
            group: group.to_string(),
        })),
        "END_ID" => Ok(special(Role::EndId {
            group: group.to_string(),
        })),
        "LABEL" => no_group(Role::Label),
        "TYPE" => no_group(Role::Type),
        "IGNORE" => no_group(Role::Ignore),
        _ => {
            if spec.contains('(') {
                return Err(problem(
                    index,
                    field,
                    format!("unknown column type '{spec}'"),
                ));
            }
            let (base, array) = match word.trim().strip_suffix("[]") {
                Some(base) => (base.trim(), true),
                None => (word.trim(), false),
            };
            let Some(value_type) = value_type(base) else {
                return Err(problem(
                    index,
                    field,
                    format!(
                        "unknown column type '{spec}' (expected int, long, float, double, \
                         boolean, string, date, datetime, …, an array such as int[], or ID, \
                         LABEL, START_ID, END_ID, TYPE, IGNORE)"
                    ),
                ));
            };
            if name.is_empty() {
                return Err(problem(
                    index,
                    field,
                    "a property column needs a name before ':'",
                ));
            }
            Ok(Column {
                display: name.to_string(),
                role: Role::Property {
                    name: name.to_string(),
                    value_type,
                    array,
                },
            })
        }
    }
}

/// Parses a header and checks it for a node or relationship file: a node file has at
/// most one `ID` and no `START_ID`, `END_ID` or `TYPE`; a relationship file has exactly
/// one `START_ID` and one `END_ID`, at most one `TYPE`, and no `ID` or `LABEL`. Property
/// names (including a named `ID`) must be distinct.
pub fn parse_header(fields: &[&str], kind: FileKind) -> Result<Vec<Column>, HeaderError> {
    if fields.is_empty() || fields.iter().all(|f| f.trim().is_empty()) {
        return Err(HeaderError {
            column: None,
            field: String::new(),
            message: "the header is empty".to_string(),
        });
    }
    let mut columns = Vec::with_capacity(fields.len());
    let mut property_names: Vec<(String, usize)> = Vec::new();
    let (mut ids, mut starts, mut ends, mut types) = (0, 0, 0, 0);
    for (index, field) in fields.iter().enumerate() {
        let column = parse_field(index, field)?;
        let misplaced = |what: &str| {
            let file = match kind {
                FileKind::Nodes => "node",
                FileKind::Relationships => "relationship",
            };
            Err(problem(
                index,
                field,
                format!("{what} is not allowed in a {file} file"),
            ))
        };
        match (&column.role, kind) {
            (Role::Id { .. }, FileKind::Nodes) => {
                ids += 1;
                if ids > 1 {
                    return Err(problem(index, field, "a second ID column"));
                }
            }
            (Role::Id { .. }, FileKind::Relationships) => return misplaced("ID"),
            (Role::Label, FileKind::Relationships) => return misplaced("LABEL"),
            (Role::StartId { .. }, FileKind::Nodes) => return misplaced("START_ID"),
            (Role::EndId { .. }, FileKind::Nodes) => return misplaced("END_ID"),
            (Role::Type, FileKind::Nodes) => return misplaced("TYPE"),
            (Role::StartId { .. }, _) => {
                starts += 1;
                if starts > 1 {
                    return Err(problem(index, field, "a second START_ID column"));
                }
            }
            (Role::EndId { .. }, _) => {
                ends += 1;
                if ends > 1 {
                    return Err(problem(index, field, "a second END_ID column"));
                }
            }
            (Role::Type, _) => {
                types += 1;
                if types > 1 {
                    return Err(problem(index, field, "a second TYPE column"));
                }
            }
            _ => {}
        }
        let property_name = match &column.role {
            Role::Id {
                property: Some(name),
                ..
            } => Some(name.clone()),
            Role::Property { name, .. } => Some(name.clone()),
            _ => None,
        };
        if let Some(name) = property_name {
            if let Some((_, first)) = property_names.iter().find(|(n, _)| *n == name) {
                return Err(problem(
                    index,
                    field,
                    format!("property '{name}' is already column {}", first + 1),
                ));
            }
            property_names.push((name, index));
        }
        columns.push(column);
    }
    if kind == FileKind::Relationships {
        if starts == 0 {
            return Err(HeaderError {
                column: None,
                field: String::new(),
                message: "a relationship file needs a :START_ID column".to_string(),
            });
        }
        if ends == 0 {
            return Err(HeaderError {
                column: None,
                field: String::new(),
                message: "a relationship file needs an :END_ID column".to_string(),
            });
        }
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(fields: &[&str], kind: FileKind) -> Vec<Role> {
        parse_header(fields, kind)
            .unwrap()
            .into_iter()
            .map(|c| c.role)
            .collect()
    }

    #[test]
    fn node_header() {
        let r = roles(
            &[
                "id:ID(Person)",
                "name",
                "age:int",
                "tags:string[]",
                ":LABEL",
                "x:IGNORE",
            ],
            FileKind::Nodes,
        );
        assert_eq!(
            r,
            vec![
                Role::Id {
                    group: "Person".into(),
                    property: Some("id".into())
                },
                Role::Property {
                    name: "name".into(),
                    value_type: ValueType::Str,
                    array: false
                },
                Role::Property {
                    name: "age".into(),
                    value_type: ValueType::Int,
                    array: false
                },
                Role::Property {
                    name: "tags".into(),
                    value_type: ValueType::Str,
                    array: true
                },
                Role::Label,
                Role::Ignore,
            ]
        );
    }

    #[test]
    fn anonymous_global_id_and_case() {
        let r = roles(&[":id", "score:Double"], FileKind::Nodes);
        assert_eq!(
            r[0],
            Role::Id {
                group: String::new(),
                property: None
            }
        );
        assert_eq!(
            r[1],
            Role::Property {
                name: "score".into(),
                value_type: ValueType::Float,
                array: false
            }
        );
    }

    #[test]
    fn relationship_header_rules() {
        assert!(parse_header(&[":START_ID", ":END_ID"], FileKind::Relationships).is_ok());
        let e = parse_header(&[":START_ID", "x:int"], FileKind::Relationships).unwrap_err();
        assert_eq!(e.to_string(), "a relationship file needs an :END_ID column");
        let e = parse_header(&[":ID", ":START_ID"], FileKind::Relationships).unwrap_err();
        assert_eq!(
            e.to_string(),
            "header column 1 (':ID'): ID is not allowed in a relationship file"
        );
    }

    #[test]
    fn header_problems() {
        let e = parse_header(&["a:integer"], FileKind::Nodes).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("header column 1 ('a:integer'): unknown column type 'integer'"));
        let e = parse_header(&["a", "a:int"], FileKind::Nodes).unwrap_err();
        assert_eq!(
            e.to_string(),
            "header column 2 ('a:int'): property 'a' is already column 1"
        );
        let e = parse_header(&["id:ID(P", "a"], FileKind::Nodes).unwrap_err();
        assert!(e.to_string().contains("unclosed"));
        let e = parse_header(&[":int"], FileKind::Nodes).unwrap_err();
        assert!(e.to_string().contains("needs a name"));
        let e = parse_header(&[":LABEL(x)"], FileKind::Nodes).unwrap_err();
        assert!(e.to_string().contains("LABEL takes no (group)"));
        assert!(parse_header(&[""], FileKind::Nodes).is_err());
    }
}
