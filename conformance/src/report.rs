//! The suite's output: a table per endpoint, the details, and one summary line.

use std::fmt::Write;

use crate::check::StaticReport;
use crate::prism::{Call, Verdict};
use crate::values::Fill;

/// Everything one run found.
#[derive(Debug, Clone)]
pub struct Results {
    /// The static check, one entry per endpoint, in registry order.
    pub statics: Vec<StaticReport>,
    /// The Prism calls, two per endpoint; `None` when Prism was not run.
    pub calls: Option<Vec<Call>>,
}

impl Results {
    /// Mismatches in all.
    pub fn mismatches(&self) -> usize {
        self.statics.iter().map(|s| s.mismatches.len()).sum()
    }

    /// `(accepted, total)` Prism calls.
    pub fn accepted(&self) -> (usize, usize) {
        let calls = self.calls.as_deref().unwrap_or_default();
        (
            calls.iter().filter(|c| c.verdict.accepted()).count(),
            calls.len(),
        )
    }

    /// Whether the suite passes: no mismatch and every Prism call accepted.
    pub fn passed(&self) -> bool {
        let (ok, total) = self.accepted();
        !self.statics.is_empty() && self.mismatches() == 0 && ok == total
    }

    /// The verdict of `endpoint`'s call with `fill`.
    pub fn verdict(&self, endpoint: &str, fill: Fill) -> Option<&Verdict> {
        self.calls
            .as_deref()?
            .iter()
            .find(|c| c.endpoint == endpoint && c.fill == fill)
            .map(|c| &c.verdict)
    }

    /// The report: [`details`](Self::details) then the [`summary`](Self::summary) line.
    pub fn render(&self) -> String {
        format!("{}\n{}\n", self.details(), self.summary())
    }

    /// The table and the sections listing mismatches, rejections and set-aside verdicts.
    pub fn details(&self) -> String {
        let mut out = String::new();
        let width = self
            .statics
            .iter()
            .map(|s| s.endpoint.len())
            .max()
            .unwrap_or(8)
            .max(8);
        let _ = writeln!(
            out,
            "{:<width$}  {:>11}  {:>10}  prism (required, all)",
            "endpoint", "params d/s", "mismatches"
        );
        for s in &self.statics {
            let prism = match &self.calls {
                None => "not run".to_owned(),
                Some(_) => format!(
                    "{}, {}",
                    short(self.verdict(&s.endpoint, Fill::Required)),
                    short(self.verdict(&s.endpoint, Fill::All))
                ),
            };
            let _ = writeln!(
                out,
                "{:<width$}  {:>11}  {:>10}  {prism}",
                s.endpoint,
                format!("{}/{}", s.declared, s.in_spec),
                s.mismatches.len()
            );
        }
        let mut section = |title: &str, lines: Vec<String>| {
            if !lines.is_empty() {
                let _ = writeln!(out, "\n{title}");
                for l in lines {
                    let _ = writeln!(out, "  {l}");
                }
            }
        };
        section(
            "mismatches (static check):",
            self.statics
                .iter()
                .flat_map(|s| {
                    s.mismatches
                        .iter()
                        .map(move |m| format!("{}: {m}", s.endpoint))
                })
                .collect(),
        );
        let calls = self.calls.as_deref().unwrap_or_default();
        section(
            "Prism rejections:",
            calls
                .iter()
                .filter_map(|c| match &c.verdict {
                    Verdict::Rejected(why) => {
                        Some(format!("{} [{}]: {why}", c.endpoint, c.fill.label()))
                    }
                    Verdict::SetAside {
                        rest: Some(rest), ..
                    } => match rest.as_ref() {
                        Verdict::Rejected(why) => Some(format!(
                            "{} [{} minus set-aside arrays]: {why}",
                            c.endpoint,
                            c.fill.label()
                        )),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
        );
        section(
            "Prism verdicts set aside (Prism reads Twilio's repeated-key arrays `K=a&K=b` as one string and answers \"must be array\", and a form's JSON-object parameter, sent as one JSON string, \"must be object\"; the official helpers send both this way and Twilio accepts them, so the wire format stays and the static check judges these parameters):",
            calls
                .iter()
                .filter_map(|c| match &c.verdict {
                    Verdict::SetAside { params, rest } => Some(format!(
                        "{} [{}]: {} — {}",
                        c.endpoint,
                        c.fill.label(),
                        params.join(", "),
                        match rest.as_deref() {
                            Some(Verdict::Accepted) => "re-sent without them: accepted",
                            Some(_) => "re-sent without them: rejected (see above)",
                            None => "required, so not re-sent",
                        }
                    )),
                    _ => None,
                })
                .collect(),
        );
        let undeclared: usize = self.statics.iter().map(|s| s.undeclared.len()).sum();
        if undeclared > 0 {
            section(
                "optional spec parameters not declared (not a failure):",
                self.statics
                    .iter()
                    .filter(|s| !s.undeclared.is_empty())
                    .map(|s| format!("{}: {}", s.endpoint, s.undeclared.join(", ")))
                    .collect(),
            );
        }
        out
    }

    /// The last line, e.g. `conformance: 2 endpoints, 0 mismatches, 4/4 Prism calls accepted`.
    pub fn summary(&self) -> String {
        let (ok, total) = self.accepted();
        let calls = self.calls.as_deref().unwrap_or_default();
        let set_aside = calls
            .iter()
            .filter(|c| matches!(c.verdict, Verdict::SetAside { .. }))
            .count();
        let mut out = format!(
            "conformance: {} endpoints, {} mismatches, {ok}/{total} Prism calls accepted",
            self.statics.len(),
            self.mismatches(),
        );
        if self.calls.is_none() {
            out.push_str(" (Prism not run)");
        }
        if set_aside > 0 {
            let _ = write!(
                out,
                ", {set_aside} verdicts set aside (form-encoded arrays and objects)"
            );
        }
        out
    }
}

fn short(v: Option<&Verdict>) -> &'static str {
    match v {
        None => "-",
        Some(Verdict::Accepted) => "ok",
        Some(Verdict::Rejected(_)) => "REJECTED",
        Some(v @ Verdict::SetAside { .. }) if v.accepted() => "ok*",
        Some(Verdict::SetAside { .. }) => "REJECTED*",
    }
}
