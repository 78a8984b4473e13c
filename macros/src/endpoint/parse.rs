//! Tokens → [`ast`](super::ast). Each comma-separated argument is parsed on its own, so a bad
//! one is reported and the others still read (the fallback then knows the function's name).

use proc_macro2::{Spacing, Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ExprRange, Fields, Ident, ItemStruct, Lit, LitInt, LitStr, Token};

use super::ast::{Attr, Condition, Declaration, Field, Range, Rule};
use super::model::{Auth, Body, Method, RuleKind};
use crate::ctxt::{with_help, Ctxt};
use crate::ty::nearest;

const OPTIONS: &[&str] = &[
    "host",
    "response",
    "status",
    "fn",
    "paged",
    "one_of",
    "exactly_one_of",
    "required_when",
    "only_when",
    "body",
    "auth",
    "media",
    "json_model",
    "helper_call",
    "crate",
];

const OPTIONS_HELP: &str = "options are `host = \"verify\"`, `response = Type`, `status = 201`, `fn = name`, `paged`, `one_of(a, b)`, `exactly_one_of(a, b)`, `required_when(kind = \"A\", a, b)`, `only_when(kind = \"A\" | \"B\", a)`, `body = json`, `auth = oauth2 | none`, `media = \"application/scim+json\"`, `json_model = \"Name\"`, `helper_call = \"a(Sid).b.create\"` and `crate = \"path\"`";

const FIELD_OPTIONS_HELP: &str = "field options are `rename = \"Wire\"`, `range = 1..=600`, `header = \"X-Name\"`, `default = \"value\"`, `prefix = \"AddOns\"`, `query` and `deprecated`";

/// Reads the attribute and the struct.
pub fn declaration(args: TokenStream, mut item: ItemStruct, cx: &Ctxt) -> Declaration {
    let attr = attr(args, cx);
    let mut fields = Vec::new();
    match &mut item.fields {
        Fields::Named(named) => {
            for f in named.named.iter_mut() {
                if let Some(field) = field(f, cx) {
                    fields.push(field);
                }
            }
        }
        _ => cx.error(
            item.ident.span(),
            "an endpoint params struct has named fields, one per parameter",
        ),
    }
    Declaration { attr, item, fields }
}

/// Splits at the commas outside any group or `<…>`.
fn arguments(tokens: TokenStream) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut depth = 0usize;
    let mut after_dash = false;
    for tt in tokens {
        if let TokenTree::Punct(p) = &tt {
            match p.as_char() {
                ',' if depth == 0 => {
                    out.push(current.drain(..).collect());
                    after_dash = false;
                    continue;
                }
                '<' => depth += 1,
                // `->` in a function type is not a closing bracket.
                '>' if !after_dash => depth = depth.saturating_sub(1),
                _ => {}
            }
            after_dash = p.as_char() == '-' && p.spacing() == Spacing::Joint;
        } else {
            after_dash = false;
        }
        current.push(tt);
    }
    if !current.is_empty() {
        out.push(current.into_iter().collect());
    }
    out
}

fn attr(args: TokenStream, cx: &Ctxt) -> Attr {
    let mut attr = Attr {
        method: None,
        path: None,
        host: None,
        response: None,
        status: None,
        fn_name: None,
        paged: None,
        rules: Vec::new(),
        body: None,
        auth: None,
        media: None,
        json_model: None,
        helper_call: None,
        krate: None,
    };
    let mut args = arguments(args).into_iter();
    match args.next() {
        None => {
            cx.error(
                Span::call_site(),
                "expected the HTTP method and the path: `#[twilio_endpoint(GET, \"/path\")]`",
            );
            return attr;
        }
        Some(tokens) => attr.method = method(tokens, cx),
    }
    match args.next() {
        None => cx.error(
            Span::call_site(),
            "expected the path template after the method, e.g. `\"/2010-04-01/Accounts/<AccountSid>/Calls.json\"`",
        ),
        Some(tokens) => match syn::parse2::<LitStr>(tokens.clone()) {
            Ok(lit) => attr.path = Some(lit),
            Err(_) => cx.error_spanned(
                tokens,
                "expected the path template as a string literal, e.g. `\"/v2/Services/<Sid>\"`",
            ),
        },
    }
    for tokens in args {
        if tokens.is_empty() {
            cx.error(
                Span::call_site(),
                "an empty argument: remove the extra comma",
            );
            continue;
        }
        if let Err(e) = (|input: ParseStream| option(input, &mut attr, cx)).parse2(tokens) {
            cx.push(e);
        }
    }
    attr
}

fn method(tokens: TokenStream, cx: &Ctxt) -> Option<(Method, Ident)> {
    let Ok(ident) = syn::parse2::<Ident>(tokens.clone()) else {
        let hint = if syn::parse2::<LitStr>(tokens.clone()).is_ok() {
            ": the HTTP method comes first, then the path"
        } else {
            ""
        };
        cx.error_spanned(
            tokens,
            format!("expected the HTTP method (GET, POST, PUT, PATCH or DELETE){hint}"),
        );
        return None;
    };
    let name = ident.to_string();
    let method = match name.as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        other => {
            let upper = other.to_ascii_uppercase();
            let message =
                format!("unsupported method `{other}`: expected GET, POST, PUT, PATCH or DELETE");
            if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&upper.as_str()) {
                cx.error_help(
                    ident.span(),
                    message,
                    format!("write it in capitals: `{upper}`"),
                );
            } else {
                cx.error(ident.span(), message);
            }
            return None;
        }
    };
    Some((method, ident))
}

fn option(input: ParseStream, attr: &mut Attr, cx: &Ctxt) -> syn::Result<()> {
    let key: Ident = if input.peek(Token![fn]) {
        let kw: Token![fn] = input.parse()?;
        Ident::new("fn", kw.span)
    } else if input.peek(Token![crate]) {
        let kw: Token![crate] = input.parse()?;
        Ident::new("crate", kw.span)
    } else {
        input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), with_help("expected an option", OPTIONS_HELP)))?
    };
    let name = key.to_string();
    let twice = |given: bool| -> syn::Result<()> {
        if given {
            Err(syn::Error::new(
                key.span(),
                format!("`{name}` is given twice"),
            ))
        } else {
            Ok(())
        }
    };
    match name.as_str() {
        "host" => {
            twice(attr.host.is_some())?;
            attr.host = Some(value::<LitStr>(input, "host = \"verify\"")?);
        }
        "response" => {
            twice(attr.response.is_some())?;
            attr.response = Some(value(input, "response = Type")?);
        }
        "status" => {
            twice(attr.status.is_some())?;
            attr.status = Some(value::<LitInt>(input, "status = 201")?);
        }
        "fn" => {
            twice(attr.fn_name.is_some())?;
            attr.fn_name = Some(value(input, "fn = name")?);
        }
        "paged" => {
            twice(attr.paged.is_some())?;
            attr.paged = Some(key.clone());
        }
        "one_of" | "exactly_one_of" => {
            let content;
            syn::parenthesized!(content in input);
            let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
            let kind = if name == "one_of" {
                RuleKind::AtLeastOne
            } else {
                RuleKind::ExactlyOne
            };
            attr.rules.push(Rule {
                kind,
                keyword: key.clone(),
                condition: None,
                fields: names.into_iter().collect(),
            });
        }
        "required_when" | "only_when" => {
            let content;
            syn::parenthesized!(content in input);
            let (condition, fields) = conditional_rule(&content, &name)?;
            attr.rules.push(Rule {
                kind: if name == "required_when" {
                    RuleKind::RequiredWhen
                } else {
                    RuleKind::OnlyWhen
                },
                keyword: key.clone(),
                condition: Some(condition),
                fields,
            });
        }
        "body" => {
            twice(attr.body.is_some())?;
            let v: Ident = value(input, "body = json")?;
            let body = match v.to_string().as_str() {
                "json" => Body::Json,
                "form" => Body::Form,
                _ => {
                    return Err(syn::Error::new(
                        v.span(),
                        "`body` is `json` (a JSON object of the body parameters) or `form`",
                    ))
                }
            };
            attr.body = Some((body, v));
        }
        "auth" => {
            twice(attr.auth.is_some())?;
            let v: Ident = value(input, "auth = oauth2")?;
            let auth = match v.to_string().as_str() {
                "basic" => Auth::Basic,
                "oauth2" => Auth::OAuth2,
                "none" => Auth::None,
                _ => {
                    return Err(syn::Error::new(
                        v.span(),
                        "`auth` is `basic` (the default), `oauth2` or `none`",
                    ))
                }
            };
            attr.auth = Some((auth, v));
        }
        "media" => {
            twice(attr.media.is_some())?;
            attr.media = Some(value::<LitStr>(input, "media = \"application/scim+json\"")?);
        }
        "json_model" => {
            twice(attr.json_model.is_some())?;
            attr.json_model = Some(value::<LitStr>(
                input,
                "json_model = \"CreateReferralConversionRequest\"",
            )?);
        }
        "helper_call" => {
            twice(attr.helper_call.is_some())?;
            attr.helper_call = Some(value::<LitStr>(
                input,
                "helper_call = \"services(ServiceSid).verifications.create\"",
            )?);
        }
        "crate" => {
            twice(attr.krate.is_some())?;
            let lit: LitStr = value(input, "crate = \"path::to::runtime\"")?;
            let path = lit.parse::<syn::Path>().map_err(|_| {
                syn::Error::new(
                    lit.span(),
                    "`crate` names a path to the runtime crate, e.g. `crate = \"api::runtime\"`",
                )
            })?;
            attr.krate = Some((path, lit));
        }
        other => {
            let message = match nearest(other, OPTIONS.iter().copied()) {
                Some(known) => format!("unknown option `{other}`; did you mean `{known}`?"),
                None => format!("unknown option `{other}`"),
            };
            return Err(syn::Error::new(
                key.span(),
                with_help(message, OPTIONS_HELP),
            ));
        }
    }
    if !input.is_empty() {
        cx.error(
            input.span(),
            format!("unexpected tokens after `{name}`: separate options with commas"),
        );
        // Consume the rest so the parser does not report them a second time.
        input.parse::<TokenStream>()?;
    }
    Ok(())
}

/// `= value`, with an example of the option when either part is missing.
fn value<T: syn::parse::Parse>(input: ParseStream, example: &str) -> syn::Result<T> {
    let eq = input.parse::<Token![=]>();
    let value = eq.and_then(|_| input.parse::<T>());
    value.map_err(|e| syn::Error::new(e.span(), format!("expected `{example}`")))
}

/// Reads one field and removes its `#[twilio(...)]` attributes.
fn field(f: &mut syn::Field, cx: &Ctxt) -> Option<Field> {
    let ident = f.ident.clone()?;
    let mut field = Field {
        ident,
        ty: f.ty.clone(),
        rename: None,
        range: None,
        header: None,
        default: None,
        deprecated: None,
        prefix: None,
        query: None,
        docs: Vec::new(),
    };
    let mut keep = Vec::new();
    for attr in f.attrs.drain(..) {
        if !attr.path().is_ident("twilio") {
            keep.push(attr);
            continue;
        }
        let tokens = match &attr.meta {
            syn::Meta::List(list) if matches!(list.delimiter, syn::MacroDelimiter::Paren(_)) => {
                list.tokens.clone()
            }
            _ => {
                cx.error_spanned(
                    &attr,
                    with_help("expected `#[twilio(option, ...)]`", FIELD_OPTIONS_HELP),
                );
                continue;
            }
        };
        for tokens in arguments(tokens) {
            if tokens.is_empty() {
                continue;
            }
            if let Err(e) =
                (|input: ParseStream| field_option(input, &mut field, cx)).parse2(tokens)
            {
                cx.push(e);
            }
        }
    }
    f.attrs = keep;
    field.docs = doc_lines(&f.attrs);
    Some(field)
}

fn field_option(input: ParseStream, field: &mut Field, cx: &Ctxt) -> syn::Result<()> {
    let key: Ident = input.parse().map_err(|e| {
        syn::Error::new(
            e.span(),
            with_help("expected a field option", FIELD_OPTIONS_HELP),
        )
    })?;
    let name = key.to_string();
    let twice = |given: bool| -> syn::Result<()> {
        if given {
            Err(syn::Error::new(
                key.span(),
                format!("`{name}` is given twice"),
            ))
        } else {
            Ok(())
        }
    };
    match name.as_str() {
        "rename" => {
            twice(field.rename.is_some())?;
            let lit: LitStr = value(input, "rename = \"WireName\"")?;
            if lit.value().is_empty() {
                return Err(syn::Error::new(
                    lit.span(),
                    "the wire name must not be empty",
                ));
            }
            field.rename = Some(lit);
        }
        "range" => {
            twice(field.range.is_some())?;
            let expr: ExprRange = value(input, "range = 1..=600")?;
            field.range = Some(range(&expr)?);
        }
        "header" => {
            twice(field.header.is_some())?;
            field.header = Some(value(input, "header = \"X-Twilio-Webhook-Enabled\"")?);
        }
        "default" => {
            twice(field.default.is_some())?;
            input.parse::<Token![=]>()?;
            let lit: Lit = input.parse()?;
            match lit {
                Lit::Str(s) => field.default = Some(s),
                other => {
                    let text = quote::ToTokens::to_token_stream(&other).to_string();
                    return Err(syn::Error::new(
                        other.span(),
                        with_help(
                            "a default is written as a string, as it travels",
                            format!("write `default = \"{}\"`", text.trim_matches('"')),
                        ),
                    ));
                }
            }
        }
        "deprecated" => {
            twice(field.deprecated.is_some())?;
            field.deprecated = Some(key.span());
        }
        "query" => {
            twice(field.query.is_some())?;
            field.query = Some(key.span());
        }
        "prefix" => {
            twice(field.prefix.is_some())?;
            let lit: LitStr = value(input, "prefix = \"AddOns\"")?;
            let text = lit.value();
            if text.is_empty() || !text.chars().all(|c| c.is_ascii_alphanumeric()) {
                // Kept all the same, so the field is not also reported as missing its prefix.
                cx.error(
                    lit.span(),
                    "a prefix is a parameter name: letters and digits, e.g. `AddOns`",
                );
            }
            field.prefix = Some(lit);
        }
        other => {
            let known = [
                "rename",
                "range",
                "header",
                "default",
                "deprecated",
                "prefix",
            ];
            let message = match nearest(other, known) {
                Some(known) => format!("unknown field option `{other}`; did you mean `{known}`?"),
                None => format!("unknown field option `{other}`"),
            };
            return Err(syn::Error::new(
                key.span(),
                with_help(message, FIELD_OPTIONS_HELP),
            ));
        }
    }
    if !input.is_empty() {
        cx.error(
            input.span(),
            format!("unexpected tokens after `{name}`: separate options with commas"),
        );
        input.parse::<TokenStream>()?;
    }
    Ok(())
}

fn range(expr: &ExprRange) -> syn::Result<Range> {
    let bound = |e: &Option<Box<Expr>>| -> syn::Result<Option<i128>> {
        match e.as_deref() {
            None => Ok(None),
            Some(Expr::Lit(ExprLit {
                lit: Lit::Int(i), ..
            })) => i.base10_parse().map(Some),
            Some(Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Neg(_),
                expr,
                ..
            })) => match expr.as_ref() {
                Expr::Lit(ExprLit {
                    lit: Lit::Int(i), ..
                }) => i.base10_parse::<i128>().map(|v| Some(-v)),
                other => Err(syn::Error::new_spanned(
                    other,
                    "range bounds are integer literals",
                )),
            },
            Some(other) => Err(syn::Error::new_spanned(
                other,
                "range bounds are integer literals",
            )),
        }
    };
    let min = bound(&expr.start)?;
    let max = bound(&expr.end)?;
    if min.is_none() && max.is_none() {
        return Err(syn::Error::new_spanned(
            expr,
            "a range needs at least one bound",
        ));
    }
    Ok(Range {
        min,
        max,
        inclusive: matches!(expr.limits, syn::RangeLimits::Closed(_)),
    })
}

/// The text of `///` comments.
pub fn doc_lines(attrs: &[syn::Attribute]) -> Vec<String> {
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
pub fn derives(attrs: &[syn::Attribute], name: &str) -> bool {
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

/// The inside of `required_when(channel = "APPLE" | "RCS", from, to)`: the field and values it
/// depends on, then the fields it is about.
fn conditional_rule(input: ParseStream, keyword: &str) -> syn::Result<(Condition, Vec<Ident>)> {
    let shape = || {
        format!("`{keyword}(channel = \"APPLE\", from, to)`: a field, `=`, its value or values joined by `|`, then the fields the rule is about")
    };
    let field: Ident = input
        .parse()
        .map_err(|e| syn::Error::new(e.span(), shape()))?;
    input
        .parse::<Token![=]>()
        .map_err(|e| syn::Error::new(e.span(), shape()))?;
    let mut values = vec![input
        .parse::<LitStr>()
        .map_err(|e| syn::Error::new(e.span(), shape()))?];
    while input.peek(Token![|]) {
        input.parse::<Token![|]>()?;
        values.push(input.parse()?);
    }
    let mut fields = Vec::new();
    while !input.is_empty() {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        fields.push(input.parse()?);
    }
    Ok(((field, values), fields))
}
