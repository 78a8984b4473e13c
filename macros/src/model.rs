//! The parsed declaration: attribute arguments and fields, before any checking against the
//! path template.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Expr, ExprLit, ExprRange, Ident, Lit, LitInt, LitStr, RangeLimits, Token, Type,
};

/// GET, POST or DELETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// `#[twilio_endpoint(METHOD, "path", key = value, …)]`.
pub struct Args {
    pub method: Method,
    pub path: LitStr,
    pub response: Option<Type>,
    pub status: Option<LitInt>,
    pub fn_name: Option<Ident>,
    pub one_of: Vec<Vec<Ident>>,
    /// `paged`: the response is a `Page<T>`; the builder gets `stream(&client)`.
    pub paged: bool,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let method_ident: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the HTTP method first: `#[twilio_endpoint(POST, \"/path\")]`",
            )
        })?;
        let method = match method_ident.to_string().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "DELETE" => Method::Delete,
            other => {
                let hint = match other.to_ascii_uppercase().as_str() {
                    "GET" | "POST" | "DELETE" => {
                        format!("; write it in capitals: `{}`", other.to_ascii_uppercase())
                    }
                    "PUT" | "PATCH" => "; Twilio's v2010 API updates with POST".to_owned(),
                    _ => String::new(),
                };
                return Err(syn::Error::new(
                    method_ident.span(),
                    format!("unsupported method `{other}`: expected GET, POST or DELETE{hint}"),
                ));
            }
        };
        input.parse::<Token![,]>()?;
        let path: LitStr = input.parse().map_err(|e| {
            syn::Error::new(e.span(), "expected the path template as a string literal")
        })?;
        let mut args = Args {
            method,
            path,
            response: None,
            status: None,
            fn_name: None,
            one_of: Vec::new(),
            paged: false,
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            if input.peek(Token![fn]) {
                input.parse::<Token![fn]>()?;
                input.parse::<Token![=]>()?;
                args.fn_name = Some(input.parse()?);
                continue;
            }
            let key: Ident = input.parse()?;
            match key.to_string().as_str() {
                "response" => {
                    input.parse::<Token![=]>()?;
                    args.response = Some(input.parse()?);
                }
                "status" => {
                    input.parse::<Token![=]>()?;
                    let lit: LitInt = input.parse()?;
                    let code: u16 = lit.base10_parse()?;
                    // A 3xx only where Twilio documents a redirect as the answer (the payload
                    // data of a recording add-on result): the transport decodes its body too.
                    if !(200..400).contains(&code) {
                        return Err(syn::Error::new(
                            lit.span(),
                            "the success status is a 2xx code (or a documented 3xx redirect)",
                        ));
                    }
                    args.status = Some(lit);
                }
                "paged" => args.paged = true,
                "one_of" => {
                    let content;
                    syn::parenthesized!(content in input);
                    let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                    if names.len() < 2 {
                        return Err(syn::Error::new(
                            key.span(),
                            "`one_of(…)` names at least two fields",
                        ));
                    }
                    args.one_of.push(names.into_iter().collect());
                }
                other => {
                    let hint = ["response", "status", "one_of", "fn", "paged"]
                        .into_iter()
                        .find(|known| strsim::levenshtein(other, known) <= 2)
                        .map(|known| format!("; did you mean `{known}`?"))
                        .unwrap_or_default();
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown option `{other}`{hint}\n       = note: options are `response = Type`, `status = 2xx`, `fn = name`, `one_of(a, b, …)` and `paged`"),
                    ));
                }
            }
        }
        Ok(args)
    }
}

/// A declared numeric range: `#[twilio(range = 1..=600)]`.
#[derive(Clone)]
pub struct RangeSpec {
    pub min: Option<i128>,
    pub max: Option<i128>,
    pub inclusive: bool,
    pub text: String,
}

/// One field of the params struct.
pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    /// `T` for `Option<T>`, else the type itself.
    pub inner: Type,
    pub optional: bool,
    /// The wire name: PascalCase of the field name, or `#[twilio(rename = "…")]`.
    pub wire: String,
    pub range: Option<RangeSpec>,
    pub docs: Vec<String>,
}

impl Field {
    pub fn span(&self) -> Span {
        self.ident.span()
    }
}

/// `T` for a type written `Vec<T>` (a list parameter), else `None`.
pub fn vec_item(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            syn::GenericArgument::Type(item) => Some(item),
            _ => None,
        },
        _ => None,
    }
}

/// Reads one field and strips its `#[twilio(…)]` attributes.
pub fn field(f: &mut syn::Field, errors: &mut Vec<syn::Error>) -> Option<Field> {
    let ident = f.ident.clone()?;
    let mut wire = None;
    let mut range = None;
    let mut keep = Vec::new();
    for attr in f.attrs.drain(..) {
        if !attr.path().is_ident("twilio") {
            keep.push(attr);
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: LitStr = meta.value()?.parse()?;
                if lit.value().is_empty() {
                    return Err(syn::Error::new(
                        lit.span(),
                        "the wire name must not be empty",
                    ));
                }
                wire = Some(lit.value());
                Ok(())
            } else if meta.path.is_ident("range") {
                let expr: ExprRange = meta.value()?.parse()?;
                range = Some(parse_range(&expr)?);
                Ok(())
            } else {
                Err(meta.error(
                    "unknown field option: expected `rename = \"WireName\"` or `range = lo..hi`",
                ))
            }
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    f.attrs = keep;
    let docs = doc_lines(&f.attrs);
    let (optional, inner) = match option_inner(&f.ty) {
        Some(inner) => (true, inner.clone()),
        None => (false, f.ty.clone()),
    };
    let wire = wire.unwrap_or_else(|| pascal_case(&ident.to_string()));
    Some(Field {
        ident,
        ty: f.ty.clone(),
        inner,
        optional,
        wire,
        range,
        docs,
    })
}

fn parse_range(expr: &ExprRange) -> syn::Result<RangeSpec> {
    let bound = |e: &Option<Box<Expr>>| -> syn::Result<Option<i128>> {
        match e.as_deref() {
            None => Ok(None),
            Some(Expr::Lit(ExprLit {
                lit: Lit::Int(i), ..
            })) => i.base10_parse().map(Some),
            Some(other) => Err(syn::Error::new_spanned(
                other,
                "range bounds are integer literals",
            )),
        }
    };
    let min = bound(&expr.start)?;
    let max = bound(&expr.end)?;
    let inclusive = matches!(expr.limits, RangeLimits::Closed(_));
    if min.is_none() && max.is_none() {
        return Err(syn::Error::new_spanned(
            expr,
            "a range needs at least one bound",
        ));
    }
    let text = match (min, max) {
        (Some(lo), Some(hi)) => format!("{lo}..{}{hi}", if inclusive { "=" } else { "" }),
        (Some(lo), None) => format!("{lo}.."),
        (None, Some(hi)) => format!("..{}{hi}", if inclusive { "=" } else { "" }),
        (None, None) => String::new(),
    };
    Ok(RangeSpec {
        min,
        max,
        inclusive,
        text,
    })
}

/// `T` when `ty` is `Option<T>`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    generic_arg(ty, "Option")
}

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

/// The last path segment's name of a type, e.g. `Vec` for `std::vec::Vec<String>`.
pub fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The innermost type argument (`CardType` in `Option<SpaceSeparated<CardType>>`).
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

/// `CallSid` → `call_sid`.
pub fn snake_case(pascal: &str) -> String {
    let mut out = String::with_capacity(pascal.len() + 4);
    for (i, c) in pascal.char_indices() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The text of `///` comments.
pub fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Whether the struct already derives `name`.
pub fn derives(attrs: &[Attribute], name: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            let mut found = false;
            let _ = a.parse_nested_meta(|m| {
                if m.path.segments.last().is_some_and(|s| s.ident == name) {
                    found = true;
                }
                Ok(())
            });
            found
        })
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
}
