//! Execution of a plan over the store.
use crate::database::{Limits, Params, Stats};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::store::Graph;
use crate::value::Value;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

pub struct Context<'a> {
    pub params: &'a Params,
    pub limits: Limits,
    pub cancel: &'a AtomicBool,
    pub started: Instant,
}

pub type Output = (Vec<String>, Vec<Vec<Value>>, Stats);

pub fn run(_plan: &Plan, _g: &mut Graph, _ctx: &Context) -> Result<Output> {
    Err(Error::syntax("UnexpectedSyntax", "executor not yet built"))
}
