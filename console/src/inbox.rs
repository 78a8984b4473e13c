//! The callback inbox: status callbacks that Twilio (or the sandbox) posts for requests sent
//! from the console, kept in memory so the page can show them. Each operation page opens an
//! inbox with an unguessable id; only open inboxes accept callbacks, signatures are checked
//! with the upstream's auth token, and card numbers that arrive unmasked are masked before
//! anything is stored.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// Inboxes kept at once; the oldest is dropped when a new one opens.
const MAX_INBOXES: usize = 256;
/// Callbacks kept per inbox; the oldest is dropped.
const MAX_ENTRIES: usize = 500;

/// One received callback.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Position in the inbox, from 1.
    pub seq: u64,
    /// When it arrived, milliseconds since the Unix epoch.
    pub received_ms: u64,
    /// `valid`, `invalid` or `unchecked` (no auth token configured).
    pub signature: &'static str,
    /// The form pairs, card numbers masked.
    pub params: Vec<(String, String)>,
}

#[derive(Default)]
struct Boxes {
    order: VecDeque<String>,
    entries: HashMap<String, (u64, VecDeque<Entry>)>,
}

/// Every open inbox.
#[derive(Default)]
pub struct Inboxes {
    boxes: Mutex<Boxes>,
}

/// A fresh unguessable inbox id (128 bits from the OS, hex); `None` if the OS has no
/// randomness to give.
pub fn new_id() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether `id` has the shape [`new_id`] gives.
pub fn is_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl Inboxes {
    /// Opens an inbox (or keeps an open one).
    pub fn open(&self, id: &str) {
        let mut boxes = self.lock();
        if boxes.entries.contains_key(id) {
            return;
        }
        if boxes.order.len() >= MAX_INBOXES {
            if let Some(oldest) = boxes.order.pop_front() {
                boxes.entries.remove(&oldest);
            }
        }
        boxes.order.push_back(id.to_owned());
        boxes.entries.insert(id.to_owned(), (0, VecDeque::new()));
    }

    /// Whether the inbox is open.
    pub fn is_open(&self, id: &str) -> bool {
        self.lock().entries.contains_key(id)
    }

    /// Stores a callback; false when the inbox is not open.
    pub fn push(&self, id: &str, signature: &'static str, params: Vec<(String, String)>) -> bool {
        let mut boxes = self.lock();
        let Some((seq, entries)) = boxes.entries.get_mut(id) else {
            return false;
        };
        *seq += 1;
        if entries.len() >= MAX_ENTRIES {
            entries.pop_front();
        }
        let received_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        entries.push_back(Entry {
            seq: *seq,
            received_ms,
            signature,
            params: params.into_iter().map(|(k, v)| mask(k, v)).collect(),
        });
        true
    }

    /// The callbacks after `after` (a `seq`), oldest first; `None` when the inbox is not open.
    pub fn list(&self, id: &str, after: u64) -> Option<Vec<Entry>> {
        let boxes = self.lock();
        let (_, entries) = boxes.entries.get(id)?;
        Some(entries.iter().filter(|e| e.seq > after).cloned().collect())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Boxes> {
        self.boxes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Masks card data that arrived in the clear: any value that is a card number (13 to 19
/// digits passing the Luhn check, spaces and dashes allowed) keeps its last four digits, and a
/// security code keeps none.
fn mask(name: String, value: String) -> (String, String) {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let only_digits = value
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
    if only_digits && (13..=19).contains(&digits.len()) && luhn(&digits) {
        let masked = "x".repeat(digits.len() - 4) + &digits[digits.len() - 4..];
        return (name, masked);
    }
    if name.eq_ignore_ascii_case("SecurityCode") && !digits.is_empty() && only_digits {
        return (name, "x".repeat(digits.len()));
    }
    (name, value)
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_in_the_clear_are_masked() {
        let (_, v) = mask("PaymentCardNumber".into(), "4242424242424242".into());
        assert_eq!(v, "xxxxxxxxxxxx4242");
        let (_, v) = mask("Anything".into(), "4242 4242 4242 4242".into());
        assert_eq!(v, "xxxxxxxxxxxx4242");
        let (_, v) = mask("SecurityCode".into(), "123".into());
        assert_eq!(v, "xxx");
        // Already masked, or not a card number: kept.
        let (_, v) = mask("PaymentCardNumber".into(), "xxxxxxxxxxxx4242".into());
        assert_eq!(v, "xxxxxxxxxxxx4242");
        let (_, v) = mask("Timestamp".into(), "1234567890123".into());
        assert_eq!(v, "1234567890123");
    }

    #[test]
    fn only_open_inboxes_take_callbacks() {
        let inboxes = Inboxes::default();
        let id = new_id().expect("randomness");
        assert!(is_id(&id));
        assert!(!inboxes.push(&id, "valid", vec![]));
        inboxes.open(&id);
        assert!(inboxes.push(&id, "valid", vec![("A".into(), "1".into())]));
        assert!(inboxes.push(&id, "invalid", vec![]));
        let all = inboxes.list(&id, 0).expect("open");
        assert_eq!(all.len(), 2);
        assert_eq!(inboxes.list(&id, 1).expect("open").len(), 1);
    }
}
