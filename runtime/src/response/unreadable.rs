//! [`Unreadable`]: the raw values of a model's fields that did not fit their types.

use std::fmt;

use serde_json::Value;

/// The raw values of a response model's fields that did not fit their types, keyed by wire
/// name, exactly as they arrived (JSON; a form value is a JSON string).
///
/// An item of a list is keyed `name[index]`, an entry of a map `name.key`; a nested model keeps
/// its own. `Debug` shows the names only: a value that did not fit may be anything, card data
/// included, so it is never printed or logged; ask for it with [`get`](Self::get).
///
/// ```
/// # #[runtime::twilio_model] #[derive(Debug)] pub struct Call { pub date_created: Option<time::OffsetDateTime> }
/// let call: Call = serde_json::from_str(r#"{"date_created": {"odd": true}}"#)?;
/// assert_eq!(call.date_created, None);
/// assert_eq!(call.unreadable.get("date_created"), Some(&serde_json::json!({"odd": true})));
/// assert_eq!(format!("{:?}", call.unreadable), r#"Unreadable(["date_created"])"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Unreadable(Vec<(String, Value)>);

impl Unreadable {
    /// The raw value kept for `name` (a wire name, or `name[i]` / `name.key` inside a list or
    /// map), if it did not fit.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Whether `name` held a value that did not fit.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Whether every field that arrived fitted its type.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many values did not fit.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The names of the values that did not fit, in the order they arrived.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// Every `(name, raw value)`, in the order they arrived.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Keeps `raw` under `name`, replacing an earlier value of the same name (a repeated key).
    pub(crate) fn insert(&mut self, name: String, raw: Value) {
        match self.0.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = raw,
            None => self.0.push((name, raw)),
        }
    }

    /// Forgets what was kept for a field and its items (a repeated key whose later value fits).
    pub(crate) fn forget(&mut self, field: &str) {
        self.0.retain(|(k, _)| {
            !(k.strip_prefix(field)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.'])))
        });
    }
}

impl fmt::Debug for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Unreadable").field(&Names(self)).finish()
    }
}

struct Names<'a>(&'a Unreadable);

impl fmt::Debug for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.names()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_value_of_a_name_and_forgets_a_field_with_its_items() {
        let mut u = Unreadable::default();
        u.insert("a".into(), Value::from(1));
        u.insert("a".into(), Value::from(2));
        u.insert("ab".into(), Value::from(3));
        u.insert("a[1]".into(), Value::from(4));
        u.insert("a.k".into(), Value::from(5));
        assert_eq!(u.get("a"), Some(&Value::from(2)));
        assert_eq!(u.len(), 4);
        u.forget("a");
        assert_eq!(u.names().collect::<Vec<_>>(), ["ab"]);
        assert_eq!(format!("{u:?}"), r#"Unreadable(["ab"])"#);
    }
}
