//! Writes source records into one destination object the way a SaaS API
//! would: each lookup must find its referenced record, and the operation
//! decides what happens to a key that exists or does not.
//!
//! A record that the destination does not accept is rejected with a reason
//! and the run goes on. Only a failure of the destination itself, such as a
//! locked or corrupt file, ends the run.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection as Db, ErrorCode};

use baton_flow::{Operation, Sync};

use super::sqlite::{self, quote};
use super::EngineError;

/// Result of writing one record to the destination.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Written {
    Inserted,
    Updated,
    /// The record exists with the same values, so nothing changed.
    Unchanged,
    Rejected(String),
}

/// A lookup resolved against the destination's tables.
struct ResolvedLookup {
    field: String,
    /// Index of the field in the source record.
    index: usize,
    object: String,
    exists_sql: String,
}

/// The SQL and positions needed to write records of one sync.
pub(crate) struct ObjectWriter<'db> {
    db: &'db Db,
    operation: Operation,
    connection: String,
    object: String,
    key: String,
    key_index: usize,
    lookups: Vec<ResolvedLookup>,
    exists_sql: String,
    insert_sql: String,
    /// `None` when the record has no field besides the key, so there is nothing to update.
    update_sql: Option<String>,
}

impl<'db> ObjectWriter<'db> {
    /// Matches the source query's columns to the object's fields and prepares the SQL.
    pub fn new(db: &'db Db, sync: &Sync, columns: &[String]) -> Result<Self, EngineError> {
        let object = &sync.destination.object;
        let destination_error = |source| EngineError::Destination {
            sync_id: sync.id.clone(),
            connection: sync.destination.connection_id.clone(),
            source,
        };

        let fields = sqlite::columns(db, object).map_err(destination_error)?;
        for (index, column) in columns.iter().enumerate() {
            if columns[..index].contains(column) {
                return Err(EngineError::DuplicateColumn {
                    sync_id: sync.id.clone(),
                    column: column.clone(),
                });
            }
            if !fields.iter().any(|field| &field.name == column) {
                return Err(EngineError::UnmappedColumn {
                    sync_id: sync.id.clone(),
                    column: column.clone(),
                    object: object.clone(),
                });
            }
        }

        let key_index = column_index(sync, columns, &sync.key, "key")?;
        let lookups = sync
            .lookups
            .iter()
            .map(|lookup| {
                let index = column_index(sync, columns, &lookup.field, "lookup field")?;
                let referenced = sqlite::columns(db, &lookup.object).map_err(destination_error)?;
                let target = sqlite::single_primary_key(&referenced).ok_or_else(|| {
                    EngineError::NoPrimaryKey {
                        sync_id: sync.id.clone(),
                        object: lookup.object.clone(),
                    }
                })?;
                Ok(ResolvedLookup {
                    field: lookup.field.clone(),
                    index,
                    object: lookup.object.clone(),
                    exists_sql: format!(
                        "SELECT 1 FROM {} WHERE {} = ?1",
                        quote(&lookup.object),
                        quote(target)
                    ),
                })
            })
            .collect::<Result<Vec<_>, EngineError>>()?;

        Ok(ObjectWriter {
            db,
            operation: sync.operation,
            connection: sync.destination.connection_id.clone(),
            object: object.clone(),
            key: sync.key.clone(),
            key_index,
            lookups,
            exists_sql: format!(
                "SELECT 1 FROM {} WHERE {} = ?1",
                quote(object),
                quote(&sync.key)
            ),
            insert_sql: insert_sql(object, columns),
            update_sql: update_sql(object, columns, key_index),
        })
    }

    pub fn db(&self) -> &'db Db {
        self.db
    }

    pub fn key_index(&self) -> usize {
        self.key_index
    }

    /// Writes one record with the sync's operation, inside the caller's transaction.
    pub fn write(&self, record: &[Value]) -> rusqlite::Result<Written> {
        let key = &record[self.key_index];
        if *key == Value::Null {
            return Ok(Written::Rejected(format!(
                "{} is empty, so the record cannot be matched",
                self.key
            )));
        }

        if let Some(reason) = self.missing_lookup(record)? {
            return Ok(Written::Rejected(reason));
        }

        let exists = self.exists(&self.exists_sql, key)?;
        let result = match (self.operation, exists) {
            (Operation::Insert, true) => Ok(Written::Rejected(format!(
                "{} '{}' already exists in {}; the insert operation only adds new records",
                self.key,
                display_value(key),
                self.target()
            ))),
            (Operation::Update, false) => Ok(Written::Rejected(format!(
                "{} '{}' not found in {}; the update operation only changes existing records",
                self.key,
                display_value(key),
                self.target()
            ))),
            (_, false) => self.insert(record),
            (_, true) => self.update(record),
        };

        match result {
            Err(error) if is_record_error(&error) => Ok(Written::Rejected(format!(
                "{} rejected the record: {error}",
                self.target()
            ))),
            other => other,
        }
    }

    /// Deletes the record with this key, for a mirror sync whose source no longer has it.
    pub fn delete(&self, key: &Value) -> rusqlite::Result<Option<String>> {
        let sql = format!(
            "DELETE FROM {} WHERE {} = ?1",
            quote(&self.object),
            quote(&self.key)
        );
        match self.db.prepare_cached(&sql)?.execute([key]) {
            Ok(_) => Ok(None),
            Err(error) if is_record_error(&error) => Ok(Some(format!(
                "cannot delete {} '{}' from {}: other records still reference it ({error})",
                self.key,
                display_value(key),
                self.target()
            ))),
            Err(error) => Err(error),
        }
    }

    /// Keys of every record in the destination object.
    pub fn destination_keys(&self) -> rusqlite::Result<Vec<Value>> {
        let sql = format!("SELECT {} FROM {}", quote(&self.key), quote(&self.object));
        let mut statement = self.db.prepare(&sql)?;
        let keys = statement.query_map([], |row| row.get(0))?;
        keys.collect()
    }

    /// Reads the destination record with this key as JSON, for a rejected deletion's sample.
    pub fn destination_record(&self, key: &Value) -> rusqlite::Result<serde_json::Value> {
        let sql = format!(
            "SELECT * FROM {} WHERE {} = ?1",
            quote(&self.object),
            quote(&self.key)
        );
        let mut statement = self.db.prepare_cached(&sql)?;
        let names: Vec<String> = statement
            .column_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        let mut rows = statement.query([key])?;
        let Some(row) = rows.next()? else {
            return Ok(serde_json::Value::Null);
        };
        let values = (0..names.len())
            .map(|i| row.get(i))
            .collect::<rusqlite::Result<Vec<Value>>>()?;
        Ok(record_json(&names, &values))
    }

    /// `connection.object`, as rejection reasons name the destination.
    fn target(&self) -> String {
        format!("{}.{}", self.connection, self.object)
    }

    fn missing_lookup(&self, record: &[Value]) -> rusqlite::Result<Option<String>> {
        for lookup in &self.lookups {
            let value = &record[lookup.index];
            // An empty reference is a record without an association, not a broken one.
            if *value == Value::Null || self.exists(&lookup.exists_sql, value)? {
                continue;
            }
            return Ok(Some(format!(
                "{} '{}' not found in {}.{}",
                lookup.field,
                display_value(value),
                self.connection,
                lookup.object
            )));
        }
        Ok(None)
    }

    fn exists(&self, sql: &str, value: &Value) -> rusqlite::Result<bool> {
        self.db.prepare_cached(sql)?.exists([value])
    }

    fn insert(&self, record: &[Value]) -> rusqlite::Result<Written> {
        self.db
            .prepare_cached(&self.insert_sql)?
            .execute(params_from_iter(record))?;
        Ok(Written::Inserted)
    }

    fn update(&self, record: &[Value]) -> rusqlite::Result<Written> {
        let Some(sql) = &self.update_sql else {
            return Ok(Written::Unchanged);
        };
        let changed = self
            .db
            .prepare_cached(sql)?
            .execute(params_from_iter(record))?;
        Ok(if changed > 0 {
            Written::Updated
        } else {
            Written::Unchanged
        })
    }
}

fn column_index(
    sync: &Sync,
    columns: &[String],
    name: &str,
    role: &'static str,
) -> Result<usize, EngineError> {
    columns
        .iter()
        .position(|column| column == name)
        .ok_or_else(|| EngineError::MissingColumn {
            sync_id: sync.id.clone(),
            column: name.to_string(),
            role,
        })
}

fn insert_sql(object: &str, columns: &[String]) -> String {
    let names: Vec<String> = columns.iter().map(|column| quote(column)).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote(object),
        names.join(", "),
        placeholders.join(", ")
    )
}

/// An UPDATE that binds the whole record as `?1..?n` and changes the row only
/// when a value differs, so that its change count separates updated records from unchanged ones.
fn update_sql(object: &str, columns: &[String], key_index: usize) -> Option<String> {
    let others: Vec<(usize, &String)> = columns
        .iter()
        .enumerate()
        .filter(|(index, _)| *index != key_index)
        .collect();
    if others.is_empty() {
        return None;
    }

    let assignments: Vec<String> = others
        .iter()
        .map(|(index, column)| format!("{} = ?{}", quote(column), index + 1))
        .collect();
    let differences: Vec<String> = others
        .iter()
        .map(|(index, column)| format!("{} IS NOT ?{}", quote(column), index + 1))
        .collect();
    Some(format!(
        "UPDATE {} SET {} WHERE {} = ?{} AND ({})",
        quote(object),
        assignments.join(", "),
        quote(&columns[key_index]),
        key_index + 1,
        differences.join(" OR ")
    ))
}

/// Constraint and type errors concern one record; any other error concerns the destination.
fn is_record_error(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::ConstraintViolation | ErrorCode::TypeMismatch)
    )
}

/// Formats a value for a rejection reason or a sample's key.
pub(crate) fn display_value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Integer(number) => number.to_string(),
        Value::Real(number) => number.to_string(),
        Value::Text(text) => text.clone(),
        Value::Blob(bytes) => bytes.iter().map(|byte| format!("{byte:02x}")).collect(),
    }
}

/// Converts a record to a JSON object of its column names and values.
pub(crate) fn record_json(names: &[String], values: &[Value]) -> serde_json::Value {
    let fields = names.iter().zip(values).map(|(name, value)| {
        let json = match value {
            Value::Null => serde_json::Value::Null,
            Value::Integer(number) => (*number).into(),
            Value::Real(number) => serde_json::Number::from_f64(*number)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Text(text) => text.clone().into(),
            Value::Blob(_) => display_value(value).into(),
        };
        (name.clone(), json)
    });
    serde_json::Value::Object(fields.collect())
}
