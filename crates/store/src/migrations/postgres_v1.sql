CREATE TABLE consents (
    channel TEXT NOT NULL,
    identity TEXT NOT NULL,
    consent TEXT NOT NULL,
    changed_at TEXT,
    source TEXT NOT NULL,
    PRIMARY KEY (channel, identity)
);
CREATE INDEX consents_by_consent ON consents (channel, consent, identity);
CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    contact_json TEXT,
    as_of TEXT,
    removed_at TEXT,
    merged_into TEXT
);
CREATE TABLE duplications (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_json TEXT NOT NULL UNIQUE,
    reported_at TEXT
);
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    trigger_name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
);
