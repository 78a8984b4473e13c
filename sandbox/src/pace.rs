//! How fast the simulated caller keys in: at once (the default, so tests and the main job run
//! quickly), or at a human pace, so a client that does not wait for the callbacks fails here as
//! it would on a real call.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The simulated caller's typing speed.
///
/// [`CallerPace::INSTANT`] keys a whole field in while the `Capture` request is answered: every
/// callback of that field is queued before the 202 goes back. Any other pace keys in the
/// background: a pause after the prompt, then one digit every `digit_gap`; the field counts as
/// captured only once its last digit is in (see the README's "caller pace" for what that
/// changes).
///
/// ```
/// use sandbox::CallerPace;
/// use std::time::Duration;
/// assert_eq!("realistic".parse::<CallerPace>(), Ok(CallerPace::REALISTIC));
/// let slow = CallerPace::new(Duration::from_millis(500), Duration::from_secs(2));
/// assert!(!slow.is_instant());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallerPace {
    /// Time between two digits.
    pub digit_gap: Duration,
    /// Time between the prompt (the `Capture` request) and the first digit.
    pub field_pause: Duration,
}

impl CallerPace {
    /// Every field keyed in at once (the default).
    pub const INSTANT: Self = Self {
        digit_gap: Duration::ZERO,
        field_pause: Duration::ZERO,
    };

    /// A person on a phone keypad: a digit every 250 ms, one second to start each field. A
    /// whole card (16 + 4 + 3 + 5 digits) takes about 11 seconds.
    pub const REALISTIC: Self = Self {
        digit_gap: Duration::from_millis(250),
        field_pause: Duration::from_secs(1),
    };

    /// A pace of one's own.
    pub const fn new(digit_gap: Duration, field_pause: Duration) -> Self {
        Self {
            digit_gap,
            field_pause,
        }
    }

    /// Whether fields are keyed in at once, inside the `Capture` request.
    pub fn is_instant(&self) -> bool {
        self.digit_gap.is_zero() && self.field_pause.is_zero()
    }

    /// `instant`, `realistic`, or `custom`.
    pub fn name(&self) -> &'static str {
        if *self == Self::INSTANT {
            "instant"
        } else if *self == Self::REALISTIC {
            "realistic"
        } else {
            "custom"
        }
    }
}

impl Default for CallerPace {
    fn default() -> Self {
        Self::INSTANT
    }
}

impl fmt::Display for CallerPace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            "custom" => write!(
                f,
                "custom ({:?} between digits, {:?} before each field)",
                self.digit_gap, self.field_pause
            ),
            name => f.write_str(name),
        }
    }
}

/// A pace name that is neither `instant` nor `realistic`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerPaceError(String);

impl fmt::Display for CallerPaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown caller pace {:?}: use instant or realistic",
            self.0
        )
    }
}

impl std::error::Error for CallerPaceError {}

impl FromStr for CallerPace {
    type Err = CallerPaceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "instant" | "fast" => Ok(Self::INSTANT),
            "realistic" | "human" => Ok(Self::REALISTIC),
            _ => Err(CallerPaceError(s.to_owned())),
        }
    }
}
