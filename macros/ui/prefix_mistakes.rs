use runtime::{twilio_endpoint, PrefixedMap};

// A prefix on a field that is no `PrefixedMap`, a `PrefixedMap` without one, a prefixed map in
// a JSON body, a prefix that is no parameter name, and a prefixed map in the query beside a
// body: one error each.
#[twilio_endpoint(GET, "/v1/PhoneNumbers/<PhoneNumber>", host = "lookups")]
pub struct FetchWrongType {
    pub phone_number: String,
    #[twilio(prefix = "AddOns")]
    pub add_ons_data: Option<String>,
}

#[twilio_endpoint(GET, "/v1/PhoneNumbers/<PhoneNumber>", host = "lookups")]
pub struct FetchNoPrefix {
    pub phone_number: String,
    pub add_ons_data: Option<PrefixedMap>,
}

#[twilio_endpoint(POST, "/v1/Things", host = "lookups", body = json)]
pub struct CreateInJson {
    #[twilio(prefix = "AddOns")]
    pub add_ons_data: Option<PrefixedMap>,
}

#[twilio_endpoint(GET, "/v1/PhoneNumbers/<PhoneNumber>", host = "lookups")]
pub struct FetchBadPrefix {
    pub phone_number: String,
    #[twilio(prefix = "Add.Ons")]
    pub add_ons_data: Option<PrefixedMap>,
}

#[twilio_endpoint(POST, "/v1/Things", host = "lookups")]
pub struct CreateWithQueryMap {
    #[twilio(prefix = "AddOns", query)]
    pub add_ons_data: Option<PrefixedMap>,
}

fn main() {}
