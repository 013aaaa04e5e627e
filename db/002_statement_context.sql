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
