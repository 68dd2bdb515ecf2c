package colmena.broker;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.params.ScanParams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every move a task makes through Redis, and nothing else. A task is always in exactly one of
 * these lists, or stored in TaskHistory:
 *
 * <pre>
 *  tasks:submitted ─take─▶ tasks:placing ─move─▶ node:&lt;id&gt;:tasks ─take─▶ node:&lt;id&gt;:inflight
 *        ▲  (API, CLI)        (coordinator)          ▲  (coordinator)           │ (agent)
 *        │                                           │                          │ finish
 *        └──────────── reclaim (node lost) ──────────┴── hand back (agent stop) ▼
 *                                       results:storing ◀─take─ results:queue
 *                                         (coordinator; dropped after the database commit)
 * </pre>
 *
 * Every take is an atomic move into an in-flight list owned by the taker, and every removal from
 * an in-flight list happens in the same script that sends the message on, so a process that dies
 * at any point leaves each task somewhere visible. Messages larger than {@link #MAX_MESSAGE_BYTES}
 * go to the dead-letter list as they are taken.
 */
public final class TaskQueue {
    public static final int MAX_MESSAGE_BYTES = Json.MAX_MESSAGE_CHARS;
    public static final int DEAD_LETTER_MAX = 1_000;
    public static final int DEAD_LETTER_RAW_CHARS = 4_096;
    /** On a Redis without BLMOVE (before 6.2), an empty queue is looked at this often. */
    private static final long POLL_MS = 10;
    private static final int PUSH_CHUNK = 1_000;

    /**
     * A Lua function shared by the scripts: refuses (with an error reply, before anything is
     * changed) to push onto a key that holds something other than a list, which only someone
     * writing into Redis by hand can cause; the caller's batch stays where it was.
     */
    private static final String CHECK_LIST = """
            local function fenceProblem(leaderKey, installKey, holder, install)
              if holder == '' then return nil end
              local h = redis.call('GET', leaderKey)
              if h ~= holder then
                return 'FENCED this coordinator (' .. holder .. ') no longer holds the lease; ' .. tostring(h) .. ' does'
              end
              local cur = redis.call('GET', installKey)
              if not cur or string.match(cur, '^(%S+)') ~= install then
                return 'FENCED Redis no longer belongs to installation ' .. install .. ' (it holds ' .. tostring(cur) .. ')'
              end
              return nil
            end
            local function isList(key)
              local t = redis.call('TYPE', key)
              t = type(t) == 'table' and t.ok or t
              return t == 'list' or t == 'none'
            end
            """;

    /**
     * Takes up to ARGV[1] messages from the head of KEYS[1] to the tail of KEYS[2], a few commands
     * per batch whatever its size. Oversized messages go to the dead-letter list KEYS[3] instead and
     * count towards the batch, so a batch may come back smaller than what is waiting. With a fence
     * (ARGV[6] holder, ARGV[7] installation; KEYS[4] the lease, KEYS[5] the installation stamp),
     * nothing is taken unless that holder has the lease of that installation.
     */
    private static final Script TAKE = new Script(CHECK_LIST + """
            local fenced = fenceProblem(KEYS[4], KEYS[5], ARGV[6], ARGV[7])
            if fenced then return redis.error_reply(fenced) end
            local n = tonumber(ARGV[1])
            if n < 1 then return {} end
            if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
            local vals = redis.call('LRANGE', KEYS[1], 0, n - 1)
            if #vals == 0 then return vals end
            redis.call('LTRIM', KEYS[1], #vals, -1)
            local maxBytes = tonumber(ARGV[2])
            local out = {}
            for _, v in ipairs(vals) do
              if #v > maxBytes then
                redis.call('LPUSH', KEYS[3], cjson.encode({source = KEYS[1],
                  reason = 'message of ' .. #v .. ' bytes; the limit is ' .. maxBytes,
                  raw = string.sub(v, 1, tonumber(ARGV[5])), atMs = tonumber(ARGV[4])}))
                redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[3]) - 1)
              else
                out[#out + 1] = v
              end
            end
            for i = 1, #out, 1000 do
              redis.call('RPUSH', KEYS[2], unpack(out, i, math.min(#out, i + 999)))
            end
            return out
            """);

    /**
     * With a fence (ARGV[5] holder, ARGV[6] installation; KEYS[2] the lease, KEYS[3] the stamp)
     * nothing moves unless that holder has the lease of that installation. For each ARGV group
     * from ARGV[7] on (raw, op, dest, payload, guard): stops if a guard key is
     * given and does not exist (a node that has gone gets nothing more); otherwise takes the raw
     * text out of KEYS[1] (the head only, or anywhere) and, if it was there, sends its payload on.
     * Payloads for the same end of the same list go in one push, in their order (pushes to
     * different lists, or to opposite ends of one list, do not depend on each other's order). A
     * payload whose destination holds something other than a list goes to the dead-letter list
     * (ARGV[2], kept to ARGV[3] entries; ARGV[4] is the time) instead of being lost. Returns how
     * many were moved.
     */
    private static final Script MOVE = new Script(CHECK_LIST + """
            local fenced = fenceProblem(KEYS[2], KEYS[3], ARGV[5], ARGV[6])
            if fenced then return redis.error_reply(fenced) end
            local src = KEYS[1]
            local headOnly = ARGV[1] == 'head'
            local dead = ARGV[2]
            if not isList(dead) then return redis.error_reply(dead .. ' is not a list') end
            local head
            if headOnly then head = redis.call('LRANGE', src, 0, (#ARGV - 6) / 5 - 1) end
            local guards = {}
            local usable = {}
            local groups = {}
            local order = {}
            local function push(isLeft, dest, value, trim, cmd)
              cmd = cmd or (isLeft and 'LPUSH' or 'RPUSH')
              local key = cmd .. ' ' .. dest
              local g = groups[key]
              if not g then
                g = {cmd = cmd, dest = dest, vals = {}}
                groups[key] = g
                order[#order + 1] = g
              end
              g.vals[#g.vals + 1] = value
              g.trim = g.trim or trim
            end
            -- A task's priority, 0-9 (5 when it has none), from its text.
            local function prio(v)
              return tonumber(string.match(v, ',"priority":(%d+)')) or 5
            end
            -- Behind every task of the same or a higher priority, ahead of every lower one.
            local function enqueue(dest, value)
              local p = prio(value)
              local tail = redis.call('LINDEX', dest, -1)
              if not tail or prio(tail) >= p then
                redis.call('RPUSH', dest, value)
                return
              end
              local stop = redis.call('LLEN', dest) - 1
              while stop >= 0 do
                local start = math.max(0, stop - 199)
                local chunk = redis.call('LRANGE', dest, start, stop)
                for i = #chunk, 1, -1 do
                  if prio(chunk[i]) >= p then
                    redis.call('LINSERT', dest, 'AFTER', chunk[i], value)
                    return
                  end
                end
                stop = start - 1
              end
              redis.call('LPUSH', dest, value)
            end
            local moved = 0
            for i = 7, #ARGV, 5 do
              local raw = ARGV[i]
              local guard = ARGV[i + 4]
              if guard ~= '' then
                local alive = guards[guard]
                if alive == nil then
                  alive = redis.call('EXISTS', guard) == 1
                  guards[guard] = alive
                end
                if not alive then break end
              end
              local found
              if headOnly then
                found = head[moved + 1] == raw
              else
                found = redis.call('LREM', src, 1, raw) > 0
              end
              if found then
                moved = moved + 1
                local op, dest, payload = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
                if op == 'D' then dest = dead end
                if op ~= 'N' then
                  local ok = usable[dest]
                  if ok == nil then
                    ok = isList(dest)
                    usable[dest] = ok
                  end
                  if not ok then
                    push(true, dead, cjson.encode({source = src,
                      reason = 'could not be sent on: ' .. dest .. ' holds something other than a list',
                      raw = string.sub(payload, 1, 4096), atMs = tonumber(ARGV[4])}), true)
                  elseif op == 'D' then push(true, dead, payload, true)
                  elseif op == 'L' then push(true, dest, payload, false)
                  elseif op == 'Q' then push(false, dest, payload, false, 'ENQUEUE')
                  else push(false, dest, payload, false) end
                end
              elseif headOnly then
                break
              end
            end
            if headOnly and moved > 0 then redis.call('LTRIM', src, moved, -1) end
            for _, g in ipairs(order) do
              local bulk = g.cmd ~= 'ENQUEUE'
              if not bulk then
                -- In one push when none of them goes ahead of what waits, nor of each other (the usual case).
                local tail = redis.call('LINDEX', g.dest, -1)
                local floor = tail and prio(tail) or 9
                bulk = true
                for _, v in ipairs(g.vals) do
                  local p = prio(v)
                  if p > floor then bulk = false break end
                  floor = p
                end
              end
              if bulk then
                local cmd = g.cmd == 'ENQUEUE' and 'RPUSH' or g.cmd
                for i = 1, #g.vals, 1000 do
                  redis.call(cmd, g.dest, unpack(g.vals, i, math.min(#g.vals, i + 999)))
                end
              else
                for _, v in ipairs(g.vals) do enqueue(g.dest, v) end
              end
              if g.trim then redis.call('LTRIM', g.dest, 0, tonumber(ARGV[3]) - 1) end
            end
            return moved
            """);

    /**
     * An agent's finished tasks: out of its in-flight list and onto results:queue, in one step.
     * Tasks mostly finish in the order they were taken, so those at the head of the in-flight list
     * go with one trim; any others are looked for one by one.
     */
    private static final Script FINISH = new Script(CHECK_LIST + """
            if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
            local gone = {}
            local wanted = 0
            local results = {}
            for i = 2, #ARGV, 2 do
              if ARGV[i] ~= '' then
                gone[ARGV[i]] = (gone[ARGV[i]] or 0) + 1
                wanted = wanted + 1
              end
              results[#results + 1] = ARGV[i + 1]
            end
            if wanted > 0 then
              local head = redis.call('LRANGE', KEYS[1], 0, wanted - 1)
              local trimmed = 0
              for _, v in ipairs(head) do
                local left = gone[v]
                if not left or left == 0 then break end
                gone[v] = left - 1
                trimmed = trimmed + 1
              end
              if trimmed > 0 then redis.call('LTRIM', KEYS[1], trimmed, -1) end
              for v, left in pairs(gone) do
                if left > 0 then redis.call('LREM', KEYS[1], left, v) end
              end
            end
            for i = 1, #results, 1000 do
              redis.call('RPUSH', KEYS[2], unpack(results, i, math.min(#results, i + 999)))
            end
            if tonumber(ARGV[1]) > 0 then redis.call('INCRBY', KEYS[3], ARGV[1]) end
            return 1
            """);

    /**
     * For each (list, text) pair from ARGV[4] on, pushes the text onto the list; each list then
     * expires ARGV[2] seconds later. With a fence (ARGV[1] holder, ARGV[3] installation; KEYS[1]
     * the lease, KEYS[2] the stamp) nothing is pushed unless that holder leads that installation.
     */
    private static final Script REPLY = new Script(CHECK_LIST + """
            local fenced = fenceProblem(KEYS[1], KEYS[2], ARGV[1], ARGV[3])
            if fenced then return redis.error_reply(fenced) end
            local lists = {}
            for i = 4, #ARGV, 2 do
              redis.call('RPUSH', ARGV[i], ARGV[i + 1])
              lists[ARGV[i]] = true
            end
            for k, _ in pairs(lists) do redis.call('EXPIRE', k, ARGV[2]) end
            return 1
            """);

    /** The prefix of the error a fenced script answers with. */
    private static final String FENCED = "FENCED ";

    /**
     * Who a coordinator's moves are made for: they happen only while {@code holder} has the lease
     * and Redis still belongs to {@code installationId}, checked in the same script as the move.
     */
    public record Fence(String holder, String installationId) {
    }

    /** Thrown instead of moving when the fence no longer holds; nothing was changed. */
    public static final class FencedException extends RuntimeException {
        FencedException(String message) {
            super(message);
        }
    }

    private final Redis redis;
    /** The fence of a coordinator's queue, read at each move; null for agents, the API and the CLI. */
    private final java.util.function.Supplier<Fence> fence;
    /** Where this queue's takes and moves put dead letters, and where an agent's results go. */
    private final String deadLetterKey;
    private final String resultsKey;

    public TaskQueue(Redis redis) {
        this(redis, null, RedisKeys.deadLetter(), RedisKeys.resultsQueue());
    }

    private TaskQueue(Redis redis, java.util.function.Supplier<Fence> fence, String deadLetterKey, String resultsKey) {
        this.redis = redis;
        this.fence = fence;
        this.deadLetterKey = deadLetterKey;
        this.resultsKey = resultsKey;
    }

    /**
     * The queue of an agent that logs in with its own credential: it touches only its node's keys,
     * so its results go to {@code node:<id>:results} and its dead letters to
     * {@code node:<id>:deadletter}, for the coordinator to check and move on.
     */
    public static TaskQueue confined(Redis redis, String nodeId) {
        return new TaskQueue(redis, null, RedisKeys.nodeDeadLetter(nodeId), RedisKeys.nodeResults(nodeId));
    }

    /** Whether this queue keeps to one node's keys ({@link #confined}). */
    public boolean isConfined() {
        return !resultsKey.equals(RedisKeys.resultsQueue());
    }

    /** A confined queue runs no scripts ({@link PlainMoves}), where the server has LMOVE (6.2). */
    private boolean plain() {
        return isConfined() && redis.hasBlmove();
    }

    /**
     * The same queue, whose takes, moves and replies happen only while {@code fence} holds (see
     * {@link Fence}); otherwise they throw {@link FencedException} and change nothing.
     */
    public TaskQueue fencedBy(java.util.function.Supplier<Fence> fence) {
        return new TaskQueue(redis, fence, deadLetterKey, resultsKey);
    }

    /** The fence's holder and installation as script arguments ("" and "" when unfenced). */
    private List<String> fenceArgs() {
        Fence f = fence == null ? null : fence.get();
        if (fence != null && (f == null || f.installationId() == null)) {
            throw new FencedException("this coordinator has not confirmed its installation yet");
        }
        return f == null ? List.of("", "") : List.of(f.holder(), f.installationId());
    }

    /** Runs a script, turning its fence refusal into a {@link FencedException}. */
    private Object runFenced(Script script, List<String> keys, List<String> args) {
        try {
            return redis.call(j -> script.run(j, keys, args));
        } catch (redis.clients.jedis.exceptions.JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(FENCED)) {
                throw new FencedException(e.getMessage().substring(FENCED.length()));
            }
            throw e;
        }
    }

    /** Now on Redis's clock, the one every time in TaskHistory is read on ({@link RedisClock}). */
    public long now() {
        return redis.clock().now();
    }

    public Redis redis() {
        return redis;
    }

    // ---- submitting ----------------------------------------------------------------------

    /** Appends already-encoded tasks to {@code tasks:submitted}, a thousand per round trip. */
    public void submit(List<String> encodedTasks) {
        redis.call(j -> {
            Pipeline p = j.pipelined();
            for (int i = 0; i < encodedTasks.size(); i += PUSH_CHUNK) {
                List<String> chunk = encodedTasks.subList(i, Math.min(encodedTasks.size(), i + PUSH_CHUNK));
                p.rpush(RedisKeys.submitted(), chunk.toArray(new String[0]));
            }
            p.sync();
            return null;
        });
    }

    /**
     * Makes {@code count} new tasks of one kind, each with a fresh id, and submits them.
     *
     * @param replyTo a {@code reply:<uuid>} list for the stored results, or null
     * @return their ids, in submission order
     */
    public List<String> submitNew(String type, java.util.Map<String, Object> params, int count, String replyTo) {
        return submitNew(type, params, count, replyTo, 0);
    }

    /** The same, each task asking for {@code retries} retries of a run that FAILED. */
    public List<String> submitNew(String type, java.util.Map<String, Object> params, int count, String replyTo,
                                  int retries) {
        return submitNew(type, params, count, replyTo, retries, colmena.task.TaskMessage.DEFAULT_PRIORITY);
    }

    /** The same, at a priority (0–9, higher first among the tasks queued on a node). */
    public List<String> submitNew(String type, java.util.Map<String, Object> params, int count, String replyTo,
                                  int retries, int priority) {
        List<colmena.task.TaskMessage> tasks = newTasks(type, params, count, replyTo, now());
        if (retries > 0 || priority != colmena.task.TaskMessage.DEFAULT_PRIORITY) {
            tasks = tasks.stream().map(t -> t.withRetries(retries).withPriority(priority)).toList();
        }
        submitTasks(tasks);
        return tasks.stream().map(colmena.task.TaskMessage::id).toList();
    }

    /**
     * {@code count} new tasks of one kind, each with a fresh id, not yet submitted.
     *
     * @param now when they are submitted, on Redis's clock ({@link RedisClock#now})
     */
    public static List<colmena.task.TaskMessage> newTasks(String type, java.util.Map<String, Object> params, int count,
                                                          String replyTo, long now) {
        List<colmena.task.TaskMessage> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tasks.add(colmena.task.TaskMessage.submit(colmena.task.TaskIds.next(), type, params, now, replyTo));
        }
        return tasks;
    }

    /** Submits tasks made by {@link #newTasks}. */
    public void submitTasks(List<colmena.task.TaskMessage> tasks) {
        List<String> encoded = new ArrayList<>(tasks.size());
        for (colmena.task.TaskMessage t : tasks) {
            encoded.add(Json.write(t));
        }
        submit(encoded);
    }

    // ---- the coordinator ------------------------------------------------------------------

    /** A {@code reply:<uuid>} list nobody reads is gone after this long. */
    public static final long REPLY_KEPT_SECONDS = 3_600;

    /**
     * Pushes each text to its {@code reply:<uuid>} list (a {@code submit --wait} reads it), in
     * one round trip; each list expires {@link #REPLY_KEPT_SECONDS} after its last push.
     *
     * @param replies texts by reply list, in the order they are to be read
     */
    public void reply(java.util.Map<String, List<String>> replies) {
        if (replies.isEmpty()) {
            return;
        }
        List<String> fenced = fenceArgs();
        List<String> args = new ArrayList<>();
        args.add(fenced.get(0));
        args.add(Long.toString(REPLY_KEPT_SECONDS));
        args.add(fenced.get(1));
        replies.forEach((list, texts) -> {
            for (String text : texts) {
                args.add(list);
                args.add(text);
            }
        });
        runFenced(REPLY, List.of(RedisKeys.leader(), RedisKeys.installation()), args);
    }

    /**
     * Moves up to {@code max} submitted tasks into {@code tasks:placing}, waiting up to
     * {@code wait} when there are none. The caller must then {@link #move} each one on (or leave
     * them for the next leader to find with {@link #pending(String)}).
     */
    public List<String> takeSubmitted(int max, Duration wait) {
        return take(RedisKeys.submitted(), RedisKeys.placing(), max, wait);
    }

    /**
     * Moves tasks whose retry is due (score at or before {@code nowMs}) from {@code tasks:delayed}
     * to the tail of {@code tasks:submitted}, at most {@code max}, in one step.
     */
    private static final Script RELEASE_DUE = new Script(CHECK_LIST + """
            if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
            local t = redis.call('TYPE', KEYS[1])
            t = type(t) == 'table' and t.ok or t
            if t ~= 'zset' and t ~= 'none' then return redis.error_reply(KEYS[1] .. ' is not a sorted set') end
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, m in ipairs(due) do
              redis.call('RPUSH', KEYS[2], m)
              redis.call('ZREM', KEYS[1], m)
            end
            return #due
            """);

    /**
     * Puts tasks to be tried again in {@code tasks:delayed}, each due at its time (epoch ms on
     * Redis's clock). The same text added twice is one entry: a collector that stores a failure
     * again after a crash schedules one retry, not two.
     */
    public void delay(List<colmena.task.TaskMessage> tasks, List<Long> dueMs) {
        if (tasks.isEmpty()) {
            return;
        }
        java.util.Map<String, Double> members = new java.util.LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            members.put(Json.write(tasks.get(i)), (double) dueMs.get(i));
        }
        redis.call(j -> j.zadd(RedisKeys.delayed(), members));
    }

    /** Moves retries that are due to {@code tasks:submitted}; returns how many. */
    public int releaseDue(int max) {
        List<String> keys = List.of(RedisKeys.delayed(), RedisKeys.submitted());
        List<String> args = List.of(Long.toString(now()), Integer.toString(max));
        return (int) (long) redis.call(j -> (Long) RELEASE_DUE.run(j, keys, args));
    }

    // ---- cancelling ----------------------------------------------------------------------

    /**
     * Takes the tasks named out of one list and answers each with a CANCELLED result on
     * results:queue, in one step; returns the ids found. Task texts start with their id (the
     * JSON writer's field order), which is what is matched. Few are taken out one by one; many, by
     * writing the list again without them.
     */
    private static final Script CANCEL_IN_LIST = new Script(CHECK_LIST + """
            if not isList(KEYS[1]) then return redis.error_reply(KEYS[1] .. ' is not a list') end
            if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
            local want = {}
            for i = 4, #ARGV do want[ARGV[i]] = true end
            local node = ARGV[3] ~= '' and (',"node":' .. cjson.encode(ARGV[3])) or ''
            local n = redis.call('LLEN', KEYS[1])
            local matched = {}
            local found = {}
            for from = 0, n - 1, 1000 do
              local chunk = redis.call('LRANGE', KEYS[1], from, from + 999)
              for _, v in ipairs(chunk) do
                local id = string.match(v, '^{"id":"([^"]+)"')
                if id and want[id] then
                  want[id] = nil
                  matched[#matched + 1] = v
                  found[#found + 1] = id
                end
              end
            end
            if #found == 0 then return found end
            if #found <= 50 then
              for _, v in ipairs(matched) do redis.call('LREM', KEYS[1], 1, v) end
            else
              local gone = {}
              for _, v in ipairs(matched) do gone[v] = true end
              local keep = {}
              for _, v in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
                if not gone[v] then keep[#keep + 1] = v end
              end
              redis.call('DEL', KEYS[1])
              for i = 1, #keep, 1000 do redis.call('RPUSH', KEYS[1], unpack(keep, i, math.min(#keep, i + 999))) end
            end
            local results = {}
            for _, v in ipairs(matched) do
              results[#results + 1] = '{"task":' .. v .. node .. ',"status":"CANCELLED","error":' .. ARGV[2]
                .. ',"startedAtMs":0,"finishedAtMs":' .. ARGV[1] .. ',"durationMs":0}'
            end
            for i = 1, #results, 1000 do redis.call('RPUSH', KEYS[2], unpack(results, i, math.min(#results, i + 999))) end
            return found
            """);

    /** The same for tasks waiting out a retry's back-off in {@code tasks:delayed}. */
    private static final Script CANCEL_DELAYED = new Script(CHECK_LIST + """
            if not isList(KEYS[2]) then return redis.error_reply(KEYS[2] .. ' is not a list') end
            local t = redis.call('TYPE', KEYS[1])
            t = type(t) == 'table' and t.ok or t
            if t == 'none' then return {} end
            if t ~= 'zset' then return redis.error_reply(KEYS[1] .. ' is not a sorted set') end
            local want = {}
            for i = 4, #ARGV do want[ARGV[i]] = true end
            local found = {}
            for _, v in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              local id = string.match(v, '^{"id":"([^"]+)"')
              if id and want[id] then
                want[id] = nil
                found[#found + 1] = id
                redis.call('ZREM', KEYS[1], v)
                redis.call('RPUSH', KEYS[2], '{"task":' .. v .. ',"status":"CANCELLED","error":' .. ARGV[2]
                  .. ',"startedAtMs":0,"finishedAtMs":' .. ARGV[1] .. ',"durationMs":0}')
              end
            end
            return found
            """);

    /**
     * Asks for tasks to be cancelled: the coordinator takes each out of wherever it waits, or has
     * its node stop it, and records it CANCELLED.
     *
     * @param requests {@code taskId -> who asked and when, as JSON}
     */
    public void requestCancel(java.util.Map<String, String> requests) {
        if (!requests.isEmpty()) {
            redis.call(j -> j.hset(RedisKeys.cancelRequests(), requests));
        }
    }

    /** Cancel requests not yet carried out, at most about {@code max}. */
    public java.util.Map<String, String> cancelRequests(int max) {
        return redis.call(j -> {
            if (j.hlen(RedisKeys.cancelRequests()) <= max) {
                return j.hgetAll(RedisKeys.cancelRequests());
            }
            var page = j.hscan(RedisKeys.cancelRequests(), ScanParams.SCAN_POINTER_START, new ScanParams().count(max));
            java.util.Map<String, String> out = new java.util.HashMap<>();
            for (var e : page.getResult()) {
                out.put(e.getKey(), e.getValue());
            }
            return out;
        });
    }

    /** Forgets cancel requests that are carried out, or moot (the task had finished). */
    public void forgetCancel(java.util.Collection<String> ids) {
        if (!ids.isEmpty()) {
            redis.call(j -> j.hdel(RedisKeys.cancelRequests(), ids.toArray(new String[0])));
        }
    }

    /**
     * Takes the tasks named out of {@code list} (a queue, or tasks:delayed) and answers each
     * CANCELLED with {@code why}; returns the ids it found there.
     *
     * @param node the node whose queue it is, named in the results; null for the shared lists
     */
    @SuppressWarnings("unchecked")
    public List<String> cancelIn(String list, String node, java.util.Collection<String> ids, String why) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(ids.size() + 3);
        args.add(Long.toString(now()));
        args.add(Json.write(why));
        args.add(node == null ? "" : node);
        args.addAll(ids);
        List<String> keys = List.of(list, RedisKeys.resultsQueue());
        Script script = list.equals(RedisKeys.delayed()) ? CANCEL_DELAYED : CANCEL_IN_LIST;
        return redis.call(j -> (List<String>) script.run(j, keys, args));
    }

    /** Tells a node to stop the tasks named, which it holds. */
    public void signalCancel(String nodeId, java.util.Collection<String> ids) {
        if (!ids.isEmpty()) {
            redis.call(j -> j.sadd(RedisKeys.nodeCancel(nodeId), ids.toArray(new String[0])));
        }
    }

    /** What this node is asked to cancel. */
    public java.util.Set<String> cancelSignals(String nodeId) {
        return redis.call(j -> j.smembers(RedisKeys.nodeCancel(nodeId)));
    }

    /** Clears signals the node has acted on (or that name tasks it does not hold). */
    public void clearCancelSignals(String nodeId, java.util.Collection<String> ids) {
        if (!ids.isEmpty()) {
            redis.call(j -> j.srem(RedisKeys.nodeCancel(nodeId), ids.toArray(new String[0])));
        }
    }

    /** Tasks waiting for a retry. */
    public long delayedCount() {
        return redis.call(j -> j.zcard(RedisKeys.delayed()));
    }

    /** Moves up to {@code max} results into {@code results:storing}; the caller drops them once stored. */
    public List<String> takeResults(int max, Duration wait) {
        return take(RedisKeys.resultsQueue(), RedisKeys.storing(), max, wait);
    }

    /** The first {@code max} entries of a list, oldest first. */
    public List<String> head(String key, int max) {
        return redis.call(j -> j.lrange(key, 0, max - 1));
    }

    /** Everything in a list, oldest first: what a previous taker left in its in-flight list. */
    public List<String> pending(String key) {
        return redis.call(j -> j.lrange(key, 0, -1));
    }

    /**
     * Applies {@code moves} to messages at the head of {@code source}, in order, stopping at the
     * first that is not there or whose guard key is gone.
     *
     * @return how many were moved
     */
    public int moveFromHead(String source, List<Move> moves) {
        return move(source, "head", moves);
    }

    /**
     * Applies each of {@code moves} whose raw text is still somewhere in {@code source}; those
     * already gone (finished, or taken by someone else) are skipped.
     *
     * @return how many were moved
     */
    public int moveFromAnywhere(String source, List<Move> moves) {
        return move(source, "any", moves);
    }

    private int move(String source, String mode, List<Move> moves) {
        if (moves.isEmpty()) {
            return 0;
        }
        if (plain()) {
            if (mode.equals("head")) {
                throw new IllegalStateException("an agent's queue moves from anywhere in its lists, never from the head");
            }
            return redis.call(j -> PlainMoves.moveFromAnywhere(j, source, moves, deadLetterKey, DEAD_LETTER_MAX));
        }
        int total = 0;
        for (int i = 0; i < moves.size(); i += PUSH_CHUNK) {
            List<Move> chunk = moves.subList(i, Math.min(moves.size(), i + PUSH_CHUNK));
            List<String> args = new ArrayList<>(6 + chunk.size() * 5);
            args.add(mode);
            args.add(deadLetterKey);
            args.add(Integer.toString(DEAD_LETTER_MAX));
            args.add(Long.toString(System.currentTimeMillis()));
            args.addAll(fenceArgs());
            for (Move m : chunk) {
                args.add(m.raw());
                args.add(m.op().code);
                args.add(m.dest());
                args.add(m.payload());
                args.add(m.guard() == null ? "" : m.guard());
            }
            long moved = (Long) runFenced(MOVE, List.of(source, RedisKeys.leader(), RedisKeys.installation()), args);
            total += (int) moved;
            if (moved < chunk.size() && mode.equals("head")) {
                break;
            }
        }
        return total;
    }

    // ---- agents ---------------------------------------------------------------------------

    /**
     * Moves up to {@code max} tasks from {@code node:<id>:tasks} into {@code node:<id>:inflight},
     * waiting up to {@code wait} when there are none. Each task taken must later be
     * {@link #finish finished} or {@link #handBack handed back}.
     */
    public List<String> take(String nodeId, int max, Duration wait) {
        return take(RedisKeys.nodeTasks(nodeId), RedisKeys.nodeInflight(nodeId), max, wait);
    }

    /**
     * Sends results to {@code results:queue} (or, {@link #confined}, the node's own results list), each removing its task from the node's in-flight
     * list in the same step.
     *
     * @param finishedCount how many of them are final (DONE or FAILED), for the node's done count
     */
    public void finish(String nodeId, List<Finished> results, int finishedCount) {
        if (results.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(1 + results.size() * 2);
        args.add(Integer.toString(finishedCount));
        for (Finished f : results) {
            args.add(f.rawTask() == null ? "" : f.rawTask());
            args.add(f.resultJson());
        }
        if (plain()) {
            redis.call(j -> {
                PlainMoves.finish(j, RedisKeys.nodeInflight(nodeId), resultsKey, RedisKeys.nodeDone(nodeId), results,
                        finishedCount);
                return null;
            });
            return;
        }
        List<String> keys = List.of(RedisKeys.nodeInflight(nodeId), resultsKey, RedisKeys.nodeDone(nodeId));
        redis.call(j -> FINISH.run(j, keys, args));
    }

    /**
     * A result to send, and the in-flight text it replaces (null for a RUNNING notice).
     *
     * @param taskId the task's id, so the sender can say which tasks are done with
     */
    public record Finished(String taskId, String rawTask, String resultJson) {
    }

    /**
     * A task an agent hands back: its text in the in-flight list, and what goes back to the queue
     * (the same text, or the task with a note added).
     */
    public record Returned(String raw, String payload) {
    }

    /** Puts tasks the agent took but will not finish back at the head of its queue, in their order. */
    public int handBack(String nodeId, List<Returned> tasks) {
        List<Move> moves = new ArrayList<>();
        String queue = RedisKeys.nodeTasks(nodeId);
        for (int i = tasks.size() - 1; i >= 0; i--) {
            moves.add(Move.prepend(tasks.get(i).raw(), queue, tasks.get(i).payload()));
        }
        return moveFromAnywhere(RedisKeys.nodeInflight(nodeId), moves);
    }

    /**
     * Moves one unusable message from the list it is in to the dead-letter list, saying why.
     *
     * @param cameFrom the queue to name as its source (the one it was pushed to)
     */
    public void deadLetter(String list, String cameFrom, String raw, String reason) {
        moveFromAnywhere(list, List.of(Move.deadLetter(raw, deadLetterEntry(cameFrom, raw, reason))));
    }

    /** The text kept on the dead-letter list for {@code raw}. */
    public static String deadLetterEntry(String source, String raw, String reason) {
        String kept = raw.length() > DEAD_LETTER_RAW_CHARS ? raw.substring(0, DEAD_LETTER_RAW_CHARS) : raw;
        return Json.write(new DeadLetter(source, reason, kept, System.currentTimeMillis()));
    }

    /** The newest dead letters first. */
    public List<DeadLetter> deadLetters(int limit) {
        List<String> raw = redis.call(j -> j.lrange(RedisKeys.deadLetter(), 0, limit - 1));
        List<DeadLetter> out = new ArrayList<>(raw.size());
        for (String r : raw) {
            try {
                out.add(Json.GSON.fromJson(r, DeadLetter.class));
            } catch (RuntimeException e) {
                out.add(new DeadLetter("?", "unreadable dead-letter entry", r, 0));
            }
        }
        return out;
    }

    public long length(String key) {
        return redis.call(j -> j.llen(key));
    }

    // ---- the one way anything is taken ----------------------------------------------------

    private List<String> take(String source, String inflight, int max, Duration wait) {
        List<String> got = takeNow(source, inflight, max);
        if (!got.isEmpty() || wait.isZero()) {
            return got;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        if (redis.hasBlmove()) {
            // Waits for the list to be non-empty without taking anything: moving its last element
            // to its own tail changes nothing. The timeout lets the caller notice a shutdown.
            double seconds = Math.max(0.01, wait.toMillis() / 1000.0);
            String woke = redis.call(j -> j.blmove(source, source, ListDirection.RIGHT, ListDirection.RIGHT, seconds));
            return woke == null ? List.of() : takeNow(source, inflight, max);
        }
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
            got = takeNow(source, inflight, max);
            if (!got.isEmpty()) {
                return got;
            }
        }
        return List.of();
    }

    /** As {@link #takeNow}, without a script: oversized messages are dead-lettered from the in-flight list. */
    private List<String> takePlain(String source, String inflight, int max) {
        List<String> taken = redis.call(j -> PlainMoves.take(j, source, inflight, max));
        List<String> out = new ArrayList<>(taken.size());
        for (String v : taken) {
            if (v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
                moveFromAnywhere(inflight, List.of(Move.deadLetter(v, deadLetterEntry(source, v,
                        "message of " + v.length() + " characters; the limit is " + MAX_MESSAGE_BYTES + " bytes"))));
            } else {
                out.add(v);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<String> takeNow(String source, String inflight, int max) {
        if (plain()) {
            return takePlain(source, inflight, max);
        }
        List<String> keys = List.of(source, inflight, deadLetterKey, RedisKeys.leader(), RedisKeys.installation());
        List<String> fenced = fenceArgs();
        List<String> args = List.of(Integer.toString(max), Integer.toString(MAX_MESSAGE_BYTES),
                Integer.toString(DEAD_LETTER_MAX), Long.toString(System.currentTimeMillis()),
                Integer.toString(DEAD_LETTER_RAW_CHARS), fenced.get(0), fenced.get(1));
        Object out = runFenced(TAKE, keys, args);
        return out == null ? List.of() : (List<String>) out;
    }

}
