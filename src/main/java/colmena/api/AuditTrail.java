package colmena.api;

import colmena.auth.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/** Writes AuditLog rows for what a request did. A row that cannot be written is logged, not lost silently. */
final class AuditTrail {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private final UserStore users;

    AuditTrail(UserStore users) {
        this.users = users;
    }

    void record(Request r, String action, String target, String detail) {
        String actor = r.principal() == null ? null : r.principal().user();
        try {
            users.audit(actor, action, target, r.address(), detail);
        } catch (SQLException e) {
            LOG.warn("Audit row not written ({} {} by {} from {}): {}", action, target, actor, r.address(), e.getMessage());
        }
    }
}
