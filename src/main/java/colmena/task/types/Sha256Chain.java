package colmena.task.types;

import colmena.task.Param;
import colmena.task.TaskContext;
import colmena.task.TaskParams;
import colmena.task.TaskType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** Hashes the seed's decimal text with SHA-256, then hashes the hash, rounds times in all. */
public final class Sha256Chain implements TaskType {
    @Override
    public String name() {
        return "sha256-chain";
    }

    @Override
    public String summary() {
        return "SHA-256 of the seed, hashed again rounds times; answer the last hash";
    }

    @Override
    public List<Param> params() {
        return List.of(
                new Param("rounds", 1, 50_000_000, 100_000, "how many times to hash"),
                new Param("seed", 0, Long.MAX_VALUE, 0, "what the first round hashes (as decimal text)"));
    }

    @Override
    public String run(TaskParams params, TaskContext context) throws Exception {
        return chain(params.get("rounds"), params.get("seed"), context);
    }

    public static String chain(long rounds, long seed, TaskContext context) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] h = Long.toString(seed).getBytes(StandardCharsets.US_ASCII);
        for (long i = 0; i < rounds; i++) {
            h = sha.digest(h);
            if ((i & 0xFFFF) == 0 && context != null) {
                context.checkpoint();
                context.progress((int) (i * 100 / rounds), null);
            }
        }
        return HexFormat.of().formatHex(h);
    }
}
