//! `#[twilio_model(...)]` and its struct, parsed into a small model; every mistake is
//! collected with its span.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Fields, GenericArgument, Ident, ItemStruct, LitStr, Path, PathArguments, Type};

/// How the model writes date-times (its `Serialize`); reading accepts both.
#[derive(Clone, Copy)]
pub enum Dates {
    Rfc3339,
    Rfc2822,
}

/// A wire-name convention applied to every field without its own `rename`.
#[derive(Clone, Copy)]
pub enum RenameAll {
    Pascal,
    Camel,
}

/// The attribute's arguments.
pub struct Args {
    pub rename_all: Option<RenameAll>,
    pub dates: Dates,
    /// Blank text is absent in text fields too (a form has no `null`).
    pub blank_is_absent: bool,
}

/// What a field does when its value is missing or does not fit.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// `Option<T>`: `None`.
    Lenient,
    /// `#[twilio(default)] T`: `T::default()`.
    Default,
    /// Any other `T`: the decode fails, naming the field.
    Essential,
}

/// One field of the model.
pub struct Field {
    pub ident: Ident,
    /// The type a value is read as: `T` of `Option<T>`, else the field's type.
    pub value_ty: Type,
    pub need: Need,
    pub wire: String,
    /// `#[twilio(with = Codec)]`.
    pub with: Option<Path>,
    pub span: Span,
}

/// The model, checked: the struct (its `#[twilio]` attributes removed) and its fields.
pub struct Model {
    pub item: ItemStruct,
    pub args: Args,
    pub fields: Vec<Field>,
}

const ARGS: &[&str] = &["rename_all", "dates", "blank_is_absent"];
const FIELD_ARGS: &[&str] = &["rename", "default", "with"];

pub fn args(tokens: TokenStream, errors: &mut Vec<syn::Error>) -> Args {
    let mut args = Args {
        rename_all: None,
        dates: Dates::Rfc3339,
        blank_is_absent: false,
    };
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("rename_all") {
            let value: LitStr = meta.value()?.parse()?;
            match value.value().as_str() {
                "PascalCase" => args.rename_all = Some(RenameAll::Pascal),
                "camelCase" => args.rename_all = Some(RenameAll::Camel),
                other => errors.push(syn::Error::new(
                    value.span(),
                    format!(
                        "unknown rename_all `{other}`: expected \"PascalCase\" or \"camelCase\""
                    ),
                )),
            }
            Ok(())
        } else if meta.path.is_ident("dates") {
            let value: Ident = meta.value()?.parse()?;
            match value.to_string().as_str() {
                "rfc3339" => args.dates = Dates::Rfc3339,
                "rfc2822" => args.dates = Dates::Rfc2822,
                other => errors.push(syn::Error::new(
                    value.span(),
                    format!("unknown date format `{other}`: expected `rfc2822` (Api v2010) or `rfc3339` (the default)"),
                )),
            }
            Ok(())
        } else if meta.path.is_ident("blank_is_absent") {
            args.blank_is_absent = true;
            Ok(())
        } else {
            errors.push(meta.error(unknown("argument of #[twilio_model]", &meta.path, ARGS)));
            skip_value(&meta)
        }
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, tokens) {
        errors.push(e);
    }
    args
}

/// Reads the struct's fields; strips their `#[twilio]` attributes.
pub fn model(mut item: ItemStruct, args: Args, errors: &mut Vec<syn::Error>) -> Model {
    if !item.generics.params.is_empty() {
        errors.push(syn::Error::new(
            item.generics.span(),
            "a response model cannot be generic (a list of models is `runtime::Page<Model>`)",
        ));
    }
    let mut fields = Vec::new();
    match &mut item.fields {
        Fields::Named(named) => {
            for f in named.named.iter_mut() {
                if let Some(field) = field(f, &args, errors) {
                    if let Some(same) = fields.iter().find(|o: &&Field| o.wire == field.wire) {
                        errors.push(syn::Error::new(
                            field.span,
                            format!(
                                "`{}` and `{}` both read the wire name \"{}\"",
                                same.ident, field.ident, field.wire
                            ),
                        ));
                    }
                    fields.push(field);
                }
            }
        }
        _ => errors.push(syn::Error::new(
            item.ident.span(),
            "a response model has named fields, one per field of the answer",
        )),
    }
    Model { item, args, fields }
}

fn field(f: &mut syn::Field, args: &Args, errors: &mut Vec<syn::Error>) -> Option<Field> {
    let ident = f.ident.clone()?;
    let span = ident.span();
    let mut rename: Option<String> = None;
    let mut default = false;
    let mut with: Option<Path> = None;
    let mut kept = Vec::with_capacity(f.attrs.len());
    let mut unknown_options = Vec::new();
    for attr in f.attrs.drain(..) {
        if attr.path().is_ident("serde") {
            errors.push(syn::Error::new(
                attr.span(),
                "#[serde] attributes do not apply to a #[twilio_model]: use #[twilio(rename = \"…\", default, with = Codec)]",
            ));
            continue;
        }
        if !attr.path().is_ident("twilio") {
            kept.push(attr);
            continue;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.path.is_ident("default") {
                default = true;
            } else if meta.path.is_ident("with") {
                with = Some(meta.value()?.parse()?);
            } else {
                unknown_options.push(meta.error(unknown("field option", &meta.path, FIELD_ARGS)));
                return skip_value(&meta);
            }
            Ok(())
        });
        errors.append(&mut unknown_options);
        if let Err(e) = parsed {
            errors.push(e);
        }
    }
    f.attrs = kept;
    let bare = ident.to_string();
    let bare = bare.strip_prefix("r#").unwrap_or(&bare).to_owned();
    if bare == "unreadable" && rename.is_none() {
        errors.push(syn::Error::new(
            span,
            "#[twilio_model] adds the field `unreadable` itself (the raw values that did not fit); \
             name this one otherwise and keep its wire name with #[twilio(rename = \"unreadable\")]",
        ));
        return None;
    }
    let option = option_inner(&f.ty);
    let need = match (option.is_some(), default) {
        (true, true) => {
            errors.push(syn::Error::new(
                f.ty.span(),
                "an `Option` field already reads as `None` when missing or unreadable; \
                 `default` is for a field that is not an `Option`",
            ));
            Need::Lenient
        }
        (true, false) => Need::Lenient,
        (false, true) => Need::Default,
        (false, false) => Need::Essential,
    };
    let wire = rename.unwrap_or_else(|| match args.rename_all {
        None => bare.clone(),
        Some(RenameAll::Pascal) => pascal(&bare),
        Some(RenameAll::Camel) => camel(&bare),
    });
    Some(Field {
        ident,
        value_ty: option.cloned().unwrap_or_else(|| f.ty.clone()),
        need,
        wire,
        with,
        span,
    })
}

/// `T` when `ty` is written `Option<T>` (or a path ending in `Option<T>`).
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(inner)) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// Steps over the value of an option that was refused, so the ones after it are still read.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}

fn unknown(what: &str, path: &Path, known: &[&str]) -> String {
    let name = path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_else(|| "this".to_owned());
    let close = known
        .iter()
        .find(|k| strsim::levenshtein(&name, k) <= 2)
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    format!(
        "unknown {what} `{name}`{close} (expected one of: {})",
        known.join(", ")
    )
}

/// `date_created` → `DateCreated`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|first| first.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `date_created` → `dateCreated`.
fn camel(snake: &str) -> String {
    let p = pascal(snake);
    let mut c = p.chars();
    c.next()
        .map(|first| first.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames() {
        assert_eq!(pascal("payment_card_number"), "PaymentCardNumber");
        assert_eq!(camel("date_created"), "dateCreated");
        assert_eq!(pascal("sid"), "Sid");
    }
}
