//! Pay status callbacks with odd values: a completed charge, and seven values per field that
//! fit nowhere. Shared by the parsing test and the axum test over HTTP.

/// A callback that ended in a charge, every field readable.
pub const COMPLETED: &[(&str, &str)] = &[
    ("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
    ("CallSid", "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
    ("Sid", "PKcccccccccccccccccccccccccccccccc"),
    ("DateCreated", "Wed, 18 Dec 2019 20:02:01 +0000"),
    ("DateUpdated", "2019-12-18T20:04:11.250Z"),
    ("PartialResult", "false"),
    ("ChargeAmount", "19.99"),
    ("PayErrorCode", "64012"),
    ("PaymentCardNumber", "************1111"),
    ("Result", "success"),
    ("PaymentConfirmationCode", "ch_1Gx2Yz"),
];

/// Seven values per field that fit nowhere (the shapes the issue lists and a few more).
pub const ODD: &[(&str, [&str; 7])] = &[
    (
        "PartialResult",
        ["maybe", "2", "yes", "truee", r#"{"a":1}"#, "[true]", "null"],
    ),
    (
        "DateCreated",
        [
            "yesterday",
            "1701424800",
            "2026-13-01T10:00:00Z",
            "Wed, 32 Dec 2019 20:02:01 +0000",
            "01/12/2026",
            r#"{"at":"now"}"#,
            "2026-12-01",
        ],
    ),
    (
        "DateUpdated",
        [
            "tomorrow",
            "0",
            "2026-12-01T25:00:00Z",
            "18 Dez 2019 20:02:01 +0000",
            "2026/12/01 10:00",
            "[2026, 12, 1]",
            "T10:00:00Z",
        ],
    ),
    (
        "ChargeAmount",
        ["lots", "$19.99", "19,99", "NaN", "1e", r#"{"v":1}"#, "--5"],
    ),
    (
        "PayErrorCode",
        [
            "64012a",
            "-1",
            "4294967296",
            "64.012",
            "E64012",
            "{}",
            "[64012]",
        ],
    ),
];
