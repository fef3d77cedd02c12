//! Relationship properties, held column-wise per relationship type rather than in each
//! relationship's record: a relationship's record carries only a row number in its type's
//! table. Most graphs give a relationship type a few properties of one value type each
//! (`since: int`, `weight: float`), so a column of plain integers or floats (8 bytes a
//! value, with a presence bitmap) replaces a per-relationship inline property list, and a
//! type without properties costs nothing beyond the row number.
//!
//! A column starts typed after the first value stored in it and turns into a column of
//! general values when a value of another type arrives. Rows of deleted relationships are
//! cleared and reused.

use super::graph::Props;
use super::intern::Symbol;
use crate::val::{Str, Val};
use smallvec::SmallVec;

/// The property tables of all relationship types, indexed by type symbol.
#[derive(Debug, Clone, Default)]
pub(crate) struct RelPropStore {
    tables: Vec<Table>,
}

/// One relationship type's rows.
#[derive(Debug, Clone, Default)]
struct Table {
    /// Rows handed out so far (the high-water mark).
    len: u32,
    /// Rows of deleted relationships, all values cleared, to hand out again.
    free: Vec<u32>,
    /// One column per property key, sorted by key.
    cols: Vec<(Symbol, Column)>,
}

/// A column of one property key; rows past its end hold no value.
#[derive(Debug, Clone)]
enum Column {
    Int(Ints, Bits),
    Float(Vec<f64>, Bits),
    Str(Vec<Option<Str>>),
    /// Any storable value; `Val::Null` is absent.
    Any(Vec<Val>),
}

/// Integers, stored as narrow as the widest value so far needs (years take 2 bytes).
#[derive(Debug, Clone)]
enum Ints {
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
}

impl Ints {
    #[inline]
    fn get(&self, i: usize) -> i64 {
        match self {
            Ints::I16(v) => i64::from(v[i]),
            Ints::I32(v) => i64::from(v[i]),
            Ints::I64(v) => v[i],
        }
    }
    fn len(&self) -> usize {
        match self {
            Ints::I16(v) => v.len(),
            Ints::I32(v) => v.len(),
            Ints::I64(v) => v.len(),
        }
    }
    /// Stores `x` at `i` (growing the vector, and widening it when `x` does not fit).
    fn set(&mut self, i: usize, x: i64) {
        if let Ints::I16(v) = self {
            if let Ok(x) = i16::try_from(x) {
                ensure(v, i, 0);
                v[i] = x;
                return;
            }
            *self = Ints::I32(v.iter().map(|&y| i32::from(y)).collect());
        }
        if let Ints::I32(v) = self {
            if let Ok(x) = i32::try_from(x) {
                ensure(v, i, 0);
                v[i] = x;
                return;
            }
            *self = Ints::I64(v.iter().map(|&y| i64::from(y)).collect());
        }
        if let Ints::I64(v) = self {
            ensure(v, i, 0);
            v[i] = x;
        }
    }
    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        match self {
            Ints::I16(v) => v.capacity() * 2,
            Ints::I32(v) => v.capacity() * 4,
            Ints::I64(v) => v.capacity() * 8,
        }
    }
}

/// A presence bitmap.
#[derive(Debug, Clone, Default)]
struct Bits(Vec<u64>);

impl Bits {
    #[inline]
    fn get(&self, i: usize) -> bool {
        self.0
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }
    /// Sets bit `i` to `on`; returns its previous state.
    fn set(&mut self, i: usize, on: bool) -> bool {
        let w = i / 64;
        if self.0.len() <= w {
            if !on {
                return false;
            }
            self.0.resize(w + 1, 0);
        }
        let bit = 1u64 << (i % 64);
        let was = self.0[w] & bit != 0;
        if on {
            self.0[w] |= bit;
        } else {
            self.0[w] &= !bit;
        }
        was
    }
}

/// Grows `v` so that index `i` exists.
fn ensure<T: Clone>(v: &mut Vec<T>, i: usize, fill: T) {
    if v.len() <= i {
        v.resize(i + 1, fill);
    }
}

impl Column {
    /// An empty column typed after its first value.
    fn for_value(v: &Val) -> Column {
        match v {
            Val::Int(_) => Column::Int(Ints::I16(Vec::new()), Bits::default()),
            Val::Float(_) => Column::Float(Vec::new(), Bits::default()),
            Val::Str(_) => Column::Str(Vec::new()),
            _ => Column::Any(Vec::new()),
        }
    }

    #[inline]
    fn get(&self, row: usize) -> Option<Val> {
        match self {
            Column::Int(vals, present) => present.get(row).then(|| Val::Int(vals.get(row))),
            Column::Float(vals, present) => present.get(row).then(|| Val::Float(vals[row])),
            Column::Str(vals) => vals.get(row)?.as_ref().map(|s| Val::Str(s.clone())),
            Column::Any(vals) => vals.get(row).filter(|v| !v.is_null()).cloned(),
        }
    }

    /// Removes the value of `row`.
    fn take(&mut self, row: usize) -> Option<Val> {
        match self {
            Column::Int(vals, present) => present.set(row, false).then(|| Val::Int(vals.get(row))),
            Column::Float(vals, present) => present.set(row, false).then(|| Val::Float(vals[row])),
            Column::Str(vals) => vals.get_mut(row)?.take().map(Val::Str),
            Column::Any(vals) => {
                let v = std::mem::replace(vals.get_mut(row)?, Val::Null);
                (!v.is_null()).then_some(v)
            }
        }
    }

    /// Stores a non-null value in `row`; returns the old one. A value of another type
    /// than the column's turns it into a general column first.
    fn put(&mut self, row: usize, v: Val) -> Option<Val> {
        match (&mut *self, v) {
            (Column::Int(vals, present), Val::Int(i)) => {
                let was = present.set(row, true);
                let old = was.then(|| Val::Int(vals.get(row)));
                vals.set(row, i);
                old
            }
            (Column::Float(vals, present), Val::Float(f)) => {
                ensure(vals, row, 0.0);
                let old = vals[row];
                vals[row] = f;
                present.set(row, true).then_some(Val::Float(old))
            }
            (Column::Str(vals), Val::Str(s)) => {
                ensure(vals, row, None);
                vals[row].replace(s).map(Val::Str)
            }
            (Column::Any(vals), v) => {
                ensure(vals, row, Val::Null);
                let old = std::mem::replace(&mut vals[row], v);
                (!old.is_null()).then_some(old)
            }
            (_, v) => {
                self.generalize();
                self.put(row, v)
            }
        }
    }

    /// Turns a typed column into a general one holding the same values.
    fn generalize(&mut self) {
        let len = match self {
            Column::Int(vals, _) => vals.len(),
            Column::Float(vals, _) => vals.len(),
            Column::Str(vals) => vals.len(),
            Column::Any(_) => return,
        };
        let any: Vec<Val> = (0..len)
            .map(|row| self.get(row).unwrap_or(Val::Null))
            .collect();
        *self = Column::Any(any);
    }

    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        match self {
            Column::Int(vals, present) => vals.heap_bytes() + present.0.capacity() * 8,
            Column::Float(vals, present) => vals.capacity() * 8 + present.0.capacity() * 8,
            Column::Str(vals) => vals.capacity() * std::mem::size_of::<Option<Str>>(),
            Column::Any(vals) => vals.capacity() * std::mem::size_of::<Val>(),
        }
    }
}

impl Table {
    fn column(&self, key: Symbol) -> Option<&Column> {
        self.cols
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, column)| column)
    }
}

impl RelPropStore {
    fn table_mut(&mut self, t: Symbol) -> &mut Table {
        let i = t.0 as usize;
        if self.tables.len() <= i {
            self.tables.resize_with(i + 1, Table::default);
        }
        &mut self.tables[i]
    }

    /// A row for a new relationship of type `t` holding `props` (nulls dropped; of a key
    /// given twice, the first value).
    pub fn insert<I: IntoIterator<Item = (Symbol, Val)>>(&mut self, t: Symbol, props: I) -> u32 {
        let table = self.table_mut(t);
        let row = match table.free.pop() {
            Some(row) => row,
            None => {
                let row = table.len;
                table.len = row.checked_add(1).expect("fewer than 2^32 relationships");
                row
            }
        };
        let mut seen: SmallVec<[Symbol; 4]> = SmallVec::new();
        for (key, v) in props {
            if v.is_null() || seen.contains(&key) {
                continue;
            }
            seen.push(key);
            self.set(t, row, key, v);
        }
        row
    }

    /// Clears a deleted relationship's row for reuse; returns its properties sorted by key.
    pub fn remove(&mut self, t: Symbol, row: u32) -> Props {
        let table = self.table_mut(t);
        let props = table
            .cols
            .iter_mut()
            .filter_map(|(k, column)| column.take(row as usize).map(|v| (*k, v)))
            .collect();
        table.free.push(row);
        props
    }

    /// The value of `key` in a row.
    #[inline]
    pub fn get(&self, t: Symbol, row: u32, key: Symbol) -> Option<Val> {
        self.tables
            .get(t.0 as usize)?
            .column(key)?
            .get(row as usize)
    }

    /// Sets (or with `Val::Null`, removes) a value; returns the old one.
    pub fn set(&mut self, t: Symbol, row: u32, key: Symbol, v: Val) -> Option<Val> {
        let table = self.table_mut(t);
        let i = match table.cols.binary_search_by_key(&key, |(k, _)| *k) {
            Ok(i) => i,
            Err(_) if v.is_null() => return None,
            Err(i) => {
                table.cols.insert(i, (key, Column::for_value(&v)));
                i
            }
        };
        let column = &mut table.cols[i].1;
        if v.is_null() {
            column.take(row as usize)
        } else {
            column.put(row as usize, v)
        }
    }

    /// Appends a row's properties, sorted by key, to `out`.
    pub fn props_into(&self, t: Symbol, row: u32, out: &mut Props) {
        if let Some(table) = self.tables.get(t.0 as usize) {
            out.extend(
                table
                    .cols
                    .iter()
                    .filter_map(|(k, column)| column.get(row as usize).map(|v| (*k, v))),
            );
        }
    }

    /// Bytes held by the columns and free lists.
    #[cfg(test)]
    pub fn heap_bytes(&self) -> usize {
        self.tables
            .iter()
            .map(|t| {
                t.free.capacity() * 4 + t.cols.iter().map(|(_, c)| c.heap_bytes()).sum::<usize>()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn val(kind: u8, i: i64) -> Val {
        match kind % 7 {
            0 => Val::Null,
            1 => Val::Int(i),
            2 => Val::Float(i as f64 / 4.0),
            3 => Val::str(&format!("s{i}")),
            // Integers that need 32 and 64 bits widen a column.
            5 => Val::Int(i << 20),
            6 => Val::Int(i << 40),
            _ => Val::Bool(i % 2 == 0),
        }
    }

    /// Typed columns, a column changing type, removal and row reuse, against a map.
    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, Vec<(u8, u8, i64)>),
        Remove(usize),
        Set(usize, u8, u8, i64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (
                0u8..3,
                proptest::collection::vec((0u8..4, 0u8..7, -3i64..3), 0..4)
            )
                .prop_map(|(t, p)| Op::Insert(t, p)),
            (0usize..64).prop_map(Op::Remove),
            (0usize..64, 0u8..4, 0u8..7, -3i64..3)
                .prop_map(|(r, k, kind, i)| Op::Set(r, k, kind, i)),
        ]
    }

    fn same(a: &Val, b: &Val) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    proptest! {
        #[test]
        fn columns_behave_like_maps(ops in proptest::collection::vec(op(), 1..80)) {
            let mut store = RelPropStore::default();
            // live relationships: (type, row, model)
            let mut live: Vec<(Symbol, u32, BTreeMap<Symbol, Val>)> = Vec::new();
            for op in ops {
                match op {
                    Op::Insert(t, props) => {
                        let t = Symbol(u32::from(t));
                        let props: Vec<(Symbol, Val)> = props
                            .into_iter()
                            .map(|(k, kind, i)| (Symbol(u32::from(k)), val(kind, i)))
                            .collect();
                        let mut model = BTreeMap::new();
                        for (k, v) in &props {
                            if !v.is_null() {
                                model.entry(*k).or_insert_with(|| v.clone());
                            }
                        }
                        let row = store.insert(t, props);
                        prop_assert!(live.iter().all(|(t2, r2, _)| (*t2, *r2) != (t, row)));
                        live.push((t, row, model));
                    }
                    Op::Remove(i) if !live.is_empty() => {
                        let (t, row, model) = live.swap_remove(i % live.len());
                        let got = store.remove(t, row);
                        let want: Vec<(Symbol, Val)> = model.into_iter().collect();
                        prop_assert_eq!(got.len(), want.len());
                        for ((k1, v1), (k2, v2)) in got.iter().zip(&want) {
                            prop_assert!(k1 == k2 && same(v1, v2));
                        }
                    }
                    Op::Set(i, k, kind, n) if !live.is_empty() => {
                        let j = i % live.len();
                        let (t, row) = (live[j].0, live[j].1);
                        let (k, v) = (Symbol(u32::from(k)), val(kind, n));
                        let old = store.set(t, row, k, v.clone());
                        let model = &mut live[j].2;
                        let want_old = if v.is_null() { model.remove(&k) } else { model.insert(k, v) };
                        prop_assert_eq!(old.is_some(), want_old.is_some());
                        if let (Some(a), Some(b)) = (&old, &want_old) {
                            prop_assert!(same(a, b));
                        }
                    }
                    _ => {}
                }
                for (t, row, model) in &live {
                    let mut got = Props::new();
                    store.props_into(*t, *row, &mut got);
                    let want: Vec<(Symbol, Val)> = model.clone().into_iter().collect();
                    prop_assert_eq!(got.len(), want.len());
                    for ((k1, v1), (k2, v2)) in got.iter().zip(&want) {
                        prop_assert!(k1 == k2 && same(v1, v2));
                        prop_assert!(same(&store.get(*t, *row, *k1).unwrap(), v2));
                    }
                }
            }
        }
    }

    #[test]
    fn int_column_is_plain_integers() {
        let mut store = RelPropStore::default();
        let (t, since) = (Symbol(0), Symbol(3));
        let rows: Vec<u32> = (0..1000)
            .map(|i| store.insert(t, [(since, Val::Int(1990 + i))]))
            .collect();
        assert!(matches!(store.tables[0].cols[0].1, Column::Int(..)));
        // 1000 two-byte integers and a bitmap, no per-row value records.
        assert!(store.heap_bytes() < 1000 * 2 + 1024);
        assert!(matches!(store.get(t, rows[7], since), Some(Val::Int(1997))));
        // A value that needs more bits widens the column, keeping the others.
        store.set(t, rows[5], since, Val::Int(1 << 40));
        assert!(matches!(
            &store.tables[0].cols[0].1,
            Column::Int(Ints::I64(_), _)
        ));
        assert!(matches!(store.get(t, rows[5], since), Some(Val::Int(x)) if x == 1 << 40));
        assert!(matches!(store.get(t, rows[6], since), Some(Val::Int(1996))));
        // A string among them turns the column general, keeping the others.
        store.set(t, rows[8], since, Val::str("long ago"));
        assert!(matches!(store.tables[0].cols[0].1, Column::Any(_)));
        assert!(matches!(store.get(t, rows[7], since), Some(Val::Int(1997))));
        assert!(matches!(store.get(t, rows[8], since), Some(Val::Str(s)) if &*s == "long ago"));
        // A deleted relationship's row comes back empty.
        store.remove(t, rows[9]);
        let row = store.insert(t, std::iter::empty());
        assert_eq!(row, rows[9]);
        assert!(store.get(t, row, since).is_none());
    }
}
