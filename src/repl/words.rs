//! The Cypher vocabulary the shell highlights and completes: clause and operator keywords
//! and the built-in function names.

/// Keywords, upper case.
pub const KEYWORDS: &[&str] = &[
    "ALL",
    "AND",
    "AS",
    "ASC",
    "ASCENDING",
    "BEGIN",
    "BY",
    "CALL",
    "CASE",
    "COMMIT",
    "CONTAINS",
    "CREATE",
    "DELETE",
    "DESC",
    "DESCENDING",
    "DETACH",
    "DISTINCT",
    "ELSE",
    "END",
    "ENDS",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "FOREACH",
    "IN",
    "INDEX",
    "IS",
    "LIMIT",
    "MATCH",
    "MERGE",
    "NOT",
    "NULL",
    "ON",
    "OPTIONAL",
    "OR",
    "ORDER",
    "PROFILE",
    "REMOVE",
    "RETURN",
    "ROLLBACK",
    "SET",
    "SKIP",
    "STARTS",
    "THEN",
    "TRUE",
    "UNION",
    "UNWIND",
    "WHEN",
    "WHERE",
    "WITH",
    "XOR",
    "YIELD",
];

/// Built-in functions, spelled as Cypher spells them.
pub const FUNCTIONS: &[&str] = &[
    "abs",
    "acos",
    "all",
    "any",
    "asin",
    "atan",
    "atan2",
    "avg",
    "ceil",
    "char_length",
    "character_length",
    "coalesce",
    "collect",
    "cos",
    "cot",
    "count",
    "degrees",
    "e",
    "elementId",
    "endNode",
    "exists",
    "exp",
    "floor",
    "haversin",
    "head",
    "id",
    "isEmpty",
    "isNaN",
    "keys",
    "labels",
    "last",
    "left",
    "length",
    "log",
    "log10",
    "lower",
    "ltrim",
    "max",
    "min",
    "nodes",
    "none",
    "percentileCont",
    "percentileDisc",
    "pi",
    "properties",
    "radians",
    "rand",
    "range",
    "reduce",
    "relationships",
    "replace",
    "reverse",
    "right",
    "round",
    "rtrim",
    "sign",
    "sin",
    "single",
    "size",
    "split",
    "sqrt",
    "startNode",
    "stDev",
    "stDevP",
    "substring",
    "sum",
    "tail",
    "tan",
    "timestamp",
    "toBoolean",
    "toBooleanList",
    "toBooleanOrNull",
    "toFloat",
    "toFloatList",
    "toFloatOrNull",
    "toInteger",
    "toIntegerList",
    "toIntegerOrNull",
    "toLower",
    "toString",
    "toStringList",
    "toStringOrNull",
    "toUpper",
    "trim",
    "type",
    "upper",
    "valueType",
];

/// True when `word` is a keyword, in any case.
pub fn is_keyword(word: &str) -> bool {
    word.len() <= 10 && KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// True when `word` names a built-in function, in any case.
pub fn is_function(word: &str) -> bool {
    FUNCTIONS.iter().any(|f| f.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_and_recognised_in_any_case() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
        let lower: Vec<String> = FUNCTIONS.iter().map(|f| f.to_lowercase()).collect();
        assert!(lower.windows(2).all(|w| w[0] < w[1]));
        assert!(is_keyword("match") && is_keyword("Return"));
        assert!(!is_keyword("person"));
        assert!(is_function("TOUPPER") && is_function("count"));
    }
}
