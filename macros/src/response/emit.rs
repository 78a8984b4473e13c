//! Code for a checked model: the struct with its `unreadable` field, a lenient `Deserialize`
//! (one `match` arm per field; the work is in `runtime::response`), `Serialize`,
//! `ResponseField` (so the model nests) and `ResponseBody` (so it can be a declared response).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Fields;

use super::parse::{Dates, Model, Need};

pub fn model(model: Model) -> TokenStream {
    let Model {
        mut item,
        args,
        fields,
    } = model;
    add_unreadable(&mut item);
    let q = quote!(::runtime::__private);
    let r = quote!(::runtime::response);
    let name = &item.ident;
    let name_str = name.to_string();
    let expecting = format!("a `{name_str}` object");
    let dates = match args.dates {
        Dates::Rfc3339 => quote!(Rfc3339),
        Dates::Rfc2822 => quote!(Rfc2822),
    };
    // A model with essential fields is read from buffered JSON when nested, so that one whose
    // essential field fails is kept raw instead of failing the body around it.
    let read_nested = if fields.iter().any(|f| f.need == Need::Essential) {
        quote!(read_model_buffered)
    } else {
        quote!(read_model)
    };
    let blank = if args.blank_is_absent {
        quote!(.blank_is_absent())
    } else {
        quote!()
    };
    let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    let count = fields.len();
    let indices = 0..count;
    let locals: Vec<_> = (0..count).map(|i| format_ident!("__f{i}")).collect();

    let decls = fields.iter().zip(&locals).map(|(f, local)| {
        let ty = &f.value_ty;
        quote!(let mut #local: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let arms = fields.iter().zip(&locals).enumerate().map(|(i, (f, local))| {
        let ty = &f.value_ty;
        // Spanned on the field's type, so a type that is not a `ResponseField` is reported there.
        let read = match &f.with {
            None => quote_spanned!(ty.span_of()=> __r.value::<#ty, _>(&mut __map, #i)?),
            Some(codec) => quote_spanned!(codec.span_of()=> __r.value_with::<#codec, #ty, _>(&mut __map, #i)?),
        };
        quote!(::core::option::Option::Some(#i) => #local = #read,)
    });
    let inits = fields
        .iter()
        .zip(&locals)
        .enumerate()
        .map(|(i, (f, local))| {
            let ident = &f.ident;
            match f.need {
                Need::Lenient => quote!(#ident: #local),
                Need::Default => quote!(#ident: #local.unwrap_or_default()),
                Need::Essential => quote!(#ident: __r.essential(#local, #i)?),
            }
        });
    // Every use of a field's type is spanned on it, so a type that is not a `ResponseField` is
    // reported at the field (rustc folds the repeats), not at the attribute.
    let writes = fields.iter().map(|f| {
        let (ident, wire, ty) = (&f.ident, &f.wire, &f.value_ty);
        let span = f
            .with
            .as_ref()
            .map_or_else(|| ty.span_of(), |c| c.span_of());
        match (&f.with, f.need) {
            (None, Need::Lenient) => {
                quote_spanned!(span=> __w.option::<#ty>(#wire, &self.#ident)?;)
            }
            (None, _) => quote_spanned!(span=> __w.value::<#ty>(#wire, &self.#ident)?;),
            (Some(c), Need::Lenient) => {
                quote_spanned!(span=> __w.option_with::<#c, #ty>(#wire, &self.#ident)?;)
            }
            (Some(c), _) => quote_spanned!(span=> __w.value_with::<#c, #ty>(#wire, &self.#ident)?;),
        }
    });
    let shapes = fields.iter().map(|f| {
        let (wire, ty) = (&f.wire, &f.value_ty);
        match &f.with {
            None => quote_spanned!(ty.span_of()=> (#wire, <#ty as #r::ResponseField>::shape as fn(usize) -> #q::Shape)),
            Some(c) => quote_spanned!(c.span_of()=> (#wire, <#c as #r::FieldCodec<#ty>>::shape as fn(usize) -> #q::Shape)),
        }
    });
    let examples = fields.iter().map(|f| {
        let (wire, ty) = (&f.wire, &f.value_ty);
        match &f.with {
            None => quote_spanned!(ty.span_of()=> (#wire, <#ty as #r::ResponseField>::example as fn(usize) -> #q::serde_json::Value)),
            Some(c) => quote_spanned!(c.span_of()=> (#wire, <#c as #r::FieldCodec<#ty>>::example as fn(usize) -> #q::serde_json::Value)),
        }
    });
    // Only values read with their type's own `ResponseField` can hold nested models.
    let walks = fields.iter().filter(|f| f.with.is_none()).map(|f| {
        let (ident, wire, ty) = (&f.ident, &f.wire, &f.value_ty);
        match f.need {
            Need::Lenient => quote_spanned! {ty.span_of()=>
                if let ::core::option::Option::Some(__v) = &self.#ident {
                    #q::walk::<#ty>(__v, __path, #wire, __visit);
                }
            },
            _ => quote_spanned!(ty.span_of()=> #q::walk::<#ty>(&self.#ident, __path, #wire, __visit);),
        }
    });

    quote! {
        #item

        impl<'de> #q::serde::Deserialize<'de> for #name {
            fn deserialize<__D: #q::serde::Deserializer<'de>>(
                __deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> #q::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        __f.write_str(#expecting)
                    }
                    fn visit_map<__A: #q::serde::de::MapAccess<'de>>(
                        self,
                        mut __map: __A,
                    ) -> ::core::result::Result<#name, __A::Error> {
                        let mut __r = #q::ModelReader::new(#name_str, &[#(#wires),*])#blank;
                        #(#decls)*
                        while let ::core::option::Option::Some(__key) = __r.key_by(&mut __map, |__k| match __k {
                            #(#wires => ::core::option::Option::Some(#indices),)*
                            _ => ::core::option::Option::None,
                        })? {
                            match __key {
                                #(#arms)*
                                _ => __r.skip(&mut __map)?,
                            }
                        }
                        ::core::result::Result::Ok(#name {
                            #(#inits,)*
                            unreadable: __r.finish(),
                        })
                    }
                }
                __deserializer.deserialize_map(__Visitor)
            }
        }

        impl #q::serde::Serialize for #name {
            fn serialize<__S: #q::serde::Serializer>(
                &self,
                __serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                let mut __w = #q::ModelWriter::new(__serializer, #name_str, #count, #r::DateFormat::#dates)?;
                #(#writes)*
                __w.end()
            }
        }

        impl #r::ResponseField for #name {
            fn read<'de, __D: #q::serde::Deserializer<'de>>(
                __deserializer: __D,
                __field: &mut #r::FieldContext<'_>,
            ) -> ::core::result::Result<::core::option::Option<Self>, __D::Error> {
                #q::#read_nested(__deserializer, __field, #expecting)
            }

            fn write<__S: #q::serde::Serializer>(
                &self,
                __serializer: __S,
                _: #r::DateFormat,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                #q::serde::Serialize::serialize(self, __serializer)
            }

            #q::reflect_only! {
                fn shape(__depth: usize) -> #q::Shape {
                    #q::model_shape(#name_str, __depth, &[#(#shapes),*])
                }

                fn example(__depth: usize) -> #q::serde_json::Value {
                    #q::model_example(__depth, &[#(#examples),*])
                }

                fn each_unreadable(
                    &self,
                    __path: &str,
                    __visit: &mut dyn ::core::ops::FnMut(&str, &#q::serde_json::Value),
                ) {
                    #q::each_unreadable(&self.unreadable, __path, __visit);
                    #(#walks)*
                }
            }
        }

        impl #r::ResponseBody for #name {
            #q::reflect_only! {
                fn shape() -> #q::Shape {
                    <Self as #r::ResponseField>::shape(0)
                }

                fn example() -> #q::serde_json::Value {
                    <Self as #r::ResponseField>::example(0)
                }

                fn each_unreadable(
                    &self,
                    __visit: &mut dyn ::core::ops::FnMut(&str, &#q::serde_json::Value),
                ) {
                    <Self as #r::ResponseField>::each_unreadable(self, "", __visit)
                }
            }
        }
    }
}

/// Appends `pub unreadable: Unreadable` to the struct.
fn add_unreadable(item: &mut syn::ItemStruct) {
    if let Fields::Named(named) = &mut item.fields {
        named.named.push(syn::parse_quote! {
            /// The raw values of fields that did not fit their types, by wire name (see
            /// [`runtime::response::Unreadable`]); empty when everything fitted.
            pub unreadable: ::runtime::response::Unreadable
        });
    }
}

/// The struct as written plus the errors, and stand-in impls so that uses of the model do not
/// add errors of their own.
pub fn fallback(mut item: syn::ItemStruct, errors: Vec<syn::Error>) -> TokenStream {
    let declared = match &item.fields {
        Fields::Named(named) => named
            .named
            .iter()
            .any(|f| f.ident.as_ref().is_some_and(|i| i == "unreadable")),
        _ => true,
    };
    if !declared {
        add_unreadable(&mut item);
    }
    let errors = errors.iter().map(syn::Error::to_compile_error);
    let q = quote!(::runtime::__private);
    let r = quote!(::runtime::response);
    let name = &item.ident;
    let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
    quote! {
        #item
        #(#errors)*

        impl #impl_generics #q::serde::Serialize for #name #ty_generics #where_clause {
            fn serialize<__S: #q::serde::Serializer>(&self, _: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                ::core::unreachable!()
            }
        }

        impl<'de> #q::serde::Deserialize<'de> for #name #ty_generics #where_clause {
            fn deserialize<__D: #q::serde::Deserializer<'de>>(_: __D) -> ::core::result::Result<Self, __D::Error> {
                ::core::unreachable!()
            }
        }

        impl #impl_generics #r::ResponseField for #name #ty_generics #where_clause {
            fn read<'de, __D: #q::serde::Deserializer<'de>>(
                _: __D,
                _: &mut #r::FieldContext<'_>,
            ) -> ::core::result::Result<::core::option::Option<Self>, __D::Error> {
                ::core::unreachable!()
            }
            fn write<__S: #q::serde::Serializer>(&self, _: __S, _: #r::DateFormat) -> ::core::result::Result<__S::Ok, __S::Error> {
                ::core::unreachable!()
            }
        }

        impl #impl_generics #r::ResponseBody for #name #ty_generics #where_clause {}
    }
}

/// The span of a type or path, for `quote_spanned!`.
trait SpanOf {
    fn span_of(&self) -> proc_macro2::Span;
}

impl<T: syn::spanned::Spanned> SpanOf for T {
    fn span_of(&self) -> proc_macro2::Span {
        self.span()
    }
}
