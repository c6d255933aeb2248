-- SPDX-License-Identifier: AGPL-3.0-or-later
-- The mixed load of bench/run's load section (docs/performance.md#load),
-- a wrk script. Each request is drawn at random, as a signed-in member
-- drawn at random from TOKENS:
--   get       GET /api/v1/proposals/{id}, id among FIRST..LAST
--   list      GET /api/v1/proposals?status=open&limit=20&after={id}, a
--             page of open proposals after one among OPEN_FIRST..OPEN_LAST
--   position  POST /api/v1/proposals/{id}/positions, id among
--             OPEN_FIRST..OPEN_LAST: consent, or a concern with a reason
--             (a member may change their position while the round is open)
--   propose   POST /api/v1/proposals, a new agreement.adopt in "all"
-- Arguments (after --):
--   TOKENS THREADS RATE GET LIST POSITION FIRST LAST OPEN_FIRST OPEN_LAST
-- TOKENS is a file of bearer tokens, one a line; GET, LIST and POSITION
-- are percentages of the requests, propose the rest. RATE 0 sends as fast
-- as the connections allow; RATE > 0 paces the run at RATE requests per
-- second in all: each thread keeps a schedule of send times THREADS/RATE
-- seconds apart, and a connection that is free takes the next slot and waits
-- for it (wrk's delay hook, whole milliseconds). A connection that finds
-- its slot already past sends at once; done() reports how many were over
-- LATE_MS behind and the largest lag (the schedule fell behind: every
-- connection was waiting for an answer, because the server, or wrk's
-- own thread, was slower than the rate, for a while or for good).
-- done() prints one line: "load key=value ...".

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } load_timespec;
int clock_gettime(int clk_id, load_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local LATE_MS = 1
local ts = ffi.new("load_timespec")

local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("thread_id", next_id)
    table.insert(threads, thread)
end

local tokens = {}
local get_cut, list_cut, position_cut
local first, last, open_first, open_last
local interval = 0
local next_slot = nil
-- per-thread tallies, read by done() through thread:get
sent = { get = 0, list = 0, position = 0, propose = 0 }
status = {}
late = 0
max_late_ms = 0

local POSITION_CONSENT = '{"position":"consent"}'
local POSITION_CONCERN = '{"position":"concern","reason":"Check the cost '
    .. 'with the treasurer before we start."}'
local PROPOSAL = '{"circle":"all","kind":"agreement.adopt",'
    .. '"title":"Compost the market leftovers","data":{"text":"Unsold '
    .. 'fruit and vegetables go to the community garden\'s compost."}}'

local function paced_delay()
    local now = now_ms()
    if next_slot == nil then
        next_slot = now
    end
    local wait = next_slot - now
    next_slot = next_slot + interval
    if wait < 0 then
        if -wait > LATE_MS then
            late = late + 1
        end
        if -wait > max_late_ms then
            max_late_ms = -wait
        end
        return 0
    end
    return math.floor(wait + 0.5)
end

function init(args)
    local file = assert(io.open(args[1], "r"),
        "cannot open " .. tostring(args[1]))
    for line in file:lines() do
        if line ~= "" then
            table.insert(tokens, "Bearer " .. line)
        end
    end
    file:close()
    assert(#tokens > 0, "no tokens in " .. args[1])
    local nthreads = tonumber(args[2])
    local rate = tonumber(args[3])
    get_cut = tonumber(args[4])
    list_cut = get_cut + tonumber(args[5])
    position_cut = list_cut + tonumber(args[6])
    first = tonumber(args[7])
    last = tonumber(args[8])
    open_first = tonumber(args[9])
    open_last = tonumber(args[10])
    math.randomseed(os.time() * 1000 + thread_id * 7919)
    if rate > 0 then
        interval = 1000 * nthreads / rate
        -- wrk calls delay() before each request only when it is defined
        delay = paced_delay
    end
end

local headers_get = {}
local headers_post = { ["Content-Type"] = "application/json" }

function request()
    local token = tokens[math.random(#tokens)]
    local r = math.random() * 100
    if r < get_cut then
        sent.get = sent.get + 1
        headers_get["Authorization"] = token
        return wrk.format("GET",
            "/api/v1/proposals/p" .. math.random(first, last), headers_get)
    elseif r < list_cut then
        sent.list = sent.list + 1
        headers_get["Authorization"] = token
        return wrk.format("GET",
            "/api/v1/proposals?status=open&limit=20&after=p"
            .. math.random(open_first, open_last), headers_get)
    elseif r < position_cut then
        sent.position = sent.position + 1
        headers_post["Authorization"] = token
        local body = POSITION_CONSENT
        if math.random(4) == 1 then
            body = POSITION_CONCERN
        end
        return wrk.format("POST", "/api/v1/proposals/p"
            .. math.random(open_first, open_last) .. "/positions",
            headers_post, body)
    end
    sent.propose = sent.propose + 1
    headers_post["Authorization"] = token
    return wrk.format("POST", "/api/v1/proposals", headers_post, PROPOSAL)
end

function response(code)
    status[code] = (status[code] or 0) + 1
end

function done(summary, latency, requests)
    local total = { get = 0, list = 0, position = 0, propose = 0 }
    local codes = {}
    local lates, lag = 0, 0
    for _, t in ipairs(threads) do
        for k, v in pairs(t:get("sent")) do
            total[k] = total[k] + v
        end
        for k, v in pairs(t:get("status")) do
            codes[k] = (codes[k] or 0) + v
        end
        lates = lates + t:get("late")
        lag = math.max(lag, t:get("max_late_ms"))
    end
    local ok, c4xx, c409, c5xx, other = 0, 0, 0, 0, 0
    local list = {}
    for k, v in pairs(codes) do
        table.insert(list, k .. ":" .. v)
        if k >= 200 and k < 300 then
            ok = ok + v
        elseif k == 409 then
            c409 = c409 + v
        elseif k >= 400 and k < 500 then
            c4xx = c4xx + v
        elseif k >= 500 then
            c5xx = c5xx + v
        else
            other = other + v
        end
    end
    table.sort(list)
    local seconds = summary.duration / 1e6
    local errors = summary.errors
    io.write(string.format("load requests=%d seconds=%.3f rate=%.0f "
        .. "ok_rate=%.0f "
        .. "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
        .. "non2xx=%d s409=%d s4xx=%d s5xx=%d other=%d "
        .. "socket_errors=%d timeouts=%d "
        .. "sent_get=%d sent_list=%d sent_position=%d sent_propose=%d "
        .. "late=%d max_late_ms=%.1f codes=%s\n",
        summary.requests, seconds, summary.requests / seconds, ok / seconds,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000,
        summary.requests - ok, c409, c4xx, c5xx, other,
        errors.connect + errors.read + errors.write, errors.timeout,
        total.get, total.list, total.position, total.propose,
        lates, lag, table.concat(list, ",")))
end
