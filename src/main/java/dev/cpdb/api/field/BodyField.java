package dev.cpdb.api.field;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.models.media.Schema;

import dev.cpdb.api.FreeFormJson;
import dev.cpdb.api.Input;
import dev.cpdb.api.WireValue;
import dev.cpdb.problem.InvalidInputException;
import io.vertx.core.json.JsonObject;

/**
 * The one definition of a field of a runtime record as request bodies carry it: its JSON name, its limits (length,
 * pattern, allowed words), whether a creation must send it or what is stored when it is left out, and whether a PATCH
 * may clear it with {@code null}. Services check request values with it ({@link #created}, {@link CheckedPatch}), and
 * {@link FieldDocumentation} writes the same limits into the OpenAPI description, so a limit is stated once.
 *
 * <p>
 * Instances are immutable; the methods that refine a field return a new one. Fields are declared as constants in
 * the feature's {@code *Fields} class, in the order in which errors are reported and changes are listed.
 *
 * @param <E> the record type the field belongs to (e.g. {@code Goal})
 * @param <T> the value type
 */
public final class BodyField<E, T> {

    private final String name;
    private final Function<E, T> stored;
    private final boolean required;
    private final T absent;
    private final boolean clearable;
    private final UnaryOperator<T> check;
    private final BiPredicate<T, T> same;
    private final Consumer<Schema> limits;

    private BodyField(String name, Function<E, T> stored, boolean required, T absent, boolean clearable,
            UnaryOperator<T> check, BiPredicate<T, T> same, Consumer<Schema> limits) {
        this.name = name;
        this.stored = stored;
        this.required = required;
        this.absent = absent;
        this.clearable = clearable;
        this.check = check;
        this.same = same;
        this.limits = limits;
    }

    /**
     * Text stored stripped of leading and trailing white space, {@code min} to {@code max} characters after
     * stripping; required until {@link #orElse} says otherwise.
     */
    public static <E> BodyField<E, String> text(String name, Function<E, String> stored, int min, int max) {
        return new BodyField<>(name, stored, true, null, false, value -> Input.text(name, value, min, max),
                Objects::equals, lengths(min, max));
    }

    /** Text kept exactly as sent (descriptions, comment bodies, secret values), {@code min} to {@code max} characters. */
    public static <E> BodyField<E, String> verbatim(String name, Function<E, String> stored, int min, int max) {
        return new BodyField<>(name, stored, true, null, false, value -> Input.verbatim(name, value, min, max),
                Objects::equals, lengths(min, max));
    }

    /**
     * Text that must match {@code pattern} as a whole; {@code rule} tells people what that means ("use an upper-case
     * letter followed by ...").
     */
    public static <E> BodyField<E, String> matching(String name, Function<E, String> stored, Pattern pattern,
            String rule) {
        return new BodyField<>(name, stored, true, null, false, value -> Input.matching(name, value, pattern, rule),
                Objects::equals, schema -> schema.pattern("^" + pattern.pattern() + "$"));
    }

    /**
     * One of the words of an enum; Jackson refuses other words before the service sees them, and the OpenAPI
     * description lists them through the enum's own schema. Left out on creation, {@code absent} is stored; a PATCH
     * may not clear it.
     */
    public static <E, V extends Enum<V> & WireValue> BodyField<E, V> choice(String name, Function<E, V> stored,
            V absent) {
        return new BodyField<>(name, stored, false, absent, false, UnaryOperator.identity(), Objects::equals,
                schema -> {
                });
    }

    /**
     * The id of a related record of the same company, checked by the service against the database; optional on
     * creation, and a PATCH clears the link with {@code null}.
     */
    public static <E> BodyField<E, UUID> link(String name, Function<E, UUID> stored) {
        return new BodyField<>(name, stored, false, null, true, UnaryOperator.identity(), Objects::equals,
                schema -> {
                });
    }

    /**
     * A free-form JSON object within the limits of {@link FreeFormJson}; left out on creation it is an empty object,
     * and a PATCH replaces it as a whole (never with {@code null}). Two objects are the same when their JSON is.
     */
    public static <E> BodyField<E, Map<String, Object>> freeForm(String name, Function<E, Map<String, Object>> stored) {
        return new BodyField<>(name, stored, false, Map.of(), false, value -> FreeFormJson.check(name, value),
                (a, b) -> Objects.equals(new JsonObject(a), new JsonObject(b)),
                schema -> {
                });
    }

    /** The same field, optional on creation: when left out (or sent as null) {@code value} is stored. */
    public BodyField<E, T> orElse(T value) {
        return new BodyField<>(name, stored, false, value, clearable, check, same, limits);
    }

    /** The same field with a further check or normalisation, run after the field's own on every sent value. */
    public BodyField<E, T> then(UnaryOperator<T> more) {
        UnaryOperator<T> first = check;
        return new BodyField<>(name, stored, required, absent, clearable, value -> more.apply(first.apply(value)),
                same, limits);
    }

    /** The JSON name. */
    public String name() {
        return name;
    }

    /** Whether a creation must send the field. */
    public boolean required() {
        return required;
    }

    /** Whether a PATCH may send {@code null} to clear the field. */
    public boolean clearable() {
        return clearable;
    }

    /**
     * The value to store for a creation that sent {@code sent} (null when left out).
     *
     * @throws InvalidInputException naming the field when it is required but missing, or breaks a limit
     */
    public T created(T sent) {
        if (sent == null) {
            if (required) {
                throw new InvalidInputException("Field '" + name + "' is required");
            }
            return absent;
        }
        return check.apply(sent);
    }

    /**
     * The value to store for a PATCH that sent {@code sent} for this field (possibly null).
     *
     * @throws InvalidInputException naming the field when null is sent for a field that cannot be cleared, or the
     *         value breaks a limit
     */
    public T patched(T sent) {
        if (sent == null) {
            if (!clearable) {
                throw new InvalidInputException("Field '" + name + "' is required");
            }
            return null;
        }
        return check.apply(sent);
    }

    /** The field's value in a stored record. */
    T stored(E record) {
        return stored.apply(record);
    }

    /** Whether two values of the field are the same for the purpose of "changed". */
    boolean same(T a, T b) {
        return same.test(a, b);
    }

    /** Writes the field's limits into its property schema. */
    void describe(Schema property) {
        limits.accept(property);
    }

    @SuppressWarnings("unchecked")
    T cast(Object value) {
        return (T) value;
    }

    private static Consumer<Schema> lengths(int min, int max) {
        return schema -> {
            if (min > 0) {
                schema.minLength(min);
            }
            schema.maxLength(max);
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
