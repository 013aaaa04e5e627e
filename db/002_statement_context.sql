-- Archive Viewer archive schema, version 2: each statement knows its meeting and section.
--
-- The filter and tree queries (archive_viewer/store/queries.py) constantly go from a set of
-- matching statements up to their meetings and sections (counts per meeting and year, the
-- country and kind facets) and from a meeting down to its joint statements (the people
-- filter). Through items and sections that is two extra b-tree look-ups per statement, which
-- on an archive of millions of statements is most of the time a filter takes. So statements
-- carry copies of their item's section_id and that section's meeting_id, indexed together
-- with the columns the people filter and facets read, so those read the index alone.
--
--   meeting_id, section_id  copies of items.section_id and sections.meeting_id for item_id.
--                           The writer may supply them; when it leaves them NULL (or a
--                           researcher inserts or moves a statement by hand) the triggers
--                           below fill them in, in the same transaction. No foreign key: the
--                           row already cascades from items, and items never change section.

ALTER TABLE statements ADD COLUMN meeting_id INTEGER;
ALTER TABLE statements ADD COLUMN section_id INTEGER;

UPDATE statements
SET (meeting_id, section_id) = (
    SELECT sections.meeting_id, sections.id
    FROM items JOIN sections ON sections.id = items.section_id
    WHERE items.id = statements.item_id
);

CREATE INDEX statements_by_meeting ON statements (meeting_id, is_joint, speaker_id, section_id);

CREATE TRIGGER statements_context_after_insert AFTER INSERT ON statements
WHEN new.meeting_id IS NULL OR new.section_id IS NULL BEGIN
    UPDATE statements
    SET (meeting_id, section_id) = (
        SELECT sections.meeting_id, sections.id
        FROM items JOIN sections ON sections.id = items.section_id
        WHERE items.id = new.item_id
    )
    WHERE id = new.id;
END;

CREATE TRIGGER statements_context_after_move AFTER UPDATE OF item_id ON statements BEGIN
    UPDATE statements
    SET (meeting_id, section_id) = (
        SELECT sections.meeting_id, sections.id
        FROM items JOIN sections ON sections.id = items.section_id
        WHERE items.id = new.item_id
    )
    WHERE id = new.id;
END;


-- issue_ancestry: each issue with itself and every broader issue (parent, grandparent, ...), up
-- to seven levels up (the thesaurus has three). Written without a recursive CTE so that the
-- triggers below, where SQLite allows no WITH clause, can use it; a parent_id cycle repeats ids
-- instead of looping.
CREATE VIEW issue_ancestry (issue_id, ancestor_id) AS
SELECT issue.id, lineage.value
FROM issues AS issue
LEFT JOIN issues AS up1 ON up1.id = issue.parent_id
LEFT JOIN issues AS up2 ON up2.id = up1.parent_id
LEFT JOIN issues AS up3 ON up3.id = up2.parent_id
LEFT JOIN issues AS up4 ON up4.id = up3.parent_id
LEFT JOIN issues AS up5 ON up5.id = up4.parent_id
LEFT JOIN issues AS up6 ON up6.id = up5.parent_id
LEFT JOIN issues AS up7 ON up7.id = up6.parent_id
JOIN json_each(json_array(issue.id, up1.id, up2.id, up3.id, up4.id, up5.id, up6.id, up7.id))
    AS lineage
WHERE lineage.value IS NOT NULL;


-- statement_issue_closure: each statement with every issue it is about: those it is tagged with
-- in statement_issues and all their broader issues, each once. Filtering by a broad issue
-- ("North Korea") must find the statements tagged only with a narrower one ("Abduction issue"),
-- and its count must count each statement once; walking the thesaurus and removing duplicates
-- for every statement on every query took seconds on a large archive, a read of this table's
-- index takes milliseconds. The triggers below keep it in step with statement_issues and
-- issues.parent_id in the same transaction, whoever writes.
CREATE TABLE statement_issue_closure (
    statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    issue_id     INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    PRIMARY KEY (statement_id, issue_id)
) WITHOUT ROWID;
CREATE INDEX statement_issue_closure_by_issue ON statement_issue_closure (issue_id, statement_id);

INSERT OR IGNORE INTO statement_issue_closure (statement_id, issue_id)
SELECT tag.statement_id, ancestry.ancestor_id
FROM statement_issues AS tag JOIN issue_ancestry AS ancestry ON ancestry.issue_id = tag.issue_id
ORDER BY 1, 2;

CREATE TRIGGER statement_issues_closure_after_insert AFTER INSERT ON statement_issues BEGIN
    INSERT OR IGNORE INTO statement_issue_closure (statement_id, issue_id)
    SELECT new.statement_id, ancestor_id FROM issue_ancestry WHERE issue_id = new.issue_id;
END;

-- A tag removed: drop what the statement's remaining tags no longer reach.
CREATE TRIGGER statement_issues_closure_after_delete AFTER DELETE ON statement_issues BEGIN
    DELETE FROM statement_issue_closure
    WHERE statement_id = old.statement_id
      AND issue_id NOT IN (
          SELECT ancestry.ancestor_id
          FROM statement_issues AS tag
          JOIN issue_ancestry AS ancestry ON ancestry.issue_id = tag.issue_id
          WHERE tag.statement_id = old.statement_id);
END;

CREATE TRIGGER statement_issues_closure_after_update AFTER UPDATE ON statement_issues BEGIN
    DELETE FROM statement_issue_closure
    WHERE statement_id = old.statement_id
      AND issue_id NOT IN (
          SELECT ancestry.ancestor_id
          FROM statement_issues AS tag
          JOIN issue_ancestry AS ancestry ON ancestry.issue_id = tag.issue_id
          WHERE tag.statement_id = old.statement_id);
    INSERT OR IGNORE INTO statement_issue_closure (statement_id, issue_id)
    SELECT new.statement_id, ancestor_id FROM issue_ancestry WHERE issue_id = new.issue_id;
END;

-- An issue moved in the thesaurus: the statements about it (or about an issue below it) all
-- have it in their closure; give them their new broader issues and drop the old ones.
CREATE TRIGGER issues_closure_after_reparent AFTER UPDATE OF parent_id ON issues
WHEN old.parent_id IS NOT new.parent_id BEGIN
    INSERT OR IGNORE INTO statement_issue_closure (statement_id, issue_id)
    SELECT tag.statement_id, ancestry.ancestor_id
    FROM statement_issues AS tag
    JOIN issue_ancestry AS ancestry ON ancestry.issue_id = tag.issue_id
    WHERE tag.statement_id IN (
        SELECT statement_id FROM statement_issue_closure WHERE issue_id = new.id);
    DELETE FROM statement_issue_closure
    WHERE statement_id IN (
        SELECT statement_id FROM statement_issue_closure WHERE issue_id = new.id)
      AND NOT EXISTS (
          SELECT 1
          FROM statement_issues AS tag
          JOIN issue_ancestry AS ancestry ON ancestry.issue_id = tag.issue_id
          WHERE tag.statement_id = statement_issue_closure.statement_id
            AND ancestry.ancestor_id = statement_issue_closure.issue_id);
END;
