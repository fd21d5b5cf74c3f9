-- wrk script: POST /v2/messages with a fixed SMS body and a KEY... bearer key (open mode), on
-- keep-alive connections. Used by bench/mock/run.sh for both servers, so the request is the same.
wrk.method = "POST"
wrk.path = "/v2/messages"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer KEYbench"
wrk.body = '{"to":"+17735550188","text":"Your code is 4821"}'

-- Count non-200 answers so a run full of errors cannot pass as fast.
local non200 = 0
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("non-200 responses: %d\n", non200))
end
