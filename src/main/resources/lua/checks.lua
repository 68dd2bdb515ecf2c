-- Functions the task-queue scripts share; this text is put before each of them.
-- fenceProblem(leaderKey, installKey, holder, install): nil when holder is '' (unfenced) or
--   holds the lease of that installation; otherwise the FENCED error text to answer with.
-- isList(key): whether key holds a list or nothing. A script refuses (with an error reply, before
--   anything is changed) to push onto a key that holds something else, which only someone writing
--   into Redis by hand can cause; the caller's batch stays where it was.
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
