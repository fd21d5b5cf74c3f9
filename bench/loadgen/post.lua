-- wrk script for compare.sh: the same POST /v2/messages request telnyx-loadgen sends, so both
-- tools put the same bytes through the same mock.
wrk.method = "POST"
wrk.body = '{"to":"+17735550188","text":"bench"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Bearer KEY_bench"
