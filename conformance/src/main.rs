//! The conformance suite over every endpoint `api` declares. Run by `scripts/conformance`.

use std::process::ExitCode;

// Linking `api` is what registers its declarations (inventory).
use api as _;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match conformance::main_with(&runtime::endpoints()).await {
        Ok(results) if results.passed() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("conformance: {e}");
            ExitCode::from(2)
        }
    }
}
