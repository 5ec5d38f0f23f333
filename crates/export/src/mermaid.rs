//! The dependency diagram as a Mermaid flowchart: one subgraph per wave or
//! move group, cross-wave links red and thick, hybrid links dashed.
//!
//! Labels go through [`crate::escape::mermaid`] (entity codes for every
//! character Mermaid or HTML would read as syntax); ids are our own.

use std::io::Write;

use crate::ExportError;
use crate::diagram::{Diagram, NodeKind};
use crate::escape::mermaid as m;

/// Writes the diagram as Mermaid.
pub fn write(diagram: &Diagram, out: &mut dyn Write) -> Result<(), ExportError> {
    writeln!(out, "---\ntitle: \"{}\"\n---", m(&diagram.title))?;
    writeln!(out, "flowchart LR")?;
    for (c, cluster) in diagram.clusters.iter().enumerate() {
        writeln!(out, "  subgraph c{c}[\"{}\"]", m(&cluster.label))?;
        writeln!(out, "    direction TB")?;
        for (_, node) in diagram.nodes_in(c) {
            let text = if node.detail.is_empty() {
                m(&node.label)
            } else {
                format!("{}<br/><small>{}</small>", m(&node.label), m(&node.detail))
            };
            let (open, close) = match node.kind {
                NodeKind::DataStore => ("[(", ")]"),
                NodeKind::External => ("[/", "/]"),
                NodeKind::Device => ("{{", "}}"),
                _ => ("[", "]"),
            };
            let class = match node.kind {
                NodeKind::Application => "app",
                NodeKind::Server => "server",
                NodeKind::Device => "device",
                NodeKind::DataStore => "store",
                NodeKind::External => "external",
            };
            writeln!(out, "    {}{open}\"{text}\"{close}:::{class}", node.id)?;
        }
        writeln!(out, "  end")?;
    }
    let mut cross = Vec::new();
    let mut hybrid = Vec::new();
    for (i, edge) in diagram.edges.iter().enumerate() {
        let (from, to) = (&diagram.nodes[edge.from].id, &diagram.nodes[edge.to].id);
        let arrow = if edge.hybrid || edge.external {
            "-.->"
        } else if edge.cross_wave {
            "==>"
        } else {
            "-->"
        };
        let label = edge.ports_label();
        if label.is_empty() {
            writeln!(out, "  {from} {arrow} {to}")?;
        } else {
            writeln!(out, "  {from} {arrow}|\"{}\"| {to}", m(&label))?;
        }
        if edge.cross_wave {
            cross.push(i.to_string());
        } else if edge.hybrid {
            hybrid.push(i.to_string());
        }
    }
    writeln!(out, "  classDef app fill:#EAF2F8,stroke:#2E4053")?;
    writeln!(out, "  classDef server fill:#F4F6F6,stroke:#566573")?;
    writeln!(out, "  classDef device fill:#FDEBD0,stroke:#B9770E")?;
    writeln!(out, "  classDef store fill:#E8F6F3,stroke:#117864")?;
    writeln!(out, "  classDef external fill:#F2F3F4,stroke:#7F8C8D")?;
    if !cross.is_empty() {
        writeln!(out, "  linkStyle {} stroke:#C0392B,stroke-width:2.5px", cross.join(","))?;
    }
    if !hybrid.is_empty() {
        writeln!(out, "  linkStyle {} stroke:#B9770E", hybrid.join(","))?;
    }
    Ok(())
}
