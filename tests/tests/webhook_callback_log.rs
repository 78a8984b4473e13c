//! The one warning an unreadable callback field produces: it names the model and the field,
//! never the value. In a test binary of its own: tracing caches each call site's interest
//! process-wide, and a parallel test hitting the same call site with no subscriber could make
//! this test miss the warning.

use api::payments::PayStatusCallback;

// Only the completed callback of the shared odd-values module is needed here.
#[allow(dead_code)]
mod odd;
use odd::COMPLETED;

fn form(pairs: &[(&str, &str)]) -> String {
    serde_html_form::to_string(pairs).expect("form")
}

#[test]
fn one_warning_names_the_field_never_the_value() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Logs(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Logs {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(move || writer.clone())
        .finish();
    let pairs: Vec<(&str, &str)> = COMPLETED
        .iter()
        .map(|&(k, v)| match k {
            "ChargeAmount" => (k, "SECRETMARK-4111111111111111"),
            _ => (k, v),
        })
        .collect();
    let cb = tracing::subscriber::with_default(subscriber, || {
        PayStatusCallback::from_form(form(&pairs).as_bytes()).expect("decodes")
    });
    assert_eq!(cb.charge_amount, None);
    let text = String::from_utf8(logs.0.lock().expect("lock").clone()).expect("utf-8");
    assert_eq!(text.matches("does not fit").count(), 1, "{text}");
    assert!(
        text.contains("PayStatusCallback") && text.contains("ChargeAmount"),
        "{text}"
    );
    assert!(
        !text.contains("SECRETMARK") && !text.contains("4111"),
        "{text}"
    );
    assert!(
        !format!("{cb:?}").contains("SECRETMARK"),
        "Debug shows names only"
    );
}
