-- wrk script of bench/load.py: stop each thread after its share of WRK_MAX_REQUESTS responses,
-- so that a run is bounded in count as well as in time (-d).
local max_requests = tonumber(os.getenv("WRK_MAX_REQUESTS") or "0")
local threads = tonumber(os.getenv("WRK_THREADS") or "1")
local per_thread = 0
local count = 0

function init(args)
  if max_requests > 0 then
    per_thread = math.ceil(max_requests / threads)
  end
end

function response(status, headers, body)
  count = count + 1
  if per_thread > 0 and count >= per_thread then
    wrk.thread:stop()
  end
end
