package dev.cpdb.cli;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Keeps one-off commands free of meters: a command exits before anything could scrape {@code /q/metrics} (it opens
 * no HTTP port), so its process registers none of the JVM, pool or backup meters the service publishes. The service's
 * meters pass unchanged.
 */
@Singleton
public class CommandMeterFilter implements MeterFilter {

    private final boolean commandMode = CommandLine.commandMode();

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        return commandMode ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }
}
