//! Compile errors of `#[twilio_model]` and of a response type that is not one, pinned in
//! `ui_model/*.stderr`. Regenerate after an intended change with
//! `TRYBUILD=overwrite cargo test -p macros --test ui_model`.

#[test]
fn ui_model() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui_model/*.rs");
}
