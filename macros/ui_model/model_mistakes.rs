// Every mistake is reported at once, each at its own tokens; the struct still exists, so the
// code that uses it adds no errors of its own.
#[runtime::twilio_model(rename_al = "PascalCase", dates = iso)]
#[derive(Debug)]
pub struct Call {
    #[twilio(renam = "Sid")]
    pub sid: Option<String>,
    #[twilio(default)]
    pub status: Option<String>,
    #[serde(rename = "To")]
    pub to: Option<String>,
    #[twilio(rename = "sid")]
    pub again: Option<String>,
    pub unreadable: Option<String>,
}

fn main() {
    let call: Call = serde_json::from_str("{}").unwrap();
    println!("{:?} {:?}", call.sid, call.unreadable);
}
