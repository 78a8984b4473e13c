//! Property tests on the request matcher and the parameter checks, with arbitrary input: no
//! panic; a match always rebuilds exactly the path it matched; decoding and checks refuse
//! rather than guess; and over real HTTP, arbitrary paths never reach upstream unless they are
//! a declared operation's path.

use crate::common;

use std::sync::OnceLock;

use gateway::matcher::{Match, Matcher};
use gateway::operation::Operation;
use gateway::request;
use proptest::prelude::*;
use runtime::WireInput;

fn matcher() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(|| {
        use api as _;
        Matcher::new(&runtime::endpoints()).expect("unambiguous")
    })
}

/// Path-ish text: segments of characters that matter to paths, encodings and templates.
fn path_text() -> impl Strategy<Value = String> {
    let segment = proptest::string::string_regex(
        "(2010-04-01|Accounts|Calls|Payments\\.json|AC[0-9a-f]{32}|CA[0-9a-f]{32}|\\.\\.|\\.|%2F|%2e|%00|%25|<x>|[A-Za-z0-9._~%:+-]{0,12}|é|\\\\)",
    )
    .expect("regex");
    proptest::collection::vec(segment, 0..9).prop_map(|segs| format!("/{}", segs.join("/")))
}

/// Rebuilds the path a match came from: the template with its values put back.
fn rebuild(op: &Operation, values: &[(&'static str, &str)]) -> String {
    let mut out = op.surface.clone();
    for (name, value) in values {
        out = out.replacen(&format!("<{name}>"), value, 1);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn a_match_rebuilds_exactly_the_path_it_matched(
        method in prop_oneof![Just("GET"), Just("POST"), Just("DELETE"), Just("PUT"), Just("BREW")],
        path in path_text(),
    ) {
        if let Match::Found(found) = matcher().find(method, &path) {
            prop_assert_eq!(found.operation.info.method.as_str(), method);
            prop_assert_eq!(rebuild(found.operation, &found.values), path.clone());
            let placeholders = found.operation.surface.matches('<').count();
            prop_assert_eq!(found.values.len(), placeholders);
            prop_assert!(found.values.iter().all(|(_, v)| !v.is_empty() && !v.contains('/')));
        }
    }

    #[test]
    fn every_declared_path_with_any_values_finds_its_operation(
        index in any::<proptest::sample::Index>(),
        values in proptest::collection::vec("Z[A-Za-z0-9]{0,20}", 8),
    ) {
        let ops = matcher().operations();
        let op = &ops[index.index(ops.len())];
        let mut path = op.surface.clone();
        for v in &values {
            if let (Some(open), Some(close)) = (path.find('<'), path.find('>')) {
                path.replace_range(open..=close, v);
            }
        }
        match matcher().find(op.info.method.as_str(), &path) {
            Match::Found(found) => prop_assert!(std::ptr::eq(found.operation.info, op.info), "{} matched {}", path, found.operation.name),
            other => prop_assert!(false, "{} {}: {:?}", op.info.method, path, other),
        }
    }

    #[test]
    fn path_checks_never_panic_and_refuse_what_decodes_to_tricks(raw in "[ -~]{0,64}") {
        if request::check_path(&raw).is_ok() {
            for segment in raw.split('/') {
                let decoded = request::decode_segment(segment).expect("checked");
                prop_assert!(decoded != "." && decoded != "..");
                prop_assert!(!decoded.contains(['/', '\\', '%', '\0']));
            }
        }
    }

    #[test]
    fn pairs_decode_strictly_or_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
        if let Ok(pairs) = request::decode_pairs(&bytes, "form") {
            let again = serde_html_form::to_string(&pairs).expect("encode");
            let back = request::decode_pairs(again.as_bytes(), "form").expect("our own encoding decodes");
            prop_assert_eq!(back, pairs);
        }
    }

    #[test]
    fn checks_never_panic_and_refuse_unknown_names(
        index in any::<proptest::sample::Index>(),
        pairs in proptest::collection::vec(("[A-Za-z<>]{1,12}", ".{0,16}"), 0..6),
    ) {
        let ops = matcher().operations();
        let op = &ops[index.index(ops.len())];
        let wire = WireInput { pairs: pairs.clone(), ..WireInput::default() };
        let result = (op.info.erased.check)(&wire);
        if pairs.iter().any(|(name, _)| op.info.param(name).is_none()) {
            prop_assert!(result.is_err(), "{} accepted an unknown parameter", op.name);
        }
    }
}

/// Over real HTTP: arbitrary request lines get a clear 4xx or a forwarded declared request,
/// never a 5xx, and upstream only ever sees declared operations' paths.
#[test]
fn arbitrary_paths_over_http_never_reach_upstream_undeclared() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let key = common::TestKey::new("fuzz", &["*"]);
    let (gateway, upstream) = rt.block_on(common::gateway_with(&[&key]));
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    runner
        .run(&(prop_oneof![Just("GET"), Just("POST"), Just("DELETE")], path_text()), |(method, path)| {
            let request = format!(
                "{method} {path} HTTP/1.1\r\nHost: gw\r\nAuthorization: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                key.basic()
            );
            let (status, answer) = rt.block_on(common::raw(&gateway, request.as_bytes()));
            prop_assert!(status != 0 && status < 500, "{method} {path}: {answer}");
            Ok(())
        })
        .expect("property holds");
    for sent in upstream.received() {
        let declared = matches!(matcher().find(&sent.method, &sent.path), Match::Found(_));
        assert!(
            declared,
            "forwarded an undeclared path: {} {}",
            sent.method, sent.path
        );
    }
    rt.block_on(common::still_serving(&gateway));
}
