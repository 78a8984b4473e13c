//! A stand-in for an Assistants operation with a header parameter and a range (its real
//! operations have neither), on a path of its own so that it cannot collide with a generated
//! one; driven by `products`. At the binary's root, so its operation is named
//! `assistants.v1.sandboxes.create`, as a product's would be.

#![allow(dead_code)]

pub mod v1 {
    pub mod sandboxes {
        use runtime::twilio_endpoint;

        /// Creates a sandbox assistant (a JSON body, a header parameter): a test stand-in.
        #[twilio_endpoint(POST, "/v1/Sandboxes", host = "assistants", body = json, status = 201)]
        pub struct Create {
            /// Its name.
            #[twilio(rename = "name")]
            pub name: String,
            /// Free-form settings.
            #[twilio(rename = "meta")]
            pub meta: Option<serde_json::Value>,
            /// How many results a search returns.
            #[twilio(rename = "size", range = 1..=100)]
            pub size: Option<u32>,
            /// Whether the change triggers webhooks.
            #[twilio(header = "X-Twilio-Webhook-Enabled")]
            pub webhook_enabled: Option<bool>,
        }
    }
}
