-- Archive Viewer archive schema, version 1.
--
-- Applied by archive_viewer/store/migrations.py inside one transaction, which also sets
-- PRAGMA application_id (marks the file as an Archive Viewer archive) and PRAGMA user_version
-- (the schema version). Conventions:
--   * every table has an INTEGER PRIMARY KEY `id` unless it is a pure link table;
--   * dates are ISO-8601 text ('2012-04-07'), timestamps ISO-8601 UTC ('2024-05-01T10:00:00+00:00');
--   * JSON columns hold arrays of strings;
--   * `ordinal` is the 1-based position of a row among its siblings, in document order;
--   * deleting a document deletes everything parsed from it (ON DELETE CASCADE all the way down).
-- The file is plain SQLite: `sqlite3`, `sqlite-utils` and Datasette can open and query it.


-- archive_meta: facts about the archive itself, as key/value text.
--   thesaurus_sha256     sha256 of the issues.toml last loaded into `issues`
--   samples_imported_at  when the bundled samples were imported (default archive only)
CREATE TABLE archive_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);


-- documents: one imported file.
--   source_path  absolute path of the file when it was imported; a changed file at the same
--                path replaces this row (and, by cascade, everything parsed from it)
--   file_name    the file's name, for display and citations
--   sha256       hex sha256 of the file's bytes; the same bytes are never imported twice
--   format       'text' or 'html'
--   size_bytes   size of the file in bytes
--   raw_text     the file's text, decoded (HTML kept as markup)
--   imported_at  when it was imported (ISO-8601, UTC)
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    source_path TEXT NOT NULL UNIQUE,
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    format      TEXT NOT NULL CHECK (format IN ('text', 'html')),
    size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),
    raw_text    TEXT NOT NULL,
    imported_at TEXT NOT NULL
);


-- meetings: the meeting a document reports (exactly one per document).
--   title         the document's title, e.g. "Japan-ROK Foreign Ministers' Meeting (Overview)"
--   kind          foreign_ministers_meeting | summit_meeting | telephone_talk |
--                 trilateral_meeting | other
--   published_on  date of the press release, NULL if the document gives none
--   held_on       date of the meeting, NULL if unknown
--   location      "Ningbo, China", NULL if none (telephone talks)
--   occasion      "the Japan-China-ROK Foreign Ministers' Meeting" (on whose sidelines), or NULL
--   summary       the lead paragraph(s)
CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL UNIQUE REFERENCES documents (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('foreign_ministers_meeting', 'summit_meeting',
                                              'telephone_talk', 'trilateral_meeting', 'other')),
    published_on TEXT CHECK (published_on IS NULL OR date(published_on) IS published_on),
    held_on      TEXT CHECK (held_on IS NULL OR date(held_on) IS held_on),
    location     TEXT,
    occasion     TEXT,
    summary      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meetings_by_held_on ON meetings (held_on);
CREATE INDEX meetings_by_kind ON meetings (kind, held_on);


-- meeting_countries: the countries taking part in a meeting, in the document's order.
-- A link table rather than a JSON column so that the country filter can use an index.
CREATE TABLE meeting_countries (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    country    TEXT NOT NULL,
    PRIMARY KEY (meeting_id, country)
) WITHOUT ROWID;
CREATE INDEX meeting_countries_by_country ON meeting_countries (country, meeting_id);


-- sections: the agenda sections of a meeting ("1. North Korean Issues"). A document without
-- sections (a telephone talk) has one section with number and title NULL.
--   number  the section's label as written ("1", "II"), NULL if unnumbered
--   title   the heading, NULL for an untitled section
CREATE TABLE sections (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    number     TEXT,
    title      TEXT,
    UNIQUE (meeting_id, ordinal)
);


-- items: the first-level units of a section: numbered paragraphs, bullets, plain paragraphs.
--   label    "(1)", "1", NULL for bullets and plain paragraphs
--   heading  an item's own sub-heading ("(1) Security" -> "Security"), NULL if none
--   text     the item's whole text, without label and heading
CREATE TABLE items (
    id         INTEGER PRIMARY KEY,
    section_id INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    label      TEXT,
    heading    TEXT,
    text       TEXT NOT NULL,
    UNIQUE (section_id, ordinal)
);


-- people: a person across all documents. Matched by name_key + country, so a person named in
-- many documents is one row.
--   name      canonical name as first imported, honorifics removed, own name order kept
--             ("Kim Sung-hwan", "Koichiro Gemba")
--   name_key  lower-case, diacritics stripped, name tokens sorted: "GEMBA Koichiro" and
--             "Koichiro Gemba" both give "gemba koichiro"
--   country   the side the person belongs to ("Japan"), NULL if unknown
--   aliases   JSON array of other surface forms seen ("Minister Gemba", "Gemba")
CREATE TABLE people (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    name_key TEXT NOT NULL,
    country  TEXT,
    aliases  TEXT NOT NULL DEFAULT '[]'
             CHECK (json_valid(aliases) AND json_type(aliases) = 'array')
);
CREATE UNIQUE INDEX people_by_key ON people (name_key, ifnull(country, ''));
CREATE INDEX people_by_country ON people (country);


-- participants: who took part in a meeting.
--   title  the person's title in this meeting ("Minister for Foreign Affairs")
--   side   the country the person represented in this meeting
--   role   'principal' (the meeting's main parties) or 'attendee' (officials also attending)
CREATE TABLE participants (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    ordinal    INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('principal', 'attendee')),
    title      TEXT,
    side       TEXT,
    PRIMARY KEY (meeting_id, person_id)
) WITHOUT ROWID;
CREATE INDEX participants_by_person ON participants (person_id, meeting_id);


-- statements: a sentence, or run of sentences, by one speaker, in document order within an item.
--   speaker_id  the person who said it; NULL when the text names no speaker or it is joint
--   is_joint    1 for statements the sides made together ("The two ministers ..."), else 0
--   text        the statement's full text (indexed in statements_fts)
CREATE TABLE statements (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL,
    speaker_id INTEGER REFERENCES people (id),
    is_joint   INTEGER NOT NULL DEFAULT 0 CHECK (is_joint IN (0, 1)),
    text       TEXT NOT NULL,
    UNIQUE (item_id, ordinal),
    CHECK (NOT (is_joint = 1 AND speaker_id IS NOT NULL))
);
CREATE INDEX statements_by_speaker ON statements (speaker_id);


-- issues: the thesaurus of issues users filter by, loaded from resources/issues.toml and
-- refreshed when that file changes; issue names a document uses that the thesaurus lacks are
-- added with origin 'document'.
--   name       unique, case-insensitively ("North Korea")
--   parent_id  the broader issue ("North Korea" for "Missile launches"), NULL at the top
--   synonyms   JSON array of other names ("DPRK", "Democratic People's Republic of Korea")
--   origin     'thesaurus' or 'document'
CREATE TABLE issues (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    parent_id INTEGER REFERENCES issues (id) ON DELETE SET NULL,
    synonyms  TEXT NOT NULL DEFAULT '[]'
              CHECK (json_valid(synonyms) AND json_type(synonyms) = 'array'),
    origin    TEXT NOT NULL DEFAULT 'thesaurus' CHECK (origin IN ('thesaurus', 'document'))
);
CREATE INDEX issues_by_parent ON issues (parent_id);


-- statement_issues, section_issues, meeting_issues: which issues a statement, a section, a
-- meeting touches. The second index on each serves the issue filter and the issue counts.
CREATE TABLE statement_issues (
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    issue_id     INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    PRIMARY KEY (statement_id, issue_id)
) WITHOUT ROWID;
CREATE INDEX statement_issues_by_issue ON statement_issues (issue_id, statement_id);

CREATE TABLE section_issues (
    section_id INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    issue_id   INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    PRIMARY KEY (section_id, issue_id)
) WITHOUT ROWID;
CREATE INDEX section_issues_by_issue ON section_issues (issue_id, section_id);

CREATE TABLE meeting_issues (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    issue_id   INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, issue_id)
) WITHOUT ROWID;
CREATE INDEX meeting_issues_by_issue ON meeting_issues (issue_id, meeting_id);


-- statements_fts: full-text index over statements.text; rowid = statements.id.
-- An external-content table: it stores only the index and reads the text from `statements`,
-- so the text is kept once, yet snippet() and highlight() work (a contentless table cannot
-- return text, and before SQLite 3.43 cannot delete a row without its old text either).
-- The triggers below keep it in sync in the same transaction as every write to `statements`,
-- whoever writes: the importer, a cascade delete, or a researcher editing the file by hand.
-- Porter stemming ("launch" finds "launches"); diacritics ignored ("Sebastian" finds
-- "Sebastián").
CREATE VIRTUAL TABLE statements_fts USING fts5 (
    text,
    content = 'statements',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER statements_fts_after_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER statements_fts_after_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts (statements_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER statements_fts_after_update AFTER UPDATE OF id, text ON statements BEGIN
    INSERT INTO statements_fts (statements_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO statements_fts (rowid, text) VALUES (new.id, new.text);
END;


-- statements_in_context: a convenience view for researchers querying the file directly: each
-- statement with its meeting, section, item and speaker.
CREATE VIEW statements_in_context AS
SELECT
    statements.id       AS statement_id,
    meetings.id         AS meeting_id,
    meetings.title      AS meeting_title,
    meetings.held_on    AS held_on,
    sections.number     AS section_number,
    sections.title      AS section_title,
    items.label         AS item_label,
    statements.ordinal  AS ordinal,
    CASE WHEN statements.is_joint = 1 THEN 'joint' ELSE people.name END AS speaker,
    statements.text     AS text,
    documents.file_name AS file_name
FROM statements
JOIN items ON items.id = statements.item_id
JOIN sections ON sections.id = items.section_id
JOIN meetings ON meetings.id = sections.meeting_id
JOIN documents ON documents.id = meetings.document_id
LEFT JOIN people ON people.id = statements.speaker_id;
