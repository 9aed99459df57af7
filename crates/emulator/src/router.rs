//! Which API operation a path names. `:merge`, `:getChannelProfile`, `:identityConflicts` and
//! `capability:query` are literal custom verbs: the verb is split off the raw (still
//! percent-encoded) last segment, so an id holding an encoded `:` (`%3A`) stays an id.

use percent_encoding::percent_decode_str;

/// The API operations (one path each; the method picks between those sharing a path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resource {
    /// `/contacts`: list (GET) and create (POST).
    Contacts,
    /// `/contacts/{id}`: get, update (PATCH), delete.
    Contact(String),
    /// `/contacts/{id}:merge` (POST).
    Merge(String),
    /// `/contacts:getChannelProfile` (POST).
    ChannelProfile,
    /// `/contacts:identityConflicts` (GET).
    IdentityConflicts,
    /// `/capability:query` (POST).
    CapabilityQuery,
}

impl Resource {
    /// The methods the path accepts, for `Allow`.
    pub(crate) fn allowed(&self) -> &'static str {
        match self {
            Self::Contacts => "GET, POST",
            Self::Contact(_) => "GET, PATCH, DELETE",
            Self::Merge(_) | Self::ChannelProfile | Self::CapabilityQuery => "POST",
            Self::IdentityConflicts => "GET",
        }
    }
}

/// An API path: the project it names and the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiPath {
    pub(crate) project_id: String,
    pub(crate) resource: Resource,
}

/// Reads `/v1/projects/{project_id}/...`; `None` for any other path.
pub(crate) fn parse(path: &str) -> Option<ApiPath> {
    let rest = path.strip_prefix("/v1/projects/")?;
    let mut segments = rest.split('/');
    let project_id = decode(segments.next()?)?;
    let resource = match (segments.next()?, segments.next(), segments.next()) {
        ("contacts", None, None) => Resource::Contacts,
        ("contacts:getChannelProfile", None, None) => Resource::ChannelProfile,
        ("contacts:identityConflicts", None, None) => Resource::IdentityConflicts,
        ("capability:query", None, None) => Resource::CapabilityQuery,
        ("contacts", Some(last), None) => match last.split_once(':') {
            None => Resource::Contact(decode(last)?),
            Some((id, "merge")) => Resource::Merge(decode(id)?),
            Some(_) => return None,
        },
        _ => return None,
    };
    Some(ApiPath {
        project_id,
        resource,
    })
}

/// Whether `path` is under `/v1/projects/{project_id}` (the segment percent-decoded), whatever
/// follows: the requests a project's rate limit counts.
pub(crate) fn names_project(path: &str, project_id: &str) -> bool {
    path.strip_prefix("/v1/projects/")
        .and_then(|rest| rest.split('/').next())
        .and_then(decode)
        .is_some_and(|named| named == project_id)
}

/// A percent-decoded, non-empty UTF-8 segment.
fn decode(segment: &str) -> Option<String> {
    let decoded = percent_decode_str(segment).decode_utf8().ok()?;
    (!decoded.is_empty()).then(|| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(path: &str) -> Option<Resource> {
        parse(path).map(|api| api.resource)
    }

    #[test]
    fn custom_verbs_are_literal() {
        assert_eq!(
            resource("/v1/projects/p/contacts"),
            Some(Resource::Contacts)
        );
        assert_eq!(
            resource("/v1/projects/p/contacts/01A:merge"),
            Some(Resource::Merge("01A".to_owned()))
        );
        assert_eq!(
            resource("/v1/projects/p/contacts:getChannelProfile"),
            Some(Resource::ChannelProfile)
        );
        assert_eq!(
            resource("/v1/projects/p/contacts:identityConflicts"),
            Some(Resource::IdentityConflicts)
        );
        assert_eq!(
            resource("/v1/projects/p/capability:query"),
            Some(Resource::CapabilityQuery)
        );
        assert_eq!(resource("/v1/projects/p/contacts/01A:explode"), None);
        assert_eq!(resource("/v1/projects/p/contacts:merge"), None);
        assert_eq!(resource("/v1/projects/p/contacts/a/b"), None);
        assert_eq!(resource("/v1/projects//contacts"), None);
    }

    #[test]
    fn a_path_names_a_project_by_its_decoded_segment() {
        let names = |path: &str| names_project(path, "my-project");
        assert!(names("/v1/projects/my-project/contacts"));
        assert!(names("/v1/projects/my-project/contacts/01A:merge"));
        assert!(names("/v1/projects/my%2Dproject/unknown/route"));
        assert!(names("/v1/projects/my-project"));
        assert!(!names("/v1/projects/other/contacts"));
        assert!(!names("/v1/projects/my-project-2/contacts"));
        assert!(!names("/v1/projects//contacts"));
        assert!(!names("/v2/projects/my-project/contacts"));
        assert!(!names("/oauth2/token"));
        assert!(!names("/_emulator/status"));
    }

    #[test]
    fn encoded_colons_stay_in_the_id() {
        assert_eq!(
            resource("/v1/projects/p/contacts/a%3Amerge"),
            Some(Resource::Contact("a:merge".to_owned()))
        );
        assert_eq!(
            parse("/v1/projects/my%20project/contacts")
                .unwrap()
                .project_id,
            "my project"
        );
    }
}
