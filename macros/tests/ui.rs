//! Compile errors of `#[twilio_endpoint]`, pinned in `ui/*.stderr`.
//! Regenerate after an intended change with `TRYBUILD=overwrite cargo test -p macros --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
