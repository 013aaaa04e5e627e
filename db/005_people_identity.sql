-- Archive Viewer archive schema, version 5: one person under many spellings.
--
-- A person is written differently from one document to the next ("Koichiro Gemba", "GENBA
-- Koichiro", "Kōno"/"Kouno", "Kang Kyung-wha"/"Kang Kyungwha"). Since version 1 people were
-- matched by name_key + country, which already folds case, diacritics and name order; this
-- version adds what else is needed to keep such a person as one row, and to let a researcher
-- merge two rows (or split one) in a way that outlasts re-importing the documents:
--
--   * people.match_key: a looser key (archive_viewer/store/names.py) under which the rows
--     that may be one person meet; the app merges them when their names are compatible, they
--     are of the same country and they never appear in one meeting (store/people_merge.py);
--   * person_mentions: under which spelling each meeting names each person, so that a merged
--     person can be split again meeting by meeting;
--   * person_merges, person_apart: the researcher's decisions, keyed by spelling (name_key and
--     country), never by row ids, which change when documents are imported again. Both are
--     applied whenever a document is imported.
--
-- In these tables an unknown country is '' (people.country is NULL then).

-- people.match_key: names.match_key(name, country); NULL until the app fills it in (on opening
-- the archive, for the rows of older versions and rows added by hand).
ALTER TABLE people ADD COLUMN match_key TEXT;
CREATE INDEX people_by_match_key ON people (country, match_key);


-- person_mentions: each person a meeting names, under the spelling its document used.
--   name_key, country  the spelling's key and the country the document gave (see people)
--   name               the name as the document wrote it (honorifics removed)
--   aliases            JSON array of the other forms the document used for them ("Minister Gemba")
-- Written with the meeting; a merge or split moves rows between people. Rows of meetings
-- imported before version 5 hold the person's name as it then was.
CREATE TABLE person_mentions (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    name_key   TEXT NOT NULL,
    country    TEXT NOT NULL,
    name       TEXT NOT NULL,
    aliases    TEXT NOT NULL DEFAULT '[]'
               CHECK (json_valid(aliases) AND json_type(aliases) = 'array'),
    PRIMARY KEY (meeting_id, person_id, name_key, country)
) WITHOUT ROWID;
CREATE INDEX person_mentions_by_person ON person_mentions (person_id, meeting_id);
CREATE INDEX person_mentions_by_spelling ON person_mentions (name_key, country, person_id);

INSERT INTO person_mentions (meeting_id, person_id, name_key, country, name, aliases)
SELECT used.meeting_id, p.id, p.name_key, ifnull(p.country, ''), p.name, p.aliases
FROM (SELECT meeting_id, person_id FROM participants
      UNION
      SELECT meeting_id, speaker_id FROM statements WHERE speaker_id IS NOT NULL) AS used
JOIN people AS p ON p.id = used.person_id
ORDER BY 1, 2;


-- person_merges: spellings a researcher said are one person. Each spelling of a merged person
-- points at the spelling whose row stood for them all when they were merged (its name is kept,
-- so that the person keeps that name however the documents are imported again).
--   name_key, country          a spelling
--   into_key, into_country     the spelling of the person it belongs to
--   into_name                  that person's name
--   merged_at                  when (ISO-8601, UTC)
CREATE TABLE person_merges (
    name_key     TEXT NOT NULL,
    country      TEXT NOT NULL,
    into_key     TEXT NOT NULL,
    into_country TEXT NOT NULL,
    into_name    TEXT NOT NULL,
    merged_at    TEXT NOT NULL,
    PRIMARY KEY (name_key, country)
) WITHOUT ROWID;
CREATE INDEX person_merges_by_target ON person_merges (into_key, into_country);


-- person_apart: pairs of spellings a researcher split apart: never merged again automatically.
-- Each pair is stored both ways round.
CREATE TABLE person_apart (
    name_key      TEXT NOT NULL,
    country       TEXT NOT NULL,
    other_key     TEXT NOT NULL,
    other_country TEXT NOT NULL,
    decided_at    TEXT NOT NULL,
    PRIMARY KEY (name_key, country, other_key, other_country)
) WITHOUT ROWID;
