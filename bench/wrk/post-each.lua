-- wrk script: POSTs the pre-signed events of a file (one per line: signature TAB body), each
-- once, in file order, so no event is a duplicate unless the file runs out (counted as `wrapped`).
-- Prints one JSON line at the end for bench/wrk.ts.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  local count = 0
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local tab = line:find("\t", 1, true)
    count = count + 1
    requests[count] = wrk.format("POST", "/events", {
      ["Content-Type"] = "application/json",
      ["X-CR-Signature"] = line:sub(1, tab - 1),
    }, line:sub(tab + 1))
  end
  file:close()
  total = count
  index = 0
  wrapped = 0
end

function request()
  index = index + 1
  if index > total then
    index = 1
    wrapped = wrapped + 1
  end
  return requests[index]
end

function done(summary, latency, _)
  local wraps = 0
  for _, thread in ipairs(threads) do
    wraps = wraps + thread:get("wrapped")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,"wrapped":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, wraps))
end
