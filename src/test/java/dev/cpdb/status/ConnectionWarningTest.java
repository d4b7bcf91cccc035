package dev.cpdb.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.cpdb.health.DatabaseProbe.ServerConnections;

class ConnectionWarningTest {

    @Test
    void noWarningAtEightyPercentOrBelow() {
        DatabaseStatus.Server server = StatusService.serverFigures(new ServerConnections(100, 3, 30, 50));

        assertEquals(0.8, server.used());
        assertNull(StatusService.warning(new ServerConnections(100, 3, 30, 50), server));
    }

    @Test
    void aWarningAboveEightyPercentNamesTheFiguresAndWhereToRead() {
        ServerConnections connections = new ServerConnections(100, 3, 40, 41);
        DatabaseStatus.Server server = StatusService.serverFigures(connections);

        String warning = StatusService.warning(connections, server);

        assertEquals(0.81, server.used());
        assertTrue(warning.contains("81 of the server's max_connections (100)"), warning);
        assertTrue(warning.contains("cpdb 40, others 41"), warning);
        assertTrue(warning.contains("Too many connections"), warning);
    }

    @Test
    void aServerWithoutALimitReadsAsUnused() {
        assertEquals(0.0, StatusService.serverFigures(new ServerConnections(0, 0, 1, 1)).used());
    }
}
