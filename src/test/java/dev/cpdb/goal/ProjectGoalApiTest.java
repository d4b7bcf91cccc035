package dev.cpdb.goal;

import static dev.cpdb.testing.Api.agent;
import static dev.cpdb.testing.Api.newAgent;
import static dev.cpdb.testing.Api.newAgentKey;
import static dev.cpdb.testing.Api.newCompany;
import static dev.cpdb.testing.Api.operator;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Projects and nested goals, run directly and through PgBouncer by the subclasses. Expectations come from the data
 * model: links stay inside one company, goals form a tree, records still referenced cannot be deleted.
 */
abstract class ProjectGoalApiTest {

    @Test
    void aProjectIsCreatedChangedAndLogged() {
        String company = newCompany();
        String project = newProject(company, "Launch");

        operator().body(Map.of("status", "paused", "description", "waiting for funding"))
                .patch("/api/projects/{id}", project)
                .then()
                .statusCode(200)
                .body("status", equalTo("paused"))
                .body("name", equalTo("Launch"));
        operator().get("/api/companies/{id}/projects?status=paused", company)
                .then()
                .body("items.id", equalTo(List.of(project)));
        operator().get("/api/companies/{id}/activity?entityId={p}", company, project)
                .then()
                .body("items.action", equalTo(List.of("project.updated", "project.created")))
                .body("items[0].details.changed", equalTo(List.of("description", "status")));
    }

    @Test
    void goalsNestAndCanBeListedByParent() {
        String company = newCompany();
        String root = newGoal(company, "Grow", null);
        String child = newGoal(company, "Ship v1", root);
        newGoal(company, "Unrelated", null);

        operator().get("/api/companies/{id}/goals?parentId={p}", company, root)
                .then()
                .statusCode(200)
                .body("items.id", equalTo(List.of(child)));
        operator().get("/api/goals/{id}", child).then().body("parentId", equalTo(root));
    }

    @Test
    void aGoalCannotBecomeItsOwnAncestor() {
        String company = newCompany();
        String a = newGoal(company, "A", null);
        String b = newGoal(company, "B", a);
        String c = newGoal(company, "C", b);

        operator().body(Map.of("parentId", c))
                .patch("/api/goals/{id}", a)
                .then()
                .statusCode(422)
                .body("detail", containsString("sub-goals"));
        operator().body(Map.of("parentId", a))
                .patch("/api/goals/{id}", a)
                .then()
                .statusCode(422);
        operator().get("/api/goals/{id}", a).then().body("parentId", nullValue());
    }

    @Test
    void aGoalCanBeDetachedFromItsParentWithNull() {
        String company = newCompany();
        String parent = newGoal(company, "Parent", null);
        String child = newGoal(company, "Child", parent);
        Map<String, Object> detach = new HashMap<>();
        detach.put("parentId", null);

        operator().body(detach).patch("/api/goals/{id}", child).then().statusCode(200).body("parentId", nullValue());
    }

    @Test
    void linksToAnotherCompanysRecordsAreRefused() {
        String company = newCompany();
        String other = newCompany();
        String foreignGoal = newGoal(other, "Theirs", null);
        String foreignProject = newProject(other, "Theirs");

        operator().body(Map.of("title", "Mine", "parentId", foreignGoal))
                .post("/api/companies/{id}/goals", company)
                .then()
                .statusCode(422)
                .body("detail", containsString("parentId"));
        operator().body(Map.of("title", "Mine", "projectId", foreignProject))
                .post("/api/companies/{id}/goals", company)
                .then()
                .statusCode(422)
                .body("detail", containsString("projectId"));
        operator().get("/api/companies/{id}/goals", company).then().body("items", hasSize(0));
    }

    @Test
    void aGoalWithSubGoalsAndAProjectWithGoalsCannotBeDeleted() {
        String company = newCompany();
        String project = newProject(company, "Base");
        String parent = operator().body(Map.of("title", "Parent", "projectId", project))
                .post("/api/companies/{id}/goals", company)
                .then()
                .statusCode(201)
                .extract().path("id");
        String child = newGoal(company, "Child", parent);

        operator().delete("/api/goals/{id}", parent)
                .then()
                .statusCode(409)
                .body("detail", containsString("goal is still referenced by at least one goal"));
        operator().delete("/api/projects/{id}", project)
                .then()
                .statusCode(409)
                .body("detail", containsString("project is still referenced"));

        operator().delete("/api/goals/{id}", child).then().statusCode(204);
        operator().delete("/api/goals/{id}", parent).then().statusCode(204);
        operator().delete("/api/projects/{id}", project).then().statusCode(204);
    }

    @Test
    void anAgentManagesProjectsAndGoalsOfItsOwnCompanyOnly() {
        String company = newCompany();
        String key = newAgentKey(newAgent(company, "planner"));
        String foreignProject = newProject(newCompany(), "Elsewhere");

        agent(key).body(Map.of("name", "Agent project"))
                .post("/api/companies/{id}/projects", company)
                .then()
                .statusCode(201);
        agent(key).get("/api/projects/{id}", foreignProject).then().statusCode(404);
        agent(key).delete("/api/projects/{id}", foreignProject).then().statusCode(404);
        operator().get("/api/projects/{id}", foreignProject).then().statusCode(200);
    }

    static String newProject(String company, String name) {
        return operator().body(Map.of("name", name))
                .post("/api/companies/{id}/projects", company)
                .then()
                .statusCode(201)
                .body("status", equalTo("active"))
                .extract().path("id");
    }

    static String newGoal(String company, String title, String parentId) {
        Map<String, Object> body = new HashMap<>(Map.of("title", title));
        if (parentId != null) {
            body.put("parentId", parentId);
        }
        return operator().body(body)
                .post("/api/companies/{id}/goals", company)
                .then()
                .statusCode(201)
                .extract().path("id");
    }
}
