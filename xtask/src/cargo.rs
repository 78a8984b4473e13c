//! `api/Cargo.toml`'s product section: one optional dependency and one feature per product,
//! and `full`, written between two marker lines so the rest of the file stays hand-written.

use std::fmt::Write as _;

use crate::emit::Product;

const BEGIN: &str = "# BEGIN products (cargo xtask codegen writes this part)";
const END: &str = "# END products";

/// The manifest with its product section (re)written; the section goes at the end the first time.
pub fn api_manifest(current: &str, products: &[Product]) -> Result<String, String> {
    let mut section = format!("{BEGIN}\n");
    section.push_str("[features]\ndefault = []\n");
    let names: Vec<String> = products.iter().map(|p| format!("{:?}", p.name)).collect();
    let _ = writeln!(section, "# Every product.\nfull = [{}]", names.join(", "));
    for p in products {
        let _ = writeln!(
            section,
            "# {} operations on {}.\n{} = [\"dep:{}\"]",
            p.ops,
            p.hosts.join(", "),
            p.name,
            p.package()
        );
    }
    section.push('\n');
    for p in products {
        let _ = writeln!(
            section,
            "[dependencies.{}]\npath = \"products/{}\"\nversion = \"0.1.0\"\noptional = true\n",
            p.package(),
            p.name
        );
    }
    section.push_str(END);
    section.push('\n');
    match (current.find(BEGIN), current.find(END)) {
        (Some(a), Some(b)) if b > a => {
            let tail = &current[b + END.len()..];
            Ok(format!(
                "{}{section}{}",
                &current[..a],
                tail.trim_start_matches('\n')
            ))
        }
        (None, None) => Ok(format!(
            "{}\n{section}",
            current.trim_end_matches('\n').to_owned() + "\n"
        )),
        _ => Err("api/Cargo.toml: unbalanced product markers".into()),
    }
}
