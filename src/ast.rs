//! The abstract syntax tree: plain, spanned data produced by `syntax` and consumed by
//! `plan`. It is purely syntactic: names are strings, nothing is resolved yet.

use crate::error::Span;

/// A name as written (variable, label, type, key), with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    Query(Query),
    Explain(Query),
    /// `PROFILE <query>`: runs it and reports rows and time per operator.
    Profile(Query),
    /// `WHY <query>`: runs it and adds the source sentences behind each row.
    Why(Query),
    Begin,
    Commit,
    Rollback,
    /// `CREATE INDEX [name] [IF NOT EXISTS] FOR (n:Label) ON (n.key)`
    CreateIndex {
        name: Option<String>,
        label: String,
        key: String,
        if_not_exists: bool,
    },
    /// `DROP INDEX name [IF EXISTS]`
    DropIndex {
        name: String,
        if_exists: bool,
    },
    /// `SHOW INDEXES`
    ShowIndexes,
    /// `CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:Label) REQUIRE n.key IS UNIQUE`
    /// (also `ON … ASSERT …`)
    CreateConstraint {
        name: Option<String>,
        label: String,
        key: String,
        if_not_exists: bool,
    },
    /// `DROP CONSTRAINT name [IF EXISTS]`
    DropConstraint {
        name: String,
        if_exists: bool,
    },
    /// `SHOW CONSTRAINTS`
    ShowConstraints,
}

/// One or more single queries joined by UNION / UNION ALL.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub parts: Vec<SingleQuery>,
    /// For each join, whether it is UNION ALL.
    pub union_all: Vec<bool>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SingleQuery {
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Match(Match),
    Unwind(Unwind),
    LoadCsv(LoadCsv),
    With(With),
    Return(Return),
    Create(Create),
    Merge(Merge),
    Set(SetClause),
    Remove(Remove),
    Delete(Delete),
    Call(Call),
}

impl Clause {
    pub fn span(&self) -> Span {
        match self {
            Clause::Match(c) => c.span,
            Clause::Unwind(c) => c.span,
            Clause::LoadCsv(c) => c.span,
            Clause::With(c) => c.span,
            Clause::Return(c) => c.span,
            Clause::Create(c) => c.span,
            Clause::Merge(c) => c.span,
            Clause::Set(c) => c.span,
            Clause::Remove(c) => c.span,
            Clause::Delete(c) => c.span,
            Clause::Call(c) => c.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub optional: bool,
    pub pattern: Vec<PatternPart>,
    pub where_: Option<Expr>,
    pub span: Span,
}

/// `LOAD CSV [WITH HEADERS] FROM url AS var [FIELDTERMINATOR char]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadCsv {
    pub headers: bool,
    pub source: Expr,
    pub var: Ident,
    pub delimiter: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unwind {
    pub expr: Expr,
    pub var: Ident,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct With {
    pub body: Projection,
    pub where_: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Return {
    pub body: Projection,
    pub span: Span,
}

/// The shared body of WITH and RETURN.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub distinct: bool,
    /// `*` was written (all variables in scope).
    pub star: bool,
    pub items: Vec<ProjectionItem>,
    pub order_by: Vec<SortItem>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionItem {
    pub expr: Expr,
    pub alias: Option<Ident>,
    /// The expression's source text, which names an unaliased column.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortItem {
    pub expr: Expr,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Create {
    pub pattern: Vec<PatternPart>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    pub part: PatternPart,
    pub on_create: Vec<SetItem>,
    pub on_match: Vec<SetItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SetClause {
    pub items: Vec<SetItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    /// `target.key = value` (target is any expression evaluating to an entity or null).
    Property {
        target: Expr,
        key: Ident,
        value: Expr,
    },
    /// `n = {map}` replaces all properties.
    Replace { var: Ident, value: Expr },
    /// `n += {map}` merges properties.
    Merge { var: Ident, value: Expr },
    /// `n:A:B`.
    Labels { var: Ident, labels: Vec<Ident> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Remove {
    pub items: Vec<RemoveItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RemoveItem {
    Property { target: Expr, key: Ident },
    Labels { var: Ident, labels: Vec<Ident> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub detach: bool,
    pub exprs: Vec<Expr>,
    pub span: Span,
}

/// `CALL name(args) [YIELD …]`: kg has no procedures; kept so the error is precise.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub span: Span,
}

/// `p = (a)-[r]->(b)`, or a shortestPath of one.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternPart {
    pub var: Option<Ident>,
    pub shortest: Option<Shortest>,
    pub element: PatternElement,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortest {
    One,
    All,
}

/// A node followed by zero or more (relationship, node) hops.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternElement {
    pub start: NodePattern,
    pub chain: Vec<(RelPattern, NodePattern)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodePattern {
    pub var: Option<Ident>,
    pub labels: Vec<Ident>,
    pub props: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelDirection {
    /// `-->`
    Right,
    /// `<--`
    Left,
    /// `--` (or `<-->`)
    Both,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RelPattern {
    pub var: Option<Ident>,
    pub types: Vec<Ident>,
    pub direction: RelDirection,
    /// `*min..max`; `Some((None, None))` for a bare `*`.
    pub length: Option<(Option<u64>, Option<u64>)>,
    pub props: Option<Box<Expr>>,
    pub span: Span,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Regex,
    StartsWith,
    EndsWith,
    Contains,
    In,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

impl BinaryOp {
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum MapProjectionItem {
    /// `.key`
    Property(Ident),
    /// `key: expr`
    Literal(Ident, Expr),
    /// `var` (copies a variable under its own name)
    Variable(Ident),
    /// `.*`
    AllProperties,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    Parameter(String),
    Variable(String),
    List(Vec<Expr>),
    Map(Vec<(Ident, Expr)>),
    Property(Box<Expr>, Ident),
    Index(Box<Expr>, Box<Expr>),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c`: each adjacent pair compared, results ANDed.
    Comparison(Box<Expr>, Vec<(BinaryOp, Expr)>),
    IsNull(Box<Expr>, bool),
    HasLabels(Box<Expr>, Vec<Ident>),
    FunctionCall {
        name: String,
        distinct: bool,
        args: Vec<Expr>,
    },
    CountStar,
    Case {
        subject: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
    },
    ListComprehension {
        var: Ident,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        map: Option<Box<Expr>>,
    },
    PatternComprehension {
        path_var: Option<Ident>,
        pattern: PatternElement,
        filter: Option<Box<Expr>>,
        map: Box<Expr>,
    },
    Quantified {
        quantifier: Quantifier,
        var: Ident,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Reduce {
        acc: Ident,
        init: Box<Expr>,
        var: Ident,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    MapProjection(Box<Expr>, Vec<MapProjectionItem>),
    /// A relationship pattern used as a predicate: `WHERE (a)-[:R]->()`.
    PatternPredicate(PatternElement),
    /// `EXISTS { MATCH … WHERE … }` or `EXISTS { (a)-->() }`.
    Exists(Box<ExistsBody>),
    /// `shortestPath((a)-[*]->(b))` used as an expression.
    ShortestPath(Shortest, PatternElement),
    /// A parenthesised expression (kept only to stop comparison chaining).
    Paren(Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExistsBody {
    /// A full subquery (`EXISTS { MATCH … RETURN … }`), or else a pattern.
    pub query: Option<Query>,
    pub pattern: Vec<PatternPart>,
    pub where_: Option<Expr>,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
    /// Strips `Paren` wrappers.
    pub fn unparen(&self) -> &Expr {
        match &self.kind {
            ExprKind::Paren(e) => e.unparen(),
            _ => self,
        }
    }
}
