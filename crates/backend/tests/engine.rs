//! Sync engine tests on real SQLite files in a temporary data dir: the demo
//! data, the catalog's checks, each operation, lookups, cancel and progress.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use baton_backend::engine::{
    create_demo, run_sync, Catalog, Control, DemoSize, EngineError, SyncOutcome, CATALOG_FILE,
    DEMO_CATALOG, MAX_REJECTED_SAMPLES,
};
use baton_flow::{ConnectionKind, Operation, RecordCounts};
use rusqlite::Connection as Db;
use tempfile::TempDir;

/// Creates a data dir with the small demo, whose destinations respond without delay.
fn demo_dir() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    let created = create_demo(dir.path(), DemoSize::small()).expect("create demo");
    assert!(created, "a fresh dir gets the demo data");
    write_catalog(dir.path(), &without_latency(DEMO_CATALOG));
    dir
}

fn without_latency(catalog: &str) -> String {
    catalog
        .lines()
        .map(|line| {
            if line.starts_with("batch_latency_ms") {
                "batch_latency_ms = 0"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_catalog(data_dir: &Path, text: &str) {
    std::fs::write(data_dir.join(CATALOG_FILE), text).expect("write catalog");
}

fn run(data_dir: &Path, sync_id: &str) -> Result<SyncOutcome, EngineError> {
    let catalog = Catalog::load(data_dir).expect("load catalog");
    run_sync(data_dir, &catalog, sync_id, &Control::default())
}

fn count(data_dir: &Path, file: &str, sql: &str) -> u64 {
    let db = Db::open(data_dir.join(file)).expect("open file");
    db.query_row(sql, [], |row| row.get(0))
        .expect("count query")
}

fn execute(data_dir: &Path, file: &str, sql: &str) {
    let db = Db::open(data_dir.join(file)).expect("open file");
    db.execute_batch(sql).expect("statement");
}

fn counts(processed: u64, inserted: u64, updated: u64, deleted: u64, failed: u64) -> RecordCounts {
    RecordCounts {
        processed,
        inserted,
        updated,
        deleted,
        failed,
    }
}

// Demo data

#[test]
fn demo_creates_requested_volumes() {
    let dir = demo_dir();
    let size = DemoSize::small();

    let tables = [
        ("accounts", size.accounts),
        ("contacts", size.contacts),
        ("deals", size.deals),
        ("customers", size.customers),
        ("payments", size.payments),
        ("users", size.users),
        ("events", size.events),
    ];
    for (table, expected) in tables {
        let rows = count(
            dir.path(),
            "warehouse.sqlite",
            &format!("SELECT count(*) FROM {table}"),
        );
        assert_eq!(rows, u64::from(expected), "rows in warehouse table {table}");
    }
}

#[test]
fn demo_accepts_empty_tables() {
    let dir = TempDir::new().expect("temp dir");
    let empty = DemoSize {
        accounts: 0,
        contacts: 5,
        deals: 5,
        customers: 3,
        payments: 5,
        users: 0,
        events: 5,
    };

    create_demo(dir.path(), empty).expect("create demo");

    let warehouse = "warehouse.sqlite";
    assert_eq!(
        count(dir.path(), warehouse, "SELECT count(*) FROM contacts"),
        5
    );
    assert_eq!(
        count(
            dir.path(),
            warehouse,
            "SELECT count(*) FROM contacts WHERE account_id IS NOT NULL"
        ),
        0
    );
    assert_eq!(
        count(dir.path(), warehouse, "SELECT count(*) FROM deals"),
        0,
        "deals need an account"
    );
    assert_eq!(
        count(dir.path(), warehouse, "SELECT count(*) FROM payments"),
        5
    );
    assert_eq!(
        count(dir.path(), warehouse, "SELECT count(*) FROM events"),
        0,
        "events need a user"
    );
}

#[test]
fn demo_references_point_at_existing_rows() {
    let dir = demo_dir();

    let dangling = [
        "SELECT count(*) FROM contacts WHERE account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM accounts)",
        "SELECT count(*) FROM deals WHERE account_id NOT IN (SELECT account_id FROM accounts)",
        "SELECT count(*) FROM deals WHERE primary_contact_id IS NOT NULL AND primary_contact_id NOT IN (SELECT contact_id FROM contacts)",
        "SELECT count(*) FROM payments WHERE customer_id NOT IN (SELECT customer_id FROM customers)",
        "SELECT count(*) FROM events WHERE user_id NOT IN (SELECT user_id FROM users)",
    ];
    for sql in dangling {
        assert_eq!(count(dir.path(), "warehouse.sqlite", sql), 0, "{sql}");
    }
}

#[test]
fn demo_times_follow_their_parents() {
    let dir = demo_dir();

    let out_of_order = [
        "SELECT count(*) FROM payments JOIN customers USING (customer_id) WHERE paid_at < created_at",
        "SELECT count(*) FROM events JOIN users USING (user_id) WHERE occurred_at < signed_up_at",
        "SELECT count(*) FROM events WHERE occurred_at > '2026-11-30T00:00:00Z'",
    ];
    for sql in out_of_order {
        assert_eq!(count(dir.path(), "warehouse.sqlite", sql), 0, "{sql}");
    }
}

#[test]
fn demo_is_deterministic() {
    let first = demo_dir();
    let second = demo_dir();

    let digest = "SELECT group_concat(account_id || company_name || updated_at, ',') FROM accounts";
    let read = |dir: &Path| -> String {
        let db = Db::open(dir.join("warehouse.sqlite")).expect("open warehouse");
        db.query_row(digest, [], |row| row.get(0)).expect("digest")
    };
    assert_eq!(read(first.path()), read(second.path()));
}

#[test]
fn demo_second_call_keeps_data() {
    let dir = demo_dir();
    run(dir.path(), "crm_accounts").expect("account sync");
    let accounts = count(dir.path(), "crm.sqlite", "SELECT count(*) FROM account");

    let created = create_demo(dir.path(), DemoSize::small()).expect("second call");

    assert!(!created, "the second call reports that it did nothing");
    assert_eq!(
        count(dir.path(), "crm.sqlite", "SELECT count(*) FROM account"),
        accounts
    );
    let catalog = std::fs::read_to_string(dir.path().join(CATALOG_FILE)).expect("catalog");
    assert_eq!(
        catalog,
        without_latency(DEMO_CATALOG),
        "the catalog is not rewritten"
    );
}

#[test]
fn demo_refuses_incomplete_dir() {
    let dir = demo_dir();
    std::fs::remove_file(dir.path().join("billing.sqlite")).expect("remove billing");

    let error = create_demo(dir.path(), DemoSize::small()).expect_err("incomplete dir");

    assert!(
        matches!(error, EngineError::IncompleteDemo { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("billing.sqlite"), "{error}");
    assert!(
        !dir.path().join("billing.sqlite").exists(),
        "nothing is recreated"
    );
}

#[test]
fn demo_catalog_loads() {
    let dir = demo_dir();

    let catalog = Catalog::load(dir.path()).expect("load demo catalog");

    let ids: Vec<&str> = catalog.connections.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["warehouse", "crm", "billing", "analytics"]);
    let crm = catalog.connection("crm").expect("crm connection");
    assert_eq!(crm.kind, ConnectionKind::Destination);
    assert_eq!(crm.objects, ["account", "contact", "deal"]);
    let warehouse = catalog
        .connection("warehouse")
        .expect("warehouse connection");
    assert_eq!(warehouse.objects.len(), 7);

    assert_eq!(catalog.syncs.len(), 10);
    let contacts = catalog.sync("crm_contacts").expect("contact sync");
    assert_eq!(contacts.lookups.len(), 1);
    assert_eq!(contacts.lookups[0].field, "account_id");
    assert_eq!(contacts.lookups[0].object, "account");
    assert!(catalog.syncs.iter().all(|sync| sync.last_run.is_none()));
    let operations: Vec<Operation> = catalog.syncs.iter().map(|sync| sync.operation).collect();
    for operation in [
        Operation::Upsert,
        Operation::Update,
        Operation::Insert,
        Operation::Mirror,
    ] {
        assert!(
            operations.contains(&operation),
            "the demo covers {operation:?}"
        );
    }
}

#[test]
fn demo_volumes_sync_in_order() {
    let dir = TempDir::new().expect("temp dir");
    let size = DemoSize::demo();
    create_demo(dir.path(), size).expect("create demo");
    write_catalog(dir.path(), &without_latency(DEMO_CATALOG));

    let accounts = run(dir.path(), "crm_accounts").expect("account sync");
    let contacts = run(dir.path(), "crm_contacts").expect("contact sync");

    assert!(size.accounts >= 1_000, "thousands of accounts");
    assert!(size.contacts >= 10_000, "tens of thousands of contacts");
    assert!(size.events >= 10_000, "tens of thousands of events");
    assert_eq!(
        accounts.records,
        counts(size.accounts.into(), size.accounts.into(), 0, 0, 0)
    );
    assert_eq!(
        contacts.records,
        counts(size.contacts.into(), size.contacts.into(), 0, 0, 0)
    );
}

// The race that a flow removes

#[test]
fn contact_sync_alone_rejects_contacts() {
    let dir = demo_dir();
    let with_account = count(
        dir.path(),
        "warehouse.sqlite",
        "SELECT count(*) FROM contacts WHERE account_id IS NOT NULL",
    );
    let without_account = count(
        dir.path(),
        "warehouse.sqlite",
        "SELECT count(*) FROM contacts WHERE account_id IS NULL",
    );

    let outcome = run(dir.path(), "crm_contacts").expect("contact sync");

    assert!(with_account > 0);
    assert_eq!(
        outcome.records,
        counts(
            with_account + without_account,
            without_account,
            0,
            0,
            with_account
        )
    );
    let sample = &outcome.rejected_samples[0];
    assert!(sample.key.starts_with("con_"), "{sample:?}");
    assert!(
        sample.reason.starts_with("account_id 'acc_"),
        "{}",
        sample.reason
    );
    assert!(
        sample.reason.ends_with("' not found in crm.account"),
        "{}",
        sample.reason
    );
    assert_eq!(sample.record["id"], sample.key.as_str());
    assert!(
        sample.record["email"].is_string(),
        "the sample keeps the whole record"
    );
    assert_eq!(
        count(
            dir.path(),
            "crm.sqlite",
            "SELECT count(*) FROM contact WHERE account_id IS NOT NULL"
        ),
        0
    );
}

#[test]
fn accounts_first_rejects_no_contacts() {
    let dir = demo_dir();
    let contacts = u64::from(DemoSize::small().contacts);

    let accounts = run(dir.path(), "crm_accounts").expect("account sync");
    let outcome = run(dir.path(), "crm_contacts").expect("contact sync");
    let deals = run(dir.path(), "crm_deals").expect("deal sync");

    assert_eq!(accounts.records.failed, 0);
    assert_eq!(outcome.records, counts(contacts, contacts, 0, 0, 0));
    assert!(outcome.rejected_samples.is_empty());
    assert_eq!(deals.records.failed, 0);
    assert_eq!(
        count(dir.path(), "crm.sqlite", "SELECT count(*) FROM contact"),
        contacts
    );
}

#[test]
fn rejected_samples_are_capped() {
    let dir = demo_dir();

    let outcome = run(dir.path(), "crm_contacts").expect("contact sync");

    assert!(
        outcome.records.failed > MAX_REJECTED_SAMPLES as u64,
        "enough rejections to cap"
    );
    assert_eq!(outcome.rejected_samples.len(), MAX_REJECTED_SAMPLES);
}

#[test]
fn foreign_keys_reject_without_lookups() {
    let dir = demo_dir();
    let catalog = without_latency(DEMO_CATALOG).replace(
        "lookups = [{ field = \"account_id\", object = \"account\" }]",
        "",
    );
    write_catalog(dir.path(), &catalog);
    let with_account = count(
        dir.path(),
        "warehouse.sqlite",
        "SELECT count(*) FROM contacts WHERE account_id IS NOT NULL",
    );

    let outcome = run(dir.path(), "crm_contacts").expect("contact sync");

    assert_eq!(outcome.records.failed, with_account);
    let reason = &outcome.rejected_samples[0].reason;
    assert!(
        reason.contains("crm.contact rejected the record"),
        "{reason}"
    );
    assert!(reason.contains("FOREIGN KEY constraint failed"), "{reason}");
}

// Operations

#[test]
fn upsert_updates_only_changed_records() {
    let dir = demo_dir();
    let accounts = u64::from(DemoSize::small().accounts);

    let first = run(dir.path(), "crm_accounts").expect("first run");
    let unchanged = run(dir.path(), "crm_accounts").expect("second run");
    execute(
        dir.path(),
        "warehouse.sqlite",
        "UPDATE accounts SET company_name = 'Renamed Ltd' WHERE account_id = 'acc_00003'",
    );
    let changed = run(dir.path(), "crm_accounts").expect("third run");

    assert_eq!(first.records, counts(accounts, accounts, 0, 0, 0));
    assert_eq!(unchanged.records, counts(accounts, 0, 0, 0, 0));
    assert_eq!(changed.records, counts(accounts, 0, 1, 0, 0));
    assert_eq!(
        count(
            dir.path(),
            "crm.sqlite",
            "SELECT count(*) FROM account WHERE name = 'Renamed Ltd'"
        ),
        1
    );
}

#[test]
fn update_rejects_missing_keys() {
    let dir = demo_dir();
    let scored = count(
        dir.path(),
        "warehouse.sqlite",
        "SELECT count(*) FROM accounts WHERE health_score IS NOT NULL",
    );

    let before = run(dir.path(), "crm_account_health").expect("update before accounts");
    run(dir.path(), "crm_accounts").expect("account sync");
    let after = run(dir.path(), "crm_account_health").expect("update after accounts");

    assert_eq!(before.records, counts(scored, 0, 0, 0, scored));
    let reason = &before.rejected_samples[0].reason;
    assert!(reason.contains("not found in crm.account"), "{reason}");
    assert!(reason.contains("update operation"), "{reason}");
    assert_eq!(after.records, counts(scored, 0, scored, 0, 0));
    assert_eq!(
        count(
            dir.path(),
            "crm.sqlite",
            "SELECT count(*) FROM account WHERE health_score IS NOT NULL"
        ),
        scored
    );
}

#[test]
fn insert_rejects_existing_keys() {
    let dir = demo_dir();
    let recent = count(
        dir.path(),
        "warehouse.sqlite",
        "SELECT count(*) FROM contacts WHERE updated_at >= '2026-11-01'",
    );
    run(dir.path(), "crm_accounts").expect("account sync");

    let first = run(dir.path(), "crm_new_contacts").expect("first insert");
    let second = run(dir.path(), "crm_new_contacts").expect("second insert");

    assert!(recent > 0, "the demo has recent contacts");
    assert_eq!(first.records, counts(recent, recent, 0, 0, 0));
    assert_eq!(second.records, counts(recent, 0, 0, 0, recent));
    let reason = &second.rejected_samples[0].reason;
    assert!(reason.contains("already exists in crm.contact"), "{reason}");
}

#[test]
fn mirror_deletes_records_gone_from_source() {
    let dir = demo_dir();
    let customers = u64::from(DemoSize::small().customers);

    let first = run(dir.path(), "billing_customers").expect("first mirror");
    execute(
        dir.path(),
        "warehouse.sqlite",
        "DELETE FROM customers WHERE customer_id IN ('cus_00001', 'cus_00002')",
    );
    let second = run(dir.path(), "billing_customers").expect("second mirror");

    assert_eq!(first.records, counts(customers, customers, 0, 0, 0));
    assert_eq!(second.records, counts(customers - 2, 0, 0, 2, 0));
    assert_eq!(
        count(
            dir.path(),
            "billing.sqlite",
            "SELECT count(*) FROM customer"
        ),
        customers - 2
    );
}

#[test]
fn mirror_keeps_referenced_records() {
    let dir = demo_dir();
    run(dir.path(), "billing_customers").expect("customer sync");
    run(dir.path(), "billing_payments").expect("payment sync");
    let referenced: String = {
        let db = Db::open(dir.path().join("billing.sqlite")).expect("open billing");
        db.query_row("SELECT customer_id FROM payment LIMIT 1", [], |row| {
            row.get(0)
        })
        .expect("a paying customer")
    };
    execute(
        dir.path(),
        "warehouse.sqlite",
        &format!("DELETE FROM customers WHERE customer_id = '{referenced}'"),
    );

    let outcome = run(dir.path(), "billing_customers").expect("mirror");

    assert_eq!(outcome.records.deleted, 0);
    assert_eq!(outcome.records.failed, 1);
    let sample = &outcome.rejected_samples[0];
    assert_eq!(sample.key, referenced);
    assert!(
        sample.reason.contains("still reference"),
        "{}",
        sample.reason
    );
    assert_eq!(sample.record["id"], referenced.as_str());
}

#[test]
fn lookup_resolves_every_field() {
    let dir = demo_dir();
    run(dir.path(), "crm_accounts").expect("account sync");

    let outcome = run(dir.path(), "crm_deals").expect("deals before contacts");

    let with_contact = count(
        dir.path(),
        "warehouse.sqlite",
        "SELECT count(*) FROM deals WHERE primary_contact_id IS NOT NULL",
    );
    assert!(with_contact > 0);
    assert_eq!(outcome.records.failed, with_contact);
    let reason = &outcome.rejected_samples[0].reason;
    assert!(reason.starts_with("contact_id 'con_"), "{reason}");
    assert!(reason.ends_with("not found in crm.contact"), "{reason}");
}

// Failures, cancel and progress

#[test]
fn missing_source_table_fails_sync() {
    let dir = demo_dir();

    let error = run(dir.path(), "crm_opportunities_v2").expect_err("missing table");

    assert!(
        matches!(error, EngineError::SourceQuery { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("crm_opportunities_v2"), "{message}");
    assert!(
        message.contains("no such table: opportunities_v2"),
        "{message}"
    );
}

#[test]
fn unknown_sync_is_an_error() {
    let dir = demo_dir();

    let error = run(dir.path(), "crm_leads").expect_err("unknown sync");

    assert!(
        matches!(error, EngineError::UnknownSync { ref sync_id } if sync_id == "crm_leads"),
        "{error:?}"
    );
}

/// Rewrites the demo catalog with CRM batches of 10 records, for tests that count batches.
fn small_batches(dir: &Path) {
    let catalog = without_latency(DEMO_CATALOG).replace("batch_size = 500", "batch_size = 10");
    write_catalog(dir, &catalog);
}

#[test]
fn progress_follows_each_batch() {
    let dir = demo_dir();
    small_batches(dir.path());
    let catalog = Catalog::load(dir.path()).expect("load catalog");
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&reports);
    let control = Control::new(Arc::new(AtomicBool::new(false)), move |counts| {
        sink.lock().expect("progress lock").push(counts);
    });

    let outcome = run_sync(dir.path(), &catalog, "crm_accounts", &control).expect("account sync");

    let reports = reports.lock().expect("progress lock");
    let batches = DemoSize::small().accounts.div_ceil(10) as usize;
    assert_eq!(reports.len(), batches);
    assert_eq!(reports[0].processed, 10);
    assert_eq!(reports.last(), Some(&outcome.records));
}

#[test]
fn cancel_keeps_committed_batches() {
    let dir = demo_dir();
    small_batches(dir.path());
    let catalog = Catalog::load(dir.path()).expect("load catalog");
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let reports = Arc::new(Mutex::new(0));
    let calls = Arc::clone(&reports);
    let control = Control::new(cancel, move |_| {
        *calls.lock().expect("progress lock") += 1;
        flag.store(true, Ordering::SeqCst);
    });

    let error =
        run_sync(dir.path(), &catalog, "crm_accounts", &control).expect_err("cancelled run");

    assert!(matches!(error, EngineError::Cancelled), "{error:?}");
    assert_eq!(
        *reports.lock().expect("progress lock"),
        1,
        "the run stops after the first batch"
    );
    assert_eq!(
        count(dir.path(), "crm.sqlite", "SELECT count(*) FROM account"),
        10
    );
}

#[test]
fn cancel_interrupts_batch_latency() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("batch_latency_ms = 60", "batch_latency_ms = 60000", 1);
    write_catalog(dir.path(), &catalog);
    let catalog = Catalog::load(dir.path()).expect("load catalog");
    let control = Control::default();

    let result = std::thread::scope(|scope| {
        let run = scope.spawn(|| run_sync(dir.path(), &catalog, "crm_accounts", &control));
        std::thread::sleep(std::time::Duration::from_millis(100));
        control.request_cancel();
        run.join().expect("sync thread")
    });

    let error = result.expect_err("cancelled run");
    assert!(matches!(error, EngineError::Cancelled), "{error:?}");
    assert_eq!(
        count(dir.path(), "crm.sqlite", "SELECT count(*) FROM account"),
        0,
        "the batch waiting for the API is not written"
    );
}

#[test]
fn cancel_before_start_writes_nothing() {
    let dir = demo_dir();
    let catalog = Catalog::load(dir.path()).expect("load catalog");
    let control = Control::default();
    control.request_cancel();

    let error =
        run_sync(dir.path(), &catalog, "crm_accounts", &control).expect_err("cancelled run");

    assert!(matches!(error, EngineError::Cancelled), "{error:?}");
    assert_eq!(
        count(dir.path(), "crm.sqlite", "SELECT count(*) FROM account"),
        0
    );
}

#[test]
fn unmapped_query_column_is_an_error() {
    let dir = demo_dir();
    let catalog = without_latency(DEMO_CATALOG).replace("company_name AS name", "company_name");
    write_catalog(dir.path(), &catalog);

    let error = run(dir.path(), "crm_accounts").expect_err("unmapped column");

    assert!(
        matches!(error, EngineError::UnmappedColumn { ref column, .. } if column == "company_name"),
        "{error:?}"
    );
}

#[test]
fn query_without_key_is_an_error() {
    let dir = demo_dir();
    let catalog = without_latency(DEMO_CATALOG).replace(
        "SELECT account_id AS id, health_score",
        "SELECT health_score",
    );
    write_catalog(dir.path(), &catalog);

    let error = run(dir.path(), "crm_account_health").expect_err("no key");

    assert!(
        matches!(error, EngineError::MissingColumn { ref column, role: "key", .. } if column == "id"),
        "{error:?}"
    );
}

#[test]
fn parallel_syncs_share_a_destination() {
    let dir = demo_dir();
    small_batches(dir.path());
    let catalog = Catalog::load(dir.path()).expect("load catalog");

    let (accounts, contacts) = std::thread::scope(|scope| {
        let accounts =
            scope.spawn(|| run_sync(dir.path(), &catalog, "crm_accounts", &Control::default()));
        let contacts =
            scope.spawn(|| run_sync(dir.path(), &catalog, "crm_contacts", &Control::default()));
        (
            accounts.join().expect("account thread"),
            contacts.join().expect("contact thread"),
        )
    });

    let accounts = accounts.expect("account sync");
    let contacts = contacts.expect("contact sync");
    assert_eq!(
        accounts.records.inserted,
        u64::from(DemoSize::small().accounts)
    );
    assert_eq!(
        contacts.records.processed,
        u64::from(DemoSize::small().contacts)
    );
    assert_eq!(
        contacts.records.inserted + contacts.records.failed,
        contacts.records.processed,
        "each contact is either written or rejected, whichever sync went first"
    );
}

#[test]
fn control_crosses_threads() {
    fn assert_send_sync<T: Send + std::marker::Sync>() {}
    assert_send_sync::<Control>();
    assert_send_sync::<Catalog>();
    assert_send_sync::<EngineError>();
}

#[test]
fn duplicate_query_column_is_an_error() {
    let dir = demo_dir();
    let catalog = without_latency(DEMO_CATALOG).replace(
        "SELECT account_id AS id, health_score",
        "SELECT account_id AS id, health_score, health_score",
    );
    write_catalog(dir.path(), &catalog);

    let error = run(dir.path(), "crm_account_health").expect_err("duplicate column");

    assert!(
        matches!(error, EngineError::DuplicateColumn { ref column, .. } if column == "health_score"),
        "{error:?}"
    );
}

// Catalog checks

fn load_error(dir: &Path, catalog: &str) -> EngineError {
    write_catalog(dir, catalog);
    Catalog::load(dir).expect_err("invalid catalog")
}

#[test]
fn catalog_rejects_empty_query() {
    let dir = demo_dir();
    let catalog = format!(
        "{DEMO_CATALOG}
[[syncs]]
id = \"crm_blank\"
label = \"Blank query\"
source = \"warehouse\"
query = \"  \"
destination = \"crm\"
object = \"account\"
key = \"id\"
operation = \"upsert\"
"
    );

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(error, EngineError::InvalidCatalog { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("sync `crm_blank` has an empty query"),
        "{error}"
    );
}

#[test]
fn catalog_rejects_unknown_connection() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen(
        "destination = \"billing\"",
        "destination = \"invoicing\"",
        1,
    );

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(&error, EngineError::UnknownConnection { sync_id, connection, .. }
            if sync_id == "billing_customers" && connection == "invoicing"),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("warehouse, crm, billing, analytics"),
        "{error}"
    );
}

#[test]
fn catalog_rejects_unknown_object() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("object = \"deal\"", "object = \"opportunity\"", 1);

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(&error, EngineError::UnknownObject { sync_id, object, .. }
            if sync_id == "crm_deals" && object == "opportunity"),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("account, contact, deal"),
        "{error}"
    );
}

#[test]
fn catalog_rejects_unknown_lookup_object() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("object = \"customer\" }", "object = \"client\" }", 1);

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(&error, EngineError::UnknownObject { sync_id, object, .. }
            if sync_id == "billing_payments" && object == "client"),
        "{error:?}"
    );
}

#[test]
fn catalog_rejects_unknown_key_field() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("key = \"id\"", "key = \"external_id\"", 1);

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(&error, EngineError::UnknownField { sync_id, field, .. }
            if sync_id == "crm_accounts" && field == "external_id"),
        "{error:?}"
    );
}

#[test]
fn catalog_rejects_duplicate_sync_id() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("id = \"crm_deals\"", "id = \"crm_contacts\"", 1);

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(&error, EngineError::DuplicateId { kind: "sync", id } if id == "crm_contacts"),
        "{error:?}"
    );
}

#[test]
fn catalog_rejects_duplicate_connection_id() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("id = \"billing\"", "id = \"crm\"", 1);

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(&error, EngineError::DuplicateId { kind: "connection", id } if id == "crm"),
        "{error:?}"
    );
}

#[test]
fn catalog_rejects_source_as_destination() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("destination = \"crm\"", "destination = \"warehouse\"", 1);

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(&error, EngineError::WrongConnectionKind { connection, role: "destination", kind: "source", .. }
            if connection == "warehouse"),
        "{error:?}"
    );
}

#[test]
fn catalog_rejects_unknown_setting() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("batch_size = 500", "batch_sise = 500", 1);

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(error, EngineError::InvalidCatalog { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("batch_sise"), "{error}");
}

#[test]
fn catalog_rejects_zero_batch_size() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("batch_size = 500", "batch_size = 0", 1);

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(error, EngineError::InvalidCatalog { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("batch_size 0"), "{error}");
}

#[test]
fn catalog_rejects_minute_long_latency() {
    let dir = demo_dir();
    let catalog = DEMO_CATALOG.replacen("batch_latency_ms = 60", "batch_latency_ms = 600000", 1);

    let error = load_error(dir.path(), &catalog);

    assert!(
        matches!(error, EngineError::InvalidCatalog { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("batch_latency_ms 600000"),
        "{error}"
    );
}

#[test]
fn catalog_rejects_missing_file() {
    let dir = demo_dir();
    std::fs::remove_file(dir.path().join("analytics.sqlite")).expect("remove analytics");

    let error = Catalog::load(dir.path()).expect_err("missing file");

    assert!(
        matches!(&error, EngineError::MissingConnectionFile { connection, .. } if connection == "analytics"),
        "{error:?}"
    );
    assert!(
        !dir.path().join("analytics.sqlite").exists(),
        "loading creates no file"
    );
}

#[test]
fn empty_catalog_runs_nothing() {
    let dir = demo_dir();
    let mut catalog = Catalog::default();
    let loaded = Catalog::load(dir.path()).expect("load catalog");
    catalog
        .syncs
        .push(loaded.sync("crm_accounts").expect("account sync").clone());

    let error = run_sync(dir.path(), &catalog, "crm_accounts", &Control::default())
        .expect_err("no connections");

    assert!(
        matches!(&error, EngineError::UnknownConnection { connection, .. } if connection == "warehouse"),
        "{error:?}"
    );
}

#[test]
fn catalog_missing_is_an_error() {
    let dir = TempDir::new().expect("temp dir");

    let error = Catalog::load(dir.path()).expect_err("no catalog");

    assert!(matches!(error, EngineError::Io { .. }), "{error:?}");
    assert!(error.to_string().contains(CATALOG_FILE), "{error}");
}
