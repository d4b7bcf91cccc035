package dev.cpdb.database;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.cpdb.InvalidConfigurationException;

/**
 * A PostgreSQL connection URL in libpq form ({@code postgres://user:pass@host:port/db?sslmode=require}), parsed and
 * checked once so that both connection paths can be built from it.
 *
 * <p>
 * Error messages name the variable the URL came from and never contain the password.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
        Map<String, String> options) {

    /** Port PostgreSQL listens on when the URL does not name one, as in libpq. */
    public static final int DEFAULT_PORT = 5432;

    /** Query options cpdb understands; anything else is refused rather than silently ignored. */
    public static final Set<String> SUPPORTED_OPTIONS = Set.of("sslmode", "sslrootcert", "application_name",
            "connect_timeout");

    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca",
            "verify-full");

    public DatabaseUrl {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /**
     * Parses a libpq URL.
     *
     * @param variable the name of the setting the value came from, used in error messages
     * @param value the URL
     * @return the parsed URL
     * @throws InvalidConfigurationException when the value is not a usable PostgreSQL URL
     */
    public static DatabaseUrl parse(String variable, String value) {
        if (value == null || value.isBlank()) {
            throw invalid(variable, "it is empty");
        }
        String text = value.strip();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid(variable, "it must start with postgres:// or postgresql://");
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw invalid(variable, "scheme '" + scheme + "' is not supported, use postgres:// or postgresql://");
        }
        String rest = text.substring(schemeEnd + 3);

        String query = "";
        int queryStart = rest.indexOf('?');
        if (queryStart >= 0) {
            query = rest.substring(queryStart + 1);
            rest = rest.substring(0, queryStart);
        }
        if (rest.contains("#")) {
            throw invalid(variable, "it must not contain a fragment ('#'); percent-encode '#' in passwords as %23");
        }
        String path = "";
        int pathStart = rest.indexOf('/');
        if (pathStart >= 0) {
            path = rest.substring(pathStart + 1);
            rest = rest.substring(0, pathStart);
        }

        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = decode(variable, "user name", userInfo.substring(0, colon));
                password = decode(variable, "password", userInfo.substring(colon + 1));
            } else {
                user = decode(variable, "user name", userInfo);
            }
        }

        HostAndPort hostAndPort = parseHostAndPort(variable, rest);
        String database = decode(variable, "database name", path);
        if (database.contains("/")) {
            throw invalid(variable, "the database name must not contain '/'");
        }
        Map<String, String> options = parseOptions(variable, query);
        // As in libpq, host and port given as query options take precedence over the authority part.
        String host = options.containsKey("host") ? options.remove("host") : hostAndPort.host();
        if (host.isEmpty()) {
            throw invalid(variable, "it names no host");
        }
        int port = hostAndPort.port();
        if (options.containsKey("port")) {
            port = parseHostAndPort(variable, "h:" + options.remove("port")).port();
        }
        if (host.startsWith("/")) {
            throw invalid(variable, "Unix-domain socket hosts are not supported, use a TCP host name or address");
        }
        if (user == null || user.isEmpty()) {
            user = options.remove("user");
        }
        if (password == null) {
            password = options.remove("password");
        }
        if (user == null || user.isEmpty()) {
            throw invalid(variable, "it names no user (postgres://USER:PASSWORD@HOST:PORT/DATABASE)");
        }
        if (database.isEmpty()) {
            database = options.remove("dbname");
            if (database == null || database.isEmpty()) {
                database = user;
            }
        }
        for (String key : options.keySet()) {
            if (!SUPPORTED_OPTIONS.contains(key)) {
                throw invalid(variable, "query option '" + key + "' is not supported; supported options are "
                        + String.join(", ", SUPPORTED_OPTIONS.stream().sorted().toList()));
            }
        }
        String sslMode = options.get("sslmode");
        if (sslMode != null && !SSL_MODES.contains(sslMode)) {
            throw invalid(variable, "sslmode '" + sslMode + "' is not one of "
                    + String.join(", ", SSL_MODES.stream().sorted().toList()));
        }
        String connectTimeout = options.get("connect_timeout");
        if (connectTimeout != null && !connectTimeout.matches("\\d{1,6}")) {
            throw invalid(variable, "connect_timeout must be a whole number of seconds");
        }
        return new DatabaseUrl(host, port, database, user, password == null ? "" : password, options);
    }

    /** The TLS mode requested by the URL, {@code prefer} when absent as in libpq. */
    public String sslMode() {
        return options.getOrDefault("sslmode", "prefer");
    }

    /** An optional query option. */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** The endpoint without credentials, safe for logs and status output. */
    public DatabaseEndpoint endpoint() {
        return new DatabaseEndpoint(host, port, database, user);
    }

    /** The URL with the password replaced, for messages. */
    public String redacted() {
        return "postgres://" + user + (password.isEmpty() ? "" : ":***") + "@" + formatHost(host) + ":" + port + "/"
                + database;
    }

    /** Returns the same server location with other credentials and database. */
    public DatabaseUrl with(String newDatabase, String newUser, String newPassword) {
        return new DatabaseUrl(host, port, newDatabase, newUser, newPassword, options);
    }

    @Override
    public String toString() {
        return redacted();
    }

    private static String formatHost(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private record HostAndPort(String host, int port) {
    }

    private static HostAndPort parseHostAndPort(String variable, String text) {
        if (text.contains(",")) {
            throw invalid(variable, "several hosts are not supported, name exactly one host");
        }
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw invalid(variable, "an IPv6 address opened with '[' is not closed with ']'");
            }
            host = text.substring(1, close);
            String after = text.substring(close + 1);
            if (after.startsWith(":")) {
                port = after.substring(1);
            } else if (!after.isEmpty()) {
                throw invalid(variable, "unexpected text after the IPv6 address");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0) {
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            } else {
                host = text;
            }
        }
        host = decode(variable, "host", host);
        if (host.matches(".*[\\s/@?].*")) {
            throw invalid(variable, "the host contains characters that are not allowed in a host name");
        }
        int portNumber = DEFAULT_PORT;
        if (port != null && !port.isEmpty()) {
            if (!port.matches("\\d{1,5}")) {
                throw invalid(variable, "port '" + port + "' is not a number");
            }
            portNumber = Integer.parseInt(port);
            if (portNumber < 1 || portNumber > 65535) {
                throw invalid(variable, "port " + portNumber + " is outside 1-65535");
            }
        }
        return new HostAndPort(host, portNumber);
    }

    private static Map<String, String> parseOptions(String variable, String query) {
        Map<String, String> options = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return options;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw invalid(variable, "query option '" + pair + "' must have the form name=value");
            }
            String key = decode(variable, "query option name", pair.substring(0, eq));
            String value = decode(variable, "query option value", pair.substring(eq + 1));
            if (options.put(key, value) != null) {
                throw invalid(variable, "query option '" + key + "' is given twice");
            }
        }
        return options;
    }

    private static String decode(String variable, String part, String text) {
        try {
            // '+' means a plus sign in libpq URLs, not a space as in HTML forms.
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(variable,
                    "the " + part + " holds a malformed percent-encoding (use %XX with two hex digits)");
        }
    }

    private static InvalidConfigurationException invalid(String variable, String reason) {
        return new InvalidConfigurationException(variable + " is not a valid PostgreSQL URL: " + reason);
    }
}
