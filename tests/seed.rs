//! Holds the seed knowledge graph (`data/trade_talks.cypher`) to the article it is built
//! from (`data/article.txt`): every sentence present once and in order, every named person
//! one node whose aliases resolve to it, every claim with one speaker and one source
//! sentence that contains its quote, measures with their numbers, provenance on every fact,
//! no orphan nodes, and every example query of `docs/schema.md` giving its documented answer
//! (`KG_BLESS=1 cargo test --test seed` rewrites those answers; review the diff by hand).

use kg::database::SEED_SCRIPT;
use kg::store::{Direction, Graph};
use kg::val::Val;
use kg::{Database, Params, QueryResult, Value};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The article as shipped: the title, a blank line, then the body paragraphs.
const ARTICLE: &str = include_str!("../data/article.txt");

const N_SENTENCES: i64 = 18;
const N_CLAIMS: usize = 19;
const N_NODES: usize = 92;
const N_RELATIONSHIPS: usize = 186;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed() -> Database {
    match Database::seed() {
        Ok(db) => db,
        Err(e) => panic!("the seed script fails:\n{}", e.render(SEED_SCRIPT)),
    }
}

fn run(db: &mut Database, query: &str, params: &Params) -> QueryResult {
    match db.execute(query, params) {
        Ok(result) => result,
        Err(e) => panic!("query fails:\n{}", e.render(query)),
    }
}

fn rows(db: &mut Database, query: &str) -> Vec<Vec<Value>> {
    run(db, query, &Params::new()).rows
}

fn rows_with(db: &mut Database, query: &str, name: &str, value: &str) -> Vec<Vec<Value>> {
    let mut params = Params::new();
    params.insert(name.to_string(), Value::from(value));
    run(db, query, &params).rows
}

fn text(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn int(v: &Value) -> i64 {
    v.as_int()
        .unwrap_or_else(|| panic!("expected an integer, got {v}"))
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_list()
        .unwrap_or_else(|| panic!("expected a list, got {v}"))
        .iter()
        .map(int)
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_list()
        .unwrap_or_else(|| panic!("expected a list, got {v}"))
        .iter()
        .map(|s| text(s).to_string())
        .collect()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The article's title and body (everything after the title line).
fn article_parts() -> (&'static str, &'static str) {
    let (title, body) = ARTICLE.split_once('\n').expect("a title line");
    (title.trim(), body)
}

/// The sentences of the graph as (index, text), in index order.
fn sentences(db: &mut Database) -> Vec<(i64, String)> {
    rows(
        db,
        "MATCH (:Article)-[:HAS_SENTENCE]->(s:Sentence) RETURN s.index, s.text ORDER BY s.index",
    )
    .iter()
    .map(|r| (int(&r[0]), text(&r[1]).to_string()))
    .collect()
}

fn sentence_text(db: &mut Database, index: i64) -> String {
    sentences(db)
        .into_iter()
        .find(|(i, _)| *i == index)
        .unwrap_or_else(|| panic!("no sentence {index}"))
        .1
}

// ---------------------------------------------------------------------------------------
// The script and the article file
// ---------------------------------------------------------------------------------------

#[test]
fn script_parses_and_is_a_few_large_statements() {
    let statements = kg::script::split_statements(SEED_SCRIPT);
    for stmt in &statements {
        if let Err(e) = kg::syntax::parse(stmt.text) {
            panic!("statement does not parse:\n{}", e.render(stmt.text));
        }
    }
    // The article, the entities with their facts, one statement per claim.
    assert_eq!(statements.len(), 2 + N_CLAIMS);
}

#[test]
fn article_file_is_the_scraped_article_cleaned() {
    let (title, body) = article_parts();
    assert_eq!(
        title,
        "US, China Launch High-Level Trade Talks Amid Deep Differences"
    );
    assert_eq!(ARTICLE.matches(title).count(), 1, "the title appears once");
    assert!(!ARTICLE.contains("error occurred"));
    assert!(!ARTICLE.contains("Related news"));
    assert!(body
        .trim_start()
        .starts_with("Liu He, China's chief trade negotiator"));
    assert!(body
        .trim_end()
        .ends_with("import taxes on $110 billion in USA goods."));

    // When the scraped copy is at hand, the shipped text is exactly that copy minus the
    // repeated titles, the "Related news" heading and the server error line.
    let scraped = crate_dir().join("../shared/seed/article.txt");
    if let Ok(raw) = std::fs::read_to_string(&scraped) {
        let mut content: Vec<&str> = raw
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != title && *l != "Related news")
            .filter(|l| !l.contains("[an error occurred while processing the directive]"))
            .collect();
        content.insert(0, title);
        let shipped: Vec<&str> = ARTICLE
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(shipped, content);
        assert_eq!(
            raw.matches(title).count(),
            3,
            "the scraped copy repeats the title"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------

#[test]
fn seed_loads_with_the_documented_counts_and_reports_its_time() {
    let mut times: Vec<Duration> = Vec::new();
    let mut db = seed();
    for _ in 0..5 {
        let t0 = Instant::now();
        db = seed();
        times.push(t0.elapsed());
    }
    times.sort();
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "seed graph: {} nodes, {} relationships; loaded in {:.2} ms (median of 5, {profile} build)",
        db.node_count(),
        db.relationship_count(),
        times[2].as_secs_f64() * 1000.0
    );
    // Where the time goes, statement by statement (printed, not asserted).
    let mut fresh = Database::new();
    let results = fresh.run_script(SEED_SCRIPT, &Params::new()).unwrap();
    for (i, r) in results.iter().enumerate() {
        println!(
            "  statement {:>2}: parse {:>8.3} ms, plan {:>7.3} ms, execute {:>7.3} ms",
            i + 1,
            r.timing.parse.as_secs_f64() * 1000.0,
            r.timing.plan.as_secs_f64() * 1000.0,
            r.timing.execute.as_secs_f64() * 1000.0
        );
    }
    assert_eq!(fresh.node_count(), N_NODES);

    assert_eq!(db.node_count(), N_NODES);
    assert_eq!(db.relationship_count(), N_RELATIONSHIPS);
    assert!(!db.has_unsaved_changes(), "a fresh seed counts as saved");

    let counts: Vec<(String, i64)> = rows(
        &mut db,
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label",
    )
    .iter()
    .map(|r| (text(&r[0]).to_string(), int(&r[1])))
    .collect();
    let expected: Vec<(String, i64)> = [
        ("Agreement", 1),
        ("Article", 1),
        ("Claim", N_CLAIMS as i64),
        ("Country", 2),
        ("Event", 4),
        ("Group", 7),
        ("Issue", 16),
        ("Measure", 3),
        ("Organization", 7),
        ("Person", 5),
        ("Place", 3),
        ("Proposal", 1),
        ("Sector", 5),
        ("Sentence", N_SENTENCES),
    ]
    .iter()
    .map(|(l, n)| (l.to_string(), *n))
    .collect();
    assert_eq!(counts, expected);

    // The schema document states the same numbers.
    let doc = std::fs::read_to_string(crate_dir().join("docs/schema.md")).unwrap();
    let stated = format!(
        "It has {N_NODES} nodes and {N_RELATIONSHIPS} relationships: 1 article, {N_SENTENCES} sentences, {N_CLAIMS} claims and {} entity nodes.",
        N_NODES - 1 - N_SENTENCES as usize - N_CLAIMS
    );
    assert!(doc.contains(&stated), "docs/schema.md should say: {stated}");
}

// ---------------------------------------------------------------------------------------
// Sentences
// ---------------------------------------------------------------------------------------

#[test]
fn every_sentence_of_the_article_is_present_once_in_order() {
    let mut db = seed();
    let (title, body) = article_parts();

    let article = rows(
        &mut db,
        "MATCH (a:Article) RETURN a.title, a.sentence_count, a.key",
    );
    assert_eq!(article.len(), 1);
    assert_eq!(text(&article[0][0]), title);
    assert_eq!(int(&article[0][1]), N_SENTENCES);
    assert_eq!(text(&article[0][2]), "article");

    let all = rows(&mut db, "MATCH (s:Sentence) RETURN count(s)");
    assert_eq!(
        int(&all[0][0]),
        N_SENTENCES,
        "every Sentence hangs off the Article"
    );

    let sentences = sentences(&mut db);
    let indexes: Vec<i64> = sentences.iter().map(|(i, _)| *i).collect();
    assert_eq!(indexes, (1..=N_SENTENCES).collect::<Vec<_>>());

    // Joined in order, the sentences are the body, word for word.
    let joined = sentences
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(squash(&joined), squash(body));

    // Each is one sentence: it ends a sentence and has no sentence break inside
    // ("U.S. and" is an abbreviation, not a break).
    let inner_break = Regex::new(r#"[a-z0-9)]["']?[.!?]["']?\s+[A-Z]"#).unwrap();
    for (i, t) in &sentences {
        assert!(
            t.ends_with('.'),
            "sentence {i} should end with a period: {t}"
        );
        assert!(t == t.trim(), "sentence {i} has surrounding space");
        assert!(
            !inner_break.is_match(t),
            "sentence {i} holds two sentences: {t}"
        );
    }
    let distinct: BTreeSet<&str> = sentences.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(distinct.len(), sentences.len());

    // Sentence 8 is the second sentence of the paragraph about Trump's tweets.
    assert!(sentences[6].1.ends_with("agreed by both sides."));
    assert!(sentences[7].1.starts_with("All of the many problems"));
}

// ---------------------------------------------------------------------------------------
// People, countries, aliases
// ---------------------------------------------------------------------------------------

struct Person {
    name: &'static str,
    aliases: &'static [&'static str],
    titles: &'static [&'static str],
    side: &'static str,
}

const PEOPLE: &[Person] = &[
    Person {
        name: "Donald Trump",
        aliases: &["Trump", "President Donald Trump"],
        titles: &["President"],
        side: "United States",
    },
    Person {
        name: "Liu He",
        aliases: &["Liu Hu", "Liu"],
        titles: &["Vice Premier", "chief trade negotiator"],
        side: "China",
    },
    Person {
        name: "Robert Lighthizer",
        aliases: &["Lighthizer"],
        titles: &["Trade Representative"],
        side: "United States",
    },
    Person {
        name: "Steve Mnuchin",
        aliases: &["Mnuchin"],
        titles: &["Treasury Secretary"],
        side: "United States",
    },
    Person {
        name: "Yi Gang",
        aliases: &["Yi"],
        titles: &["Governor of the People's Bank of China"],
        side: "China",
    },
];

/// True when the sentence has one of the names as a whole word ("US" is not in "USA").
fn mentions(sentence: &str, names: &[&str]) -> bool {
    names.iter().any(|n| {
        let edge = |c: Option<char>| {
            if c.is_some_and(char::is_alphanumeric) {
                r"\b"
            } else {
                ""
            }
        };
        let pattern = format!(
            "{}{}{}",
            edge(n.chars().next()),
            regex::escape(n),
            edge(n.chars().last())
        );
        Regex::new(&pattern).unwrap().is_match(sentence)
    })
}

#[test]
fn every_named_person_is_one_node_and_aliases_resolve_to_it() {
    let mut db = seed();
    let names: Vec<String> = rows(&mut db, "MATCH (p:Person) RETURN p.name ORDER BY p.name")
        .iter()
        .map(|r| text(&r[0]).to_string())
        .collect();
    let mut expected: Vec<String> = PEOPLE.iter().map(|p| p.name.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected, "each named person exactly once");

    let sentences = sentences(&mut db);
    for person in PEOPLE {
        let found = rows_with(
            &mut db,
            "MATCH (p:Person {name: $name})-[:REPRESENTS]->(c:Country) \
             RETURN p.aliases, p.titles, p.sentences, c.name",
            "name",
            person.name,
        );
        assert_eq!(found.len(), 1, "{} has one side", person.name);
        assert_eq!(strings(&found[0][0]), person.aliases, "{}", person.name);
        assert_eq!(strings(&found[0][1]), person.titles, "{}", person.name);
        assert_eq!(text(&found[0][3]), person.side, "{}", person.name);

        // Every spelling resolves to this one node, by the documented alias idiom.
        for spelling in std::iter::once(&person.name).chain(person.aliases) {
            assert!(
                ARTICLE.contains(spelling),
                "{spelling} is how the article writes it"
            );
            let resolved = rows_with(
                &mut db,
                "MATCH (p:Person) WHERE p.name = $n OR $n IN p.aliases RETURN p.name",
                "n",
                spelling,
            );
            let resolved: Vec<&str> = resolved.iter().map(|r| text(&r[0])).collect();
            assert_eq!(
                resolved,
                [person.name],
                "{spelling} should resolve to {}",
                person.name
            );
        }

        // `sentences` lists exactly the sentences that mention the person.
        let mut spellings = vec![person.name];
        spellings.extend(person.aliases);
        let mentioned: Vec<i64> = sentences
            .iter()
            .filter(|(_, t)| mentions(t, &spellings))
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(
            ints(&found[0][2]),
            mentioned,
            "sentences of {}",
            person.name
        );
    }
}

#[test]
fn country_aliases_resolve_and_countries_are_mentioned_where_listed() {
    let mut db = seed();
    let cases = [
        ("United States", &["US", "USA", "U.S.", "Washington"][..]),
        ("China", &["Beijing"][..]),
    ];
    for (name, aliases) in cases {
        for alias in aliases {
            assert!(ARTICLE.contains(alias));
            let found = rows_with(
                &mut db,
                "MATCH (c:Country) WHERE $a IN c.aliases RETURN c.name",
                "a",
                alias,
            );
            assert_eq!(found.len(), 1, "{alias}");
            assert_eq!(text(&found[0][0]), name, "{alias}");
        }
    }
    let countries = rows(
        &mut db,
        "MATCH (c:Country) RETURN c.name, c.aliases, c.demonym, c.sentences ORDER BY c.name",
    );
    assert_eq!(countries.len(), 2);
    for row in countries {
        let mut spellings = vec![text(&row[0]).to_string(), text(&row[2]).to_string()];
        spellings.extend(strings(&row[1]));
        let spellings: Vec<&str> = spellings.iter().map(String::as_str).collect();
        for i in ints(&row[3]) {
            let t = sentence_text(&mut db, i);
            assert!(
                mentions(&t, &spellings),
                "sentence {i} should mention {}",
                text(&row[0])
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------------------

#[test]
fn every_claim_has_one_speaker_one_source_and_a_verbatim_quote() {
    let mut db = seed();
    let claims = rows(
        &mut db,
        "MATCH (c:Claim) RETURN c.key, c.quote, c.direct, c.sentences, c.text, c.kind, c.attribution",
    );
    assert_eq!(claims.len(), N_CLAIMS);
    let keys: BTreeSet<&str> = claims.iter().map(|r| text(&r[0])).collect();
    assert_eq!(keys.len(), N_CLAIMS, "claim keys are unique");

    let mut speakers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows(
        &mut db,
        "MATCH (sp)-[:CLAIMED]->(c:Claim) RETURN c.key, sp.key",
    ) {
        speakers
            .entry(text(&r[0]).to_string())
            .or_default()
            .push(text(&r[1]).to_string());
    }
    let mut sources: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for r in rows(
        &mut db,
        "MATCH (c:Claim)-[:SOURCE]->(s:Sentence) RETURN c.key, s.index, s.text",
    ) {
        sources
            .entry(text(&r[0]).to_string())
            .or_default()
            .push((int(&r[1]), text(&r[2]).to_string()));
    }
    let mut abouts: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows(&mut db, "MATCH (c:Claim)-[:ABOUT]->(x) RETURN c.key, x.key") {
        assert!(!text(&r[1]).starts_with("sentence:"));
        *abouts.entry(text(&r[0]).to_string()).or_default() += 1;
    }

    let kinds = [
        "statement",
        "complaint",
        "allegation",
        "view",
        "report",
        "no comment",
    ];
    for r in &claims {
        let key = text(&r[0]);
        let quote = text(&r[1]);
        let direct = r[2]
            .as_bool()
            .unwrap_or_else(|| panic!("{key}: direct is a boolean"));
        assert!(!text(&r[4]).is_empty(), "{key} has a text");
        assert!(kinds.contains(&text(&r[5])), "{key}: kind {}", r[5]);
        assert!(
            ["explicit", "context"].contains(&text(&r[6])),
            "{key}: attribution {}",
            r[6]
        );

        let speaker = speakers.get(key).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(
            speaker.len(),
            1,
            "{key} has exactly one speaker: {speaker:?}"
        );
        assert!(
            ["person:", "country:", "group:", "org:"]
                .iter()
                .any(|p| speaker[0].starts_with(p)),
            "{key}: speaker {}",
            speaker[0]
        );

        let source = sources.get(key).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(source.len(), 1, "{key} has exactly one source sentence");
        let (index, sentence) = &source[0];
        assert!(!quote.is_empty(), "{key} has a quote");
        assert!(
            sentence.contains(quote),
            "{key}: quote {quote:?} is not in sentence {index}: {sentence}"
        );
        if direct {
            assert!(
                sentence.contains(&format!("\"{quote}\"")),
                "{key}: a direct quote is in quotation marks in sentence {index}"
            );
        }
        assert!(
            ints(&r[3]).contains(index),
            "{key}: sentences name the source"
        );
        assert!(
            abouts.get(key).copied().unwrap_or(0) >= 1,
            "{key} is about something"
        );
    }

    // Completeness: every quotation in the article is some claim's direct quote (except
    // the name "Belt and Road"), and every sentence with an attribution verb is the
    // source of a claim.
    let direct_quotes: BTreeSet<&str> = claims
        .iter()
        .filter(|r| r[2].as_bool() == Some(true))
        .map(|r| text(&r[1]))
        .collect();
    let quotation = Regex::new(r#""([^"]+)""#).unwrap();
    for cap in quotation.captures_iter(ARTICLE) {
        let quoted = cap.get(1).unwrap().as_str();
        assert!(
            quoted == "Belt and Road" || direct_quotes.contains(quoted),
            "the quotation {quoted:?} is no claim's direct quote"
        );
    }
    let sourced: BTreeSet<i64> = sources.values().flatten().map(|(i, _)| *i).collect();
    let attribution = Regex::new(r"\b(said|told|say|says|declined comment)\b").unwrap();
    for (i, t) in sentences(&mut db) {
        if attribution.is_match(&t) {
            assert!(
                sourced.contains(&i),
                "sentence {i} attributes a statement: {t}"
            );
        }
    }
}

#[test]
fn claims_record_who_when_and_how() {
    let mut db = seed();
    let got: Vec<String> = rows(
        &mut db,
        "MATCH (sp)-[:CLAIMED]->(c:Claim)-[:SOURCE]->(s:Sentence) \
         RETURN s.index, sp.name, c.day, c.channel, c.when ORDER BY s.index, c.key",
    )
    .iter()
    .map(|r| format!("{} {} {} {} {}", r[0], r[1], r[2], r[3], r[4]))
    .collect();
    let expected = [
        "1 'United States' null null 'long-standing'",
        "1 'United States' null null 'long-standing'",
        "2 'Donald Trump' 'Thursday' null null",
        "3 'United States' null null null",
        "3 'United States' null null null",
        "3 'United States' null null null",
        "4 'Donald Trump' null 'told reporters' 'prior to a private meeting with Liu'",
        "4 'Donald Trump' null 'told reporters' 'prior to a private meeting with Liu'",
        "6 'US officials' null null null",
        "6 'US officials' null null null",
        "6 'US officials' null null null",
        "7 'Donald Trump' null 'Twitter' null",
        "8 'Donald Trump' null 'Twitter' null",
        "9 'Donald Trump' null 'Twitter' null",
        "12 'United States' null null null",
        "13 'Yi Gang' null null 'as he left the delegation\\'s hotel for the meetings'",
        "14 'Steve Mnuchin' 'Wednesday' 'told the South China Morning Post' null",
        "15 'United States' null null null",
        "17 'unnamed sources' null null 'earlier'",
    ];
    assert_eq!(got, expected);

    // Audiences and media.
    let to: Vec<String> = rows(
        &mut db,
        "MATCH (c:Claim)-[r:TO|VIA]->(x) RETURN c.key, type(r), x.name ORDER BY c.key",
    )
    .iter()
    .map(|r| format!("{} {} {}", text(&r[0]), text(&r[1]), text(&r[2])))
    .collect();
    assert_eq!(
        to,
        [
            "claim:mnuchin_good_discussion TO South China Morning Post",
            "claim:trump_biggest_deal TO reporters",
            "claim:trump_good_chance TO reporters",
            "claim:trump_nothing_unresolved VIA Twitter",
            "claim:trump_open_markets VIA Twitter",
            "claim:trump_problems_discussed VIA Twitter",
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Measures
// ---------------------------------------------------------------------------------------

#[test]
fn measures_carry_their_numbers() {
    let mut db = seed();
    let got: Vec<String> = rows(
        &mut db,
        "MATCH (m:Measure) RETURN m.key, m.kind, m.status, m.amount_usd, m.rate_from, m.rate_to, \
         m.deadline, m.retaliatory ORDER BY m.amount_usd DESC",
    )
    .iter()
    .map(|r| r.iter().map(Value::to_string).collect::<Vec<_>>().join(" "))
    .collect();
    assert_eq!(
        got,
        [
            "'measure:us_tariffs_250b' 'tariff' 'imposed' 250000000000 null null null false",
            "'measure:tariff_increase_200b' 'tariff' 'scheduled' 200000000000 10 25 'March 1' false",
            "'measure:china_retaliation_110b' 'tariff' 'imposed' 110000000000 null null null true",
        ]
    );

    // The numbers are the article's: each amount and rate is written in a listed sentence.
    for r in rows(
        &mut db,
        "MATCH (m:Measure) RETURN m.key, m.amount_usd, m.rate_from, m.rate_to, m.sentences",
    ) {
        let key = text(&r[0]);
        let listed: Vec<String> = ints(&r[4])
            .into_iter()
            .map(|i| sentence_text(&mut db, i))
            .collect();
        let amount = format!("${} billion", int(&r[1]) / 1_000_000_000);
        assert_eq!(int(&r[1]) % 1_000_000_000, 0);
        assert!(
            listed.iter().any(|t| t.contains(&amount)),
            "{key}: {amount}"
        );
        for rate in [&r[2], &r[3]] {
            if !rate.is_null() {
                let written = format!("{} percent", int(rate));
                assert!(
                    listed.iter().any(|t| t.contains(&written)),
                    "{key}: {written}"
                );
            }
        }
    }

    // The deadline, the retaliation, the targets.
    let facts: Vec<String> = rows(
        &mut db,
        "MATCH (m:Measure)-[r:DUE_BY|RETALIATES_AGAINST|TARGETS]->(x) \
         RETURN m.key, type(r), x.key ORDER BY m.key, type(r)",
    )
    .iter()
    .map(|r| format!("{} {} {}", text(&r[0]), text(&r[1]), text(&r[2])))
    .collect();
    assert_eq!(
        facts,
        [
            "measure:china_retaliation_110b RETALIATES_AGAINST measure:us_tariffs_250b",
            "measure:china_retaliation_110b TARGETS country:us",
            "measure:tariff_increase_200b DUE_BY event:march_1_deadline",
            "measure:tariff_increase_200b TARGETS country:china",
            "measure:us_tariffs_250b TARGETS country:china",
        ]
    );
    let deadline = rows(
        &mut db,
        "MATCH (d:Event {key: 'event:march_1_deadline'}) RETURN d.date, d.month, d.day_of_month",
    );
    assert_eq!(text(&deadline[0][0]), "March 1");
    assert_eq!((int(&deadline[0][1]), int(&deadline[0][2])), (3, 1));
}

// ---------------------------------------------------------------------------------------
// Structure: keys, provenance, orphans (read straight from the store)
// ---------------------------------------------------------------------------------------

fn node_prop<'g>(graph: &'g Graph, node: kg::val::NodeId, key: &str) -> Option<&'g Val> {
    graph.node_prop(node, graph.key_symbol(key)?)
}

fn node_key(graph: &Graph, node: kg::val::NodeId) -> String {
    match node_prop(graph, node, "key") {
        Some(Val::Str(s)) => s.to_string(),
        other => panic!("node {node:?} has no string key: {other:?}"),
    }
}

fn has_label(graph: &Graph, node: kg::val::NodeId, label: &str) -> bool {
    graph
        .label_symbol(label)
        .is_some_and(|l| graph.has_label(node, l))
}

/// Checks a `sentences` property: a non-empty, strictly increasing list of sentence indexes.
fn check_sentences(what: &str, value: Option<&Val>) {
    let Some(Val::List(items)) = value else {
        panic!("{what} has no `sentences` list: {value:?}");
    };
    let indexes: Vec<i64> = items
        .iter()
        .map(|v| match v {
            Val::Int(i) => *i,
            other => panic!("{what}: sentence index {other:?} is not an integer"),
        })
        .collect();
    assert!(!indexes.is_empty(), "{what}: empty `sentences`");
    assert!(
        indexes.windows(2).all(|w| w[0] < w[1]),
        "{what}: {indexes:?} unsorted"
    );
    assert!(
        indexes.iter().all(|i| (1..=N_SENTENCES).contains(i)),
        "{what}: {indexes:?} out of range"
    );
}

#[test]
fn every_node_has_a_unique_key_and_every_fact_names_its_sentences() {
    let db = seed();
    let graph = db.graph();
    let mut keys = BTreeSet::new();
    for node in graph.nodes() {
        let key = node_key(graph, node);
        assert!(keys.insert(key.clone()), "duplicate key {key}");
        let structural = has_label(graph, node, "Article") || has_label(graph, node, "Sentence");
        if structural {
            assert!(node_prop(graph, node, "sentences").is_none(), "{key}");
        } else {
            check_sentences(&key, node_prop(graph, node, "sentences"));
        }
        if node_prop(graph, node, "name").is_some() {
            assert!(
                matches!(node_prop(graph, node, "aliases"), Some(Val::List(_))),
                "{key} has a name, so it has an aliases list"
            );
        }
    }
    assert_eq!(keys.len(), N_NODES);

    let sentences_key = graph.key_symbol("sentences");
    for rel in graph.rels() {
        let rel_type = graph.type_name(graph.rel_type(rel).unwrap()).to_string();
        let (start, end) = graph.rel_endpoints(rel).unwrap();
        let what = format!(
            "({})-[:{rel_type}]->({})",
            node_key(graph, start),
            node_key(graph, end)
        );
        let value = sentences_key.and_then(|k| graph.rel_prop(rel, k));
        if rel_type == "HAS_SENTENCE" || rel_type == "SOURCE" {
            assert!(value.is_none(), "{what} is provenance itself");
        } else {
            check_sentences(&what, value.as_ref());
        }
        assert!(
            rel_type.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
            "{rel_type} is UPPER_SNAKE"
        );
    }
}

#[test]
fn no_node_is_an_orphan() {
    let db = seed();
    let graph = db.graph();
    let orphans: Vec<String> = graph
        .nodes()
        .filter(|&n| !has_label(graph, n, "Article"))
        .filter(|&n| graph.degree(n, Direction::Both) == 0)
        .map(|n| node_key(graph, n))
        .collect();
    assert!(orphans.is_empty(), "orphan nodes: {orphans:?}");
}

#[test]
fn who_met_whom_and_who_belongs_where() {
    let mut db = seed();
    let sides: Vec<String> = rows(
        &mut db,
        "MATCH (x)-[:REPRESENTS]->(c:Country) RETURN c.name, x.name ORDER BY c.name, x.name",
    )
    .iter()
    .map(|r| format!("{}: {}", text(&r[0]), text(&r[1])))
    .collect();
    assert_eq!(
        sides,
        [
            "China: Chinese delegation",
            "China: Chinese officials",
            "China: Liu He",
            "China: Yi Gang",
            "United States: Donald Trump",
            "United States: Robert Lighthizer",
            "United States: Steve Mnuchin",
            "United States: Trump's top economic and trade aides",
            "United States: US negotiators",
            "United States: US officials",
        ]
    );
    let participants: Vec<String> = rows(
        &mut db,
        "MATCH (x)-[:PARTICIPATED_IN]->(e:Event) RETURN e.key, x.name ORDER BY e.key, x.name",
    )
    .iter()
    .map(|r| format!("{}: {}", text(&r[0]), text(&r[1])))
    .collect();
    assert_eq!(
        participants,
        [
            "event:trade_talks: Chinese delegation",
            "event:trade_talks: Chinese officials",
            "event:trade_talks: Liu He",
            "event:trade_talks: Robert Lighthizer",
            "event:trade_talks: Trump's top economic and trade aides",
            "event:trade_talks: US negotiators",
            "event:trade_talks: Yi Gang",
            "event:trump_liu_meeting: Donald Trump",
            "event:trump_liu_meeting: Liu He",
        ]
    );
    let place = rows(
        &mut db,
        "MATCH (:Event {key: 'event:trade_talks'})-[:HELD_AT]->(p:Place)-[:NEXT_TO]->(q:Place) \
         RETURN p.name, q.name",
    );
    assert_eq!(place.len(), 1);
    assert_eq!(text(&place[0][0]), "Eisenhower Executive Office Building");
    assert_eq!(text(&place[0][1]), "White House");
}

// ---------------------------------------------------------------------------------------
// The example questions of docs/schema.md
// ---------------------------------------------------------------------------------------

/// One example of the schema document: a heading, a query, and its expected table, with the
/// line range of the table's body in the document (for blessing).
struct Example {
    heading: String,
    query: String,
    expected: Vec<String>,
    lines: std::ops::Range<usize>,
}

fn examples(doc: &str) -> Vec<Example> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(h) = lines[i].strip_prefix("### ") {
            heading = h.to_string();
        }
        if lines[i].trim() == "```cypher" {
            let start = i + 1;
            let end = start
                + lines[start..]
                    .iter()
                    .position(|l| l.trim() == "```")
                    .unwrap();
            let query = lines[start..end].join("\n");
            let mut j = end + 1;
            while j < lines.len() && lines[j].trim().is_empty() {
                j += 1;
            }
            assert_eq!(
                lines.get(j).map(|l| l.trim()),
                Some("```text"),
                "{heading}: no output block"
            );
            let body_start = j + 1;
            let body_end = body_start
                + lines[body_start..]
                    .iter()
                    .position(|l| l.trim() == "```")
                    .unwrap();
            out.push(Example {
                heading: heading.clone(),
                query,
                expected: lines[body_start..body_end]
                    .iter()
                    .map(|l| l.to_string())
                    .collect(),
                lines: body_start..body_end,
            });
            i = body_end;
        }
        i += 1;
    }
    out
}

/// A result as a table: the column names, then one line per row, cells as Cypher literals,
/// separated by ` | ` and padded to line up.
fn render(result: &QueryResult) -> Vec<String> {
    let mut table: Vec<Vec<String>> = vec![result.columns.clone()];
    for row in &result.rows {
        table.push(row.iter().map(Value::to_string).collect());
    }
    let n_cols = result.columns.len();
    let widths: Vec<usize> = (0..n_cols)
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    table
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(c, cell)| format!("{cell:<w$}", w = widths[c]))
                .collect::<Vec<_>>()
                .join(" | ")
                .trim_end()
                .to_string()
        })
        .collect()
}

#[test]
fn schema_examples_give_the_documented_answers() {
    let path = crate_dir().join("docs/schema.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let examples = examples(&doc);
    assert!(examples.len() >= 12, "a dozen example questions");

    let bless = std::env::var_os("KG_BLESS").is_some();
    let mut db = seed();
    let mut failures = Vec::new();
    let mut blessed: Vec<String> = doc.lines().map(str::to_string).collect();
    for example in examples.iter().rev() {
        let got = match db.execute(&example.query, &Params::new()) {
            Ok(result) => render(&result),
            Err(e) => vec![format!("error: {}", e.render(&example.query))],
        };
        let normal = |lines: &[String]| -> Vec<String> {
            lines
                .iter()
                .map(|l| squash(l))
                .filter(|l| !l.is_empty())
                .collect()
        };
        if normal(&got) != normal(&example.expected) {
            failures.push(format!(
                "### {}\n{}\n-- expected\n{}\n-- got\n{}",
                example.heading,
                example.query,
                example.expected.join("\n"),
                got.join("\n")
            ));
            blessed.splice(example.lines.clone(), got);
        }
    }
    failures.reverse();
    if bless && !failures.is_empty() {
        std::fs::write(&path, blessed.join("\n") + "\n").unwrap();
        eprintln!(
            "blessed {} example(s) in {}",
            failures.len(),
            path.display()
        );
        return;
    }
    assert!(
        failures.is_empty(),
        "{} example(s) of docs/schema.md differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_seed_graph_is_loaded_the_same_way_twice() {
    // The script is deterministic: two loads give the same keys with the same properties.
    let dump = |db: &mut Database| -> Vec<String> {
        rows(db, "MATCH (n) RETURN n ORDER BY n.key")
            .iter()
            .map(|r| r[0].to_string())
            .collect()
    };
    let (mut a, mut b) = (seed(), seed());
    assert_eq!(dump(&mut a), dump(&mut b));
    assert_eq!(dump(&mut a).len(), N_NODES);
}
