//! The dependency graph's view saved as a picture: SVG drawn here from the
//! scene the page sends (what is on screen, where, in what colour), PNG as
//! the page rendered its WebGL layers; either written atomically where the
//! user chose in the native save dialog.
//!
//! Every name in the scene came from an inventory: it goes into the SVG
//! only as escaped text (`waveplan_export::escape`), never as markup, and
//! colours are accepted only as `#rgb`/`#rrggbb`, so nothing the page sends
//! can add an element or an attribute.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use tauri::{AppHandle, Runtime};
use waveplan_export::escape::xml;

use crate::dialog;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::wire::{ExportOutcome, GraphScene};

/// The eight bytes every PNG starts with.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn colour(field: &str, text: &str) -> AppResult<String> {
    let hex = text.strip_prefix('#').unwrap_or("");
    if matches!(hex.len(), 3 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(AppError::invalid(field, format!("'{text}' is not a colour (#rrggbb)")))
    }
}

fn number(field: &str, value: f64) -> AppResult<f64> {
    if value.is_finite() { Ok(value) } else { Err(AppError::invalid(field, "not a finite number")) }
}

/// A coordinate written with two decimals at most.
struct Px(f64);

impl std::fmt::Display for Px {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rounded = (self.0 * 100.0).round() / 100.0;
        write!(f, "{rounded}")
    }
}

/// The scene as an SVG document: links with arrowheads under the nodes,
/// the labels shown, the groups' names, and the legend.
pub fn svg(scene: &GraphScene) -> AppResult<String> {
    let (width, height) = (number("width", scene.width)?, number("height", scene.height)?);
    if width <= 0.0 || height <= 0.0 {
        return Err(AppError::invalid("width", "the view has no size"));
    }
    let background = colour("background", &scene.background)?;
    let label_colour = colour("labelColor", &scene.label_color)?;
    let mut out = String::with_capacity(256 + scene.nodes.len() * 120 + scene.edges.len() * 110);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"system-ui, 'DejaVu Sans', sans-serif\">\n<title>{}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"{background}\"/>\n",
        xml(&scene.title),
        w = Px(width),
        h = Px(height),
    );
    // One arrowhead per link colour.
    let mut markers: BTreeMap<String, usize> = BTreeMap::new();
    let mut edges = String::new();
    for (i, e) in scene.edges.iter().enumerate() {
        let field = format!("edges.{i}");
        let node = |n: u32| {
            scene.nodes.get(n as usize).ok_or_else(|| AppError::invalid(&field, format!("no node {n} in the scene")))
        };
        let (from, to) = (node(e.from)?, node(e.to)?);
        let stroke = colour(&field, &e.color)?;
        let next = markers.len();
        let marker = *markers.entry(stroke.clone()).or_insert(next);
        // The line stops at the target's rim, so its arrowhead shows.
        let (dx, dy) = (to.x - from.x, to.y - from.y);
        let length = (dx * dx + dy * dy).sqrt();
        if !length.is_finite() || length <= to.size {
            continue;
        }
        let end = (length - to.size) / length;
        let _ = writeln!(
            edges,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"{}\" marker-end=\"url(#arrow{marker})\"/>",
            Px(number(&field, from.x)?),
            Px(number(&field, from.y)?),
            Px(from.x + dx * end),
            Px(from.y + dy * end),
            Px(number(&field, e.size)?.max(0.1)),
        );
    }
    out.push_str("<defs>\n");
    for (stroke, i) in &markers {
        let _ = writeln!(
            out,
            "<marker id=\"arrow{i}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"5\" markerHeight=\"5\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"{stroke}\"/></marker>"
        );
    }
    out.push_str("</defs>\n<g class=\"links\" fill=\"none\">\n");
    out.push_str(&edges);
    out.push_str("</g>\n<g class=\"nodes\">\n");
    let mut labels = String::new();
    for (i, n) in scene.nodes.iter().enumerate() {
        let field = format!("nodes.{i}");
        let (x, y, r) = (number(&field, n.x)?, number(&field, n.y)?, number(&field, n.size)?.max(0.5));
        let fill = colour(&field, &n.color)?;
        match &n.title {
            Some(title) => {
                let _ = writeln!(
                    out,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\"><title>{}</title></circle>",
                    Px(x),
                    Px(y),
                    Px(r),
                    xml(title)
                );
            }
            None => {
                let _ = writeln!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\"/>", Px(x), Px(y), Px(r));
            }
        }
        if let Some(label) = &n.label {
            let _ = writeln!(labels, "<text x=\"{}\" y=\"{}\">{}</text>", Px(x + r + 3.0), Px(y + 4.0), xml(label));
        }
    }
    let _ = write!(out, "</g>\n<g class=\"labels\" font-size=\"12\" fill=\"{label_colour}\">\n{labels}</g>\n");
    let _ = writeln!(
        out,
        "<g class=\"groups\" font-size=\"14\" font-weight=\"600\" fill=\"{label_colour}\" text-anchor=\"middle\" opacity=\"0.75\">"
    );
    for (i, g) in scene.groups.iter().enumerate() {
        let field = format!("groups.{i}");
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            Px(number(&field, g.x)?),
            Px(number(&field, g.y)?),
            xml(&g.text)
        );
    }
    out.push_str("</g>\n");
    let _ = writeln!(out, "<g class=\"legend\" font-size=\"12\" fill=\"{label_colour}\">");
    if !scene.legend.is_empty() {
        // A backing, so the legend reads over whatever is drawn under it.
        let longest = scene.legend.iter().map(|e| e.text.chars().count()).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "<rect x=\"6\" y=\"4\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"{background}\" opacity=\"0.85\"/>",
            Px(longest as f64 * 7.0 + 36.0),
            Px(scene.legend.len() as f64 * 18.0 + 8.0)
        );
    }
    for (i, entry) in scene.legend.iter().enumerate() {
        let fill = colour(&format!("legend.{i}"), &entry.color)?;
        let y = 18.0 + 18.0 * i as f64;
        let _ = writeln!(
            out,
            "<rect x=\"12\" y=\"{}\" width=\"14\" height=\"4\" fill=\"{fill}\"/><text x=\"32\" y=\"{}\">{}</text>",
            Px(y - 4.0),
            Px(y + 1.0),
            xml(&entry.text)
        );
    }
    out.push_str("</g>\n</svg>\n");
    Ok(out)
}

/// The width and height of a PNG, or why the bytes are not one.
pub fn png_size(bytes: &[u8]) -> AppResult<(u32, u32)> {
    let refused = || AppError::invalid("image", "the picture is not a PNG");
    if bytes.len() < 24 || !bytes.starts_with(PNG_SIGNATURE) || &bytes[12..16] != b"IHDR" {
        return Err(refused());
    }
    let word = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Ok((word(16), word(20)))
}

/// Asks where, then writes `bytes` there atomically, adding `.{extension}`
/// when the name chosen has another or none.
pub fn save<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    bytes: &[u8],
    extension: &str,
) -> AppResult<ExportOutcome> {
    let name = state.with_session(|s| Ok(s.name()))?;
    let title = format!("Save the graph as {}", extension.to_uppercase());
    let chosen =
        dialog::save_as(app, &title, &format!("{name}-graph.{extension}"), extension).ok_or(AppError::Cancelled)?;
    let target = with_extension(chosen, extension);
    waveplan_app::write_atomically(&target, bytes)?;
    Ok(ExportOutcome {
        written: vec![target.display().to_string()],
        bytes: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
        notes: Vec::new(),
    })
}

fn with_extension(path: PathBuf, extension: &str) -> PathBuf {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case(extension)) {
        return path;
    }
    let mut name = path.into_os_string();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{SceneEdge, SceneLabel, SceneLegend, SceneNode};

    const HOSTILE: &str = "<img src=x onerror=alert(1)>";

    fn scene() -> GraphScene {
        let node = |x: f64, label: Option<&str>| SceneNode {
            x,
            y: 50.0,
            size: 5.0,
            color: "#2B6CB0".into(),
            label: label.map(str::to_string),
            title: label.map(str::to_string),
        };
        GraphScene {
            width: 400.0,
            height: 300.0,
            background: "#ffffff".into(),
            label_color: "#1a202c".into(),
            title: format!("Dependencies of {HOSTILE}"),
            nodes: vec![node(10.0, Some(HOSTILE)), node(110.0, Some("ehr-db-01 & \"primary\"")), node(210.0, None)],
            edges: vec![
                SceneEdge { from: 0, to: 1, color: "#e53e3e".into(), size: 1.6 },
                SceneEdge { from: 1, to: 2, color: "#a0aec0".into(), size: 0.6 },
                SceneEdge { from: 2, to: 1, color: "#a0aec0".into(), size: 0.6 },
            ],
            groups: vec![SceneLabel { x: 100.0, y: 20.0, text: format!("wave 1 {HOSTILE}") }],
            legend: vec![SceneLegend { color: "#e53e3e".into(), text: "cross-wave links".into() }],
        }
    }

    #[test]
    fn the_view_is_a_vector_drawing_with_every_name_as_escaped_text() {
        let svg = svg(&scene()).expect("svg");
        assert!(
            svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"")
        );
        assert_eq!(svg.matches("<circle ").count(), 3);
        assert_eq!(svg.matches("<line ").count(), 3);
        assert_eq!(svg.matches("<marker ").count(), 2, "one arrowhead per colour");
        assert!(svg.contains("<text x=\"18\" y=\"54\">&lt;img src=x onerror=alert(1)&gt;</text>"), "{svg}");
        assert!(svg.contains("<title>&lt;img src=x onerror=alert(1)&gt;</title>"));
        assert!(svg.contains("ehr-db-01 &amp; &quot;primary&quot;"));
        assert!(svg.contains(">wave 1 &lt;img src=x onerror=alert(1)&gt;</text>"));
        assert!(!svg.contains("<img"), "no name becomes markup");
        // The first link ends at the second node's rim (x 110 - radius 5).
        assert!(svg.contains("<line x1=\"10\" y1=\"50\" x2=\"105\" y2=\"50\" stroke=\"#e53e3e\""), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn a_scene_that_would_inject_markup_or_points_nowhere_is_refused() {
        let mut bad = scene();
        bad.nodes[0].color = "red\" onload=\"alert(1)".into();
        assert_eq!(
            svg(&bad).expect_err("colour").to_string(),
            "nodes.0: 'red\" onload=\"alert(1)' is not a colour (#rrggbb)"
        );
        let mut bad = scene();
        bad.edges[0].to = 9;
        assert_eq!(svg(&bad).expect_err("index").to_string(), "edges.0: no node 9 in the scene");
        let mut bad = scene();
        bad.nodes[1].x = f64::NAN;
        assert!(svg(&bad).is_err());
    }

    #[test]
    fn a_png_is_known_by_its_header_and_a_name_gets_its_extension() {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(&[0, 0, 0, 13]);
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&1200u32.to_be_bytes());
        png.extend_from_slice(&800u32.to_be_bytes());
        assert_eq!(png_size(&png).expect("png"), (1200, 800));
        assert!(png_size(b"<svg/>").is_err());
        assert_eq!(with_extension(PathBuf::from("/tmp/graph"), "svg"), PathBuf::from("/tmp/graph.svg"));
        assert_eq!(with_extension(PathBuf::from("/tmp/graph.SVG"), "svg"), PathBuf::from("/tmp/graph.SVG"));
        assert_eq!(with_extension(PathBuf::from("/tmp/g.v2"), "png"), PathBuf::from("/tmp/g.v2.png"));
    }
}
