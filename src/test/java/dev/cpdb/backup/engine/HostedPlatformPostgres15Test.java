package dev.cpdb.backup.engine;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestPostgres;

/**
 * The hosted-platform fixture of {@link HostedPlatformTest} on PostgreSQL 15, with {@code pg_dump --schema-only} 15 as
 * an oracle that shares no code with cpdb: after {@code restore --clean} of a backup taken with the Supabase setting,
 * the whole target database (the platform's part, which the restore must not touch, and the user's part, which it
 * replaces) dumps exactly like the source.
 */
@RequiresPostgresClientTools
class HostedPlatformPostgres15Test {

    @Test
    void afterCleanTheTargetDumpsLikeTheSourcePlatformAndUserPartsAlike() throws Exception {
        DatabaseUrl source = HostedPlatformTest.platformDatabase(TestPostgres.server15(), "platform15_source");
        HostedPlatformTest.userData(source, "source");
        DatabaseUrl target = HostedPlatformTest.platformDatabase(TestPostgres.server15(), "platform15_target");
        HostedPlatformTest.userData(target, "target");
        TestPostgres.execute(target, "CREATE TABLE app.stale (id int)");
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(source)) {
            BackupEngine.dump(connection, script, HostedPlatformTest.options(HostedPlatformTest.supabaseSetting()));
        }

        BackupFixtures.restore(target, script.toByteArray(), true, true);

        BackupFixtures.assertSameSchema(
                BackupFixtures.comparableSchema(HostedPlatformTest.superuser(source), true),
                BackupFixtures.comparableSchema(HostedPlatformTest.superuser(target), true));
    }
}
