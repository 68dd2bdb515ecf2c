package colmena.coordinator;

import colmena.broker.MalformedMessageException;
import colmena.broker.Outcome;
import colmena.broker.RedisKeys;
import colmena.task.TaskResult;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A batch of results as read: its results, what to do with each raw message once stored, and the replies waited for. */
record ResultBatch(List<TaskResult> results, List<Outcome> drops, Map<String, List<String>> replies) {

    /** Reads each raw result; an unreadable one goes to the dead letters, with a line in {@code log}. */
    static ResultBatch read(List<String> raws, Logger log) {
        List<TaskResult> results = new ArrayList<>(raws.size());
        List<Outcome> drops = new ArrayList<>(raws.size());
        Map<String, List<String>> replies = new LinkedHashMap<>();
        for (String raw : raws) {
            try {
                TaskResult r = TaskResult.read(raw);
                results.add(r);
                if (r.status().isFinal() && r.task().replyTo() != null && !RetryPolicy.retries(r)) {
                    replies.computeIfAbsent(r.task().replyTo(), k -> new ArrayList<>()).add(raw);
                }
                drops.add(Outcome.dropStored(raw));
            } catch (MalformedMessageException e) {
                log.warn("Unreadable result in {} moved to {}: {}", RedisKeys.resultsQueue(), RedisKeys.deadLetter(),
                        e.getMessage());
                drops.add(Outcome.deadLetter(raw, RedisKeys.resultsQueue(), e.getMessage()));
            }
        }
        return new ResultBatch(results, drops, replies);
    }
}
