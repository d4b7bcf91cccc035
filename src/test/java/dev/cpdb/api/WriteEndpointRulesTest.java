package dev.cpdb.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.auth.Secured;

/**
 * Every endpoint that writes has a rule saying who may call it, and a test that shows the rule holds. The endpoints
 * are found by reflection over the service's JAX-RS resources, so a new write endpoint without a row here fails this
 * test; so does a row whose rule does not match the endpoint's {@link Secured} marking, or whose evidence test is
 * gone. The rules are the README's "who may do what".
 */
class WriteEndpointRulesTest {

    /** Who may call a write endpoint. */
    enum Rule {
        /** Only the operator token; an agent key answers 403 before anything is looked up. */
        OPERATORS_ONLY(false),
        /** Agents of the record's company; records of other companies answer 404. */
        OWN_COMPANY(true),
        /** Own company; the env's secret references need grants (a new agent holds none); adapterConfig limits. */
        AGENT_CREATE(true),
        /** Own company; AgentLifecycle's status table, terminated final for agents; grants; adapterConfig limits. */
        AGENT_CHANGE(true),
        /** Own company; an agent may delete only itself. */
        AGENT_DELETE(true),
        /** Own company; only the comment's author (or an operator) changes or deletes it. */
        COMMENT_AUTHOR(true);

        final boolean agents;

        Rule(boolean agents) {
            this.agents = agents;
        }
    }

    /** A rule and the tests (class#method, in dev.cpdb) that show it holds for the endpoint. */
    record Row(Rule rule, List<String> evidence) {
    }

    private static final String BOUNDARIES = "api.AgentBoundariesApiTest#";
    private static final String SWEEP = BOUNDARIES + "anAgentOfAnotherCompanyChangesNothingThere";
    private static final String OPERATOR_ENDPOINT = "auth.BearerAuthenticationTest#anAgentKeyOnAnOperatorEndpointIsForbidden";

    private static final Map<String, Row> RULES = Map.ofEntries(
            row("POST /api/companies", Rule.OPERATORS_ONLY, "agent.AgentApiTest#agentsCannotManageKeysOrCompanies"),
            row("PATCH /api/companies/{id}", Rule.OPERATORS_ONLY, SWEEP),
            row("DELETE /api/companies/{id}", Rule.OPERATORS_ONLY,
                    "agent.AgentApiTest#agentsCannotManageKeysOrCompanies"),
            row("POST /api/companies/{companyId}/agents", Rule.AGENT_CREATE, SWEEP,
                    "agent.grant.SecretGrantApiTest#anAgentMayReferToASecretOnlyOnceItHoldsAGrant",
                    BOUNDARIES + "adapterConfigOverTheSizeOrEntryLimitIsRefused"),
            row("PATCH /api/agents/{id}", Rule.AGENT_CHANGE, SWEEP,
                    BOUNDARIES + "everyStatusChangeFollowsTheTransitionTable",
                    BOUNDARIES + "aColleagueCannotBringBackATerminatedAgentButAnOperatorCan",
                    "agent.grant.SecretGrantApiTest#anAgentMayReferToASecretOnlyOnceItHoldsAGrant",
                    BOUNDARIES + "deeplyNestedAdapterConfigIsRefusedAndTheListStaysReadable",
                    BOUNDARIES + "loneSurrogatesAreRefusedAndPairsAreKept"),
            row("DELETE /api/agents/{id}", Rule.AGENT_DELETE, SWEEP,
                    BOUNDARIES + "anAgentMayEndItselfButNotAColleague"),
            row("POST /api/agents/{id}/keys", Rule.OPERATORS_ONLY,
                    "agent.AgentApiTest#agentsCannotManageKeysOrCompanies"),
            row("DELETE /api/agents/{id}/keys/{keyId}", Rule.OPERATORS_ONLY, SWEEP),
            row("POST /api/companies/{companyId}/projects", Rule.OWN_COMPANY, SWEEP),
            row("PATCH /api/projects/{id}", Rule.OWN_COMPANY, SWEEP),
            row("DELETE /api/projects/{id}", Rule.OWN_COMPANY, SWEEP,
                    "goal.ProjectGoalApiTest#anAgentManagesProjectsAndGoalsOfItsOwnCompanyOnly"),
            row("POST /api/companies/{companyId}/goals", Rule.OWN_COMPANY, SWEEP),
            row("PATCH /api/goals/{id}", Rule.OWN_COMPANY, SWEEP),
            row("DELETE /api/goals/{id}", Rule.OWN_COMPANY, SWEEP),
            row("POST /api/companies/{companyId}/issues", Rule.OWN_COMPANY, SWEEP),
            row("PATCH /api/issues/{issue}", Rule.OWN_COMPANY, SWEEP,
                    "issue.IssueApiTest#anAgentCannotReachAnotherCompanysIssuesByIdOrIdentifier"),
            row("DELETE /api/issues/{issue}", Rule.OWN_COMPANY, SWEEP),
            row("POST /api/issues/{issue}/comments", Rule.OWN_COMPANY, SWEEP),
            row("PATCH /api/comments/{id}", Rule.COMMENT_AUTHOR, SWEEP,
                    "issue.IssueApiTest#onlyTheAuthorOrAnOperatorChangesAComment"),
            row("DELETE /api/comments/{id}", Rule.COMMENT_AUTHOR, SWEEP,
                    "issue.IssueApiTest#onlyTheAuthorOrAnOperatorChangesAComment"),
            row("POST /api/companies/{companyId}/secrets", Rule.OPERATORS_ONLY,
                    BOUNDARIES + "agentsCannotChangeSecretsWithOrWithoutAGrant"),
            row("PATCH /api/secrets/{id}", Rule.OPERATORS_ONLY,
                    BOUNDARIES + "agentsCannotChangeSecretsWithOrWithoutAGrant"),
            row("POST /api/secrets/{id}/versions", Rule.OPERATORS_ONLY,
                    BOUNDARIES + "agentsCannotChangeSecretsWithOrWithoutAGrant"),
            row("DELETE /api/secrets/{id}", Rule.OPERATORS_ONLY,
                    BOUNDARIES + "agentsCannotChangeSecretsWithOrWithoutAGrant"),
            row("PUT /api/secrets/{id}/grants/{agentId}", Rule.OPERATORS_ONLY,
                    "agent.grant.SecretGrantApiTest#grantsAcrossCompaniesOrOfUnknownRecordsAnswer404AndAgentsCannotManageGrants"),
            row("DELETE /api/secrets/{id}/grants/{agentId}", Rule.OPERATORS_ONLY,
                    "agent.grant.SecretGrantApiTest#grantsAcrossCompaniesOrOfUnknownRecordsAnswer404AndAgentsCannotManageGrants"),
            row("POST /api/plugins/{key}/migrate", Rule.OPERATORS_ONLY, OPERATOR_ENDPOINT),
            row("PATCH /api/settings/{key}", Rule.OPERATORS_ONLY, OPERATOR_ENDPOINT),
            row("POST /api/db/backups", Rule.OPERATORS_ONLY, OPERATOR_ENDPOINT),
            row("DELETE /api/db/backups/{id}", Rule.OPERATORS_ONLY, OPERATOR_ENDPOINT),
            row("POST /api/db/backups/{id}/verify", Rule.OPERATORS_ONLY, OPERATOR_ENDPOINT));

    private static Map<String, Optional<Secured>> endpoints;

    @BeforeAll
    static void findWriteEndpoints() throws IOException, URISyntaxException, ClassNotFoundException {
        endpoints = writeEndpoints();
    }

    @Test
    void thereAreWriteEndpointsToCheck() {
        // Guards the scan itself: finding nothing would make every other check pass.
        assertTrue(endpoints.containsKey("PATCH /api/agents/{id}"), endpoints.keySet().toString());
    }

    @Test
    void everyWriteEndpointHasARuleAndEveryRuleAnEndpoint() {
        TreeSet<String> missing = new TreeSet<>(endpoints.keySet());
        missing.removeAll(RULES.keySet());
        TreeSet<String> stale = new TreeSet<>(RULES.keySet());
        stale.removeAll(endpoints.keySet());
        assertEquals(List.of(), List.copyOf(missing), "write endpoints without a rule in this table");
        assertEquals(List.of(), List.copyOf(stale), "rules for endpoints that do not exist");
    }

    @Test
    void everyEndpointNeedsATokenAndAdmitsAgentsExactlyAsItsRuleSays() {
        List<String> wrong = new ArrayList<>();
        endpoints.forEach((endpoint, secured) -> {
            Row row = RULES.get(endpoint);
            if (secured.isEmpty()) {
                wrong.add(endpoint + " is not @Secured: anyone could call it");
            } else if (row != null && secured.get().agents() != row.rule().agents) {
                wrong.add(endpoint + " admits agents=" + secured.get().agents() + " but its rule is " + row.rule());
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyRuleNamesTestsThatExist() {
        List<String> missing = new ArrayList<>();
        RULES.forEach((endpoint, row) -> {
            if (row.evidence().isEmpty()) {
                missing.add(endpoint + ": no test named");
            }
            for (String evidence : row.evidence()) {
                String[] parts = evidence.split("#");
                try {
                    Class<?> type = Class.forName("dev.cpdb." + parts[0]);
                    if (Stream.of(type.getDeclaredMethods()).noneMatch(m -> m.getName().equals(parts[1])
                            && m.isAnnotationPresent(Test.class))) {
                        missing.add(endpoint + ": no test " + evidence);
                    }
                } catch (ClassNotFoundException e) {
                    missing.add(endpoint + ": no test class " + parts[0]);
                }
            }
        });
        assertEquals(List.of(), missing);
    }

    private static Map.Entry<String, Row> row(String endpoint, Rule rule, String... evidence) {
        return Map.entry(endpoint, new Row(rule, List.of(evidence)));
    }

    /** "METHOD /path" of every POST, PUT, PATCH and DELETE resource method, with its effective {@link Secured}. */
    private static Map<String, Optional<Secured>> writeEndpoints()
            throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(Secured.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isDirectory(classes)) {
            fail("the service's classes are not a folder: " + classes);
        }
        List<String> names;
        try (Stream<Path> files = Files.walk(classes.resolve("dev/cpdb"))) {
            names = files.filter(file -> file.toString().endsWith(".class"))
                    .map(file -> classes.relativize(file).toString())
                    .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .toList();
        }
        Map<String, Optional<Secured>> found = new TreeMap<>();
        for (String name : names) {
            Class<?> type = Class.forName(name, false, WriteEndpointRulesTest.class.getClassLoader());
            jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
            if (root == null) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                String verb = verb(method);
                if (verb == null) {
                    continue;
                }
                jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                String path = sub == null ? root.value() : root.value() + "/" + sub.value();
                Secured secured = method.isAnnotationPresent(Secured.class) ? method.getAnnotation(Secured.class)
                        : type.getAnnotation(Secured.class);
                found.put(verb + " " + path.replaceAll("/+", "/"), Optional.ofNullable(secured));
            }
        }
        return found;
    }

    private static String verb(Method method) {
        if (method.isAnnotationPresent(POST.class)) {
            return "POST";
        }
        if (method.isAnnotationPresent(PUT.class)) {
            return "PUT";
        }
        if (method.isAnnotationPresent(PATCH.class)) {
            return "PATCH";
        }
        return method.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
    }
}
