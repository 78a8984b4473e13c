//! The log of the `sandbox` binary: one line per request, per callback attempt, per call and
//! per interrupted field (see [`crate::SandboxEvent`]), on standard error.
//!
//! `RUST_LOG` chooses what is shown (default `warn,sandbox=info`; `RUST_LOG=sandbox=debug` adds
//! the caller's keystrokes, `RUST_LOG=debug` the HTTP stacks); `--log-format json` writes one JSON
//! object per line with the same facts as fields. An application embedding the sandbox keeps
//! its own subscriber: the events are ordinary `tracing` events under the `sandbox::request`,
//! `sandbox::callback`, `sandbox::call` and `sandbox::caller` targets, and [`TextFormat`] prints
//! them as the binary does.

use std::fmt;
use std::str::FromStr;

use time::format_description::BorrowedFormatItem;
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::{self, FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::time::{FormatTime, UtcTime};
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::EnvFilter;

/// The targets whose events are sentences of their own (see [`TextFormat`]).
const SENTENCE_TARGETS: &[&str] = &[
    "sandbox::server",
    "sandbox::request",
    "sandbox::callback",
    "sandbox::call",
    "sandbox::caller",
];

/// What the filter is without `RUST_LOG`.
pub const DEFAULT_FILTER: &str = "warn,sandbox=info";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// For people: time, level, a sentence.
    #[default]
    Text,
    /// For machines: one JSON object per line, every fact a field.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("unknown log format {other:?}: use text or json")),
        }
    }
}

/// Installs the binary's subscriber: `RUST_LOG` (or [`DEFAULT_FILTER`]), `format`, standard
/// error. Fails on a `RUST_LOG` that does not parse, or if a subscriber is installed already.
pub fn init(format: LogFormat) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => {
            EnvFilter::try_new(&directives).map_err(|e| format!("RUST_LOG={directives:?}: {e}"))?
        }
        _ => EnvFilter::new(DEFAULT_FILTER),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let installed = match format {
        LogFormat::Text => builder.event_format(TextFormat::default()).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
    };
    installed.map_err(|e| format!("cannot install the log: {e}"))
}

const TIME: &[BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
);

/// The text format: the sandbox's events as `time LEVEL sentence`, every other event as
/// tracing-subscriber's full format prints it.
pub struct TextFormat {
    time: UtcTime<&'static [BorrowedFormatItem<'static>]>,
    others: format::Format<format::Full, UtcTime<&'static [BorrowedFormatItem<'static>]>>,
}

impl Default for TextFormat {
    fn default() -> Self {
        Self {
            time: UtcTime::new(TIME),
            others: format::Format::default()
                .with_timer(UtcTime::new(TIME))
                .with_ansi(false),
        }
    }
}

impl fmt::Debug for TextFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextFormat").finish_non_exhaustive()
    }
}

impl<S, N> FormatEvent<S, N> for TextFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        if !SENTENCE_TARGETS.contains(&meta.target()) {
            return self.others.format_event(ctx, writer, event);
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.time.format_time(&mut writer)?;
        writeln!(writer, " {:>5} {}", meta.level(), message.0)
    }
}

/// Keeps the `message` field only: the sentence already says what the other fields hold.
struct Message(String);

impl tracing::field::Visit for Message {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            use fmt::Write as _;
            let _ = write!(self.0, "{value:?}");
        }
    }
}
