//! Escaping of inventory strings for every text format that leaves the
//! machine: HTML and XML (SVG, draw.io, GraphML), Mermaid labels and DOT
//! strings. Spreadsheet formula neutralisation lives in [`crate::table::neutralize`].
//!
//! Every name, owner, tag and reason came from an inventory somebody else
//! wrote: none of it is ever written raw into markup.

use std::borrow::Cow;

/// Whether a character may not appear in an XML 1.0 document, not even as a
/// character reference (the `Char` production of XML 1.0 §2.2): the C0
/// control characters other than tab, line feed and carriage return, and
/// U+FFFE and U+FFFF. (Lone surrogates, also forbidden, cannot occur in a
/// Rust string.) A parser stops at the first one, so the whole file is lost.
pub fn is_forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Text without the characters XML 1.0 forbids ([`is_forbidden_in_xml`]),
/// for writers that escape markup themselves (the workbook's cells).
pub fn xml_chars(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_forbidden_in_xml) {
        Cow::Owned(text.chars().filter(|&c| !is_forbidden_in_xml(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Escapes text for HTML or XML content and attribute values (quoted with `"` or `'`).
/// Characters that XML 1.0 forbids are dropped, and so are the other control
/// characters but tab and line feed (carriage return and the C1 controls,
/// which no name or note needs).
pub fn xml(text: &str) -> Cow<'_, str> {
    let dropped = |c: char| is_forbidden_in_xml(c) || (c.is_control() && !matches!(c, '\n' | '\t'));
    if !text.chars().any(|c| matches!(c, '<' | '>' | '&' | '"' | '\'') || dropped(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if dropped(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escapes text for an XML attribute value, keeping line breaks: a raw
/// newline in an attribute reads back as a space, `&#10;` as a newline.
pub fn xml_attribute(text: &str) -> String {
    xml(text).replace('\n', "&#10;").replace('\t', "&#9;")
}

/// Text for a Mermaid label inside `"..."`: Mermaid reads HTML entities
/// there, and `#quot;`-style codes for its own syntax characters.
pub fn mermaid(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            '[' => out.push_str("#91;"),
            ']' => out.push_str("#93;"),
            '{' => out.push_str("#123;"),
            '}' => out.push_str("#125;"),
            '(' => out.push_str("#40;"),
            ')' => out.push_str("#41;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A DOT double-quoted string, quotes included. Backslashes are doubled so
/// that inventory text cannot smuggle DOT escapes (`\N`, `\l`) into labels.
pub fn dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_never_survives() {
        assert_eq!(xml("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(xml("a\"b'c&d"), "a&quot;b&#39;c&amp;d");
        assert_eq!(xml("plain"), "plain");
        assert_eq!(xml("bell\u{7}"), "bell");
        assert_eq!(xml("a\u{1}b\u{FFFF}c\u{FFFE}"), "abc", "characters XML forbids are dropped");
        assert_eq!(xml("tab\tline\n"), "tab\tline\n");
        assert_eq!(xml_chars("PACS\u{1} <1>\u{FFFF}"), "PACS <1>", "markup is left to the caller");
        assert_eq!(xml_chars("fine\u{FFFD}"), "fine\u{FFFD}");
        assert_eq!(xml_attribute("a\n<b>"), "a&#10;&lt;b&gt;");
        assert!(!mermaid("A\"]-->B[\"x").contains(['"', '[', ']']));
        assert_eq!(dot("a\"b\\N"), "\"a\\\"b\\\\N\"");
    }
}
