//! Turning the bytes of a text export into a `str`: byte-order marks, UTF-16,
//! a Windows-1252 fallback for what is not UTF-8 (it never garbles valid
//! UTF-8, which is tried first), and a clear word when the bytes are not text.

use std::borrow::Cow;

/// Why bytes could not be read as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextError {
    /// The file has no bytes.
    Empty,
    /// NUL bytes or other control characters: a binary file (a spreadsheet, an archive).
    Binary {
        /// What the first bytes look like, when recognised.
        looks_like: Option<&'static str>,
    },
}

/// The encoding a text was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16 little-endian with a byte-order mark (Excel's "Unicode Text").
    Utf16Le,
    /// UTF-16 big-endian with a byte-order mark.
    Utf16Be,
    /// Windows-1252, the fallback for bytes that are not UTF-8.
    Windows1252,
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Empty => f.write_str("the file is empty"),
            TextError::Binary { looks_like: Some(kind) } => {
                write!(f, "this is not a CSV text file: it looks like {kind}")
            }
            TextError::Binary { looks_like: None } => f.write_str("this is not a CSV text file: it holds binary data"),
        }
    }
}

fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [b'P', b'K', 3, 4, ..] => Some("a zip archive or an Excel workbook (.xlsx)"),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => Some("a legacy Office document (.xls)"),
        [b'%', b'P', b'D', b'F', ..] => Some("a PDF document"),
        [b'S', b'Q', b'L', b'i', b't', b'e', ..] => Some("an SQLite database"),
        [0x1F, 0x8B, ..] => Some("a gzip archive"),
        _ => None,
    }
}

fn decode_utf16(bytes: &[u8], little_endian: bool) -> String {
    let units = bytes.chunks_exact(2).map(|pair| {
        if little_endian { u16::from_le_bytes([pair[0], pair[1]]) } else { u16::from_be_bytes([pair[0], pair[1]]) }
    });
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

/// Decodes a text export: UTF-8 with or without a byte-order mark, UTF-16
/// (LE or BE) with one, which is what Excel writes as "Unicode Text", or
/// Windows-1252 when the bytes are not UTF-8.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, TextError> {
    decode_with_encoding(bytes).map(|(text, _)| text)
}

/// [`decode`], also saying which encoding was used.
pub fn decode_with_encoding(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), TextError> {
    if bytes.is_empty() {
        return Err(TextError::Empty);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok((Cow::Owned(decode_utf16(rest, true)), Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Ok((Cow::Owned(decode_utf16(rest, false)), Encoding::Utf16Be));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Some(kind) = sniff_binary(bytes) {
        return Err(TextError::Binary { looks_like: Some(kind) });
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.iter().any(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))) {
        return Err(TextError::Binary { looks_like: None });
    }
    let (text, encoding) = match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), Encoding::Utf8),
        Err(_) => (encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0, Encoding::Windows1252),
    };
    if text.trim().is_empty() { Err(TextError::Empty) } else { Ok((text, encoding)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_reads_utf16() {
        assert_eq!(decode(b"\xEF\xBB\xBFname\n").unwrap(), "name\n");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("nämé".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(&utf16).unwrap(), "nämé");
    }

    #[test]
    fn names_what_is_not_text() {
        assert_eq!(decode(b""), Err(TextError::Empty));
        assert_eq!(
            decode(b"PK\x03\x04rest"),
            Err(TextError::Binary { looks_like: Some("a zip archive or an Excel workbook (.xlsx)") })
        );
        assert_eq!(decode(b"a,b\n\x00\x01"), Err(TextError::Binary { looks_like: None }));
        assert_eq!(
            decode_with_encoding(b"name\nserv\xE9r \x80\n").unwrap(),
            (Cow::Owned("name\nservér €\n".into()), Encoding::Windows1252)
        );
        assert_eq!(decode_with_encoding("servér".as_bytes()).unwrap().1, Encoding::Utf8);
    }
}
