package colmena.api;

import colmena.auth.Role;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterMatchTest {
    private final Router router = new Router(null)
            .get("/api/tasks/{id}", Role.VIEWER, r -> null)
            .post("/api/tasks/cancel", Role.OPERATOR, r -> null)
            .post("/api/tasks/{id}/cancel", Role.OPERATOR, r -> null)
            .get("/api/nodes", Role.VIEWER, r -> null).withoutDatabase();

    @Test
    void aMatchCarriesThePathsParameters() {
        Router.Match m = router.match("POST", "/api/tasks/t-1/cancel");
        assertEquals("/api/tasks/{id}/cancel", m.route().template());
        assertEquals(Map.of("id", "t-1"), m.params());
        assertFalse(m.quick());
    }

    @Test
    void headIsMatchedAsGet() {
        Router.Match m = router.match("HEAD", "/api/nodes");
        assertEquals("/api/nodes", m.route().template());
        assertTrue(m.quick());
    }

    @Test
    void theFirstRouteForTheMethodWins() {
        assertEquals("/api/tasks/cancel", router.match("POST", "/api/tasks/cancel").route().template());
        assertEquals("/api/tasks/{id}", router.match("GET", "/api/tasks/cancel").route().template());
    }

    @Test
    void aPathWithoutItsMethodSaysWhichMethodsItAllows() {
        Router.Match m = router.match("DELETE", "/api/tasks/cancel");
        assertNull(m.route());
        assertEquals(Set.of("POST", "GET"), m.allowed());
        assertTrue(m.quick(), "answered by the router alone");
    }

    @Test
    void anUnknownPathMatchesNothing() {
        Router.Match m = router.match("GET", "/api/nope");
        assertNull(m.route());
        assertTrue(m.allowed().isEmpty());
    }
}
