-- Moves messages out of KEYS[1] and on, in one step. ARGV[1] is 'head' (only messages at the head,
-- stopping at the first not there), 'run' (the messages at the head, whole or none: only when
-- the first raw text is at the head and the last one where the run ends; the raw texts between
-- them are not compared, and may be sent empty) or 'any' (each wherever it is). With a fence (ARGV[5] holder,
-- ARGV[6] installation; KEYS[2] the lease, KEYS[3] the stamp) nothing moves unless that holder has
-- the lease of that installation. For each ARGV group from ARGV[8] on (raw, op, dest, payload,
-- guard): stops if a guard key is given and does not exist (a node that has gone gets nothing
-- more); otherwise takes the raw text out of KEYS[1] and, if it was there, sends its payload on:
-- op 'R' to the tail of dest, 'L' to its head, 'Q' into dest by priority, 'D' to the dead-letter
-- list, 'N' nowhere. Payloads for the same end of the same list go in one push, in their order
-- (pushes to different lists, or to opposite ends of one list, do not depend on each other's
-- order). A payload whose destination holds something other than a list goes to the dead-letter
-- list ARGV[2] (kept to ARGV[3] entries; ARGV[4] is the time in epoch ms; ARGV[7] how many
-- characters of the payload are kept) instead of being lost. Returns how many were moved.
local fenced = fenceProblem(KEYS[2], KEYS[3], ARGV[5], ARGV[6])
if fenced then return redis.error_reply(fenced) end
local src = KEYS[1]
local headOnly = ARGV[1] == 'head'
local dead = ARGV[2]
if not isList(dead) then return redis.error_reply(dead .. ' is not a list') end
local run = ARGV[1] == 'run'
local head
if headOnly then head = redis.call('LRANGE', src, 0, (#ARGV - 7) / 5 - 1) end
if run then
  local n = (#ARGV - 7) / 5
  if n < 1 then return 0 end
  if not isList(src) then return redis.error_reply(src .. ' is not a list') end
  if redis.call('LINDEX', src, 0) ~= ARGV[8] or redis.call('LINDEX', src, n - 1) ~= ARGV[8 + 5 * (n - 1)] then
    return 0
  end
end
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
for i = 8, #ARGV, 5 do
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
  if run then
    found = true
  elseif headOnly then
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
          raw = string.sub(payload, 1, tonumber(ARGV[7])), atMs = tonumber(ARGV[4])}), true)
      elseif op == 'D' then push(true, dead, payload, true)
      elseif op == 'L' then push(true, dest, payload, false)
      elseif op == 'Q' then push(false, dest, payload, false, 'ENQUEUE')
      else push(false, dest, payload, false) end
    end
  elseif headOnly then
    break
  end
end
if (headOnly or run) and moved > 0 then redis.call('LTRIM', src, moved, -1) end
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
