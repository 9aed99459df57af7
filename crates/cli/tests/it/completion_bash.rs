//! The bash completion script, run in a real bash: sourced, then its function (the one
//! `complete -p sinch-contacts` names) called with `COMP_WORDS`/`COMP_CWORD` set as bash sets
//! them when TAB is pressed.

use std::process::Command;

use crate::support::bin;

/// What the script offers for `words` (the last one being completed).
fn complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
    let current = words.last().unwrap();
    let previous = words[words.len() - 2];
    let program = format!(
        r#"source '{script}'
spec=$(complete -p sinch-contacts) || exit 3
function=$(printf '%s\n' "$spec" | sed -E 's/.*-F ([^ ]+).*/\1/')
[ -n "$function" ] || exit 4
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE='{line}'
COMP_POINT=${{#COMP_LINE}}
"$function" sinch-contacts '{current}' '{previous}'
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script = script.display(),
        words = quoted.join(" "),
        cword = words.len() - 1,
        line = words.join(" "),
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_flags_below_the_top_level() {
    let output = bin().args(["completions", "bash"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("sinch-contacts.bash");
    std::fs::write(&script, &output.stdout).unwrap();

    assert_eq!(
        complete(&script, &["sinch-contacts", "con"]),
        ["contacts", "config"]
    );
    assert_eq!(complete(&script, &["sinch-contacts", "cont"]), ["contacts"]);
    assert_eq!(
        complete(&script, &["sinch-contacts", "contacts", "im"]),
        ["import"]
    );
    assert_eq!(
        complete(&script, &["sinch-contacts", "callbacks", "li"]),
        ["listen"]
    );
    assert_eq!(
        complete(&script, &["sinch-contacts", "contacts", "import", "--conc"]),
        ["--concurrency"]
    );
    assert_eq!(
        complete(&script, &["sinch-contacts", "callbacks", "send", "--t"]),
        ["--to"]
    );
    let formats = complete(
        &script,
        &["sinch-contacts", "contacts", "export", "--format", ""],
    );
    assert_eq!(formats, ["jsonl", "csv"]);
}
