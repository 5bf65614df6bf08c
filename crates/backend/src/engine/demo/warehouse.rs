//! The demo warehouse: the source tables that the demo syncs read, filled
//! with plausible companies, people, deals, payments and product events.
//!
//! The warehouse itself enforces no references, as most warehouses do not,
//! but every generated reference points at a row that exists, so that syncs
//! run in the right order reject nothing.

use std::collections::HashSet;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::{params, Connection as Db};

use super::super::rng::Rng;
use super::DemoSize;

/// Seed of the demo data: the same seed gives the same records on every machine.
const SEED: u64 = 0xBA70_2026_0001;

/// 2026-01-01T00:00:00Z in seconds since the Unix epoch: the start of the demo's history.
const HISTORY_START: i64 = 1_767_225_600;

/// 2026-11-30T00:00:00Z, 333 days later: the end of the demo's history.
const HISTORY_END: i64 = HISTORY_START + 333 * 24 * 3_600;

pub(super) const SCHEMA: &str = "
    CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        company_name TEXT NOT NULL,
        website_domain TEXT,
        industry TEXT,
        employee_count INTEGER,
        country_code TEXT,
        annual_revenue_usd INTEGER,
        health_score INTEGER,
        updated_at TEXT
    );
    CREATE TABLE contacts (
        contact_id TEXT PRIMARY KEY,
        account_id TEXT,
        email TEXT NOT NULL,
        first_name TEXT,
        last_name TEXT,
        job_title TEXT,
        phone TEXT,
        updated_at TEXT
    );
    CREATE TABLE deals (
        deal_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        primary_contact_id TEXT,
        deal_name TEXT NOT NULL,
        stage TEXT NOT NULL,
        amount_usd INTEGER,
        close_date TEXT
    );
    CREATE TABLE customers (
        customer_id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        company_name TEXT,
        currency TEXT NOT NULL,
        plan TEXT,
        created_at TEXT
    );
    CREATE TABLE payments (
        payment_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        amount_cents INTEGER NOT NULL,
        currency TEXT NOT NULL,
        status TEXT NOT NULL,
        paid_at TEXT
    );
    CREATE TABLE users (
        user_id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        plan TEXT,
        country_code TEXT,
        signed_up_at TEXT
    );
    CREATE TABLE events (
        event_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        event_name TEXT NOT NULL,
        occurred_at TEXT NOT NULL,
        properties TEXT
    );
";

const NAME_FIRST: [&str; 30] = [
    "Northwind",
    "Bluefin",
    "Copperleaf",
    "Granite",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Oakridge",
    "Pinnacle",
    "Quarry",
    "Redwood",
    "Summit",
    "Tidewater",
    "Umber",
    "Vantage",
    "Willow",
    "Aster",
    "Beacon",
    "Cinder",
    "Driftwood",
    "Evergreen",
    "Foxglove",
    "Greystone",
    "Highland",
    "Indigo",
    "Larkspur",
];
const NAME_SECOND: [&str; 25] = [
    "Logistics",
    "Analytics",
    "Health",
    "Robotics",
    "Foods",
    "Energy",
    "Capital",
    "Software",
    "Labs",
    "Media",
    "Freight",
    "Biotech",
    "Retail",
    "Security",
    "Systems",
    "Travel",
    "Apparel",
    "Insurance",
    "Networks",
    "Studios",
    "Materials",
    "Dynamics",
    "Outfitters",
    "Partners",
    "Works",
];
const NAME_THIRD: [&str; 6] = ["", "Group", "Inc", "Co", "International", "Holdings"];

const INDUSTRIES: [&str; 10] = [
    "software",
    "manufacturing",
    "healthcare",
    "retail",
    "financial services",
    "logistics",
    "media",
    "education",
    "energy",
    "hospitality",
];
const COUNTRIES: [&str; 10] = ["US", "US", "US", "GB", "DE", "FR", "CA", "NL", "AU", "SE"];
const FIRST_NAMES: [&str; 24] = [
    "Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rafael", "Sofia", "Tariq", "Uma", "Victor",
    "Wen", "Yusuf",
];
const LAST_NAMES: [&str; 24] = [
    "Adams", "Baker", "Chen", "Diaz", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito", "Jensen",
    "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel", "Quintero", "Rossi", "Schmidt",
    "Tanaka", "Usman", "Varga", "Walsh", "Zhang",
];
const TITLES: [&str; 10] = [
    "Head of Data",
    "Analytics Engineer",
    "VP Sales",
    "Account Executive",
    "CFO",
    "Marketing Manager",
    "Data Analyst",
    "Operations Lead",
    "CTO",
    "Product Manager",
];
const MAIL_HOSTS: [&str; 3] = ["gmail.com", "outlook.com", "proton.me"];
const DEAL_PRODUCTS: [&str; 5] = [
    "Platform",
    "Analytics add-on",
    "Enterprise seats",
    "Support plan",
    "Data pipeline",
];
const DEAL_KINDS: [&str; 3] = ["new business", "expansion", "renewal"];
const STAGES: [&str; 6] = [
    "prospecting",
    "qualification",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
];
const CURRENCIES: [&str; 5] = ["USD", "USD", "USD", "EUR", "GBP"];
const BILLING_PLANS: [(&str, i64); 4] = [
    ("starter", 4_900),
    ("team", 19_900),
    ("business", 79_900),
    ("enterprise", 350_000),
];
const PRODUCT_PLANS: [&str; 4] = ["free", "free", "team", "business"];
/// Product events and the app path each one happens on.
const EVENTS: [(&str, &str); 7] = [
    ("signed_in", "/login"),
    ("page_viewed", "/reports"),
    ("page_viewed", "/dashboards"),
    ("report_created", "/reports"),
    ("dashboard_shared", "/dashboards"),
    ("sync_triggered", "/syncs"),
    ("export_downloaded", "/exports"),
];
const CLIENTS: [&str; 4] = ["web", "web", "desktop", "api"];

/// Fills the warehouse tables of an open, empty file in one transaction.
pub(super) fn fill(db: &mut Db, size: DemoSize) -> rusqlite::Result<()> {
    let mut rng = Rng::new(SEED);
    let transaction = db.transaction()?;

    let accounts = insert_accounts(&transaction, &mut rng, size.accounts)?;
    let contacts_by_account = insert_contacts(&transaction, &mut rng, size.contacts, &accounts)?;
    insert_deals(
        &transaction,
        &mut rng,
        size.deals,
        &accounts,
        &contacts_by_account,
    )?;
    let customer_currencies = insert_customers(&transaction, &mut rng, size.customers, &accounts)?;
    insert_payments(&transaction, &mut rng, size.payments, &customer_currencies)?;
    let sign_ups = insert_users(&transaction, &mut rng, size.users)?;
    insert_events(&transaction, &mut rng, size.events, &sign_ups)?;

    transaction.commit()
}

/// A generated account, as later tables refer to it.
struct Account {
    name: String,
    domain: String,
}

fn insert_accounts(db: &Db, rng: &mut Rng, count: u32) -> rusqlite::Result<Vec<Account>> {
    let mut statement =
        db.prepare("INSERT INTO accounts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?;
    let mut accounts = Vec::with_capacity(count as usize);
    for index in 0..count {
        let name = company_name(index);
        let domain = format!("{}.com", slug(&name));
        let employees = *rng.pick(&[8, 25, 60, 150, 400, 1_200, 5_000]) + rng.between(0, 40);
        let revenue = employees * rng.between(60_000, 240_000);
        let health = rng.chance(0.85).then(|| rng.between(5, 100));

        statement.execute(params![
            account_id(index),
            name,
            domain,
            rng.pick(&INDUSTRIES),
            employees,
            rng.pick(&COUNTRIES),
            revenue,
            health,
            timestamp(rng),
        ])?;
        accounts.push(Account { name, domain });
    }
    Ok(accounts)
}

/// Inserts contacts and returns the indexes of each account's contacts, for the deals.
fn insert_contacts(
    db: &Db,
    rng: &mut Rng,
    count: u32,
    accounts: &[Account],
) -> rusqlite::Result<Vec<Vec<u32>>> {
    let mut statement =
        db.prepare("INSERT INTO contacts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
    let mut by_account = vec![Vec::new(); accounts.len()];
    let mut emails = HashSet::new();
    for index in 0..count {
        let first = *rng.pick(&FIRST_NAMES);
        let last = *rng.pick(&LAST_NAMES);

        // Some contacts belong to no account yet, as leads do in a real CRM.
        let account = if accounts.is_empty() || rng.chance(0.03) {
            None
        } else {
            Some(rng.below(accounts.len() as u64) as usize)
        };
        let host = match account {
            Some(account) => accounts[account].domain.clone(),
            None => rng.pick(&MAIL_HOSTS).to_string(),
        };
        let email = unique_email(
            &mut emails,
            &format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
            &host,
        );
        let phone = format!("+1 555 {:03} {:04}", rng.below(1_000), rng.below(10_000));

        statement.execute(params![
            contact_id(index),
            account.map(|account| account_id(account as u32)),
            email,
            first,
            last,
            rng.pick(&TITLES),
            phone,
            timestamp(rng),
        ])?;
        if let Some(account) = account {
            by_account[account].push(index);
        }
    }
    Ok(by_account)
}

fn insert_deals(
    db: &Db,
    rng: &mut Rng,
    count: u32,
    accounts: &[Account],
    contacts_by_account: &[Vec<u32>],
) -> rusqlite::Result<()> {
    if accounts.is_empty() {
        return Ok(());
    }
    let mut statement = db.prepare("INSERT INTO deals VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
    for index in 0..count {
        let account = rng.below(accounts.len() as u64) as usize;
        let contacts = &contacts_by_account[account];
        let contact = (!contacts.is_empty() && rng.chance(0.8)).then(|| *rng.pick(contacts));
        let name = format!(
            "{} - {} ({})",
            accounts[account].name,
            rng.pick(&DEAL_PRODUCTS),
            rng.pick(&DEAL_KINDS)
        );

        statement.execute(params![
            format!("deal_{:05}", index + 1),
            account_id(account as u32),
            contact.map(contact_id),
            name,
            rng.pick(&STAGES),
            rng.between(50, 2_500) * 100,
            date(rng),
        ])?;
    }
    Ok(())
}

/// A generated billing customer, as its payments refer to it.
struct Customer {
    price_cents: i64,
    currency: &'static str,
    created: DateTime<Utc>,
}

/// Inserts customers, the first ones for the accounts, then more with names of their own.
fn insert_customers(
    db: &Db,
    rng: &mut Rng,
    count: u32,
    accounts: &[Account],
) -> rusqlite::Result<Vec<Customer>> {
    let mut statement = db.prepare("INSERT INTO customers VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    let mut customers = Vec::with_capacity(count as usize);
    for index in 0..count {
        let (name, email) = match accounts.get(index as usize) {
            Some(account) => (account.name.clone(), format!("billing@{}", account.domain)),
            None => {
                let name = company_name(index);
                let email = format!("billing@{}.com", slug(&name));
                (name, email)
            }
        };
        let currency = *rng.pick(&CURRENCIES);
        let (plan, price_cents) = *rng.pick(&BILLING_PLANS);
        let created = instant(rng);

        statement.execute(params![
            format!("cus_{:05}", index + 1),
            email,
            name,
            currency,
            plan,
            format_instant(created),
        ])?;
        customers.push(Customer {
            price_cents,
            currency,
            created,
        });
    }
    Ok(customers)
}

fn insert_payments(
    db: &Db,
    rng: &mut Rng,
    count: u32,
    customers: &[Customer],
) -> rusqlite::Result<()> {
    if customers.is_empty() {
        return Ok(());
    }
    let mut statement = db.prepare("INSERT INTO payments VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    for index in 0..count {
        let customer = rng.below(customers.len() as u64) as usize;
        let Customer {
            price_cents,
            currency,
            created,
        } = customers[customer];
        let status = match rng.below(100) {
            0..=91 => "succeeded",
            92..=96 => "failed",
            _ => "refunded",
        };

        statement.execute(params![
            format!("pay_{:06}", index + 1),
            format!("cus_{:05}", customer + 1),
            price_cents,
            currency,
            status,
            format_instant(instant_after(rng, created)),
        ])?;
    }
    Ok(())
}

/// Inserts product users and returns each one's sign-up time, which their events follow.
fn insert_users(db: &Db, rng: &mut Rng, count: u32) -> rusqlite::Result<Vec<DateTime<Utc>>> {
    let mut statement = db.prepare("INSERT INTO users VALUES (?1, ?2, ?3, ?4, ?5)")?;
    let mut sign_ups = Vec::with_capacity(count as usize);
    let mut emails = HashSet::new();
    for index in 0..count {
        let first = rng.pick(&FIRST_NAMES).to_lowercase();
        let last = rng.pick(&LAST_NAMES).to_lowercase();
        let host = *rng.pick(&MAIL_HOSTS);
        let email = unique_email(&mut emails, &format!("{first}.{last}"), host);
        let signed_up = instant(rng);

        statement.execute(params![
            format!("usr_{:05}", index + 1),
            email,
            rng.pick(&PRODUCT_PLANS),
            rng.pick(&COUNTRIES),
            format_instant(signed_up),
        ])?;
        sign_ups.push(signed_up);
    }
    Ok(sign_ups)
}

fn insert_events(
    db: &Db,
    rng: &mut Rng,
    count: u32,
    sign_ups: &[DateTime<Utc>],
) -> rusqlite::Result<()> {
    if sign_ups.is_empty() {
        return Ok(());
    }
    let mut statement = db.prepare("INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for index in 0..count {
        let user = rng.below(sign_ups.len() as u64) as usize;
        let (name, path) = *rng.pick(&EVENTS);
        let occurred = instant_after(rng, sign_ups[user]);
        let properties = serde_json::json!({
            "path": format!("{path}/{}", rng.below(500)),
            "client": rng.pick(&CLIENTS),
        });

        statement.execute(params![
            format!("evt_{:06}", index + 1),
            format!("usr_{:05}", user + 1),
            name,
            format_instant(occurred),
            properties.to_string(),
        ])?;
    }
    Ok(())
}

/// `local@host`, or `local2@host`, `local3@host` and so on when it is taken.
fn unique_email(used_emails: &mut HashSet<String>, local: &str, host: &str) -> String {
    let mut email = format!("{local}@{host}");
    let mut number = 2;
    while !used_emails.insert(email.clone()) {
        email = format!("{local}{number}@{host}");
        number += 1;
    }
    email
}

fn account_id(index: u32) -> String {
    format!("acc_{:05}", index + 1)
}

fn contact_id(index: u32) -> String {
    format!("con_{:06}", index + 1)
}

/// Builds a unique company name for each index: the index walks the combinations of
/// the three word lists in a scrambled order, and wraps with a number.
fn company_name(index: u32) -> String {
    let combinations = (NAME_FIRST.len() * NAME_SECOND.len() * NAME_THIRD.len()) as u32;
    // 7919 is prime and does not divide the number of combinations, so the walk visits each once.
    let combination = (index % combinations) * 7_919 % combinations;
    let first = NAME_FIRST[(combination as usize) % NAME_FIRST.len()];
    let second = NAME_SECOND[(combination as usize / NAME_FIRST.len()) % NAME_SECOND.len()];
    let third = NAME_THIRD[combination as usize / (NAME_FIRST.len() * NAME_SECOND.len())];

    let mut name = format!("{first} {second}");
    if !third.is_empty() {
        name = format!("{name} {third}");
    }
    let round = index / combinations;
    if round > 0 {
        name = format!("{name} {}", round + 1);
    }
    name
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Picks a time in the demo's history, from 2026-01-01 to 2026-11-30 (UTC).
fn instant(rng: &mut Rng) -> DateTime<Utc> {
    let seconds = rng.between(HISTORY_START, HISTORY_END);
    DateTime::UNIX_EPOCH + Duration::seconds(seconds)
}

/// Picks a time from `start` to the end of the demo's history.
fn instant_after(rng: &mut Rng, start: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = rng.between(start.timestamp(), HISTORY_END.max(start.timestamp()));
    DateTime::UNIX_EPOCH + Duration::seconds(seconds)
}

fn format_instant(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn timestamp(rng: &mut Rng) -> String {
    format_instant(instant(rng))
}

fn date(rng: &mut Rng) -> String {
    instant(rng).format("%Y-%m-%d").to_string()
}
