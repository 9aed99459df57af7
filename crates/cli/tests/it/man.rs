//! `man`: one roff page per command and subcommand, naming the command and its flags.

use std::collections::BTreeSet;

use crate::support::bin;

/// Every page, written out by hand from the command tree.
const PAGES: [&str; 27] = [
    "sinch-contacts",
    "sinch-contacts-demo",
    "sinch-contacts-contacts",
    "sinch-contacts-contacts-list",
    "sinch-contacts-contacts-get",
    "sinch-contacts-contacts-create",
    "sinch-contacts-contacts-update",
    "sinch-contacts-contacts-delete",
    "sinch-contacts-contacts-merge",
    "sinch-contacts-contacts-profile",
    "sinch-contacts-contacts-conflicts",
    "sinch-contacts-contacts-capability",
    "sinch-contacts-contacts-import",
    "sinch-contacts-contacts-export",
    "sinch-contacts-contacts-sync",
    "sinch-contacts-emulator",
    "sinch-contacts-callbacks",
    "sinch-contacts-callbacks-parse",
    "sinch-contacts-callbacks-verify",
    "sinch-contacts-callbacks-listen",
    "sinch-contacts-callbacks-suppressed",
    "sinch-contacts-callbacks-send",
    "sinch-contacts-callbacks-trigger",
    "sinch-contacts-config",
    "sinch-contacts-config-show",
    "sinch-contacts-completions",
    "sinch-contacts-man",
];

/// `--flag` as roff writes it in bold: `\fB\-\-flag\fR`.
fn roff_flag(flag: &str) -> String {
    format!("\\fB{}\\fR", flag.replace('-', "\\-"))
}

#[test]
fn man_out_writes_one_page_per_command_naming_it_and_its_flags() {
    let dir = tempfile::tempdir().unwrap();
    let output = bin()
        .args(["man", "--out"])
        .arg(dir.path())
        .env("SINCH_WEBHOOK_SECRET", "do-not-print-me")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files: BTreeSet<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    let expected: BTreeSet<String> = PAGES.iter().map(|page| format!("{page}.1")).collect();
    assert_eq!(files, expected);
    // One printed path per page.
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).lines().count(),
        PAGES.len()
    );

    let page = |name: &str| std::fs::read_to_string(dir.path().join(format!("{name}.1"))).unwrap();
    for name in PAGES {
        let text = page(name);
        assert!(text.contains(&format!(".TH {name} 1 ")), "{name}");
        assert!(
            text.contains(&format!(".SH NAME\n{} \\- ", name.replace('-', "\\-"))),
            "{name}"
        );
        assert!(text.contains(&roff_flag("--help")), "{name}");
        assert!(!text.contains("do-not-print-me"), "{name}");
    }
    let import = page("sinch-contacts-contacts-import");
    for flag in [
        "--concurrency",
        "--journal",
        "--no-journal",
        "--base-url",
        "--verbose",
    ] {
        assert!(import.contains(&roff_flag(flag)), "import: {flag}");
    }
    assert!(
        import.contains("\\fBsinch\\-contacts contacts import\\fR"),
        "{import}"
    );
    let sync = page("sinch-contacts-contacts-sync");
    for flag in [
        "--plan",
        "--apply",
        "--delete-missing",
        "--mirror",
        "--max-rate",
        "--journal",
    ] {
        assert!(sync.contains(&roff_flag(flag)), "sync: {flag}");
    }
    let listen = page("sinch-contacts-callbacks-listen");
    for flag in ["--secret", "--secret-file", "--state", "--bind"] {
        assert!(listen.contains(&roff_flag(flag)), "listen: {flag}");
    }
    assert!(listen.contains("SINCH_WEBHOOK_SECRET"));
    let top = page("sinch-contacts");
    for sub in ["contacts", "callbacks", "emulator", "man"] {
        assert!(
            top.contains(&format!("sinch\\-contacts\\-{sub}(1)")),
            "top page lists {sub}"
        );
    }
}

#[test]
fn man_prints_the_page_of_the_command_named() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["man", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let printed = bin().args(["man", "contacts", "export"]).output().unwrap();
    assert_eq!(printed.status.code(), Some(0));
    let written = std::fs::read(dir.path().join("sinch-contacts-contacts-export.1")).unwrap();
    assert_eq!(printed.stdout, written);
    let top = bin().arg("man").output().unwrap();
    assert!(String::from_utf8_lossy(&top.stdout).contains(".TH sinch-contacts 1 "));
    let unknown = bin().args(["man", "contacts", "nope"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no command `contacts nope`"));
}
