//! The dependency diagram for draw.io (diagrams.net), laid out already: one
//! column (a swimlane container) per wave or move group, left to right in
//! migration order, then what stays on premises and what is outside; nodes
//! stacked in each column. Cross-wave links red, hybrid links dashed amber.
//!
//! Labels are plain text (no `html=1` in any style), so an escaped
//! inventory string can never turn back into markup in draw.io's editor.

use std::io::Write;

use crate::ExportError;
use crate::diagram::{Diagram, NodeKind};
use crate::dot::{edge_style, node_fill};
use crate::escape::{xml, xml_attribute};

const COLUMN_WIDTH: u32 = 220;
const COLUMN_GAP: u32 = 80;
const NODE_WIDTH: u32 = 180;
const NODE_HEIGHT: u32 = 46;
const NODE_GAP: u32 = 14;
const HEADER: u32 = 34;

/// Writes the diagram as an uncompressed `.drawio` file.
pub fn write(diagram: &Diagram, out: &mut dyn Write) -> Result<(), ExportError> {
    writeln!(out, r#"<mxfile host="waveplan" type="device">"#)?;
    writeln!(out, r#"  <diagram id="waveplan" name="{}">"#, xml(&diagram.title))?;
    writeln!(
        out,
        r#"    <mxGraphModel grid="1" gridSize="10" guides="1" arrows="1" connect="1" page="0" math="0" shadow="0">"#
    )?;
    writeln!(out, r#"      <root>"#)?;
    writeln!(out, r#"        <mxCell id="0"/>"#)?;
    writeln!(out, r#"        <mxCell id="1" parent="0"/>"#)?;
    for (c, cluster) in diagram.clusters.iter().enumerate() {
        let count = diagram.nodes_in(c).count() as u32;
        let height = HEADER + NODE_GAP + count.max(1) * (NODE_HEIGHT + NODE_GAP);
        let x = c as u32 * (COLUMN_WIDTH + COLUMN_GAP);
        writeln!(
            out,
            r#"        <mxCell id="c{c}" value="{}" style="swimlane;startSize={HEADER};rounded=1;whiteSpace=wrap;html=0;fillColor=#FBFCFC;strokeColor=#AAB7B8;fontStyle=1;" vertex="1" parent="1">"#,
            xml(&cluster.label)
        )?;
        writeln!(
            out,
            r#"          <mxGeometry x="{x}" y="0" width="{COLUMN_WIDTH}" height="{height}" as="geometry"/>"#
        )?;
        writeln!(out, r#"        </mxCell>"#)?;
        for (row, (_, node)) in diagram.nodes_in(c).enumerate() {
            let shape = match node.kind {
                NodeKind::DataStore => "shape=cylinder3;boundedLbl=1;size=8;",
                NodeKind::Device => "shape=hexagon;perimeter=hexagonPerimeter2;size=0.1;",
                NodeKind::External => "shape=note;size=10;",
                _ => "rounded=1;",
            };
            let stroke = if node.focus { "strokeWidth=2;strokeColor=#2E4053;" } else { "strokeColor=#839192;" };
            let label =
                if node.detail.is_empty() { node.label.clone() } else { format!("{}\n{}", node.label, node.detail) };
            let y = HEADER + NODE_GAP + row as u32 * (NODE_HEIGHT + NODE_GAP);
            writeln!(
                out,
                r#"        <mxCell id="{}" value="{}" style="{shape}whiteSpace=wrap;html=0;fillColor={};{stroke}fontSize=11;" vertex="1" parent="c{c}">"#,
                node.id,
                xml_attribute(&label),
                node_fill(node.kind)
            )?;
            writeln!(
                out,
                r#"          <mxGeometry x="{}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" as="geometry"/>"#,
                (COLUMN_WIDTH - NODE_WIDTH) / 2
            )?;
            writeln!(out, r#"        </mxCell>"#)?;
        }
    }
    for (i, edge) in diagram.edges.iter().enumerate() {
        let (color, style) = edge_style(edge);
        let dashed = if style == "solid" { "" } else { "dashed=1;" };
        let width = if edge.cross_wave { 2 } else { 1 };
        writeln!(
            out,
            r#"        <mxCell id="e{i}" value="{}" style="endArrow=block;endSize=4;html=0;rounded=1;curved=1;strokeColor={color};strokeWidth={width};{dashed}fontSize=9;fontColor=#566573;" edge="1" parent="1" source="{}" target="{}">"#,
            xml(&edge.ports_label()),
            diagram.nodes[edge.from].id,
            diagram.nodes[edge.to].id
        )?;
        writeln!(out, r#"          <mxGeometry relative="1" as="geometry"/>"#)?;
        writeln!(out, r#"        </mxCell>"#)?;
    }
    writeln!(out, "      </root>\n    </mxGraphModel>\n  </diagram>\n</mxfile>")?;
    Ok(())
}
