//! API tokens: a name and a role per SHA-256 hash of the secret.

use baton_flow::Role;
use rusqlite::{params, Connection};

use super::{enum_text, format_time, parse_enum, StoreError};

/// A token as stored: the hash of its secret, never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    pub hash: String,
    pub name: String,
    pub role: Role,
    /// `flag` for `--token`, `demo` for the tokens that `--demo` made.
    pub source: String,
}

/// Replaces every stored token with `tokens`.
pub fn replace_all(conn: &mut Connection, tokens: &[StoredToken]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM tokens", [])?;
    let now = format_time(super::now());
    for token in tokens {
        tx.execute(
            "INSERT INTO tokens (hash, name, role, source, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                token.hash,
                token.name,
                enum_text(&token.role),
                token.source,
                now
            ],
        )?;
    }
    tx.commit()?;
    Ok(())
}

pub fn all(conn: &Connection) -> Result<Vec<StoredToken>, StoreError> {
    let mut statement =
        conn.prepare("SELECT hash, name, role, source FROM tokens ORDER BY name")?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    let mut tokens = Vec::new();
    for row in rows {
        let (hash, name, role, source) = row?;
        tokens.push(StoredToken {
            hash,
            name,
            role: parse_enum("tokens.role", &role)?,
            source,
        });
    }
    Ok(tokens)
}
