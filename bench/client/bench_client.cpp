// Micro-benchmarks of the client's per-request pure work: classifying an error answer,
// deciding a retry, validating a send (E.164 + segmentation), and the webhook status tracker.
#include <benchmark/benchmark.h>

#include "client/config.h"
#include "client/error.h"
#include "client/retry_policy.h"
#include "client/validation.h"
#include "client/webhooks.h"

namespace {

using namespace harness::client;

void BM_ErrorFromHttp429(benchmark::State& st) {
  const std::string body =
      R"({"errors":[{"code":"10011","title":"Too many requests","detail":"Request limit exceeded."}]})";
  const Headers h{{"retry-after", "2"}, {"x-ratelimit-reset", "2"}, {"x-request-id", "r"}};
  for (auto _ : st) benchmark::DoNotOptimize(error_from_http(429, body, h));
}
BENCHMARK(BM_ErrorFromHttp429);

void BM_RetryDecide(benchmark::State& st) {
  RetryPolicy p;
  harness::core::Rng rng(1);
  Error e;
  e.type = ErrorKind::Api;
  e.http_status = 503;
  int attempt = 0;
  for (auto _ : st) benchmark::DoNotOptimize(p.decide(e, attempt++ % 4 + 1, Millis(100), false, rng));
}
BENCHMARK(BM_RetryDecide);

void BM_ValidateSend(benchmark::State& st) {
  Config c;
  c.default_from = "+13125550147";
  SendParams p;
  p.to = "+17735550188";
  p.text = std::string(static_cast<size_t>(st.range(0)), 'a');
  for (auto _ : st) {
    auto r = build_send_request(p, c);
    benchmark::DoNotOptimize(validate_send(r));
  }
}
BENCHMARK(BM_ValidateSend)->Arg(20)->Arg(160)->Arg(1530);

void BM_StatusTracker(benchmark::State& st) {
  StatusTracker t;
  const char* statuses[] = {"queued", "sent", "delivered", "sent"};
  int64_t i = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(t.apply("m-" + std::to_string(i / 4 % 1000), statuses[i % 4]));
    ++i;
  }
}
BENCHMARK(BM_StatusTracker);

}  // namespace

BENCHMARK_MAIN();
