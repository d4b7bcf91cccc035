package dev.cpdb.api.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.cpdb.api.PatchBody;
import dev.cpdb.problem.InvalidInputException;

/**
 * The shared merge-patch step (RFC 7396's meaning for the fields of a record: left out stays, null clears where
 * clearing is allowed) and the creation defaults, on a small record of this test's own.
 */
class CheckedPatchTest {

    record Note(String title, String body, UUID link, Map<String, Object> config) {
    }

    static final BodyField<Note, String> TITLE = BodyField.text("title", Note::title, 1, 5);
    static final BodyField<Note, String> BODY = BodyField.verbatim("body", Note::body, 0, 10).orElse("");
    static final BodyField<Note, UUID> LINK = BodyField.link("link", Note::link);
    static final BodyField<Note, Map<String, Object>> CONFIG = BodyField.freeForm("config", Note::config);
    static final List<BodyField<Note, ?>> ALL = List.of(TITLE, BODY, LINK, CONFIG);

    /** A PATCH body as Jackson fills it: a setter per field the JSON contained. */
    static final class NotePatch extends PatchBody {

        NotePatch with(String field, Object value) {
            mark(field, value);
            return this;
        }
    }

    private static final UUID LINKED = UUID.randomUUID();
    private static final Note STORED = new Note("Plan", " text ", LINKED, Map.of("a", 1));

    @Test
    void fieldsLeftOutKeepTheirStoredValueAndNothingChanges() {
        CheckedPatch.Merged<Note> merged = CheckedPatch.of(new NotePatch(), ALL).onto(STORED);

        assertEquals("Plan", merged.value(TITLE));
        assertEquals(LINKED, merged.value(LINK));
        assertEquals(List.of(), merged.changed());
    }

    @Test
    void sentFieldsAreCheckedAndOnlyRealChangesAreListedInDefinitionOrder() {
        NotePatch patch = new NotePatch().with("config", Map.of("a", 1L)).with("link", null).with("title", "  Plan ")
                .with("body", "new");

        CheckedPatch.Merged<Note> merged = CheckedPatch.of(patch, ALL).onto(STORED);

        assertEquals("Plan", merged.value(TITLE), "text is stored stripped, so the title did not change");
        assertNull(merged.value(LINK), "null clears a link");
        assertEquals(List.of("body", "link"), merged.changed(),
                "the same JSON with another number type is no change");
    }

    @Test
    void badValuesAreRefusedBeforeAnyRecordIsRead() {
        InvalidInputException tooLong = assertThrows(InvalidInputException.class,
                () -> CheckedPatch.of(new NotePatch().with("title", "Too long"), ALL));
        InvalidInputException cleared = assertThrows(InvalidInputException.class,
                () -> CheckedPatch.of(new NotePatch().with("body", null), ALL));
        InvalidInputException noBody = assertThrows(InvalidInputException.class, () -> CheckedPatch.of(null, ALL));

        assertEquals("Field 'title' has 8 characters; at most 5 are allowed", tooLong.getMessage());
        assertEquals("Field 'body' is required", cleared.getMessage(), "only links may be cleared");
        assertEquals("The request needs a JSON object as body", noBody.getMessage());
    }

    @Test
    void aCreationNeedsRequiredFieldsAndGetsTheDefaultsOfOptionalOnes() {
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> TITLE.created(null));

        assertEquals("Field 'title' is required", missing.getMessage());
        assertEquals("", BODY.created(null));
        assertEquals(Map.of(), CONFIG.created(null));
        assertNull(LINK.created(null));
        assertEquals("Plan", TITLE.created(" Plan\n"));
    }
}
