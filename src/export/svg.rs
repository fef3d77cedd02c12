//! The `svg` export: a drawing of the selection, laid out and rendered in pure Rust by
//! the `layout-rs` crate (a Sugiyama-style layered layout, top to bottom). Nodes are
//! rounded boxes with the `dot` export's captions, relationships arrows labelled with
//! their types. Layered layout grows fast with the graph, so the drawing is capped at
//! [`MAX_NODES`] nodes; larger selections are refused with a hint to use `--query`.

use super::{dot::caption, write_failed, Selection};
use crate::error::{Error, ErrorKind, Result};
use crate::store::Graph;
use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::style::StyleAttr;
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;
use rustc_hash::FxHashMap;
use std::io::Write;

/// The most nodes an SVG drawing may have.
pub const MAX_NODES: usize = 300;

/// Renders the selection as an SVG document.
pub fn render(graph: &Graph, selection: &Selection) -> Result<String> {
    if selection.nodes.len() > MAX_NODES {
        return Err(Error::new(
            ErrorKind::ArgumentError,
            Some("InvalidArgumentValue"),
            format!(
                "the svg export draws at most {MAX_NODES} nodes and this selection has {}; \
                 pick a part of the graph with --query (e.g. --query \"MATCH p = (:Person)-[*..2]-() RETURN p\")",
                selection.nodes.len()
            ),
        ));
    }
    if selection.nodes.is_empty() {
        return Ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                   <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>\n"
            .to_string());
    }
    let dir = Orientation::TopToBottom;
    let mut vg = VisualGraph::new(dir);
    let mut handles = FxHashMap::default();
    let font_size = 14;
    for &n in &selection.nodes {
        let (main, labels) = caption(graph, n);
        let text = if labels.is_empty() {
            main
        } else {
            format!("{main}\n{labels}")
        };
        let shape = ShapeKind::Box(text);
        let size = get_shape_size(dir.flip(), &shape, font_size, false);
        let look = StyleAttr::new(
            Color::fast("black"),
            1,
            Some(Color::fast("lightyellow")),
            8,
            font_size,
        );
        handles.insert(
            n,
            vg.add_node(Element::create(shape, look, dir.flip(), size)),
        );
    }
    for &r in &selection.rels {
        let (Some((a, b)), Some(t)) = (graph.rel_endpoints(r), graph.rel_type(r)) else {
            continue;
        };
        let (Some(&ha), Some(&hb)) = (handles.get(&a), handles.get(&b)) else {
            continue;
        };
        vg.add_edge(Arrow::simple(graph.type_name(t)), ha, hb);
    }
    let mut svg = SVGWriter::new();
    // layout-rs asserts on shapes it cannot place; a panic there is a failed export, not
    // a crashed process.
    let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        vg.do_it(false, false, false, &mut svg);
        svg.finalize()
    }));
    drawn.map_err(|_| {
        Error::new(
            ErrorKind::ArgumentError,
            Some("InvalidArgumentValue"),
            "the svg layout failed on this selection; try the dot export and GraphViz",
        )
    })
}

/// Writes the drawing.
pub fn write(graph: &Graph, selection: &Selection, out: &mut dyn Write) -> Result<()> {
    let svg = render(graph, selection)?;
    out.write_all(svg.as_bytes()).map_err(write_failed)
}
