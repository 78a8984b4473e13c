//! Errors found while reading a declaration, collected so every mistake is reported at once
//! (serde_derive's `Ctxt`): parsing and checking push into it, and only an error-free
//! declaration is expanded.

use std::cell::RefCell;
use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// The errors of one macro invocation.
#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// An error at `span`.
    pub fn error(&self, span: Span, message: impl Display) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new(span, message));
    }

    /// An error spanning `tokens` (first to last token).
    pub fn error_spanned(&self, tokens: impl ToTokens, message: impl Display) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(tokens, message));
    }

    /// An error with a line of advice: one error, the advice on its own line after the
    /// message. (Stable proc macros cannot attach a rustc `help:` note; a second error would
    /// count as a second mistake.)
    pub fn error_help(&self, span: Span, message: impl Display, help: impl Display) {
        self.error(span, with_help(message, help));
    }

    /// An error syn already built (a parse error).
    pub fn push(&self, error: syn::Error) {
        self.errors.borrow_mut().push(error);
    }

    /// How many errors so far.
    pub fn len(&self) -> usize {
        self.errors.borrow().len()
    }

    /// The errors as `compile_error!` invocations; empty when there are none.
    pub fn into_tokens(self) -> TokenStream {
        self.errors
            .into_inner()
            .iter()
            .map(syn::Error::to_compile_error)
            .collect()
    }
}

/// A message followed by a line of advice, as every error with advice is written.
pub fn with_help(message: impl Display, help: impl Display) -> String {
    format!("{message}\nhelp: {help}")
}
