//! Path templates: `/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>.json`.
//!
//! A placeholder is `<Name>`, an identifier (`<CallSid>`, and in the newer products `<sid>`,
//! `<assistantId>`). It fills a whole segment, or starts one that ends in a literal suffix
//! beginning with `.` (`<CallSid>.json`), as Twilio's paths do.

use syn::LitStr;

use crate::ctxt::with_help;

/// One piece of a template.
#[derive(Debug, Clone)]
pub enum Piece {
    /// Literal text, sent as is.
    Literal(String),
    /// A `<Name>` placeholder; `start..end` are byte offsets of `<`..=`>` in the template.
    Placeholder {
        name: String,
        start: usize,
        end: usize,
    },
}

/// A template problem: a message and the byte range of the template it is about.
pub struct Problem {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

/// Splits `template` into pieces, or reports every problem found.
pub fn parse(template: &str) -> Result<Vec<Piece>, Vec<Problem>> {
    let mut pieces = Vec::new();
    let mut problems = Vec::new();
    let bytes = template.as_bytes();
    if !template.starts_with('/') {
        problems.push(Problem {
            message: "a path template starts with `/`".into(),
            start: 0,
            end: 1.min(template.len()),
        });
    }
    if let Some(pos) = template.find(['?', '#']) {
        problems.push(Problem {
            message: "a path template has no query or fragment: parameters are declared as fields"
                .into(),
            start: pos,
            end: pos + 1,
        });
    }
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                let Some(close) = template[i + 1..].find(['>', '<', '/']).map(|o| i + 1 + o) else {
                    problems.push(Problem {
                        message: "unclosed `<`: a placeholder ends with `>`".into(),
                        start: i,
                        end: template.len(),
                    });
                    break;
                };
                if bytes[close] != b'>' {
                    problems.push(Problem {
                        message:
                            "unclosed `<`: a placeholder ends with `>` before the next `/` or `<`"
                                .into(),
                        start: i,
                        end: close,
                    });
                    literal_start = close;
                    i = close;
                    continue;
                }
                if literal_start < i {
                    pieces.push(Piece::Literal(template[literal_start..i].to_owned()));
                }
                let name = &template[i + 1..close];
                if name.is_empty() {
                    problems.push(Problem {
                        message:
                            "empty placeholder `<>`: name the field it binds, e.g. `<CallSid>`"
                                .into(),
                        start: i,
                        end: close + 1,
                    });
                } else if !is_ident(name) {
                    problems.push(Problem {
                        message: format!("placeholder names are identifiers, like `<CallSid>` or `<sid>`; `<{name}>` is not"),
                        start: i,
                        end: close + 1,
                    });
                } else if i == 0 || bytes[i - 1] != b'/' {
                    problems.push(Problem {
                        message: format!(
                            "`<{name}>` must start a path segment (right after a `/`)"
                        ),
                        start: i,
                        end: close + 1,
                    });
                } else if close + 1 < bytes.len() && !matches!(bytes[close + 1], b'/' | b'.') {
                    problems.push(Problem {
                        message: format!("`<{name}>` must fill a whole segment or be followed by a suffix such as `.json`"),
                        start: i,
                        end: close + 1,
                    });
                }
                pieces.push(Piece::Placeholder {
                    name: name.to_owned(),
                    start: i,
                    end: close + 1,
                });
                i = close + 1;
                literal_start = i;
                if bytes.get(i) == Some(&b'.') {
                    // The suffix runs to the end of the segment and must be literal.
                    let seg_end = template[i..].find('/').map_or(template.len(), |o| i + o);
                    if let Some(o) = template[i..seg_end].find('<') {
                        problems.push(Problem {
                            message: "only one placeholder per segment".into(),
                            start: i + o,
                            end: seg_end,
                        });
                        i = seg_end;
                    }
                }
            }
            b'>' => {
                problems.push(Problem {
                    message: "`>` without a matching `<`".into(),
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            _ => i += 1,
        }
    }
    if literal_start < template.len() {
        pieces.push(Piece::Literal(template[literal_start..].to_owned()));
    }
    if problems.is_empty() {
        Ok(pieces)
    } else {
        Err(problems)
    }
}

fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An error about `start..end` of the template literal, with a short `label` for that part and
/// an optional `help` line.
///
/// Where the compiler can point inside a string literal (nightly), the span covers just those
/// characters; on stable it covers the literal, and the message draws the template with a caret
/// line under the exact characters, so the reader still sees which part is wrong.
pub fn error_at(
    lit: &LitStr,
    start: usize,
    end: usize,
    message: &str,
    label: &str,
    help: Option<&str>,
) -> syn::Error {
    let template = lit.value();
    // +1 skips the opening quote; exact while the literal has no escapes, which templates don't.
    let (span, text) = match lit.token().subspan(start + 1..end + 1) {
        Some(span) => (span, format!("{message}: {label}")),
        None => {
            let width = end.saturating_sub(start).max(1);
            let caret = format!("{}{} {label}", " ".repeat(start), "^".repeat(width));
            (lit.span(), format!("{message}\n  {template}\n  {caret}"))
        }
    };
    match help {
        Some(help) => syn::Error::new(span, with_help(text, help)),
        None => syn::Error::new(span, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &str) -> Vec<String> {
        parse(t)
            .unwrap_or_else(|p| panic!("{}", p[0].message))
            .into_iter()
            .filter_map(|p| match p {
                Piece::Placeholder { name, .. } => Some(name),
                Piece::Literal(_) => None,
            })
            .collect()
    }

    #[test]
    fn parses_twilio_paths() {
        assert_eq!(
            names("/2010-04-01/Accounts/<AccountSid>/Calls/<CallSid>.json"),
            ["AccountSid", "CallSid"]
        );
        assert_eq!(names("/2010-04-01/Accounts.json"), Vec::<String>::new());
        assert_eq!(
            names("/v1/Assistants/<id>/Feedbacks/<assistantId>"),
            ["id", "assistantId"]
        );
    }

    #[test]
    fn reports_malformed_templates() {
        for bad in [
            "/a/<CallSid",
            "/a/<>/b",
            "/a/x<CallSid>",
            "/a/<CallSid>x",
            "/a/<call-sid>",
            "/a/<1st>",
            "/a/b>",
            "a/b",
            "/a?x=1",
            "/a/<A>.<B>",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
