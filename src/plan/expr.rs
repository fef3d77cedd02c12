//! Compiled expressions: the AST's expressions with variables resolved to row slots,
//! functions resolved to `Function`s, and aggregates and subqueries pulled out. This is
//! what `exec::expr` evaluates.

use super::logical::PlanNode;
use crate::ast::{BinaryOp, Quantifier};
use crate::val::Val;
use std::sync::Arc;

/// A property key as written, resolved to a store symbol at run time on first use (a
/// key that does not exist yet is looked up again, since a write may create it).
#[derive(Debug, Clone)]
pub struct KeyName {
    pub name: Arc<str>,
    pub symbol: std::sync::OnceLock<crate::store::Symbol>,
}

impl KeyName {
    pub fn new(name: &str) -> KeyName {
        KeyName {
            name: Arc::from(name),
            symbol: std::sync::OnceLock::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum CExpr {
    Const(Val),
    Param(Arc<str>),
    Slot(usize),
    Property(Box<CExpr>, KeyName),
    Index(Box<CExpr>, Box<CExpr>),
    Slice(Box<CExpr>, Option<Box<CExpr>>, Option<Box<CExpr>>),
    Not(Box<CExpr>),
    Neg(Box<CExpr>),
    /// Unary plus: checks the operand is a number.
    Pos(Box<CExpr>),
    Binary(BinaryOp, Box<CExpr>, Box<CExpr>),
    /// Chained comparisons: each adjacent pair compared, ANDed.
    Comparison(Box<CExpr>, Vec<(BinaryOp, CExpr)>),
    IsNull(Box<CExpr>, bool),
    HasLabels(Box<CExpr>, Vec<Arc<str>>),
    List(Vec<CExpr>),
    Map(Vec<(Arc<str>, CExpr)>),
    Call(Function, Vec<CExpr>),
    Case {
        subject: Option<Box<CExpr>>,
        whens: Vec<(CExpr, CExpr)>,
        else_: Option<Box<CExpr>>,
    },
    ListComprehension {
        slot: usize,
        list: Box<CExpr>,
        filter: Option<Box<CExpr>>,
        map: Option<Box<CExpr>>,
    },
    Quantified {
        quantifier: Quantifier,
        slot: usize,
        list: Box<CExpr>,
        filter: Option<Box<CExpr>>,
    },
    Reduce {
        acc: usize,
        init: Box<CExpr>,
        slot: usize,
        list: Box<CExpr>,
        expr: Box<CExpr>,
    },
    MapProjection(Box<CExpr>, Vec<MapProjItem>),
    /// True when the subplan (run with the current row as argument) yields a row.
    Exists(Arc<PlanNode>),
    /// Runs the subplan and collects `map` over its rows.
    Collect(Arc<PlanNode>, Box<CExpr>),
}

#[derive(Debug, Clone)]
pub enum MapProjItem {
    Property(Arc<str>),
    Entry(Arc<str>, CExpr),
    AllProperties,
}

/// Built-in scalar functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Id,
    ElementId,
    Labels,
    Type,
    Keys,
    Properties,
    StartNode,
    EndNode,
    Nodes,
    Relationships,
    Length,
    Size,
    Head,
    Last,
    Tail,
    Range,
    Reverse,
    Coalesce,
    ToString,
    ToInteger,
    ToFloat,
    ToBoolean,
    ToUpper,
    ToLower,
    Trim,
    LTrim,
    RTrim,
    Substring,
    Left,
    Right,
    Replace,
    Split,
    Abs,
    Sign,
    Round,
    Floor,
    Ceil,
    Sqrt,
    Exp,
    Log,
    Log10,
    E,
    Pi,
    Rand,
    Timestamp,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Degrees,
    Radians,
    Haversin,
    Cot,
    IsEmpty,
    ToStringOrNull,
    ToIntegerOrNull,
    ToFloatOrNull,
    ToBooleanOrNull,
    ValueType,
    CharLength,
    ToIntegerList,
    ToFloatList,
    ToStringList,
    ToBooleanList,
    IsNaN,
    /// `date(…)`, `datetime.truncate(…)`, `duration.between(…)` and the other temporal
    /// functions.
    Temporal(crate::temporal::func::TemporalFn),
    /// `kg.resolve(name)`: the node called `name` (by name or alias, see `crate::aliases`).
    Resolve,
    /// `kg.resolveAll(name)`: every node called `name`, best first.
    ResolveAll,
    /// Internal (WHY): the sorted, deduplicated nodes and relationships found in its
    /// arguments, looking inside lists and paths. Not callable by name.
    Lineage,
}

impl Function {
    /// Looks a function up by name (case-insensitive); returns it with its min and max
    /// argument counts.
    pub fn lookup(name: &str) -> Option<(Function, usize, usize)> {
        use Function::*;
        let lower = name.to_ascii_lowercase();
        if let Some((t, min, max)) = crate::temporal::func::TemporalFn::lookup(&lower) {
            return Some((Temporal(t), min, max));
        }
        let f = match lower.as_str() {
            "id" => (Id, 1, 1),
            "elementid" => (ElementId, 1, 1),
            "labels" => (Labels, 1, 1),
            "type" => (Type, 1, 1),
            "keys" => (Keys, 1, 1),
            "properties" => (Properties, 1, 1),
            "startnode" => (StartNode, 1, 1),
            "endnode" => (EndNode, 1, 1),
            "nodes" => (Nodes, 1, 1),
            "relationships" | "rels" => (Relationships, 1, 1),
            "length" => (Length, 1, 1),
            "size" => (Size, 1, 1),
            "head" => (Head, 1, 1),
            "last" => (Last, 1, 1),
            "tail" => (Tail, 1, 1),
            "range" => (Range, 2, 3),
            "reverse" => (Reverse, 1, 1),
            "coalesce" => (Coalesce, 1, usize::MAX),
            "tostring" => (ToString, 1, 1),
            "tointeger" => (ToInteger, 1, 1),
            "tofloat" => (ToFloat, 1, 1),
            "toboolean" => (ToBoolean, 1, 1),
            "tostringornull" => (ToStringOrNull, 1, 1),
            "tointegerornull" => (ToIntegerOrNull, 1, 1),
            "tofloatornull" => (ToFloatOrNull, 1, 1),
            "tobooleanornull" => (ToBooleanOrNull, 1, 1),
            "tointegerlist" => (ToIntegerList, 1, 1),
            "tofloatlist" => (ToFloatList, 1, 1),
            "tostringlist" => (ToStringList, 1, 1),
            "tobooleanlist" => (ToBooleanList, 1, 1),
            "toupper" | "upper" => (ToUpper, 1, 1),
            "tolower" | "lower" => (ToLower, 1, 1),
            "trim" => (Trim, 1, 1),
            "ltrim" => (LTrim, 1, 1),
            "rtrim" => (RTrim, 1, 1),
            "substring" => (Substring, 2, 3),
            "left" => (Left, 2, 2),
            "right" => (Right, 2, 2),
            "replace" => (Replace, 3, 3),
            "split" => (Split, 2, 2),
            "abs" => (Abs, 1, 1),
            "sign" => (Sign, 1, 1),
            "round" => (Round, 1, 3),
            "floor" => (Floor, 1, 1),
            "ceil" => (Ceil, 1, 1),
            "sqrt" => (Sqrt, 1, 1),
            "exp" => (Exp, 1, 1),
            "log" => (Log, 1, 1),
            "log10" => (Log10, 1, 1),
            "e" => (E, 0, 0),
            "pi" => (Pi, 0, 0),
            "rand" => (Rand, 0, 0),
            "timestamp" => (Timestamp, 0, 0),
            "sin" => (Sin, 1, 1),
            "cos" => (Cos, 1, 1),
            "tan" => (Tan, 1, 1),
            "asin" => (Asin, 1, 1),
            "acos" => (Acos, 1, 1),
            "atan" => (Atan, 1, 1),
            "atan2" => (Atan2, 2, 2),
            "cot" => (Cot, 1, 1),
            "degrees" => (Degrees, 1, 1),
            "radians" => (Radians, 1, 1),
            "haversin" => (Haversin, 1, 1),
            "isempty" => (IsEmpty, 1, 1),
            "isnan" => (IsNaN, 1, 1),
            "valuetype" => (ValueType, 1, 1),
            "char_length" | "character_length" => (CharLength, 1, 1),
            "kg.resolve" => (Resolve, 1, 1),
            "kg.resolveall" => (ResolveAll, 1, 1),
            _ => return None,
        };
        Some(f)
    }

    /// True when the result can differ between calls with the same arguments (or reads
    /// the graph, so cannot be folded at plan time).
    pub fn is_volatile(self) -> bool {
        match self {
            Function::Rand | Function::Timestamp => true,
            Function::Resolve | Function::ResolveAll => true,
            Function::Temporal(t) => t.is_volatile(),
            _ => false,
        }
    }
}

/// Aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFn {
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Collect,
    PercentileCont,
    PercentileDisc,
    StDev,
    StDevP,
}

impl AggFn {
    pub fn lookup(name: &str) -> Option<AggFn> {
        Some(match name.to_ascii_lowercase().as_str() {
            "count" => AggFn::Count,
            "sum" => AggFn::Sum,
            "avg" => AggFn::Avg,
            "min" => AggFn::Min,
            "max" => AggFn::Max,
            "collect" => AggFn::Collect,
            "percentilecont" => AggFn::PercentileCont,
            "percentiledisc" => AggFn::PercentileDisc,
            "stdev" => AggFn::StDev,
            "stdevp" => AggFn::StDevP,
            _ => return None,
        })
    }
}

/// One aggregate computed by an `Aggregate` operator into `slot`.
#[derive(Debug, Clone)]
pub struct AggCall {
    pub func: AggFn,
    pub distinct: bool,
    pub arg: Option<CExpr>,
    /// The percentile argument of percentileCont/Disc.
    pub extra: Option<CExpr>,
    pub slot: usize,
}

impl CExpr {
    /// True when the expression reads no row slots, parameters or graph state.
    pub fn is_const(&self) -> bool {
        matches!(self, CExpr::Const(_))
    }
}
