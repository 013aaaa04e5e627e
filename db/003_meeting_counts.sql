-- Archive Viewer archive schema, version 3: statement counts per meeting and per issue.
--
-- The sidebar's facet counts, the tree's year and meeting counts and the status bar's totals
-- follow the filter. For a filter by an issue, a person, countries, kinds and dates (no search
-- text) nearly every one of those numbers is a sum over meetings, so they are kept per meeting
-- here and the queries (archive_viewer/store/summary.py) add up a few rows per meeting instead
-- of visiting every matching statement: on an archive of 3,000,000 statements a broad issue
-- matches a million of them, and visiting them took seconds. For the commonest filters, one
-- issue or nothing at all, even the meetings are too many to visit (a broad issue is in most of
-- 100,000 meetings), so the sums themselves are kept per issue (issue_*_counts).
--
-- All these tables are derived and can always be rebuilt from the others. Triggers note in
-- stale_meetings every meeting whose counts a write may have changed, whoever writes (the
-- importer, a cascade delete, a researcher editing the file by hand); the app recounts stale
-- meetings after each import and when it opens the archive (Archive.refresh_counts): it takes
-- their old rows out of the per-issue sums, counts them again, and adds the new rows in. While
-- any meeting is stale the queries count the slow way, so a count is never wrong, only slower.
-- No foreign keys to meetings: a deleted meeting's rows must stay until the recount has taken
-- them out of the sums.

-- meeting_issue_counts: per meeting, per issue it is about (broader issues included, as in
-- statement_issue_closure), how many of its statements and sections are about the issue.
--   issue_id    0 stands for "any statement": the meeting's counts of all its sections and
--               statements (a meeting without statements has this row, with zeros)
--   held_on, kind  copies of the meeting's, so that year, date and kind conditions and counts
--               read this table's index alone
--   sections    sections holding a statement about the issue (issue 0: all sections)
--   statements  statements about the issue (issue 0: all statements)
CREATE TABLE meeting_issue_counts (
    meeting_id INTEGER NOT NULL,
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
    meeting_id  INTEGER NOT NULL,
    speaker_key INTEGER NOT NULL,
    issue_id    INTEGER NOT NULL,
    statements  INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, speaker_key, issue_id)
) WITHOUT ROWID;

-- meeting_person_counts: per meeting, per person who spoke in it or was one of its principals,
-- the person's statements as the people filter counts them (spoken, and the joint statements
-- of a meeting where they were a principal) and the sections holding them. A person with none
-- has no row.
CREATE TABLE meeting_person_counts (
    meeting_id INTEGER NOT NULL,
    person_id  INTEGER NOT NULL,
    held_on    TEXT,
    kind       TEXT NOT NULL,
    sections   INTEGER NOT NULL,
    statements INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
) WITHOUT ROWID;

-- counted_countries, counted_principals: a meeting's countries and principals as they were
-- when its counts were added to the per-issue sums (to take them out again after the meeting
-- itself is gone).
CREATE TABLE counted_countries (
    meeting_id INTEGER NOT NULL,
    country    TEXT NOT NULL,
    PRIMARY KEY (meeting_id, country)
) WITHOUT ROWID;

CREATE TABLE counted_principals (
    meeting_id INTEGER NOT NULL,
    person_id  INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
) WITHOUT ROWID;

-- issue_year_counts: per issue (0: any), per year held (0: undated) and meeting kind, the
-- meetings, sections and statements about it. The tree's years, the kinds facet and the
-- totals of a one-issue filter are a few of these rows.
CREATE TABLE issue_year_counts (
    issue_id   INTEGER NOT NULL,
    year       INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    meetings   INTEGER NOT NULL,
    sections   INTEGER NOT NULL,
    statements INTEGER NOT NULL,
    PRIMARY KEY (issue_id, year, kind)
) WITHOUT ROWID;

-- issue_country_counts: per issue (0: any), per country, the meetings about it.
CREATE TABLE issue_country_counts (
    issue_id INTEGER NOT NULL,
    country  TEXT NOT NULL,
    meetings INTEGER NOT NULL,
    PRIMARY KEY (issue_id, country)
) WITHOUT ROWID;

-- issue_people_counts: per issue (0: any), per person, the statements the people facet counts
-- for them: those they spoke, and the joint statements of meetings where they were a principal.
CREATE TABLE issue_people_counts (
    issue_id   INTEGER NOT NULL,
    person_id  INTEGER NOT NULL,
    statements INTEGER NOT NULL,
    PRIMARY KEY (issue_id, person_id)
) WITHOUT ROWID;
-- The issues facet of a one-person filter.
CREATE INDEX issue_people_counts_by_person ON issue_people_counts (person_id, issue_id, statements);

-- person_year_counts, person_country_counts: the same sums for a filter by one person (as
-- meeting_person_counts counts them): per year held (0: undated) and kind, and per country.
CREATE TABLE person_year_counts (
    person_id  INTEGER NOT NULL,
    year       INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    meetings   INTEGER NOT NULL,
    sections   INTEGER NOT NULL,
    statements INTEGER NOT NULL,
    PRIMARY KEY (person_id, year, kind)
) WITHOUT ROWID;

CREATE TABLE person_country_counts (
    person_id INTEGER NOT NULL,
    country   TEXT NOT NULL,
    meetings  INTEGER NOT NULL,
    PRIMARY KEY (person_id, country)
) WITHOUT ROWID;

-- stale_meetings: meetings whose rows above may be out of date.
CREATE TABLE stale_meetings (
    meeting_id INTEGER PRIMARY KEY
);


-- The counts of every meeting already in the archive, table by table (summary.refresh_stale
-- does the same for a few meetings at a time, and keeps the per-issue sums by adding and
-- taking away). The indexes by issue and person come after the rows: sorting once beats
-- inserting row by row in issue order.
INSERT INTO meeting_issue_counts (issue_id, meeting_id, held_on, kind, sections, statements)
SELECT 0, m.id, m.held_on, m.kind,
       (SELECT count(*) FROM sections WHERE sections.meeting_id = m.id),
       (SELECT count(*) FROM statements WHERE statements.meeting_id = m.id)
FROM meetings AS m;

INSERT INTO meeting_issue_counts (issue_id, meeting_id, held_on, kind, sections, statements)
SELECT closure.issue_id, m.id, m.held_on, m.kind, count(DISTINCT s.section_id), count(*)
FROM meetings AS m
CROSS JOIN statements AS s ON s.meeting_id = m.id
CROSS JOIN statement_issue_closure AS closure ON closure.statement_id = s.id
GROUP BY m.id, closure.issue_id;

INSERT INTO meeting_speaker_counts (issue_id, speaker_key, meeting_id, statements)
SELECT 0, CASE WHEN s.is_joint = 1 THEN 0 ELSE s.speaker_id END AS speaker_key, s.meeting_id,
       count(*)
FROM meetings AS m CROSS JOIN statements AS s ON s.meeting_id = m.id
WHERE s.is_joint = 1 OR s.speaker_id IS NOT NULL
GROUP BY s.meeting_id, speaker_key;

INSERT INTO meeting_speaker_counts (issue_id, speaker_key, meeting_id, statements)
SELECT closure.issue_id, CASE WHEN s.is_joint = 1 THEN 0 ELSE s.speaker_id END AS speaker_key,
       s.meeting_id, count(*)
FROM meetings AS m
CROSS JOIN statements AS s ON s.meeting_id = m.id
CROSS JOIN statement_issue_closure AS closure ON closure.statement_id = s.id
WHERE s.is_joint = 1 OR s.speaker_id IS NOT NULL
GROUP BY s.meeting_id, speaker_key, closure.issue_id;

WITH persons AS (
    SELECT meeting_id, person_id, max(principal) AS principal FROM (
        SELECT meeting_id, speaker_id AS person_id, 0 AS principal FROM statements
        WHERE speaker_id IS NOT NULL
        UNION ALL
        SELECT meeting_id, person_id, 1 FROM participants WHERE role = 'principal')
    GROUP BY meeting_id, person_id)
INSERT INTO meeting_person_counts (meeting_id, person_id, held_on, kind, sections, statements)
SELECT m.id, persons.person_id, m.held_on, m.kind, count(DISTINCT s.section_id), count(*)
FROM persons
CROSS JOIN meetings AS m ON m.id = persons.meeting_id
CROSS JOIN statements AS s ON s.meeting_id = m.id
 AND (s.speaker_id = persons.person_id OR (s.is_joint = 1 AND persons.principal = 1))
GROUP BY m.id, persons.person_id;

INSERT INTO counted_countries (meeting_id, country)
SELECT meeting_id, country FROM meeting_countries WHERE meeting_id IN (SELECT id FROM meetings);

INSERT INTO counted_principals (meeting_id, person_id)
SELECT meeting_id, person_id FROM participants
WHERE role = 'principal' AND meeting_id IN (SELECT id FROM meetings);

INSERT INTO issue_year_counts (issue_id, year, kind, meetings, sections, statements)
SELECT issue_id, ifnull(CAST(substr(held_on, 1, 4) AS INTEGER), 0) AS year, kind, count(*),
       sum(sections), sum(statements)
FROM meeting_issue_counts
GROUP BY issue_id, year, kind;

INSERT INTO issue_country_counts (issue_id, country, meetings)
SELECT c.issue_id, counted.country, count(*)
FROM counted_countries AS counted
CROSS JOIN meeting_issue_counts AS c ON c.meeting_id = counted.meeting_id
GROUP BY c.issue_id, counted.country;

INSERT INTO issue_people_counts (issue_id, person_id, statements)
SELECT issue_id, person_id, sum(statements) FROM (
    SELECT issue_id, speaker_key AS person_id, statements FROM meeting_speaker_counts
    WHERE speaker_key > 0
    UNION ALL
    SELECT joint.issue_id, principal.person_id, joint.statements
    FROM counted_principals AS principal
    CROSS JOIN meeting_speaker_counts AS joint
      ON joint.meeting_id = principal.meeting_id AND joint.speaker_key = 0)
GROUP BY issue_id, person_id;


INSERT INTO person_year_counts (person_id, year, kind, meetings, sections, statements)
SELECT person_id, ifnull(CAST(substr(held_on, 1, 4) AS INTEGER), 0) AS year, kind, count(*),
       sum(sections), sum(statements)
FROM meeting_person_counts
GROUP BY person_id, year, kind;

INSERT INTO person_country_counts (person_id, country, meetings)
SELECT c.person_id, counted.country, count(*)
FROM counted_countries AS counted
CROSS JOIN meeting_person_counts AS c ON c.meeting_id = counted.meeting_id
GROUP BY c.person_id, counted.country;

-- All keyed by meeting, so that a new meeting's rows are appended; the one index each, by
-- issue or person, is what the queries read (holding every column they need).
CREATE INDEX meeting_issue_counts_by_issue
    ON meeting_issue_counts (issue_id, held_on, kind, meeting_id, sections, statements);
CREATE INDEX meeting_speaker_counts_by_issue
    ON meeting_speaker_counts (issue_id, speaker_key, meeting_id, statements);
CREATE INDEX meeting_person_counts_by_person
    ON meeting_person_counts (person_id, held_on, kind, meeting_id, sections, statements);


-- What makes a meeting's counts stale. A statement's meeting_id may still be NULL when its own
-- insert trigger (db/002) has not filled it in yet, hence the look-up through its item.
CREATE TRIGGER counts_stale_after_meeting_insert AFTER INSERT ON meetings BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.id);
END;

CREATE TRIGGER counts_stale_after_meeting_delete AFTER DELETE ON meetings BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (old.id);
END;

CREATE TRIGGER counts_stale_after_meeting_update AFTER UPDATE OF held_on, kind ON meetings BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.id);
END;

CREATE TRIGGER counts_stale_after_country_insert AFTER INSERT ON meeting_countries BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.meeting_id);
END;

CREATE TRIGGER counts_stale_after_country_delete AFTER DELETE ON meeting_countries BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (old.meeting_id);
END;

CREATE TRIGGER counts_stale_after_country_update AFTER UPDATE ON meeting_countries BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (old.meeting_id);
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.meeting_id);
END;

CREATE TRIGGER counts_stale_after_participant_insert AFTER INSERT ON participants BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.meeting_id);
END;

CREATE TRIGGER counts_stale_after_participant_delete AFTER DELETE ON participants BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (old.meeting_id);
END;

CREATE TRIGGER counts_stale_after_participant_update AFTER UPDATE ON participants BEGIN
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (old.meeting_id);
    INSERT OR IGNORE INTO stale_meetings (meeting_id) VALUES (new.meeting_id);
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
