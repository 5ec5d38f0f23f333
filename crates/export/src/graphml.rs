//! The dependency diagram as GraphML, for yEd, Gephi and Cytoscape: flat
//! nodes and edges with typed attributes (kind, side, wave, cluster,
//! cross-wave and hybrid flags) to filter and partition by.
//!
//! Every value is XML-escaped; ids are our own.

use std::io::Write;

use crate::ExportError;
use crate::diagram::Diagram;
use crate::escape::xml;

/// Writes the diagram as GraphML.
pub fn write(diagram: &Diagram, out: &mut dyn Write) -> Result<(), ExportError> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for (id, target, name, kind) in [
        ("label", "node", "label", "string"),
        ("detail", "node", "detail", "string"),
        ("kind", "node", "kind", "string"),
        ("side", "node", "side", "string"),
        ("wave", "node", "wave", "int"),
        ("cluster", "node", "cluster", "string"),
        ("focus", "node", "focus", "boolean"),
        ("count", "edge", "dependencies", "int"),
        ("weight", "edge", "weight", "double"),
        ("ports", "edge", "ports", "string"),
        ("cross_wave", "edge", "cross_wave", "boolean"),
        ("hybrid", "edge", "hybrid", "boolean"),
        ("external", "edge", "external", "boolean"),
    ] {
        writeln!(out, r#"  <key id="{id}" for="{target}" attr.name="{name}" attr.type="{kind}"/>"#)?;
    }
    writeln!(out, r#"  <graph id="G" edgedefault="directed">"#)?;
    writeln!(out, r#"    <desc>{}</desc>"#, xml(&diagram.title))?;
    for node in &diagram.nodes {
        writeln!(out, r#"    <node id="{}">"#, node.id)?;
        writeln!(out, r#"      <data key="label">{}</data>"#, xml(&node.label))?;
        writeln!(out, r#"      <data key="detail">{}</data>"#, xml(&node.detail))?;
        writeln!(out, r#"      <data key="kind">{}</data>"#, node.kind.as_str())?;
        writeln!(out, r#"      <data key="side">{}</data>"#, node.side.label())?;
        if let Some(w) = node.side.wave() {
            writeln!(out, r#"      <data key="wave">{w}</data>"#)?;
        }
        writeln!(out, r#"      <data key="cluster">{}</data>"#, xml(&diagram.clusters[node.cluster].label))?;
        writeln!(out, r#"      <data key="focus">{}</data>"#, node.focus)?;
        writeln!(out, r#"    </node>"#)?;
    }
    for (i, edge) in diagram.edges.iter().enumerate() {
        let (from, to) = (&diagram.nodes[edge.from].id, &diagram.nodes[edge.to].id);
        writeln!(out, r#"    <edge id="e{i}" source="{from}" target="{to}">"#)?;
        writeln!(out, r#"      <data key="count">{}</data>"#, edge.count)?;
        writeln!(out, r#"      <data key="weight">{}</data>"#, edge.weight)?;
        writeln!(
            out,
            r#"      <data key="ports">{}</data>"#,
            edge.ports.iter().map(u16::to_string).collect::<Vec<_>>().join(" ")
        )?;
        writeln!(out, r#"      <data key="cross_wave">{}</data>"#, edge.cross_wave)?;
        writeln!(out, r#"      <data key="hybrid">{}</data>"#, edge.hybrid)?;
        writeln!(out, r#"      <data key="external">{}</data>"#, edge.external)?;
        writeln!(out, r#"    </edge>"#)?;
    }
    writeln!(out, "  </graph>\n</graphml>")?;
    Ok(())
}
