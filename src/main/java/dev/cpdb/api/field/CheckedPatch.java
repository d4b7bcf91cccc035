package dev.cpdb.api.field;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cpdb.api.Input;
import dev.cpdb.api.PatchBody;
import dev.cpdb.problem.InvalidInputException;

/**
 * The shared merge-patch step of every runtime record: a PATCH body checked field by field against the record's
 * {@link BodyField}s before the record is read (so bad input answers 400 whether or not the record exists), then
 * merged onto the stored record, which tells the new values and which fields they change.
 *
 * @param <E> the record type
 */
public final class CheckedPatch<E> {

    private final List<BodyField<E, ?>> fields;
    private final Map<BodyField<E, ?>, Object> sent;

    private CheckedPatch(List<BodyField<E, ?>> fields, Map<BodyField<E, ?>, Object> sent) {
        this.fields = fields;
        this.sent = sent;
    }

    /**
     * Checks the fields the body contains, in the order of {@code fields}.
     *
     * @param fields every field a PATCH of the record may carry, in the order changes are listed
     * @throws InvalidInputException for a missing body, or naming the first field that breaks its definition
     */
    public static <E> CheckedPatch<E> of(PatchBody patch, List<BodyField<E, ?>> fields) {
        Input.body(patch);
        Map<BodyField<E, ?>, Object> sent = new LinkedHashMap<>();
        for (BodyField<E, ?> field : fields) {
            if (patch.contains(field.name())) {
                sent.put(field, patched(field, patch.sent(field.name())));
            }
        }
        return new CheckedPatch<>(List.copyOf(fields), sent);
    }

    private static <E, T> T patched(BodyField<E, T> field, Object value) {
        return field.patched(field.cast(value));
    }

    /** Whether the body contained the field. */
    public boolean contains(BodyField<E, ?> field) {
        return sent.containsKey(field);
    }

    /** The checked value the body contained for the field (null when it was sent as null or left out). */
    public <T> T sent(BodyField<E, T> field) {
        return field.cast(sent.get(field));
    }

    /** The stored record with the sent values in place. */
    public Merged<E> onto(E current) {
        Map<BodyField<E, ?>, Object> values = new LinkedHashMap<>();
        for (BodyField<E, ?> field : fields) {
            values.put(field, sent.containsKey(field) ? sent.get(field) : field.stored(current));
        }
        return new Merged<>(current, fields, values);
    }

    /**
     * A record's values after a PATCH, and which of them differ from the stored ones.
     *
     * @param <E> the record type
     */
    public static final class Merged<E> {

        private final E current;
        private final List<BodyField<E, ?>> fields;
        private final Map<BodyField<E, ?>, Object> values;

        private Merged(E current, List<BodyField<E, ?>> fields, Map<BodyField<E, ?>, Object> values) {
            this.current = current;
            this.fields = fields;
            this.values = values;
        }

        /** The stored record the PATCH applies to. */
        public E current() {
            return current;
        }

        /** The field's value after the PATCH. */
        public <T> T value(BodyField<E, T> field) {
            return field.cast(values.get(field));
        }

        /** The same merge with one value replaced (e.g. by its canonical form). */
        public <T> Merged<E> with(BodyField<E, T> field, T value) {
            Map<BodyField<E, ?>, Object> replaced = new LinkedHashMap<>(values);
            replaced.put(field, value);
            return new Merged<>(current, fields, replaced);
        }

        /** Names of the fields whose value differs from the stored record's, in the order of the definitions. */
        public List<String> changed() {
            List<String> changed = new ArrayList<>();
            for (BodyField<E, ?> field : fields) {
                if (differs(field)) {
                    changed.add(field.name());
                }
            }
            return changed;
        }

        private <T> boolean differs(BodyField<E, T> field) {
            return !field.same(field.stored(current), value(field));
        }
    }
}
