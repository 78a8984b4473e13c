use runtime::twilio_endpoint;

// A conditional rule that depends on no field (a typo), on a list, on one of its own fields,
// names a value twice, names a required field, or names no field at all: one error each.
#[twilio_endpoint(
    POST,
    "/v3/Indicators/Typing.json",
    host = "messaging",
    body = json,
    required_when(chanel = "APPLE", from),
    only_when(tags = "a", from),
    only_when(channel = "APPLE", channel, to),
    required_when(channel = "APPLE" | "APPLE", to),
    only_when(channel = "APPLE", name),
    required_when(channel = "APPLE")
)]
pub struct ShowTyping {
    #[twilio(rename = "channel")]
    pub channel: String,
    #[twilio(rename = "name")]
    pub name: String,
    #[twilio(rename = "from")]
    pub from: Option<String>,
    #[twilio(rename = "to")]
    pub to: Option<String>,
    #[twilio(rename = "tags")]
    pub tags: Option<Vec<String>>,
}

// Not a condition: the shape of the option is explained.
#[twilio_endpoint(POST, "/v1/Things", host = "lookups", only_when(from, to))]
pub struct CreateThing {
    pub from: Option<String>,
    pub to: Option<String>,
}

fn main() {}
