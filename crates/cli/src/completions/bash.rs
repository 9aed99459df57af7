//! A repair of clap_complete's bash script for a binary whose name holds a dash.
//!
//! clap_complete (4.6.12, the latest) names each command's branch twice: the loop over the
//! words typed so far sets `cmd` to the binary name with `-` replaced by `__` followed by
//! `__subcmd__NAME` per subcommand (`sinch__contacts__subcmd__contacts`), but the `case` that
//! completes a subcommand's words labels its branch with the binary name's `-` replaced by
//! `__subcmd__` (`sinch__subcmd__contacts__subcmd__contacts`, in `subcommand_details`, which
//! replaces every `-` of the whole path). No label matches below the top level, so
//! `sinch-contacts contacts im<TAB>` completed nothing. The labels are renamed to what the loop
//! sets; once clap_complete names both alike there is nothing left to rename.

/// `script` with every subcommand branch labelled as the dispatch loop names it.
pub fn repair(script: &str, bin_name: &str) -> String {
    const SEPARATOR: &str = "__subcmd__";
    let wrong = format!("{}{SEPARATOR}", bin_name.replace('-', SEPARATOR));
    let right = format!("{}{SEPARATOR}", bin_name.replace('-', "__"));
    if wrong == right {
        return script.to_owned();
    }
    script.replace(&wrong, &right)
}

#[cfg(test)]
mod tests {
    use super::repair;

    #[test]
    fn labels_take_the_dispatch_name() {
        let script = "cmd=\"sinch__contacts__subcmd__contacts\"\n        sinch__subcmd__contacts__subcmd__contacts)\n";
        assert_eq!(
            repair(script, "sinch-contacts"),
            "cmd=\"sinch__contacts__subcmd__contacts\"\n        sinch__contacts__subcmd__contacts)\n"
        );
        assert_eq!(repair(script, "plain"), script);
    }
}
