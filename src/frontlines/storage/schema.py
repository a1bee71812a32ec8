"""The store's schema as an ordered list of migrations.

A migration is applied once, in a transaction, and recorded in ``schema_version``.
Never edit a released migration: append a new one.
"""
from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "articles, annotations, events, claims, control", """
CREATE TABLE articles (
    id VARCHAR PRIMARY KEY,
    url VARCHAR,
    title VARCHAR,
    outlet VARCHAR,
    published DATE,
    published_source VARCHAR,
    text VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL UNIQUE,
    dup_group VARCHAR,
    source_path VARCHAR,
    ingested_at TIMESTAMP,
    extra JSON,
    word_count INTEGER,
    processed_at TIMESTAMP
);
CREATE TABLE runs (
    id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    inputs JSON,
    summary JSON
);
CREATE TABLE ingest_log (
    run_id VARCHAR,
    path VARCHAR,
    status VARCHAR,          -- read | skipped | error | duplicate
    reason VARCHAR,
    articles INTEGER,
    logged_at TIMESTAMP
);
CREATE TABLE sources_read (
    path VARCHAR PRIMARY KEY,
    size BIGINT,
    mtime DOUBLE,
    file_hash VARCHAR,
    read_at TIMESTAMP
);
CREATE TABLE sentences (
    article_id VARCHAR, idx INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
    paragraph INTEGER, modality VARCHAR, modality_cue VARCHAR,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE places (
    id VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR, country VARCHAR,
    admin1 VARCHAR, admin2 VARCHAR, admin1_code VARCHAR, admin2_code VARCHAR,
    lat DOUBLE, lon DOUBLE, population BIGINT, is_capital BOOLEAN, source VARCHAR,
    geometry VARCHAR          -- WKT, for areas imported from boundary files
);
CREATE TABLE place_names (place_id VARCHAR, name VARCHAR, norm VARCHAR);
CREATE TABLE place_mentions (
    article_id VARCHAR, sentence INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
    place_id VARCHAR, score DOUBLE, reason VARCHAR, geo_precision INTEGER
);
CREATE TABLE actor_mentions (
    article_id VARCHAR, sentence INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
    actor_id VARCHAR, via VARCHAR
);
CREATE TABLE date_mentions (
    article_id VARCHAR, sentence INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
    date_start DATE, date_end DATE, precision INTEGER, historical BOOLEAN, rule VARCHAR
);
CREATE TABLE quantities (
    article_id VARCHAR, sentence INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
    kind VARCHAR, low INTEGER, best INTEGER, high INTEGER, subject VARCHAR
);
CREATE TABLE claims (
    id VARCHAR PRIMARY KEY, article_id VARCHAR, sentence INTEGER, start INTEGER, "end" INTEGER,
    text VARCHAR, claimant VARCHAR, metric VARCHAR, count DOUBLE, comparator VARCHAR,
    denominator INTEGER, as_of DATE, since DATE
);
CREATE TABLE event_mentions (
    id VARCHAR PRIMARY KEY, article_id VARCHAR, event_type VARCHAR, sub_event_type VARCHAR,
    actor1 VARCHAR, actor2 VARCHAR, assoc_actor_1 VARCHAR, assoc_actor_2 VARCHAR,
    place_id VARCHAR, geo_precision INTEGER, date_start DATE, date_end DATE, time_precision INTEGER,
    fatalities_low INTEGER, fatalities_best INTEGER, fatalities_high INTEGER,
    civilian_targeting BOOLEAN, confidence DOUBLE, evidence JSON, event_id VARCHAR
);
CREATE TABLE events (
    event_id_cnty VARCHAR PRIMARY KEY, event_date DATE, year INTEGER, time_precision INTEGER,
    disorder_type VARCHAR, event_type VARCHAR, sub_event_type VARCHAR,
    actor1 VARCHAR, assoc_actor_1 VARCHAR, inter1 INTEGER, actor2 VARCHAR, assoc_actor_2 VARCHAR,
    inter2 INTEGER, interaction INTEGER, civilian_targeting VARCHAR, iso INTEGER, region VARCHAR,
    country VARCHAR, admin1 VARCHAR, admin2 VARCHAR, admin3 VARCHAR, location VARCHAR,
    latitude DOUBLE, longitude DOUBLE, geo_precision INTEGER, source VARCHAR, source_scale VARCHAR,
    notes VARCHAR, fatalities INTEGER, tags VARCHAR, timestamp BIGINT,
    fatalities_low INTEGER, fatalities_high INTEGER, source_count INTEGER, article_ids JSON,
    evidence JSON, confidence DOUBLE, first_reported DATE, disagreements JSON, place_id VARCHAR,
    mention_ids JSON
);
CREATE TABLE control_intervals (
    place_id VARCHAR, place_name VARCHAR, status VARCHAR, holder VARCHAR,
    valid_from DATE, valid_to DATE, admin1 VARCHAR, admin2 VARCHAR,
    admin1_code VARCHAR, admin2_code VARCHAR, evidence_event_ids JSON
);
CREATE INDEX events_date ON events (event_date);
CREATE INDEX mentions_article ON event_mentions (article_id);
"""),
    (2, "stored MinHash signatures and LSH bands for near-duplicate grouping", """
CREATE TABLE article_minhash (article_id VARCHAR, num_perm INTEGER, signature UBIGINT[], PRIMARY KEY (article_id, num_perm));
CREATE TABLE minhash_bands (article_id VARCHAR, scheme VARCHAR, band INTEGER, key BIGINT);
"""),
    (3, "articles a per-article stage failed on", """
CREATE TABLE article_failures (
    article_id VARCHAR PRIMARY KEY,
    stage VARCHAR,           -- the component that raised (sentences, language, places …, or store)
    reason VARCHAR,          -- the error's type and first line
    content_hash VARCHAR,    -- the text it failed on: a changed text is tried again
    code_version VARCHAR,    -- the frontlines version it failed under: a new version tries again
    failed_at TIMESTAMP
);
"""),
    (4, "confidence tiers, claimants and the other days reports give", """
ALTER TABLE event_mentions ADD COLUMN claimed_by VARCHAR;
ALTER TABLE events ADD COLUMN tier VARCHAR;
ALTER TABLE events ADD COLUMN claimed_by VARCHAR;
ALTER TABLE events ADD COLUMN alt_dates JSON;
"""),
]

# Tables that hold one article's annotations: replaced whole when an article is re-processed.
ARTICLE_TABLES = ("sentences", "place_mentions", "actor_mentions", "date_mentions", "quantities", "claims", "event_mentions")
