-- Archive Viewer archive schema, version 3: statement counts per meeting, by issue and speaker.
--
-- The sidebar's facet counts, the tree's year and meeting counts and the status bar's totals
-- follow the filter. For a filter by an issue, a person, countries, kinds and dates (no search
-- text) nearly every one of those numbers is a sum over meetings, so they are kept per meeting here
-- and the queries (archive_viewer/store/summary.py) add up a few rows per meeting instead of
-- visiting every matching statement: on an archive of 3,000,000 statements a broad issue
-- matches a million of them, and visiting them took seconds; summing its meetings' rows takes
-- milliseconds.
--
-- Both tables are derived and can always be rebuilt from the others. Triggers note in
-- stale_meetings every meeting whose counts a write may have changed, whoever writes (the
-- importer, a cascade delete, a researcher editing the file by hand); the app recounts stale
-- meetings after each import and when it opens the archive (Archive.refresh_counts). While any
-- meeting is stale the queries count the slow way, so a count is never wrong, only slower.

-- meeting_issue_counts: per meeting, per issue it is about (broader issues included, as in
-- statement_issue_closure), how many of its statements and sections are about the issue.
--   issue_id    0 stands for "any statement": the meeting's counts of all its sections and
--               statements (a meeting without statements has this row, with zeros)
--   held_on, kind  copies of the meeting's, so that year, date and kind conditions and counts
--               read this table's index alone
--   sections    sections holding a statement about the issue (issue 0: all sections)
--   statements  statements about the issue (issue 0: all statements)
CREATE TABLE meeting_issue_counts (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    issue_id   INTEGER NOT NULL,
    held_on    TEXT,
    kind       TEXT NOT NULL,
    sections   INTEGER NOT NULL,
    statements INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, issue_id)
) WITHOUT ROWID;

-- meeting_speaker_counts: per meeting, per issue (0: any), per speaker, how many statements.
--   speaker_key  the speaker's people.id; 0 for joint statements (statements without a speaker
--                that are not joint are not counted: no person facet shows them)
CREATE TABLE meeting_speaker_counts (
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    speaker_key INTEGER NOT NULL,
    issue_id    INTEGER NOT NULL,
    statements  INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, speaker_key, issue_id)
) WITHOUT ROWID;

-- Both keyed by meeting, so that a new meeting's rows are appended; the one index each, by
-- issue, is what the queries read (holding every column they need). The indexes are made
-- after the rows below: sorting once beats inserting in issue order row by row.

-- stale_meetings: meetings whose rows above may be out of date.
CREATE TABLE stale_meetings (
    meeting_id INTEGER PRIMARY KEY
);


-- The counts of every meeting already in the archive.
INSERT INTO meeting_issue_counts (issue_id, meeting_id, held_on, kind, sections, statements)
SELECT 0, m.id, m.held_on, m.kind,
       (SELECT count(*) FROM sections WHERE sections.meeting_id = m.id),
       (SELECT count(*) FROM statements WHERE statements.meeting_id = m.id)
FROM meetings AS m;

INSERT INTO meeting_issue_counts (issue_id, meeting_id, held_on, kind, sections, statements)
SELECT closure.issue_id, m.id, m.held_on, m.kind, count(DISTINCT s.section_id), count(*)
FROM statements AS s
CROSS JOIN statement_issue_closure AS closure ON closure.statement_id = s.id
CROSS JOIN meetings AS m ON m.id = s.meeting_id
GROUP BY m.id, closure.issue_id;

INSERT INTO meeting_speaker_counts (issue_id, speaker_key, meeting_id, statements)
SELECT 0, CASE WHEN s.is_joint = 1 THEN 0 ELSE s.speaker_id END AS speaker_key, s.meeting_id,
       count(*)
FROM statements AS s
WHERE s.is_joint = 1 OR s.speaker_id IS NOT NULL
GROUP BY s.meeting_id, speaker_key;

INSERT INTO meeting_speaker_counts (issue_id, speaker_key, meeting_id, statements)
SELECT closure.issue_id, CASE WHEN s.is_joint = 1 THEN 0 ELSE s.speaker_id END AS speaker_key,
       s.meeting_id, count(*)
FROM statements AS s
CROSS JOIN statement_issue_closure AS closure ON closure.statement_id = s.id
WHERE s.is_joint = 1 OR s.speaker_id IS NOT NULL
GROUP BY s.meeting_id, speaker_key, closure.issue_id;

CREATE INDEX meeting_issue_counts_by_issue
    ON meeting_issue_counts (issue_id, held_on, kind, meeting_id, sections, statements);
CREATE INDEX meeting_speaker_counts_by_issue
    ON meeting_speaker_counts (issue_id, speaker_key, meeting_id, statements);


-- What makes a meeting's counts stale. A statement's meeting_id may still be NULL when its own
-- insert trigger (db/002) has not filled it in yet, hence the look-up through its item.
CREATE TRIGGER counts_stale_after_meeting_insert AFTER INSERT ON meetings BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.id);
END;

CREATE TRIGGER counts_stale_after_meeting_update AFTER UPDATE OF held_on, kind ON meetings BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.id);
END;

CREATE TRIGGER counts_stale_after_section_insert AFTER INSERT ON sections BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.meeting_id);
END;

CREATE TRIGGER counts_stale_after_section_delete AFTER DELETE ON sections BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (old.meeting_id);
END;

CREATE TRIGGER counts_stale_after_statement_insert AFTER INSERT ON statements BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id)
    SELECT coalesce(new.meeting_id, (SELECT sections.meeting_id FROM items
                                     JOIN sections ON sections.id = items.section_id
                                     WHERE items.id = new.item_id));
END;

CREATE TRIGGER counts_stale_after_statement_delete AFTER DELETE ON statements BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (old.meeting_id);
END;

CREATE TRIGGER counts_stale_after_statement_update
AFTER UPDATE OF item_id, meeting_id, section_id, speaker_id, is_joint ON statements BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (old.meeting_id);
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.meeting_id);
END;

CREATE TRIGGER counts_stale_after_tag_insert AFTER INSERT ON statement_issues BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id)
    SELECT meeting_id FROM statements WHERE id = new.statement_id AND meeting_id IS NOT NULL;
END;

CREATE TRIGGER counts_stale_after_tag_delete AFTER DELETE ON statement_issues BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id)
    SELECT meeting_id FROM statements WHERE id = old.statement_id AND meeting_id IS NOT NULL;
END;

CREATE TRIGGER counts_stale_after_tag_update AFTER UPDATE ON statement_issues BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id)
    SELECT meeting_id FROM statements
    WHERE id IN (old.statement_id, new.statement_id) AND meeting_id IS NOT NULL;
END;

-- An issue moved in the thesaurus: the statements about it, or about a narrower issue, are the
-- ones its closure rows name (before and after the move alike).
CREATE TRIGGER counts_stale_after_reparent AFTER UPDATE OF parent_id ON issues
WHEN old.parent_id IS NOT new.parent_id BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id)
    SELECT DISTINCT s.meeting_id
    FROM statement_issue_closure AS closure JOIN statements AS s ON s.id = closure.statement_id
    WHERE closure.issue_id = new.id AND s.meeting_id IS NOT NULL;
END;
