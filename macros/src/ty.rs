//! Reading Rust types and names as written, without resolving them (a proc macro sees tokens).

use proc_macro2::TokenStream;
use syn::Type;

/// `T` when `ty` is `Name<T>` (by last path segment).
pub fn generic_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// `T` when `ty` is `Option<T>`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    generic_arg(ty, "Option")
}

/// `T` when `ty` is `Vec<T>` (a list sent as a repeated key).
pub fn vec_item(ty: &Type) -> Option<&Type> {
    generic_arg(ty, "Vec")
}

/// The last path segment's name of a type, e.g. `Vec` for `std::vec::Vec<String>`.
pub fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The innermost type argument (`CardType` in `SpaceSeparated<CardType>`).
pub fn innermost(ty: &Type) -> &Type {
    let Type::Path(p) = ty else { return ty };
    let Some(last) = p.path.segments.last() else {
        return ty;
    };
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first() {
            Some(syn::GenericArgument::Type(t)) => innermost(t),
            _ => ty,
        },
        _ => ty,
    }
}

/// Whether the type is one of the list types (which cannot fill a path segment or a header).
pub fn is_list(ty: &Type) -> bool {
    matches!(
        type_name(ty).as_deref(),
        Some("Vec" | "SpaceSeparated" | "CommaSeparated" | "HashMap" | "BTreeMap")
    )
}

/// Tokens of a type as compact text, for docs and the registry (`Option<CallSid>`).
pub fn type_text(ty: &Type) -> String {
    let tokens: TokenStream = quote::quote!(#ty);
    tokens
        .to_string()
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(" :: ", "::")
        .replace(":: ", "::")
}

/// `idempotency_key` → `IdempotencyKey`.
pub fn pascal_case(snake: &str) -> String {
    snake
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

/// `CallSid` → `call_sid`, `assistantId` → `assistant_id`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.char_indices() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The closest of `candidates` to `wanted`, if it is close enough to be a typo.
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(wanted, c), c))
        .filter(|(d, _)| *d <= 2.max(wanted.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(pascal_case("idempotency_key"), "IdempotencyKey");
        assert_eq!(pascal_case("r#type"), "Type");
        assert_eq!(snake_case("CallSid"), "call_sid");
        assert_eq!(snake_case("assistantId"), "assistant_id");
        assert_eq!(snake_case("id"), "id");
        assert_eq!(nearest("twimll", ["url", "twiml"]), Some("twiml"));
        assert_eq!(nearest("zzz", ["url", "twiml"]), None);
    }

    #[test]
    fn types() {
        let ty: Type = syn::parse_quote!(Option<runtime::SpaceSeparated<CardType>>);
        assert_eq!(
            type_name(option_inner(&ty).expect("inner")).as_deref(),
            Some("SpaceSeparated")
        );
        assert_eq!(type_text(&ty), "Option<runtime::SpaceSeparated<CardType>>");
        assert_eq!(type_text(innermost(&ty)), "CardType");
        assert!(is_list(option_inner(&ty).expect("inner")));
    }
}
