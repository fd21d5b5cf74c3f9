// Micro-benchmarks of src/core's hot paths: webhook signing and verification (every delivery),
// JSON encode/decode of a full message (every API call and webhook; nlohmann and the direct
// writer), segmentation of a 10-part text (every send), histogram recording (every loadgen
// sample), and parsing a send body (every POST /v2/messages): nlohmann's parser against
// parse_json_bounded's direct path for flat bodies.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "core/encoding.h"
#include "core/histogram.h"
#include "core/json_limits.h"
#include "core/message.h"
#include "core/message_json.h"
#include "core/rng.h"
#include "core/signing.h"

using namespace harness::core;

namespace {

const char* kOutbound = R"({"record_type":"message","id":"4f1e2d3c-5b6a-4978-8d9e-0a1b2c3d4e5f",
 "direction":"outbound","type":"SMS","messaging_profile_id":"400176aa-1b2c-4d3e-9f00-11aa22bb33cc",
 "organization_id":"7c1d9e2f-3a4b-4c5d-8e6f-708192a3b4c5",
 "from":{"phone_number":"+13125550147","carrier":"Telnyx","line_type":"Wireless"},
 "to":[{"phone_number":"+17735550188","status":"queued","carrier":"Example Mobile","line_type":"Wireless"}],
 "cc":[],"text":"Your code is 4821","subject":null,"media":[],"encoding":"GSM-7","parts":1,"num_chars":17,
 "cost":null,"received_at":"2025-03-01T12:00:00.412+00:00","sent_at":null,"completed_at":null,
 "valid_until":null,"errors":[],"tags":[],"webhook_url":"https://hooks.example.test/telnyx",
 "webhook_failover_url":null})";

const std::string& webhook_body() {
  static const std::string body = std::string(R"({"data":{"event_type":"message.finalized","payload":)") +
                                  kOutbound + "}}";
  return body;
}

void BM_SignEd25519(benchmark::State& state) {
  const Ed25519KeyPair kp = generate_ed25519();
  for (auto _ : state) benchmark::DoNotOptimize(sign_ed25519(kp, "1740830404", webhook_body()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * webhook_body().size()));
}
BENCHMARK(BM_SignEd25519);

void BM_SignEd25519Prepared(benchmark::State& state) {
  const Ed25519Signer signer(generate_ed25519());
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign("1740830404", webhook_body()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * webhook_body().size()));
}
BENCHMARK(BM_SignEd25519Prepared);

void BM_VerifyEd25519(benchmark::State& state) {
  const Ed25519KeyPair kp = generate_ed25519();
  const std::string pub = kp.public_key_base64();
  const std::string sig = sign_ed25519(kp, "1740830404", webhook_body());
  for (auto _ : state) {
    const VerifyStatus s = verify_ed25519(pub, sig, "1740830404", webhook_body(), 1740830404);
    if (s != VerifyStatus::Ok) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_VerifyEd25519);

void BM_HmacHeader(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(hmac_signature_header("s3cr3tExample", 1740830404, webhook_body()));
}
BENCHMARK(BM_HmacHeader);

void BM_MessageEncode(benchmark::State& state) {
  const Message m = json::parse(kOutbound).get<Message>();
  for (auto _ : state) benchmark::DoNotOptimize(json(m).dump());
}
BENCHMARK(BM_MessageEncode);

// The direct writer telnyx-mock uses on its send and retrieve answers and webhook payloads.
void BM_MessageEncodeDirect(benchmark::State& state) {
  const Message m = json::parse(kOutbound).get<Message>();
  std::string out;
  for (auto _ : state) {
    out.clear();
    append_message_json(out, m);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_MessageEncodeDirect);

void BM_MessageDecode(benchmark::State& state) {
  const std::string text = json::parse(kOutbound).dump();
  for (auto _ : state) benchmark::DoNotOptimize(json::parse(text).get<Message>());
}
BENCHMARK(BM_MessageDecode);

void BM_Segment(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    auto r = segment(text);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

std::string repeated(std::string_view unit, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += unit;
  return s;
}
BENCHMARK_CAPTURE(BM_Segment, 1530Gsm7, std::string(1530, 'a'));
BENCHMARK_CAPTURE(BM_Segment, 670Ucs2, repeated("\xD0\x96", 670));

void BM_HistogramRecord(benchmark::State& state) {
  Histogram h;
  Rng rng(42);
  int64_t values[1024];
  for (auto& v : values) v = static_cast<int64_t>(rng.uniform(10'000'000)) + 1;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(h.record(values[i++ & 1023]));
  }
}
BENCHMARK(BM_HistogramRecord);

void BM_HistogramP99(benchmark::State& state) {
  Histogram h;
  Rng rng(42);
  for (int i = 0; i < 100000; ++i) h.record(static_cast<int64_t>(rng.uniform(10'000'000)) + 1);
  for (auto _ : state) benchmark::DoNotOptimize(h.value_at_percentile(99.0));
}
BENCHMARK(BM_HistogramP99);

const char* kSendBody = R"({"to":"+17735550188","text":"Your code is 4821"})";

void BM_ParseSendBodyNlohmann(benchmark::State& state) {
  const std::string body = kSendBody;
  for (auto _ : state) benchmark::DoNotOptimize(json::parse(body, nullptr, false));
}
BENCHMARK(BM_ParseSendBodyNlohmann);

void BM_ParseSendBodyBounded(benchmark::State& state) {
  const std::string body = kSendBody;
  for (auto _ : state) {
    json j;
    benchmark::DoNotOptimize(parse_json_bounded(body, j));
    benchmark::DoNotOptimize(j);
  }
}
BENCHMARK(BM_ParseSendBodyBounded);

}  // namespace

BENCHMARK_MAIN();
