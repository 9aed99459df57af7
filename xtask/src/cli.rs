//! Command-line parsing for the xtask binary (kept dependency-free to keep the xtask fast to build).

use std::path::PathBuf;

use crate::codegen::{self, Mode, Selection, Target};

const USAGE: &str = "\
usage:
  cargo xtask tour
      The end-to-end tour on the embedded emulator: runs
      `cargo run --release -p sinch-contacts-cli -- demo`.
  cargo xtask codegen [--check]
      Regenerate every committed target (the model crate and the generator's golden outputs).
      With --check, write nothing and fail if any committed file is stale.
  cargo xtask codegen --spec FILE --out DIR [--overlay OVERLAY...] [--check]
                      [--all | --schemas A,B,...] [--lenient]
      Generate from any OpenAPI 3.0 description (YAML or JSON) into DIR (a module directory:
      DIR/mod.rs plus one file per schema). Each --overlay (an OpenAPI Overlay 1.0 document;
      several may follow one flag, and the flag may repeat) is applied to the description, in
      the order given, before anything is selected; openapi/overlays/published-fixes.yaml turns
      Sinch's published description into the contract this SDK follows. By default only the contact-related schemas and
      everything they reference are generated; --all generates every schema; --schemas picks
      the roots by name. --lenient maps constructs the generator cannot express to
      serde_json::Value with a warning instead of failing.";

/// The command `cargo xtask tour` runs: the `demo` command of the `sinch-contacts` binary.
const TOUR_COMMAND: [&str; 6] = ["run", "--release", "-p", "sinch-contacts-cli", "--", "demo"];

/// Runs the tour with the same cargo that runs the xtask; its exit status becomes ours.
fn run_tour(rest: &[String]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(TOUR_COMMAND)
        .args(rest)
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the tour failed ({status})"))
    }
}

/// Runs the command line; `Err` carries the message printed before exiting with failure.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(format!("missing command\n{USAGE}"));
    };
    match command.as_str() {
        "codegen" => run_codegen(rest),
        "tour" => run_tour(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

fn run_codegen(args: &[String]) -> Result<(), String> {
    let (targets, mode) = parse_codegen(args)?;
    codegen::run(&targets, mode).map_err(|error| error.to_string())
}

/// The targets and mode that `cargo xtask codegen ARGS` asks for.
fn parse_codegen(args: &[String]) -> Result<(Vec<Target>, Mode), String> {
    let mut mode = Mode::Write;
    let mut spec: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut selection = Selection::ContactRelated;
    let mut lenient = false;
    let mut overlays: Vec<PathBuf> = Vec::new();
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => mode = Mode::Check,
            "--lenient" => lenient = true,
            "--all" => selection = Selection::All,
            "--spec" => spec = Some(PathBuf::from(value_of("--spec", iter.next())?)),
            "--out" => out = Some(PathBuf::from(value_of("--out", iter.next())?)),
            "--overlay" => {
                let first = iter.next_if(|next| !next.starts_with("--"));
                overlays.push(PathBuf::from(value_of("--overlay", first)?));
                while let Some(more) = iter.next_if(|next| !next.starts_with("--")) {
                    overlays.push(PathBuf::from(more));
                }
            }
            "--schemas" => {
                let names = value_of("--schemas", iter.next())?;
                selection = Selection::Named(
                    names
                        .split(',')
                        .map(str::trim)
                        .filter(|name| !name.is_empty())
                        .map(str::to_owned)
                        .collect(),
                );
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let targets = match (spec, out) {
        (None, None) if !overlays.is_empty() => {
            return Err("--overlay needs --spec FILE --out DIR".to_owned());
        }
        (None, None) => codegen::committed_targets(),
        (Some(spec), Some(out)) => vec![Target {
            spec,
            out,
            overlays,
            selection,
            lenient,
        }],
        (Some(_), None) => return Err("--spec needs --out DIR".to_owned()),
        (None, Some(_)) => return Err("--out needs --spec FILE".to_owned()),
    };
    Ok((targets, mode))
}

fn value_of<'a>(flag: &str, value: Option<&'a String>) -> Result<&'a str, String> {
    value
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> Result<(Vec<Target>, Mode), String> {
        let args: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
        parse_codegen(&args)
    }

    fn overlays(args: &str) -> Vec<PathBuf> {
        let (targets, _) = parse(args).unwrap();
        assert_eq!(targets.len(), 1);
        targets[0].overlays.clone()
    }

    #[test]
    fn overlays_are_kept_in_the_order_given() {
        let expected = [PathBuf::from("a.yaml"), PathBuf::from("b.yaml")];
        assert_eq!(
            overlays("--spec s --out o --overlay a.yaml b.yaml --all"),
            expected
        );
        assert_eq!(
            overlays("--overlay a.yaml --spec s --overlay b.yaml --out o"),
            expected
        );
        assert_eq!(overlays("--spec s --out o"), Vec::<PathBuf>::new());
    }

    #[test]
    fn an_overlay_needs_a_file_and_a_description() {
        assert_eq!(
            parse("--spec s --out o --overlay").unwrap_err(),
            "--overlay needs a value"
        );
        assert_eq!(
            parse("--spec s --out o --overlay --all").unwrap_err(),
            "--overlay needs a value"
        );
        assert_eq!(
            parse("--overlay a.yaml").unwrap_err(),
            "--overlay needs --spec FILE --out DIR"
        );
        assert_eq!(
            parse("--overlay a.yaml --check").unwrap_err(),
            "--overlay needs --spec FILE --out DIR"
        );
    }
}
