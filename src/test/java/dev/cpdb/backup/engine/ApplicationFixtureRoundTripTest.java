package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;

/**
 * The realistic application fixture ({@code backup/application.sql}), in which many object kinds lean on each other,
 * is backed up without a refusal and restored faithfully (see {@link FixtureRoundTrip} for the oracle), and the
 * restored application still works: its search, its reports, its images.
 */
@RequiresPostgresClientTools
class ApplicationFixtureRoundTripTest {

    @Test
    void theApplicationRoundTripsAndKeepsWorking() throws Exception {
        String fixture = Files.readString(Path.of("src/test/resources/backup/application.sql"));

        DatabaseUrl restored = FixtureRoundTrip.assertRoundTrip("application", fixture);

        // Full-text search through the configuration and its index.
        assertEquals("AB-0001", BackupFixtures.query(restored, "SELECT sku FROM shop.products WHERE "
                + "to_tsvector('shop.catalog_search'::regconfig, title || ' ' || description) @@ "
                + "to_tsquery('shop.catalog_search'::regconfig, 'walnut')"));
        // Reports built on the aggregates.
        assertEquals("459.00", BackupFixtures.query(restored,
                "SELECT revenue FROM reporting.revenue_by_customer WHERE customer_id = 1"));
        assertEquals("AB-0001, CD-0100", BackupFixtures.query(restored,
                "SELECT skus FROM reporting.customer_skus WHERE customer_id = 1"));
        // The operator class serves case-insensitive lookups; the cast ranks statuses.
        assertEquals("Ada", BackupFixtures.query(restored,
                "SELECT name FROM shop.customers WHERE email::text OPERATOR(shop.=~) 'ADA@EXAMPLE.ORG'"));
        assertEquals("3", BackupFixtures.query(restored, "SELECT 'paid'::shop.order_status::integer"));
        // Images: the table's oids still lead to their contents.
        assertEquals("second image", BackupFixtures.query(restored, "SELECT convert_from(lo_get(image), 'UTF8') "
                + "FROM shop.product_images WHERE sku = 'AB-0001' AND position = 2"));
        // The circular foreign keys are enforced again.
        assertEquals("23503",
                BackupFixtures.sqlState(restored, "UPDATE shop.customers SET default_address_id = 99 WHERE id = 1"));
    }
}
