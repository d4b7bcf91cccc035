-- wrk script for runtime-api.sh: each request GETs a random path from a file, with the operator's bearer token.
-- Arguments (after "--"): token, path file. Prints one line in the same shape as LoadGenerator.java.
local paths = {}
local headers = {}

init = function(args)
  headers["Authorization"] = "Bearer " .. args[1]
  for line in io.lines(args[2]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

done = function(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  -- errors counts every kind; status (answers other than 2xx/3xx) and timeout (no answer within 2 s) tell them apart
  io.write(string.format("requests=%d errors=%d rps=%d p50_ms=%.2f p99_ms=%.2f status_errors=%d timeouts=%d\n",
    summary.requests, errors, math.floor(summary.requests / (summary.duration / 1e6)), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.timeout))
end
