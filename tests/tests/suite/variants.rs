//! A body made of variants, told apart by one member's value (messaging v3's typing indicator:
//! `channel` WHATSAPP takes `messageId`, APPLE takes `from`, `to` and `event`), declared with
//! `required_when` and `only_when` and checked through the public API: a request that mixes
//! variants or leaves out what its variant needs is refused naming every such member, nothing
//! is sent; each variant whole goes out as it was given.

use runtime::{Client, Endpoint, Outcome, RuleKind};
use serde_json::json;
use wiremock::matchers::{any, body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod typing {
    use runtime::twilio_endpoint;

    runtime::twilio_enum! {
        /// Which messenger shows the indicator.
        pub enum Channel {
            /// WhatsApp.
            Whatsapp = "WHATSAPP",
            /// Apple Messages for Business.
            Apple = "APPLE",
        }
    }

    /// Shows the customer that an agent is typing.
    #[twilio_endpoint(
        POST,
        "/v3/Indicators/Typing.json",
        host = "messaging",
        body = json,
        required_when(channel = "WHATSAPP", message_id),
        required_when(channel = "APPLE", from, to),
        only_when(channel = "WHATSAPP", message_id),
        only_when(channel = "APPLE", from, to, event)
    )]
    pub struct ShowTyping {
        /// Which messenger.
        #[twilio(rename = "channel")]
        pub channel: Channel,
        /// A recent inbound WhatsApp message.
        #[twilio(rename = "messageId")]
        pub message_id: Option<String>,
        /// The business.
        #[twilio(rename = "from")]
        pub from: Option<String>,
        /// The customer.
        #[twilio(rename = "to")]
        pub to: Option<String>,
        /// START or END.
        #[twilio(rename = "event")]
        pub event: Option<String>,
    }

    /// Tags a note; a colour only for the kinds that have one (an optional text member
    /// decides, and two values share the rule).
    #[twilio_endpoint(
        POST,
        "/v1/Notes",
        host = "accounts",
        only_when(kind = "sticky" | "card", colour)
    )]
    pub struct TagNote {
        /// What sort of note.
        pub kind: Option<String>,
        /// Its colour.
        pub colour: Option<String>,
    }
}

use typing::{show_typing, tag_note, Channel, ShowTyping};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SM: &str = "SM0123456789abcdef0123456789abcdef";

fn client(server: &MockServer) -> Client {
    Client::builder(AC, "token")
        .base_url(server.uri())
        .build()
        .expect("client")
}

/// Every refusal of a request that must not be sent, as `param reason` lines.
async fn refused<T: std::fmt::Debug>(
    request: impl std::future::Future<Output = Result<T, runtime::Error>>,
) -> Vec<String> {
    let err = request.await.expect_err("must be refused");
    assert_eq!(err.outcome(), Outcome::NotSent, "{err}");
    err.invalid_params()
        .expect("a parameter error")
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[tokio::test]
async fn a_request_is_held_to_the_variant_its_channel_names() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(
        refused(show_typing(Channel::Whatsapp).send(&c)).await,
        ["messageId must be set when channel is WHATSAPP"]
    );
    assert_eq!(
        refused(
            show_typing(Channel::Whatsapp)
                .message_id(SM)
                .to("apple:b")
                .event("END")
                .send(&c)
        )
        .await,
        [
            "to can be set only when channel is APPLE, not WHATSAPP",
            "event can be set only when channel is APPLE, not WHATSAPP",
        ]
    );
    assert_eq!(
        refused(show_typing(Channel::Apple).message_id(SM).send(&c)).await,
        [
            "from must be set when channel is APPLE",
            "to must be set when channel is APPLE",
            "messageId can be set only when channel is WHATSAPP, not APPLE",
        ]
    );
    // A value this version does not know (kept as `Other`) belongs to no variant: every
    // variant's members are refused with it, and none is required.
    assert_eq!(
        refused(
            show_typing(Channel::Other("RCS".into()))
                .from("rcs:a")
                .send(&c)
        )
        .await,
        ["from can be set only when channel is APPLE, not RCS"]
    );
    // An optional member decides; two values share a rule; unset, it allows nothing.
    assert_eq!(
        refused(tag_note().colour("red").send(&c)).await,
        ["Colour can be set only when Kind is sticky or card (and Kind is not set)"]
    );
    assert_eq!(
        refused(tag_note().kind("memo").colour("red").send(&c)).await,
        ["Colour can be set only when Kind is sticky or card, not memo"]
    );
    for kind in ["sticky", "card"] {
        let params = tag_note().kind(kind).colour("red").into_params();
        assert!(params.is_ok(), "{kind}: {params:?}");
    }
}

#[tokio::test]
async fn each_variant_whole_is_sent_as_given() {
    let server = MockServer::start().await;
    let answer = ResponseTemplate::new(200).set_body_json(json!({"success": true}));
    for body in [
        json!({"channel": "WHATSAPP", "messageId": SM}),
        json!({"channel": "APPLE", "from": "apple:a", "to": "apple:b", "event": "START"}),
    ] {
        Mock::given(method("POST"))
            .and(path("/messaging/v3/Indicators/Typing.json"))
            .and(body_json(body))
            .respond_with(answer.clone())
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    show_typing(Channel::Whatsapp)
        .message_id(SM)
        .send(&c)
        .await
        .expect("WhatsApp sent");
    show_typing(Channel::Apple)
        .from("apple:a")
        .to("apple:b")
        .event("START")
        .send(&c)
        .await
        .expect("Apple sent");
}

#[test]
fn the_rules_are_in_the_registry_with_their_condition() {
    let kinds: Vec<(RuleKind, &[&str])> = <ShowTyping as Endpoint>::INFO
        .rules
        .iter()
        .map(|r| (r.kind, r.params))
        .collect();
    let whatsapp: &[&str] = &["WHATSAPP"];
    let apple: &[&str] = &["APPLE"];
    assert_eq!(
        kinds,
        [
            (
                RuleKind::RequiredWhen {
                    param: "channel",
                    values: whatsapp
                },
                &["messageId"][..]
            ),
            (
                RuleKind::RequiredWhen {
                    param: "channel",
                    values: apple
                },
                &["from", "to"][..]
            ),
            (
                RuleKind::OnlyWhen {
                    param: "channel",
                    values: whatsapp
                },
                &["messageId"][..]
            ),
            (
                RuleKind::OnlyWhen {
                    param: "channel",
                    values: apple
                },
                &["from", "to", "event"][..]
            ),
        ]
    );
    // As the console shows them.
    let shown: Vec<String> = <ShowTyping as Endpoint>::INFO
        .rules
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        shown,
        [
            "messageId when channel is WHATSAPP",
            "from and to when channel is APPLE",
            "messageId only when channel is WHATSAPP",
            "from, to and event only when channel is APPLE",
        ]
    );
}
