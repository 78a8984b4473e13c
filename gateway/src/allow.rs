//! Allow-lists of operations: which declared operations a gateway key may call.
//!
//! A pattern names a subtree of operation names, component by component: `payments` (or
//! `payments.*`) is every operation under `payments`, `calls.fetch` is that one operation,
//! `verify` is a whole product, `*` is everything; `*` stands for any one component
//! (`*.fetch` is every operation whose first component is followed by `fetch`).

use std::fmt;

/// One allow-list entry, checked when the config is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Any,
    Name(String),
}

/// Why a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("allow pattern {pattern:?}: {reason}")]
pub struct PatternError {
    pattern: String,
    reason: String,
}

impl Pattern {
    /// Parses `payments.*`, `calls.fetch`, `verify`, `*`.
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let refuse = |reason: &str| PatternError {
            pattern: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(refuse("is empty"));
        }
        let mut parts = Vec::new();
        for part in trimmed.split('.') {
            if part == "*" {
                parts.push(Part::Any);
            } else if part.is_empty() {
                return Err(refuse("has an empty component"));
            } else if part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                parts.push(Part::Name(part.to_owned()));
            } else {
                return Err(refuse(
                    "components are names (letters, digits, `_`, `-`) or `*`",
                ));
            }
        }
        // A trailing `*` adds nothing to a subtree: `payments.*` is `payments`.
        while parts.len() > 1 && parts.last() == Some(&Part::Any) {
            parts.pop();
        }
        Ok(Self {
            text: trimmed.to_owned(),
            parts,
        })
    }

    /// Whether `operation` (e.g. `payments.create`) is in this pattern's subtree.
    pub fn matches(&self, operation: &str) -> bool {
        let mut components = operation.split('.');
        self.parts.iter().all(|part| match components.next() {
            None => false,
            Some(c) => match part {
                Part::Any => true,
                Part::Name(n) => n == c,
            },
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A key's allow-list: an operation is allowed when any pattern matches it.
#[derive(Debug, Clone, Default)]
pub struct AllowList(Vec<Pattern>);

impl AllowList {
    /// Parses every pattern; each must match at least one of `operations` (a typo would
    /// otherwise silently allow nothing).
    pub fn parse<'a>(
        patterns: &[String],
        operations: impl Iterator<Item = &'a str> + Clone,
    ) -> Result<Self, PatternError> {
        let mut list = Vec::with_capacity(patterns.len());
        for text in patterns {
            let pattern = Pattern::parse(text)?;
            if !operations.clone().any(|op| pattern.matches(op)) {
                return Err(PatternError {
                    pattern: text.clone(),
                    reason: "matches no declared operation".to_owned(),
                });
            }
            list.push(pattern);
        }
        Ok(Self(list))
    }

    /// Whether the operation is allowed.
    pub fn allows(&self, operation: &str) -> bool {
        self.0.iter().any(|p| p.matches(operation))
    }

    /// The patterns.
    pub fn patterns(&self) -> &[Pattern] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pattern {
        Pattern::parse(s).expect(s)
    }

    #[test]
    fn subtrees_exact_names_and_wildcards() {
        assert!(p("payments.*").matches("payments.create"));
        assert!(p("payments").matches("payments.update"));
        assert!(!p("payments").matches("paymentsx.create"));
        assert!(!p("payments.*").matches("calls.fetch"));
        assert!(p("calls.fetch").matches("calls.fetch"));
        assert!(!p("calls.fetch").matches("calls.create"));
        assert!(!p("calls.fetch").matches("calls"));
        assert!(p("calls").matches("calls.recordings.list"));
        assert!(p("verify").matches("verify.v2.services.verifications.create"));
        assert!(p("*").matches("anything.at.all"));
        assert!(p("*.fetch").matches("calls.fetch"));
        assert!(!p("*.fetch").matches("calls.create"));
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for bad in ["", "  ", "a..b", ".a", "a.", "pay*", "a/b", "a b"] {
            assert!(Pattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_pattern_must_match_something() {
        let ops = ["payments.create", "calls.fetch"];
        assert!(AllowList::parse(&["payments.*".into()], ops.iter().copied()).is_ok());
        let err = AllowList::parse(&["paymnts.*".into()], ops.iter().copied()).expect_err("typo");
        assert!(err.to_string().contains("matches no declared operation"));
    }
}
