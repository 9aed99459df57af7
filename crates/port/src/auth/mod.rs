//! Authentication, applied by the client to every request whatever the
//! transport: HTTP Basic or OAuth2 client credentials with a shared token
//! cache.

mod auth_error;
mod credentials;
mod secret;
mod token;
mod token_cache;

pub use auth_error::AuthError;
pub(crate) use credentials::Scheme;
pub use credentials::{Auth, DEFAULT_TOKEN_URL};
pub use secret::Secret;
pub use token::MAX_TOKEN_LIFETIME;
pub(crate) use token::{build_token_request, parse_token_response};
pub(crate) use token_cache::TokenCache;
