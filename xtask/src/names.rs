//! Naming: Twilio's wire names and schema names to Rust identifiers and to plain words.

/// `IpAccessControlListMappings` → `ip_access_control_list_mappings`, `SIP` → `sip`.
pub fn snake(pascal: &str) -> String {
    let chars: Vec<char> = pascal.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

/// `call_recording` / `in-progress` / `GET` → `CallRecording` / `InProgress` / `Get`.
pub fn pascal(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let all_upper = w.len() > 1 && w.chars().all(|c| !c.is_ascii_lowercase());
            let mut cs = w.chars();
            let first = cs
                .next()
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or_default();
            let rest: String = if all_upper {
                cs.as_str().to_ascii_lowercase()
            } else {
                cs.as_str().to_owned()
            };
            format!("{first}{rest}")
        })
        .collect()
}

/// What the macro derives back from a field name: `status_callback` → `StatusCallback`.
pub fn macro_wire(field: &str) -> String {
    field
        .trim_start_matches("r#")
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "try", "typeof", "unsized", "virtual", "yield",
];

/// A field identifier, raw when it is a keyword.
pub fn ident(snake: &str) -> String {
    if KEYWORDS.contains(&snake) {
        format!("r#{snake}")
    } else {
        snake.to_owned()
    }
}

/// Words for docs: `StatusCallbackMethod` / `date_created` → `status callback method` /
/// `date created`, with the usual acronyms.
pub fn words(name: &str) -> String {
    let snake_name = if name.contains('_') || name.chars().all(|c| !c.is_ascii_uppercase()) {
        name.to_owned()
    } else {
        snake(name)
    };
    snake_name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "sid" => "SID".to_owned(),
            "url" => "URL".to_owned(),
            "uri" => "URI".to_owned(),
            "uris" => "URIs".to_owned(),
            "sms" => "SMS".to_owned(),
            "mms" => "MMS".to_owned(),
            "sip" => "SIP".to_owned(),
            "api" => "API".to_owned(),
            "id" => "ID".to_owned(),
            "ip" => "IP".to_owned(),
            "twiml" => "TwiML".to_owned(),
            "amd" => "AMD".to_owned(),
            "byoc" => "BYOC".to_owned(),
            "cidr" => "CIDR".to_owned(),
            "iso" => "ISO".to_owned(),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// First letter upper-cased.
pub fn sentence(text: &str) -> String {
    let mut cs = text.chars();
    match cs.next() {
        Some(f) => f.to_uppercase().collect::<String>() + cs.as_str(),
        None => String::new(),
    }
}

/// A rough singular for resource words: `addresses` → `address`, `queues` → `queue`.
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses") || word.ends_with("shes") {
        word[..word.len() - 2].to_owned()
    } else if word.ends_with("ss") || word.ends_with("media") || word.ends_with("data") {
        word.to_owned()
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_owned()
    } else {
        word.to_owned()
    }
}

/// A rough plural for resource words: `address` → `addresses`, `entry` → `entries`.
pub fn plural(word: &str) -> String {
    if word.ends_with("media") || word.ends_with("data") {
        word.to_owned()
    } else if word.ends_with('s') || word.ends_with("sh") {
        format!("{word}es")
    } else if let Some(stem) = word
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{stem}ies")
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            snake("IpAccessControlListMappings"),
            "ip_access_control_list_mappings"
        );
        assert_eq!(snake("SIP"), "sip");
        assert_eq!(snake("AllTime"), "all_time");
        assert_eq!(pascal("in-progress"), "InProgress");
        assert_eq!(pascal("GET"), "Get");
        assert_eq!(pascal("DialVerb"), "DialVerb");
        assert_eq!(words("StatusCallbackUrl"), "status callback URL");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("queues"), "queue");
        assert_eq!(singular("entries"), "entry");
    }
}
