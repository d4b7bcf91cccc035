package dev.cpdb.deploy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The environment variables cpdb reads, derived from its {@code @ConfigMapping} interfaces the way SmallRye Config
 * names them: the mapping's prefix, then each method's name in the mapping's naming strategy (kebab-case unless
 * the mapping says otherwise, or {@code @WithName}), groups nested with a dot; the environment form is the property
 * name upper-cased with every character other than a letter or digit turned into '_'.
 *
 * <p>
 * Quarkus' own settings ({@code QUARKUS_*}) and the JVM's ({@code JAVA_*}, e.g. {@code JAVA_TOOL_OPTIONS}) are
 * accepted by prefix: they are not cpdb's to list.
 */
final class ConfigEnvironment {

    /** Prefixes of variables read by Quarkus itself or by the JVM rather than by cpdb's mappings. */
    static final List<String> FRAMEWORK_PREFIXES = List.of("QUARKUS_", "JAVA_");

    private final Set<String> variables;
    private final Set<String> mapPrefixes;

    private ConfigEnvironment(Set<String> variables, Set<String> mapPrefixes) {
        this.variables = variables;
        this.mapPrefixes = mapPrefixes;
    }

    /** The variables of every {@code @ConfigMapping} interface compiled from {@code src/main/java}. */
    static ConfigEnvironment ofApplication() {
        return of(applicationMappings());
    }

    /** The variables of the given {@code @ConfigMapping} interfaces. */
    static ConfigEnvironment of(Collection<Class<?>> mappings) {
        Set<String> variables = new TreeSet<>();
        Set<String> mapPrefixes = new TreeSet<>();
        for (Class<?> mapping : mappings) {
            ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
            if (annotation == null) {
                throw new IllegalArgumentException(mapping + " is not a @ConfigMapping");
            }
            walk(mapping, annotation.prefix(), annotation.namingStrategy(), variables, mapPrefixes);
        }
        return new ConfigEnvironment(variables, mapPrefixes);
    }

    /** Whether cpdb (or Quarkus, or the JVM) reads the environment variable {@code name}. */
    boolean reads(String name) {
        return variables.contains(name)
                || mapPrefixes.stream().anyMatch(name::startsWith)
                || FRAMEWORK_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** The variables derived from cpdb's mappings, sorted. */
    Set<String> variables() {
        return variables;
    }

    /** The environment-variable form of a property name, as SmallRye Config's environment source matches it. */
    static String environmentName(String property) {
        StringBuilder name = new StringBuilder(property.length());
        for (char c : property.toCharArray()) {
            name.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return name.toString();
    }

    /** A method name in the given naming strategy ({@code startTimeoutSeconds} is {@code start-timeout-seconds}). */
    static String propertyName(String methodName, ConfigMapping.NamingStrategy strategy) {
        return switch (strategy) {
            case VERBATIM -> methodName;
            case KEBAB_CASE -> words(methodName, '-');
            case SNAKE_CASE -> words(methodName, '_');
        };
    }

    private static String words(String camel, char separator) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char before = camel.charAt(i - 1);
                boolean wordStart = Character.isLowerCase(before) || Character.isDigit(before)
                        || (i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1)));
                if (wordStart) {
                    out.append(separator);
                }
            }
            out.append(Character.toLowerCase(c));
        }
        return out.toString();
    }

    private static void walk(Class<?> group, String prefix, ConfigMapping.NamingStrategy strategy,
            Set<String> variables, Set<String> mapPrefixes) {
        for (Method method : group.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            String name = method.isAnnotationPresent(WithParentName.class) ? prefix
                    : join(prefix, Optional.ofNullable(method.getAnnotation(WithName.class)).map(WithName::value)
                            .orElseGet(() -> propertyName(method.getName(), strategy)));
            Type type = unwrapOptional(method.getGenericReturnType());
            Class<?> raw = rawClass(type);
            if (Map.class.isAssignableFrom(raw)) {
                // Keys are free-form, so any variable below the map's name is one cpdb reads.
                mapPrefixes.add(environmentName(name) + "_");
            } else if (Collection.class.isAssignableFrom(raw) && isGroup(rawClass(elementType(type)))) {
                mapPrefixes.add(environmentName(name) + "_");
            } else if (isGroup(raw)) {
                walk(raw, name, strategy, variables, mapPrefixes);
            } else {
                variables.add(environmentName(name));
            }
        }
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.");
    }

    private static Type unwrapOptional(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == Optional.class) {
            return parameterized.getActualTypeArguments()[0];
        }
        return type;
    }

    private static Type elementType(Type type) {
        return type instanceof ParameterizedType parameterized ? parameterized.getActualTypeArguments()[0]
                : Object.class;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> plain) {
            return plain;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return Object.class;
    }

    /** Every {@code @ConfigMapping} interface compiled from {@code src/main/java}. */
    static List<Class<?>> applicationMappings() {
        return Repository.mainClasses().stream()
                .filter(type -> type.isAnnotationPresent(ConfigMapping.class))
                .toList();
    }

    @Override
    public String toString() {
        return "variables " + variables + ", map prefixes " + mapPrefixes + ", framework prefixes "
                + FRAMEWORK_PREFIXES;
    }
}
