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
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use rustc_hash::FxHashMap;
use std::io::Write;

/// The most nodes an SVG drawing may have.
pub const MAX_NODES: usize = 300;

/// Characters of a caption before it is cut with `…`.
const CAPTION_CHARS: usize = 28;
const FONT_SIZE: usize = 13;

/// Estimated size of text in the renderer's serif font.
fn text_size(text: &str) -> Point {
    let width = text.lines().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let lines = text.lines().count().max(1) as f64;
    Point::new(
        width * FONT_SIZE as f64 * 0.55,
        lines * FONT_SIZE as f64 * 1.25,
    )
}

/// Forwards drawing to the SVG writer and keeps the true extent of the drawing
/// (layout-rs grows its window by a text's byte length, which leaves blank space).
struct Extent<'a> {
    svg: &'a mut SVGWriter,
    max: Point,
}

impl Extent<'_> {
    fn grow(&mut self, p: Point) {
        self.max = Point::new(self.max.x.max(p.x), self.max.y.max(p.y));
    }
}

impl RenderBackend for Extent<'_> {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        look: &StyleAttr,
        properties: Option<String>,
        clip: Option<ClipHandle>,
    ) {
        self.grow(Point::new(xy.x + size.x, xy.y + size.y));
        self.svg.draw_rect(xy, size, look, properties, clip);
    }
    fn draw_line(&mut self, start: Point, stop: Point, look: &StyleAttr, p: Option<String>) {
        self.grow(start);
        self.grow(stop);
        self.svg.draw_line(start, stop, look, p);
    }
    fn draw_circle(&mut self, xy: Point, size: Point, look: &StyleAttr, p: Option<String>) {
        self.grow(Point::new(xy.x + size.x, xy.y + size.y));
        self.svg.draw_circle(xy, size, look, p);
    }
    fn draw_text(&mut self, xy: Point, text: &str, look: &StyleAttr) {
        let size = text_size(text);
        self.grow(Point::new(xy.x + size.x / 2.0, xy.y + size.y / 2.0));
        self.svg.draw_text(xy, text, look);
    }
    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        dashed: bool,
        head: (bool, bool),
        look: &StyleAttr,
        properties: Option<String>,
        text: &str,
    ) {
        let width = text_size(text).x;
        for (a, b) in path {
            self.grow(Point::new(a.x + width / 2.0, a.y));
            self.grow(*b);
        }
        self.svg
            .draw_arrow(path, dashed, head, look, properties, text);
    }
    fn create_clip(&mut self, xy: Point, size: Point, rounded_px: usize) -> ClipHandle {
        self.svg.create_clip(xy, size, rounded_px)
    }
}

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
        return Ok(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>\n"
                .to_string(),
        );
    }
    let dir = Orientation::TopToBottom;
    let mut vg = VisualGraph::new(dir);
    let mut handles = FxHashMap::default();
    let node_look = StyleAttr::new(
        Color::fast("black"),
        1,
        Some(Color::fast("lightyellow")),
        6,
        FONT_SIZE,
    );
    for &n in &selection.nodes {
        let (main, labels) = caption(graph, n, CAPTION_CHARS);
        let text = if labels.is_empty() {
            main
        } else {
            format!("{main}\n{labels}")
        };
        let t = text_size(&text);
        let size = Point::new(t.x + 20.0, t.y + 12.0);
        let shape = ShapeKind::Box(text);
        handles.insert(
            n,
            vg.add_node(Element::create(shape, node_look.clone(), dir.flip(), size)),
        );
    }
    // One font size for everything: layout-rs emits its font styles in hash order.
    let edge_look = StyleAttr::new(Color::fast("black"), 1, None, 0, FONT_SIZE);
    for &r in &selection.rels {
        let (Some((a, b)), Some(t)) = (graph.rel_endpoints(r), graph.rel_type(r)) else {
            continue;
        };
        let (Some(&ha), Some(&hb)) = (handles.get(&a), handles.get(&b)) else {
            continue;
        };
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            LineStyleKind::Normal,
            graph.type_name(t),
            &edge_look,
            &None,
            &None,
        );
        vg.add_edge(arrow, ha, hb);
    }
    // layout-rs asserts on shapes it cannot place; a panic there is a failed export, not
    // a crashed process.
    let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut svg = SVGWriter::new();
        let mut extent = Extent {
            svg: &mut svg,
            max: Point::zero(),
        };
        vg.do_it(false, false, false, &mut extent);
        let max = extent.max;
        (svg.finalize(), max)
    }));
    let (text, max) = drawn.map_err(|_| {
        Error::new(
            ErrorKind::ArgumentError,
            Some("InvalidArgumentValue"),
            "the svg layout failed on this selection; try the dot export and GraphViz",
        )
    })?;
    Ok(fit_window(&text, max))
}

/// Replaces the `<svg width=… height=… viewBox=…>` tag with one fitted to `max`, and
/// sorts the font style lines (layout-rs writes them in hash order) so that the output is
/// deterministic.
fn fit_window(svg: &str, max: Point) -> String {
    let svg = match (svg.find("<style>\n"), svg.find("</style>")) {
        (Some(a), Some(b)) if a < b => {
            let body = &svg[a + 8..b];
            let mut lines: Vec<&str> = body.lines().collect();
            lines.sort_unstable();
            format!("{}<style>\n{}\n{}", &svg[..a], lines.join("\n"), &svg[b..])
        }
        _ => svg.to_string(),
    };
    let (w, h) = ((max.x + 10.0).ceil(), (max.y + 10.0).ceil());
    let Some(start) = svg.find("<svg width=") else {
        return svg.to_string();
    };
    let Some(len) = svg[start..].find('>') else {
        return svg.to_string();
    };
    format!(
        "{}<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">{}",
        &svg[..start],
        &svg[start + len + 1..]
    )
}

/// Writes the drawing.
pub fn write(graph: &Graph, selection: &Selection, out: &mut dyn Write) -> Result<()> {
    let svg = render(graph, selection)?;
    out.write_all(svg.as_bytes()).map_err(write_failed)
}
