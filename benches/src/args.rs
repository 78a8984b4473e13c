//! The bench binaries' command line: `--name value` flags and the `--out FILE` report.

/// The value after `--name`, if given.
pub fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// The number after `--name`, or `default` when the flag is absent.
pub fn number(args: &[String], name: &str, default: usize) -> Result<usize, String> {
    match flag(args, name) {
        Some(v) => v.parse().map_err(|e| format!("{name} {v:?}: {e}")),
        None => Ok(default),
    }
}

/// Writes a JSON report to `--out FILE`, or prints it.
pub fn write_report(args: &[String], json: &str) -> Result<(), String> {
    match flag(args, "--out") {
        Some(path) => std::fs::write(path, json).map_err(|e| format!("{path}: {e}")),
        None => {
            println!("{json}");
            Ok(())
        }
    }
}
