//! Command-line parsing for the xtask binary (kept dependency-free to keep the xtask fast to build).

use std::path::PathBuf;

use crate::codegen::{self, Mode, Selection, Target};

const USAGE: &str = "\
usage:
  cargo xtask tour
      The end-to-end tour on the embedded emulator (says what it will run until it exists).
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

/// What `cargo xtask tour` will run once the emulator and the command-line tool exist.
const TOUR_PLAN: &str = "\
The end-to-end tour runs on the embedded emulator (no account, no network) once the emulator
and the `sinch-contacts` tool are part of the workspace. It will:
  1. start the emulator in-process and point the contacts client at it;
  2. create, get, list (all pages), update (with a derived update mask) and delete contacts;
  3. merge two contacts and show the documented merge rules at work;
  4. list identity conflicts and ask for a channel profile;
  5. receive the signed callbacks the emulator delivers: verify, parse, mirror the contacts and
     act on a STOP opt-out.
Today the workspace holds the model crate, the port (client) crate, the callbacks crate and the
code generator; run the tests with `cargo test --workspace --all-features`.";

/// Runs the command line; `Err` carries the message printed before exiting with failure.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(format!("missing command\n{USAGE}"));
    };
    match command.as_str() {
        "codegen" => run_codegen(rest),
        "tour" => {
            println!("{TOUR_PLAN}");
            Ok(())
        }
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
