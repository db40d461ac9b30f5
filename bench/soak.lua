-- The mixed traffic of bench/soak, for wrk: page views, native (HTML) and enhanced (JSON)
-- form actions, logins and logouts, todo creates, toggles, edits and deletes.
--
-- Set by bench/soak.py through the environment:
--   SOAK_ORIGIN     http://127.0.0.1:PORT, sent as Origin (Kite refuses cross-site posts)
--   SOAK_USERS      a file with one line per wrk thread:
--                   email <TAB> password <TAB> session token <TAB> todo ids, comma-separated
--   SOAK_DELAY_MS   pause before each request on a connection: sets the request rate
--   SOAK_RUN        a number unique to this run, part of the texts of new todos
--
-- Each wrk thread acts as one signed-in user. Todos it creates are deleted again later by
-- their ids (read from the enhanced create's answer), so that the lists stay short; sessions
-- it opens by logging in are closed again by logging out with their cookie. Every request is
-- one that succeeds, so any status other than 2xx/3xx is an error of the server.
-- The `done` callback prints one line, SOAK_RESULT {json}, for bench/soak.py to read.

local origin = os.getenv("SOAK_ORIGIN")
local delay_ms = tonumber(os.getenv("SOAK_DELAY_MS") or "0")
local users_path = os.getenv("SOAK_USERS")
local run_id = os.getenv("SOAK_RUN") or "0"

local threads = {}
local users = nil
local MAX_CREATED = 20

local function read_users()
  local found = {}
  for line in io.lines(users_path) do
    local email, password, token, ids = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    local list = {}
    for id in ids:gmatch("%d+") do list[#list + 1] = id end
    found[#found + 1] = { email = email, password = password, token = token, ids = list }
  end
  return found
end

function setup(thread)
  users = users or read_users()
  local user = users[(#threads % #users) + 1]
  thread:set("number", #threads + 1)
  thread:set("email", user.email)
  thread:set("password", user.password)
  thread:set("token", user.token)
  thread:set("ids", user.ids)
  threads[#threads + 1] = thread
end

-- Per thread from here on (each wrk thread runs its own copy of the script).

local function urlencode(text)
  return (text:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local form_type = "application/x-www-form-urlencoded"

local function page(path)
  return wrk.format("GET", path, { ["Cookie"] = "sessionid=" .. token, ["Accept"] = "text/html" })
end

-- A native POST: the browser without JavaScript, answered with the re-rendered page.
local function native(path, body, cookie)
  local headers = { ["Origin"] = origin, ["Content-Type"] = form_type, ["Accept"] = "text/html" }
  if cookie then headers["Cookie"] = "sessionid=" .. cookie end
  return wrk.format("POST", path, headers, body)
end

-- An enhanced POST, as Kite's runtime sends it: answered with an ActionResult in JSON.
local function enhanced(path, body)
  return wrk.format("POST", path, {
    ["Origin"] = origin, ["Content-Type"] = form_type, ["Accept"] = "application/json",
    ["x-sveltekit-action"] = "true", ["Cookie"] = "sessionid=" .. token,
  }, body)
end

function init(args)
  -- Each thread its own sequence: the default seed would make them all send the same.
  math.randomseed(os.time() + number * 7919)
  statuses = {}
  samples = 0
  kinds = {}
  created = {}
  sessions = {}
  sent = 0
  done_flag = {}
end

local function fixed_id()
  return ids[(sent % #ids) + 1]
end

-- name, weight, and the request; a kind whose precondition fails falls back to a page view.
local mix = {
  { "view /todos", 24, function() return page("/todos") end },
  { "view /", 10, function() return page("/") end },
  { "view /login", 4, function() return page("/login") end },
  { "view /account", 4, function() return page("/account") end },
  { "search", 5, function() return page("/todos?q=fixed") end },
  { "native toggle", 10, function()
      local id = fixed_id()
      done_flag[id] = not done_flag[id]
      return native("/todos?/toggle", "id=" .. id .. "&done=" .. tostring(done_flag[id]), token)
    end },
  { "native edit", 5, function()
      local id = fixed_id()
      return native("/todos?/edit", "id=" .. id .. "&text=" .. urlencode("fixed " .. id .. " v" .. sent), token)
    end },
  { "enhanced create", 12, function()
      if #created >= MAX_CREATED then return nil end
      return enhanced("/todos?/create", "text=" .. urlencode("soak " .. run_id .. " " .. number .. " " .. sent))
    end },
  { "enhanced delete", 12, function()
      local id = table.remove(created, 1)
      if not id then return nil end
      return enhanced("/todos?/delete", "id=" .. id)
    end },
  { "enhanced toggle", 8, function()
      local id = fixed_id()
      done_flag[id] = not done_flag[id]
      return enhanced("/todos?/toggle", "id=" .. id .. "&done=" .. tostring(done_flag[id]))
    end },
  { "login", 2, function()
      return native("/login?/login", "email=" .. urlencode(email) .. "&password=" .. urlencode(password), nil)
    end },
  { "logout", 2, function()
      local session = table.remove(sessions, 1)
      if not session then return nil end
      return native("/login?/logout", "", session)
    end },
}
local total_weight = 0
for _, kind in ipairs(mix) do total_weight = total_weight + kind[2] end

function request()
  sent = sent + 1
  local pick = math.random(total_weight)
  for _, kind in ipairs(mix) do
    pick = pick - kind[2]
    if pick <= 0 then
      local built = kind[3]()
      local name = kind[1]
      if not built then
        name, built = "view /todos", page("/todos")
      end
      kinds[name] = (kinds[name] or 0) + 1
      return built
    end
  end
end

function delay()
  return delay_ms
end

local MAX_SAMPLES = 3

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if (status < 200 or status >= 400) and samples < MAX_SAMPLES then
    -- What went wrong, for the log: the start of the body on one line.
    samples = samples + 1
    io.write("SOAK_SAMPLE ", status, " ", (body:sub(1, 300):gsub("%s+", " ")), "\n")
  end
  -- The new todo's id follows the created object in devalue's flat array: [{"created":1},
  -- {"id":2,...},57,...], inside a JSON string, so after the first "},<digits>,".
  if body:sub(1, 8) == '{"type":' and body:find('created', 1, true) then
    local id = body:match("},(%d+),")
    if id then created[#created + 1] = id end
  end
  local cookie = headers["set-cookie"] or headers["Set-Cookie"]
  if cookie then
    local session = cookie:match("^sessionid=([^;]+)")
    if session and session ~= token then sessions[#sessions + 1] = session end
  end
end

local function json_counts(tables)
  local merged = {}
  for _, counts in ipairs(tables) do
    for key, n in pairs(counts) do merged[tostring(key)] = (merged[tostring(key)] or 0) + n end
  end
  local parts = {}
  for key, n in pairs(merged) do parts[#parts + 1] = string.format('"%s":%d', key, n) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local status_tables, kind_tables = {}, {}
  for _, thread in ipairs(threads) do
    status_tables[#status_tables + 1] = thread:get("statuses")
    kind_tables[#kind_tables + 1] = thread:get("kinds")
  end
  local e = summary.errors
  io.write(string.format(
    'SOAK_RESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"timeout":%d,"p50_us":%.0f,"p99_us":%.0f,"max_us":%.0f,"statuses":%s,"kinds":%s}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max,
    json_counts(status_tables), json_counts(kind_tables)))
end
