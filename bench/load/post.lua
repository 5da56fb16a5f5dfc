-- wrk script: POST the same JSON body with a bearer token, for the decision endpoint and the
-- minimal endpoint alike (same request shape, so the ratio compares the handlers only).
local body_file = os.getenv("EREJE_BENCH_BODY")
local f = assert(io.open(body_file, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("EREJE_BENCH_TOKEN") or "")

-- One summary line wrk's text output lacks: the count of responses that were not 2xx.
local non2xx = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors_connect=%d errors_read=%d errors_write=%d " ..
    "errors_status=%d errors_timeout=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
