//! `--set PATH=VALUE` and `--set PATH:=JSON`: changing one field of a built-in body.
//!
//! The path is dotted (`contact.display_name`); a segment that is a number indexes an array
//! (`contact.channel_identities.0.identity`). It is looked up in the notification first (the
//! object under `contact_create_notification`, `message`, ...), then from the top of the body
//! (`project_id`, `contact_create_notification.contact.email`). Only fields the body has can be
//! set: a path that is not there is an error naming the part that is missing and what is there.
//!
//! With `=`, the value takes the type of the field it replaces: a string stays a string (so
//! `identity=46700000001` is not made a number), a number must be a number, a boolean `true` or
//! `false`, and an object, array or null field takes JSON. With `:=` the value is JSON whatever
//! the field held (`--set 'contact.language:=null'`), for bodies a receiver should refuse.

use std::str::FromStr;

use serde_json::{Map, Value};

/// One `--set`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    path: String,
    value: String,
    raw_json: bool,
}

impl FromStr for Assignment {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (path, value) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not PATH=VALUE"))?;
        let (path, raw_json) = match path.strip_suffix(':') {
            Some(path) => (path, true),
            None => (path, false),
        };
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!("`{text}`: the path `{path}` has an empty part"));
        }
        Ok(Self {
            path: path.to_owned(),
            value: value.to_owned(),
            raw_json,
        })
    }
}

impl Assignment {
    /// Sets the field in `body`, whose notification is under `notification_key`.
    pub fn apply(&self, body: &mut Value, notification_key: &str) -> Result<(), String> {
        let segments: Vec<&str> = self.path.split('.').collect();
        let in_notification = body
            .get(notification_key)
            .is_some_and(|notification| child(notification, segments[0]).is_some());
        let (start, prefix) = if in_notification {
            (
                body.get_mut(notification_key).expect("checked just above"),
                notification_key.to_owned(),
            )
        } else {
            (body, String::new())
        };
        let field = walk(start, &segments, &prefix, notification_key)?;
        *field = self.typed_value(field)?;
        Ok(())
    }

    fn typed_value(&self, current: &Value) -> Result<Value, String> {
        let as_json = || {
            serde_json::from_str::<Value>(&self.value).map_err(|error| {
                format!("--set {}: `{}` is not JSON: {error}", self.path, self.value)
            })
        };
        if self.raw_json {
            return as_json();
        }
        match current {
            Value::String(_) => Ok(Value::String(self.value.clone())),
            Value::Bool(_) => match self.value.as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                other => Err(format!(
                    "--set {}: the field is a boolean, `{other}` is not true or false (`:=` sets \
                     any JSON)",
                    self.path
                )),
            },
            Value::Number(_) => serde_json::from_str::<serde_json::Number>(&self.value)
                .map(Value::Number)
                .map_err(|_| {
                    format!(
                        "--set {}: the field is a number, `{}` is not one (`:=` sets any JSON)",
                        self.path, self.value
                    )
                }),
            Value::Null | Value::Object(_) | Value::Array(_) => as_json(),
        }
    }
}

/// The member or element `segment` of `value`.
fn child<'v>(value: &'v Value, segment: &str) -> Option<&'v Value> {
    match value {
        Value::Object(members) => members.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

/// Follows `segments` from `value` (which is at `prefix`), or says where the path leaves the
/// body.
fn walk<'v>(
    mut value: &'v mut Value,
    segments: &[&str],
    prefix: &str,
    notification_key: &str,
) -> Result<&'v mut Value, String> {
    let mut at = prefix.to_owned();
    for segment in segments {
        let here = if at.is_empty() {
            "the body".to_owned()
        } else {
            format!("`{at}`")
        };
        value = match value {
            Value::Object(members) => {
                if !members.contains_key(*segment) {
                    return Err(missing_member(
                        segment,
                        &here,
                        members,
                        at.is_empty(),
                        notification_key,
                    ));
                }
                members.get_mut(*segment).expect("checked just above")
            }
            Value::Array(items) => {
                let count = items.len();
                match segment.parse::<usize>().ok().filter(|index| *index < count) {
                    Some(index) => &mut items[index],
                    None => {
                        return Err(format!(
                            "no element `{segment}` in {here}, an array of {count} (0 to {})",
                            count.saturating_sub(1)
                        ));
                    }
                }
            }
            other => {
                return Err(format!(
                    "{here} is {}, it has no field `{segment}`",
                    kind(other)
                ));
            }
        };
        if !at.is_empty() {
            at.push('.');
        }
        at.push_str(segment);
    }
    Ok(value)
}

fn missing_member(
    segment: &str,
    here: &str,
    members: &Map<String, Value>,
    at_top: bool,
    notification_key: &str,
) -> String {
    let mut names: Vec<&str> = members.keys().map(String::as_str).collect();
    names.sort_unstable();
    if at_top {
        format!(
            "no field `{segment}` in the notification `{notification_key}` nor in the body (the \
             body has: {})",
            names.join(", ")
        )
    } else {
        format!(
            "no field `{segment}` in {here} (it has: {})",
            names.join(", ")
        )
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn body() -> Value {
        json!({
            "project_id": "p",
            "contact_create_notification": {
                "contact": {
                    "display_name": "Ada",
                    "channel_identities": [{"channel": "SMS", "identity": "4670"}],
                    "language": null,
                    "active": true,
                    "score": 1
                }
            }
        })
    }

    fn set(text: &str) -> Result<Value, String> {
        let mut value = body();
        text.parse::<Assignment>()?
            .apply(&mut value, "contact_create_notification")?;
        Ok(value)
    }

    #[test]
    fn paths_start_in_the_notification_then_at_the_top() {
        let value = set("contact.display_name=Grace").unwrap();
        assert_eq!(
            value["contact_create_notification"]["contact"]["display_name"],
            "Grace"
        );
        let value = set("project_id=other").unwrap();
        assert_eq!(value["project_id"], "other");
        let value =
            set("contact_create_notification.contact.channel_identities.0.identity=99").unwrap();
        assert_eq!(
            value["contact_create_notification"]["contact"]["channel_identities"][0]["identity"],
            "99"
        );
    }

    #[test]
    fn values_take_the_type_of_the_field() {
        let contact = |value: Value| value["contact_create_notification"]["contact"].clone();
        assert_eq!(
            contact(set("contact.active=false").unwrap())["active"],
            false
        );
        assert_eq!(contact(set("contact.score=2.5").unwrap())["score"], 2.5);
        assert_eq!(
            contact(set("contact.language=\"EN\"").unwrap())["language"],
            "EN"
        );
        assert_eq!(
            contact(set("contact.display_name:=7").unwrap())["display_name"],
            7
        );
        assert!(set("contact.active=yes").unwrap_err().contains("boolean"));
        assert!(set("contact.score=many").unwrap_err().contains("number"));
    }

    #[test]
    fn a_missing_path_names_what_is_missing_and_what_is_there() {
        let error = set("contact.display_nam=x").unwrap_err();
        assert_eq!(
            error,
            "no field `display_nam` in `contact_create_notification.contact` (it has: active, \
             channel_identities, display_name, language, score)"
        );
        let error = set("nothing=x").unwrap_err();
        assert!(
            error.starts_with("no field `nothing` in the notification"),
            "{error}"
        );
        let error = set("contact.channel_identities.3.identity=x").unwrap_err();
        assert_eq!(
            error,
            "no element `3` in `contact_create_notification.contact.channel_identities`, an \
             array of 1 (0 to 0)"
        );
        let error = set("contact.display_name.first=x").unwrap_err();
        assert!(error.contains("is a string"), "{error}");
        assert!("novalue".parse::<Assignment>().is_err());
        assert!("a..b=1".parse::<Assignment>().is_err());
    }
}
