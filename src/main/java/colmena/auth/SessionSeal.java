package colmena.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Signs what a dashboard session says (HMAC-SHA256 with a key kept in the database's
 * {@code ApiSecrets}, never in Redis), so whoever can write Redis cannot make a session up, nor
 * move a real one to another cookie or user: the signature covers the cookie's hash too.
 */
public final class SessionSeal {
    /** The name of the key in {@code ApiSecrets}. */
    public static final String KEY_NAME = "session-hmac";
    private final SecretKeySpec key;

    public SessionSeal(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The signature of these fields, in this order (each field is length-prefixed, so none can bleed into the next). */
    public String sign(Object... fields) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (Object f : fields) {
                byte[] b = String.valueOf(f).getBytes(StandardCharsets.UTF_8);
                mac.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
                mac.update(b);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Whether {@code signature} is that of these fields (compared in constant time). */
    public boolean verify(String signature, Object... fields) {
        return signature != null && MessageDigest.isEqual(signature.getBytes(StandardCharsets.US_ASCII),
                sign(fields).getBytes(StandardCharsets.US_ASCII));
    }
}
