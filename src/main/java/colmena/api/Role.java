package colmena.api;

/** Who may call an endpoint: viewers look, operators also submit, admins also manage nodes. */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }
}
