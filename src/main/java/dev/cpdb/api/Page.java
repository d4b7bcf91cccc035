package dev.cpdb.api;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One page of a list, newest first, and the cursor of the next page ({@code null} on the last page).
 */
public record Page<T>(List<T> items,
        @Schema(description = "Pass as 'cursor' to get the next page; null on the last page", nullable = true) String nextCursor) {

    /**
     * Builds a page from rows fetched with {@link PageRequest#fetchSize()}.
     *
     * @param id the id of an item, which the cursor carries
     */
    public static <T> Page<T> of(List<T> fetched, PageRequest request, Function<T, UUID> id) {
        if (fetched.size() <= request.limit()) {
            return new Page<>(fetched, null);
        }
        List<T> items = List.copyOf(fetched.subList(0, request.limit()));
        return new Page<>(items, Cursor.encode(id.apply(items.get(items.size() - 1))));
    }
}
