//! Who may do what: users and roles.
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Roles in increasing power. Unknown users are viewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Viewer,
    Operator,
    Manager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Manager => "manager",
        }
    }
    pub fn can_write(self) -> bool {
        self >= Role::Operator
    }
    pub fn can_approve(self) -> bool {
        self >= Role::Manager
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "operator" => Ok(Role::Operator),
            "manager" => Ok(Role::Manager),
            other => Err(format!("unknown role {other:?} (viewer, operator or manager)")),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The person acting: the OS login name and the role the store gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
}
