//! Where a client goes: the [`Target`] that messages and the import journal name, and whether a
//! URL names this machine (requests there never go through a proxy).

/// What a client talks to, for messages and for the import journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The base URL.
    pub base_url: String,
    /// The project id.
    pub project_id: String,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "project {} at {}", self.project_id, self.base_url)
    }
}

/// Whether a URL names this machine (`127.0.0.0/8`, `[::1]`, `localhost`).
pub fn is_loopback(url: &str) -> bool {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = if let Some(bracketed) = host.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_hosts_are_recognised() {
        for url in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3/x",
            "http://localhost:1",
            "http://[::1]:9/",
            "http://u:p@127.0.0.1",
        ] {
            assert!(is_loopback(url), "{url}");
        }
        for url in [
            "https://eu.conversation.api.sinch.com",
            "http://10.0.0.1:80",
            "http://127.0.0.1.example.com/",
        ] {
            assert!(!is_loopback(url), "{url}");
        }
    }
}
