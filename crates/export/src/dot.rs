//! The dependency diagram as Graphviz DOT: one cluster per wave or move
//! group, cross-wave links red, hybrid links dashed amber.
//!
//! Every label is a quoted DOT string built by [`crate::escape::dot`]; ids
//! are our own (`n0`, `cluster_3`), never inventory text.

use std::io::Write;

use crate::ExportError;
use crate::diagram::{Diagram, Edge, NodeKind};
use crate::escape::dot as q;

/// Colour and style of an edge: one vocabulary for every diagram format.
pub(crate) fn edge_style(edge: &Edge) -> (&'static str, &'static str) {
    if edge.cross_wave {
        ("#C0392B", "solid")
    } else if edge.hybrid {
        ("#B9770E", "dashed")
    } else if edge.external {
        ("#7F8C8D", "dotted")
    } else {
        ("#5D6D7E", "solid")
    }
}

/// Fill colour of a node by kind.
pub(crate) fn node_fill(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Application => "#EAF2F8",
        NodeKind::Server => "#F4F6F6",
        NodeKind::Device => "#FDEBD0",
        NodeKind::DataStore => "#E8F6F3",
        NodeKind::External => "#F2F3F4",
    }
}

/// Writes the diagram as DOT.
pub fn write(diagram: &Diagram, out: &mut dyn Write) -> Result<(), ExportError> {
    writeln!(out, "digraph waveplan {{")?;
    writeln!(out, "  label={};", q(&diagram.title))?;
    // newrank: ranks are computed for the whole graph, clusters included.
    // Without it, Graphviz 2.43 (Debian 12) aborts with "trouble in
    // init_rank" on the whole-estate diagram, whose edges cross clusters.
    writeln!(out, "  labelloc=t; rankdir=LR; compound=true; newrank=true; fontname=\"Helvetica\";")?;
    writeln!(out, "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];")?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.6];")?;
    for (c, cluster) in diagram.clusters.iter().enumerate() {
        writeln!(out, "  subgraph cluster_{c} {{")?;
        writeln!(out, "    label={}; style=\"rounded\"; color=\"#AAB7B8\";", q(&cluster.label))?;
        for (_, node) in diagram.nodes_in(c) {
            let shape = match node.kind {
                NodeKind::DataStore => "cylinder",
                NodeKind::External => "note",
                NodeKind::Device => "hexagon",
                _ => "box",
            };
            let label =
                if node.detail.is_empty() { node.label.clone() } else { format!("{}\n{}", node.label, node.detail) };
            let pen = if node.focus { 1.6 } else { 0.8 };
            writeln!(
                out,
                "    {} [label={}, shape={shape}, fillcolor=\"{}\", penwidth={pen}];",
                node.id,
                q(&label),
                node_fill(node.kind)
            )?;
        }
        writeln!(out, "  }}")?;
    }
    for edge in &diagram.edges {
        let (color, style) = edge_style(edge);
        let (from, to) = (&diagram.nodes[edge.from].id, &diagram.nodes[edge.to].id);
        let width = if edge.cross_wave { 1.8 } else { 1.0 };
        writeln!(
            out,
            "  {from} -> {to} [color=\"{color}\", style={style}, penwidth={width}, label={}];",
            q(&edge.ports_label())
        )?;
    }
    writeln!(out, "}}")?;
    Ok(())
}
