//! [`KeywordClassifier`]: is an inbound text an opt-out, an opt-in, a help request or none?

/// What an inbound text asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Keyword {
    /// Stop messaging me (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT).
    OptOut,
    /// Message me again (START, UNSTOP by default).
    OptIn,
    /// Tell me what this is (HELP, INFO).
    Help,
    /// An ordinary message.
    None,
}

/// Classifies inbound texts by keyword.
///
/// The whole message must be the keyword: case is ignored, and so are whitespace and
/// punctuation (any character that is neither a letter nor a digit) around it. "Stop!" and
/// " stop " are opt-outs; "please don't stop" and "STOP ALL" are not. A word in several sets
/// counts as opt-out first, then opt-in, then help.
///
/// ```
/// use sinch_contacts_callbacks::optout::{Keyword, KeywordClassifier};
///
/// let classifier = KeywordClassifier::default();
/// assert_eq!(classifier.classify("  Stop! "), Keyword::OptOut);
/// assert_eq!(classifier.classify("please don't stop"), Keyword::None);
/// assert_eq!(classifier.classify("unstop"), Keyword::OptIn);
///
/// let french = KeywordClassifier::default().with_opt_out_keywords(["ARRET", "STOP"]);
/// assert_eq!(french.classify("arret"), Keyword::OptOut);
/// assert_eq!(french.classify("quit"), Keyword::None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordClassifier {
    opt_out: Vec<String>,
    opt_in: Vec<String>,
    help: Vec<String>,
}

/// The default opt-out keywords.
pub const DEFAULT_OPT_OUT: &[&str] = &["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"];
/// The default opt-in keywords: only the words whose sole common meaning in a reply to a
/// business is "message me again". `YES` is deliberately absent: it answers any question ("Are
/// you coming?"), so it would re-subscribe an opted-out number by accident. Add it (or `SUBSCRIBE`,
/// a local word, ...) with [`KeywordClassifier::with_opt_in_keywords`] when the program's
/// messages say so, e.g. `with_opt_in_keywords(DEFAULT_OPT_IN.iter().copied().chain(["YES"]))`.
pub const DEFAULT_OPT_IN: &[&str] = &["START", "UNSTOP"];
/// The default help keywords.
pub const DEFAULT_HELP: &[&str] = &["HELP", "INFO"];

impl Default for KeywordClassifier {
    fn default() -> Self {
        Self {
            opt_out: normalize_all(DEFAULT_OPT_OUT.iter().copied()),
            opt_in: normalize_all(DEFAULT_OPT_IN.iter().copied()),
            help: normalize_all(DEFAULT_HELP.iter().copied()),
        }
    }
}

fn normalize(text: &str) -> String {
    text.trim_matches(|c: char| !c.is_alphanumeric())
        .to_uppercase()
}

fn normalize_all<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    words
        .into_iter()
        .map(normalize)
        .filter(|word| !word.is_empty())
        .collect()
}

impl KeywordClassifier {
    /// Replaces the opt-out keywords.
    pub fn with_opt_out_keywords<'a>(mut self, words: impl IntoIterator<Item = &'a str>) -> Self {
        self.opt_out = normalize_all(words);
        self
    }

    /// Replaces the opt-in keywords.
    pub fn with_opt_in_keywords<'a>(mut self, words: impl IntoIterator<Item = &'a str>) -> Self {
        self.opt_in = normalize_all(words);
        self
    }

    /// Replaces the help keywords.
    pub fn with_help_keywords<'a>(mut self, words: impl IntoIterator<Item = &'a str>) -> Self {
        self.help = normalize_all(words);
        self
    }

    /// Classifies one inbound text.
    pub fn classify(&self, text: &str) -> Keyword {
        let word = normalize(text);
        if word.is_empty() {
            Keyword::None
        } else if self.opt_out.contains(&word) {
            Keyword::OptOut
        } else if self.opt_in.contains(&word) {
            Keyword::OptIn
        } else if self.help.contains(&word) {
            Keyword::Help
        } else {
            Keyword::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_keywords() {
        let classifier = KeywordClassifier::default();
        for word in [
            "STOP",
            "stop",
            "StopAll",
            "unsubscribe",
            "Cancel",
            "end",
            "QUIT",
        ] {
            assert_eq!(classifier.classify(word), Keyword::OptOut, "{word}");
        }
        for word in ["START", "unstop"] {
            assert_eq!(classifier.classify(word), Keyword::OptIn, "{word}");
        }
        for word in ["yes", "YES", "Yes!", "subscribe", "ok"] {
            assert_eq!(classifier.classify(word), Keyword::None, "{word}");
        }
        for word in ["help", "INFO", "help?"] {
            assert_eq!(classifier.classify(word), Keyword::Help, "{word}");
        }
    }

    #[test]
    fn whole_message_only_with_surrounding_noise_ignored() {
        let classifier = KeywordClassifier::default();
        for text in [
            "  STOP  ",
            "\tstop.\n",
            "\"Stop!!!\"",
            "¡stop!",
            "...STOP...",
            "stop 🛑",
        ] {
            assert_eq!(classifier.classify(text), Keyword::OptOut, "{text:?}");
        }
        for text in [
            "please don't stop",
            "stop it",
            "STOP ALL",
            "stopp",
            "S T O P",
            "",
            "   ",
            "!!!",
            "nonstop",
        ] {
            assert_eq!(classifier.classify(text), Keyword::None, "{text:?}");
        }
    }

    #[test]
    fn yes_is_an_opt_in_only_when_configured() {
        let classifier = KeywordClassifier::default()
            .with_opt_in_keywords(DEFAULT_OPT_IN.iter().copied().chain(["YES"]));
        assert_eq!(classifier.classify("Yes"), Keyword::OptIn);
        assert_eq!(classifier.classify("start"), Keyword::OptIn);
        assert_eq!(classifier.classify("stop"), Keyword::OptOut);
    }

    #[test]
    fn configurable_sets_and_precedence() {
        let classifier = KeywordClassifier::default()
            .with_opt_in_keywords(["go", "stop"])
            .with_help_keywords(["?", "aide"]);
        assert_eq!(classifier.classify("stop"), Keyword::OptOut, "opt-out wins");
        assert_eq!(classifier.classify("GO"), Keyword::OptIn);
        assert_eq!(classifier.classify("start"), Keyword::None);
        assert_eq!(classifier.classify("Aide"), Keyword::Help);
        assert_eq!(
            classifier.classify("?"),
            Keyword::None,
            "empty keywords are dropped"
        );
    }
}
