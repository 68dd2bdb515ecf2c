package colmena.auth;

import com.google.gson.annotations.SerializedName;

import java.util.Locale;

/** Who may do what: viewers look, operators also submit tasks, admins also manage nodes, users and tokens. */
public enum Role {
    @SerializedName("viewer") VIEWER,
    @SerializedName("operator") OPERATOR,
    @SerializedName("admin") ADMIN;

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The name as stored and shown: {@code viewer}, {@code operator}, {@code admin}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the roles there are */
    public static Role parse(String text) {
        if (text != null) {
            for (Role r : values()) {
                if (r.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("role must be viewer, operator or admin, got \"" + text + "\"");
    }
}
