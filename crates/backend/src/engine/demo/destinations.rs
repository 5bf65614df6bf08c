//! Schemas of the demo destinations. Each object is a table whose `id` is its
//! key, and each lookup of the demo catalog is also a foreign key, so a
//! dangling reference cannot reach the file even if a lookup were skipped.

/// A demo destination: its file name and the DDL of its objects.
pub(super) struct Destination {
    pub file: &'static str,
    pub schema: &'static str,
}

pub(super) const DESTINATIONS: [Destination; 3] = [CRM, BILLING, ANALYTICS];

const CRM: Destination = Destination {
    file: "crm.sqlite",
    schema: "
        CREATE TABLE account (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            domain TEXT,
            industry TEXT,
            employees INTEGER,
            country TEXT,
            annual_revenue INTEGER,
            health_score INTEGER,
            updated_at TEXT
        );
        CREATE TABLE contact (
            id TEXT PRIMARY KEY,
            account_id TEXT REFERENCES account (id),
            email TEXT NOT NULL,
            first_name TEXT,
            last_name TEXT,
            title TEXT,
            phone TEXT,
            updated_at TEXT
        );
        CREATE INDEX contact_account_id ON contact (account_id);
        CREATE TABLE deal (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES account (id),
            contact_id TEXT REFERENCES contact (id),
            name TEXT NOT NULL,
            stage TEXT NOT NULL,
            amount INTEGER,
            close_date TEXT
        );
        CREATE INDEX deal_account_id ON deal (account_id);
        CREATE INDEX deal_contact_id ON deal (contact_id);
    ",
};

const BILLING: Destination = Destination {
    file: "billing.sqlite",
    schema: "
        CREATE TABLE customer (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL,
            name TEXT,
            currency TEXT NOT NULL,
            plan TEXT,
            created_at TEXT
        );
        CREATE TABLE payment (
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customer (id),
            amount_cents INTEGER NOT NULL,
            currency TEXT NOT NULL,
            status TEXT NOT NULL,
            paid_at TEXT
        );
        CREATE INDEX payment_customer_id ON payment (customer_id);
    ",
};

const ANALYTICS: Destination = Destination {
    file: "analytics.sqlite",
    schema: "
        CREATE TABLE user (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL,
            plan TEXT,
            country TEXT,
            signed_up_at TEXT
        );
        CREATE TABLE event (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES user (id),
            name TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            properties TEXT
        );
        CREATE INDEX event_user_id ON event (user_id);
    ",
};
