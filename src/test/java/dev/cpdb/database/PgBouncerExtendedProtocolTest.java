package dev.cpdb.database;

import dev.cpdb.testing.PgBouncerExtendedProtocolProfile;
import dev.cpdb.testing.RequiresPgBouncer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every check of {@link PgBouncerTransactionModeTest}, with the runtime pool in layer-7-proxy mode
 * ({@code DATABASE_STATEMENT_PROTOCOL=extended}) instead of the simple protocol.
 */
@QuarkusTest
@TestProfile(PgBouncerExtendedProtocolProfile.class)
@RequiresPgBouncer
class PgBouncerExtendedProtocolTest extends PgBouncerTransactionModeTest {

    @Override
    boolean simpleProtocol() {
        return false;
    }
}
