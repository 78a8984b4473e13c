//! Quoting for the languages the snippets are written in.

/// A POSIX shell word in single quotes: everything inside is literal (`$`, `` ` ``, `\`, `!`,
/// newlines), and a `'` is written as `'\''` (close, escaped quote, reopen).
pub fn shell_single_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// A Rust string literal (`"…"` with escapes), as `{:?}` writes it: valid Rust for any text.
pub fn rust_string(text: &str) -> String {
    format!("{text:?}")
}

/// A Python string literal in double quotes with backslash escapes for `"`, `\`, control
/// characters and line breaks; everything else as is (Python 3 source is UTF-8).
pub fn python_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JavaScript string literal: JSON's string syntax is valid JavaScript (since ES2019 even
/// with U+2028/U+2029; escaped here anyway for older engines).
pub fn js_string(text: &str) -> String {
    let json = serde_json::Value::String(text.to_owned()).to_string();
    json.replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A path segment, percent-encoded as the client encodes placeholders.
pub fn path_segment(value: &str) -> String {
    let mut out = String::new();
    match runtime::request::path::push_segment(&mut out, value) {
        Ok(()) => out,
        Err(_) => format!("{{{value}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_quotes_survive_the_shell() {
        assert_eq!(shell_single_quote("it's"), r#"'it'\''s'"#);
        assert_eq!(shell_single_quote("$HOME `id` \\n"), "'$HOME `id` \\n'");
        assert_eq!(shell_single_quote("a\nb"), "'a\nb'");
        assert_eq!(shell_single_quote(""), "''");
    }

    #[test]
    fn string_literals_escape_what_they_must() {
        assert_eq!(rust_string("a\"b\n"), r#""a\"b\n""#);
        assert_eq!(python_string("a\"b\\\n"), r#""a\"b\\\n""#);
        assert_eq!(js_string("a\"b\u{2028}"), r#""a\"b\u2028""#);
    }
}
