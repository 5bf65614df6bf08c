//! Fuzzing of the share-link decoder: random text, random text in the
//! link alphabet, and valid links that were cut, flipped or extended. The
//! decoder must return a value or a typed error for each, and never panic.
//!
//! `DECODER_FUZZ_CASES` sets the number of cases per strategy (default
//! 1,000), so a longer run is `DECODER_FUZZ_CASES=100000 cargo test
//! --release -p baton-flow --test decoder_fuzz`.

mod common;

use baton_flow::codec::{decode, encode};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("DECODER_FUZZ_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1_000)
}

fn valid_link() -> String {
    let flow = common::flow(
        &["accounts", "contacts", "deals"],
        &[("accounts", "contacts"), ("contacts", "deals")],
    );
    encode(&flow).expect("a three-step flow encodes")
}

/// A change to a valid link, as copying, chat tools or a person might make.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Replace(usize, char),
    Insert(usize, char),
    Remove(usize),
    Append(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<char>()).prop_map(|(at, c)| Mutation::Replace(at, c)),
        (any::<usize>(), any::<char>()).prop_map(|(at, c)| Mutation::Insert(at, c)),
        any::<usize>().prop_map(Mutation::Remove),
        ".{0,40}".prop_map(Mutation::Append),
    ]
}

fn apply(link: &str, mutation: &Mutation) -> String {
    let mut chars: Vec<char> = link.chars().collect();
    let len = chars.len();
    match mutation {
        Mutation::Truncate(at) => chars.truncate(at % (len + 1)),
        Mutation::Insert(at, c) => chars.insert(at % (len + 1), *c),
        Mutation::Append(text) => chars.extend(text.chars()),
        // An earlier mutation may have emptied the link.
        Mutation::Replace(..) | Mutation::Remove(_) if len == 0 => {}
        Mutation::Replace(at, c) => chars[at % len] = *c,
        Mutation::Remove(at) => {
            chars.remove(at % len);
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in ".{0,400}") {
        let _ = decode(&text);
    }

    #[test]
    fn random_link_text_never_panics(text in "[A-Za-z0-9_-]{0,600}") {
        let _ = decode(&text);
    }

    #[test]
    fn mutated_link_never_panics(mutations in prop::collection::vec(mutation(), 1..4)) {
        let link = mutations.iter().fold(valid_link(), |link, mutation| apply(&link, mutation));
        let _ = decode(&link);
    }
}
