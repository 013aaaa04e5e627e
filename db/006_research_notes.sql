-- Archive Viewer archive schema: what the researcher adds — notes, tags and saved searches.
--
-- Unlike every other table, nothing here comes from the documents or can be rebuilt from them:
-- it is the user's own work. So no import, re-import or deletion of a document removes a row
-- here (no foreign key reaches the document tables), and records are named the way
-- identifiers name them (archive_viewer/identifiers.py): by the document's sha256 and the
-- positions below it, never by row ids, which a re-import changes. A node whose document is not
-- in the archive (deleted, or replaced by a changed file whose positions do not hold it) keeps
-- its notes and tags; the window lists such nodes under Notes ▸ Unattached Notes and Tags.
-- The views at the end resolve nodes to the rows that hold them now (a handful of index
-- look-ups each), so no row id is stored that a re-import could leave pointing elsewhere.
-- Written by archive_viewer/store/notes.py and saved_searches.py, one transaction per action.


-- user_nodes: a meeting, section, item or statement the user has annotated.
--   document_sha256           the whole sha256 of the document (identifiers show 12 digits)
--   section, item, statement  the 1-based positions (ordinals) below the meeting; 0 where the
--                             node stops: (s, 0, 0, 0) is a meeting, (s, 1, 0, 0) its section 1
--   identifier                the node's identifier with all 64 digits (computed)
--   snapshot                  the node's text when first annotated (a statement's or an item's
--                             text, a section's heading, a meeting's title): what is shown for
--                             a node no longer in the archive, and what tells that a node
--                             carried over to a changed document reads differently now
--   context                   where it was ("meeting title, date, section"), for the same list
--   created_at                when it was first annotated (ISO-8601, UTC)
CREATE TABLE user_nodes (
    id              INTEGER PRIMARY KEY,
    document_sha256 TEXT NOT NULL CHECK (length(document_sha256) = 64
                                         AND document_sha256 NOT GLOB '*[^0-9a-f]*'),
    section         INTEGER NOT NULL DEFAULT 0 CHECK (section >= 0),
    item            INTEGER NOT NULL DEFAULT 0 CHECK (item >= 0),
    statement       INTEGER NOT NULL DEFAULT 0 CHECK (statement >= 0),
    identifier      TEXT GENERATED ALWAYS AS (
                        'av:' || document_sha256
                        || CASE WHEN section > 0 THEN '/s' || section ELSE '' END
                        || CASE WHEN item > 0 THEN '/i' || item ELSE '' END
                        || CASE WHEN statement > 0 THEN '/p' || statement ELSE '' END) VIRTUAL,
    snapshot        TEXT NOT NULL DEFAULT '',
    context         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    CHECK ((section > 0 OR item = 0) AND (item > 0 OR statement = 0)),
    UNIQUE (document_sha256, section, item, statement)
);


-- user_notes: free text on a node; a node may have several.
--   body        the note as typed (plain text; shown as text, never as markup)
--   created_at  when it was written; edited_at when last changed (NULL: never)
CREATE TABLE user_notes (
    id         INTEGER PRIMARY KEY,
    node_id    INTEGER NOT NULL REFERENCES user_nodes (id),
    body       TEXT NOT NULL CHECK (length(trim(body)) > 0),
    created_at TEXT NOT NULL,
    edited_at  TEXT
);
CREATE INDEX user_notes_by_node ON user_notes (node_id);


-- user_tags: the user's own tag vocabulary ("hardening", "concession"), names unique whatever
-- their case. A tag may be in no node (made, or left after its last use).
CREATE TABLE user_tags (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    created_at TEXT NOT NULL
);

-- user_node_tags: a tag on a node. Deleting a tag removes it from every node.
CREATE TABLE user_node_tags (
    node_id   INTEGER NOT NULL REFERENCES user_nodes (id),
    tag_id    INTEGER NOT NULL REFERENCES user_tags (id) ON DELETE CASCADE,
    tagged_at TEXT NOT NULL,
    PRIMARY KEY (node_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX user_node_tags_by_tag ON user_node_tags (tag_id, node_id);


-- document_arrivals: each document (by sha256) in the order this archive first received it.
-- Never deleted: a document deleted and imported again keeps its place, so a saved search does
-- not count its statements as new; a changed document has another sha256 and arrives anew.
--   seq         the order of arrival (rows are never deleted, so a new one is always last)
--   arrived_at  when (ISO-8601, UTC); the documents there before this schema in import order
CREATE TABLE document_arrivals (
    seq        INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    arrived_at TEXT NOT NULL
);

INSERT INTO document_arrivals (sha256, arrived_at)
SELECT sha256, imported_at FROM documents ORDER BY id;

CREATE TRIGGER document_arrivals_after_insert AFTER INSERT ON documents BEGIN
    INSERT OR IGNORE INTO document_arrivals (sha256, arrived_at)
    VALUES (new.sha256, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
END;


-- saved_searches: a filter kept under a name.
--   filter          the filter as JSON, naming things by what outlives row ids: issues by
--                   name, people by name and country, tags by name (see saved_searches.py)
--   opened_at       when it was last opened (NULL: never)
--   seen_arrival    the last document_arrivals.seq when it was saved or last opened: the
--                   statements of documents that arrived later are its "new" ones
--   marked_arrival  seen_arrival as it was before the last open: the statements of documents
--                   that arrived after it are marked new while the search is open
CREATE TABLE saved_searches (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    filter         TEXT NOT NULL CHECK (json_valid(filter) AND json_type(filter) = 'object'),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    opened_at      TEXT,
    seen_arrival   INTEGER NOT NULL DEFAULT 0,
    marked_arrival INTEGER NOT NULL DEFAULT 0
);


-- user_node_rows: each annotated node that is in the archive now, with the rows that hold it
-- (the ids below its level NULL). Nodes not in the archive are left out: those are the
-- unattached ones. From the few nodes to the documents, never a scan of a document table.
CREATE VIEW user_node_rows (node_id, kind, meeting_id, section_id, item_id, statement_id) AS
SELECT n.id,
       CASE WHEN n.statement > 0 THEN 'statement' WHEN n.item > 0 THEN 'item'
            WHEN n.section > 0 THEN 'section' ELSE 'meeting' END,
       m.id, sec.id, it.id, s.id
FROM user_nodes AS n
CROSS JOIN documents AS d ON d.sha256 = n.document_sha256
CROSS JOIN meetings AS m ON m.document_id = d.id
LEFT JOIN sections AS sec ON n.section > 0 AND sec.meeting_id = m.id AND sec.ordinal = n.section
LEFT JOIN items AS it ON n.item > 0 AND it.section_id = sec.id AND it.ordinal = n.item
LEFT JOIN statements AS s ON n.statement > 0 AND s.item_id = it.id AND s.ordinal = n.statement
WHERE (n.section = 0 OR sec.id IS NOT NULL) AND (n.item = 0 OR it.id IS NOT NULL)
  AND (n.statement = 0 OR s.id IS NOT NULL);

-- user_node_statements: every statement a node holds: a statement itself, an item's, a
-- section's or a meeting's statements. A tag or a note on a meeting is about all it says, so
-- the filters by tag and by note select these.
CREATE VIEW user_node_statements (node_id, statement_id) AS
SELECT node_id, statement_id FROM user_node_rows WHERE kind = 'statement'
UNION ALL
SELECT r.node_id, s.id FROM user_node_rows AS r
CROSS JOIN statements AS s ON s.item_id = r.item_id
WHERE r.kind = 'item'
UNION ALL
SELECT r.node_id, s.id FROM user_node_rows AS r
CROSS JOIN items AS it ON it.section_id = r.section_id
CROSS JOIN statements AS s ON s.item_id = it.id
WHERE r.kind = 'section'
UNION ALL
SELECT r.node_id, s.id FROM user_node_rows AS r
CROSS JOIN statements AS s ON s.meeting_id = r.meeting_id
WHERE r.kind = 'meeting';

-- user_tagged_statements: each statement with each of the user's tags on it or on its item,
-- section or meeting (a statement tagged twice over is listed once per tag).
CREATE VIEW user_tagged_statements (tag_id, statement_id) AS
SELECT DISTINCT t.tag_id, ns.statement_id
FROM user_node_tags AS t
JOIN user_node_statements AS ns ON ns.node_id = t.node_id;
