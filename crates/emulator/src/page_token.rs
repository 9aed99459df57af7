//! Opaque page tokens. A token names the last key of the page it follows (a contact id, or a
//! conflicting identity), so the next page starts after that key whatever was added or deleted
//! in between: nothing that existed throughout is lost or repeated.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::failure::Failure;

/// What a token pages through (part of the token, so one listing's token is refused by another).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Listing {
    Contacts,
    IdentityConflicts,
}

impl Listing {
    fn tag(self) -> &'static str {
        match self {
            Self::Contacts => "c1",
            Self::IdentityConflicts => "i1",
        }
    }
}

/// The token that continues after `last_key`.
pub(crate) fn encode(listing: Listing, last_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{last_key}", listing.tag()))
}

/// The key a token continues after.
///
/// # Errors
///
/// 400 naming `page_token` when the token was not issued for this listing.
pub(crate) fn decode(listing: Listing, token: &str) -> Result<String, Failure> {
    let invalid = || Failure::invalid("page_token", "not a page token issued by this listing");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (tag, key) = text.split_once(':').ok_or_else(invalid)?;
    if tag == listing.tag() && !key.is_empty() {
        Ok(key.to_owned())
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_are_bound_to_their_listing() {
        let token = encode(Listing::Contacts, "01ABC");
        assert_eq!(decode(Listing::Contacts, &token).unwrap(), "01ABC");
        assert!(decode(Listing::IdentityConflicts, &token).is_err());
        assert!(decode(Listing::Contacts, "not a token!").is_err());
    }
}
