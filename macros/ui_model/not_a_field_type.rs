// A field type that is not a `ResponseField` is reported at the field, with what fits.
pub struct Colour(pub u32);

#[runtime::twilio_model]
pub struct Palette {
    pub main: Option<Colour>,
}

fn main() {}
