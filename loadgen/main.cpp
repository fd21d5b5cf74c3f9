// telnyx-loadgen: parse and validate every flag, then wire a mode and print its report.
// Exit codes: 0 ok, 1 run error, 2 usage error, 3 a threshold failed (see loadgen/REPORT.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>

#include "core/units.h"
#include "loadgen/report/render.h"
#include "loadgen/report/report.h"
#include "loadgen/report/thresholds.h"
#include "loadgen/run/modes.h"

using namespace harness;
using namespace harness::loadgen;

namespace {

constexpr int kExitOk = 0, kExitRunError = 1, kExitUsage = 2, kExitThreshold = 3;

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

struct UsageError {
  std::string what;
};

Nanos duration_flag(const std::string& name, const std::string& v, bool allow_zero = false) {
  const auto d = core::parse_duration(v);
  if (!d || d->count() < 0 || (!allow_zero && d->count() == 0)) throw UsageError{name + ": bad duration '" + v + "'"};
  return *d;
}

http::Url url_flag(const std::string& name, const std::string& v) {
  http::Url u;
  std::string err;
  if (!http::parse_url(v, u, err)) throw UsageError{name + ": " + err};
  return u;
}

Template template_flag(const std::string& name, const std::string& v) {
  std::string err;
  Template t = Template::parse(v, err);
  if (!err.empty()) throw UsageError{name + ": " + err};
  return t;
}

// --from, --to, --text and --messaging-profile-id, which send and inbound modes share.
template <class Options>
void set_message_flags(Options& o, const std::string& from, const std::string& to, const std::string& text,
                       const std::string& profile) {
  o.from = template_flag("--from", from);
  o.to = template_flag("--to", to);
  o.text = template_flag("--text", text);
  o.messaging_profile_id = profile;
}

// Raw flag values; validated into LoadOptions by load_options().
struct LoadFlags {
  std::string url, rate, stages, duration = "10s", count, timeout = "5s", warmup = "0s", shard = "0/1",
      retry_base = "100ms", retry_max = "5s", grace = "5s";
  bool poisson = false, closed_loop = false;
  uint32_t threads = 2, connections = 0;
  int retries = 0;
  uint64_t seed = 1;
};

struct OutputFlags {
  std::string report_json, report_html, progress = "auto", progress_interval = "1s";
  std::vector<std::string> thresholds;
};

void add_load_flags(CLI::App* app, LoadFlags& f, const char* url_help) {
  app->add_option("--url", f.url, url_help)->required();
  app->add_option("--rate", f.rate, "constant open-loop rate: 2000, 2k/s, 500/m");
  app->add_option("--stages", f.stages, "ramps: 10s:0-2000,30s:2000 (duration:rate or duration:from-to)");
  app->add_flag("--poisson", f.poisson, "Poisson arrivals (exponential gaps) instead of evenly spaced");
  app->add_flag("--closed-loop", f.closed_loop, "maximum throughput: each connection sends again on each response");
  app->add_option("--connections,-c", f.connections, "open loop: most connections (default 1000); closed loop: exactly (default 50)");
  app->add_option("--threads,-t", f.threads, "worker threads (default 2)");
  app->add_option("--duration,-d", f.duration, "run length (default 10s; with --stages: their sum)");
  app->add_option("--count,-n", f.count, "stop after this many sends (10k, 1M)");
  app->add_option("--timeout", f.timeout, "per-request timeout (default 5s; inbound: 2s, the webhook deadline)");
  app->add_option("--warmup", f.warmup, "sends due before this are not in the histograms");
  app->add_option("--retries", f.retries, "retries of 429/5xx, honouring Retry-After (default 0); inbound: of any failed delivery, 1s then 5s apart (default 2)");
  app->add_option("--retry-base", f.retry_base, "backoff base without Retry-After (default 100ms)");
  app->add_option("--retry-max", f.retry_max, "longest retry delay (default 5s)");
  app->add_option("--shard", f.shard, "i/N: run shard i of N (rate and count divided by N)");
  app->add_option("--seed", f.seed, "seed of Poisson draws, {rand:N} and inbound chaos (default 1); inbound: given, it also fixes event ids");
  app->add_option("--grace", f.grace, "wait for late webhooks or replies (default 5s)");
}

void add_output_flags(CLI::App* app, OutputFlags& f) {
  app->add_option("--report-json", f.report_json, "write the JSON report (schema in loadgen/REPORT.md)");
  app->add_option("--report-html", f.report_html, "write a self-contained HTML report");
  app->add_option("--threshold", f.thresholds, "fail (exit 3) unless true: 'p99<50ms', 'duplicate_events==0'");
  app->add_option("--progress", f.progress, "auto|tty|lines|off (default auto: tty when stderr is one)")
      ->check(CLI::IsMember({"auto", "tty", "lines", "off"}));
  app->add_option("--progress-interval", f.progress_interval, "progress period (default 1s)");
}

LoadOptions load_options(const LoadFlags& f, bool is_send) {
  LoadOptions o;
  o.target = url_flag("--url", f.url);
  o.path = is_send ? o.target.path + "/v2/messages" : (o.target.path.empty() ? "/" : o.target.path);
  {
    const size_t slash = f.shard.find('/');
    const auto i = core::parse_count(f.shard.substr(0, slash));
    const auto n = slash == std::string::npos ? std::nullopt : core::parse_count(f.shard.substr(slash + 1));
    if (!i || !n || *n == 0 || *i >= *n || *n > 100000) throw UsageError{"--shard: expected i/N with 0 <= i < N, got '" + f.shard + "'"};
    o.shard_index = static_cast<uint32_t>(*i);
    o.shard_count = static_cast<uint32_t>(*n);
  }
  if (f.threads == 0 || f.threads > 256) throw UsageError{"--threads: must be 1..256"};
  o.threads = f.threads;
  o.connections = f.connections;
  if (o.connections && o.connections < o.threads) throw UsageError{"--connections must be at least --threads"};
  o.closed_loop = f.closed_loop;
  o.timeout = duration_flag("--timeout", f.timeout);
  o.warmup = duration_flag("--warmup", f.warmup, true);
  o.grace = duration_flag("--grace", f.grace, true);
  if (f.retries < 0 || f.retries > 20) throw UsageError{"--retries: must be 0..20"};
  o.retry.max_retries = f.retries;
  o.retry.base_delay = std::chrono::duration_cast<std::chrono::milliseconds>(duration_flag("--retry-base", f.retry_base));
  o.retry.max_delay = std::chrono::duration_cast<std::chrono::milliseconds>(duration_flag("--retry-max", f.retry_max));
  o.seed = f.seed;
  if (!f.count.empty()) {
    const auto c = core::parse_count(f.count);
    if (!c || *c == 0) throw UsageError{"--count: bad count '" + f.count + "'"};
    o.count = *c;
  }
  o.duration = duration_flag("--duration", f.duration);
  if (f.closed_loop) {
    if (!f.rate.empty() || !f.stages.empty() || f.poisson) throw UsageError{"--closed-loop takes no --rate, --stages or --poisson"};
  } else {
    if (f.rate.empty() == f.stages.empty()) throw UsageError{"give exactly one of --rate or --stages (or --closed-loop)"};
    if (!f.rate.empty()) {
      const auto r = f.rate.find('/') == std::string::npos ? parse_stages("1s:" + f.rate) : parse_stages("1s:" + f.rate);
      if (!r.error.empty() || r.stages[0].rate_from <= 0) throw UsageError{"--rate: bad rate '" + f.rate + "'"};
      o.rate = r.stages[0].rate_from;
      o.plan.stages = {Stage{o.duration, o.rate, o.rate}};
    } else {
      const auto r = parse_stages(f.stages);
      if (!r.error.empty()) throw UsageError{"--stages: " + r.error};
      o.plan.stages = r.stages;
      o.duration = plan_duration(o.plan);
    }
    o.plan.arrival = f.poisson ? Arrival::Poisson : Arrival::Uniform;
    o.plan.seed = f.seed;
    o.plan.max_count = o.count;
    if (planned_count(o.plan) == 0) throw UsageError{"the plan sends nothing (rate x duration < 1)"};
  }
  o.config_echo = {{"url", f.url}, {"rate", f.rate}, {"stages", f.stages}, {"poisson", f.poisson},
                   {"closed_loop", f.closed_loop}, {"threads", f.threads}, {"connections", f.connections},
                   {"duration", f.duration}, {"count", f.count}, {"timeout", f.timeout},
                   {"warmup", f.warmup}, {"retries", f.retries}, {"shard", f.shard}, {"seed", f.seed}};
  return o;
}

std::vector<Threshold> thresholds_of(const OutputFlags& f) {
  std::vector<Threshold> out;
  for (const auto& t : f.thresholds) {
    auto th = parse_threshold(t);
    if (!th) throw UsageError{"--threshold: " + th.error()};
    if (!th.value().deprecation.empty()) std::cerr << "telnyx-loadgen: warning: " << th.value().deprecation << "\n";
    out.push_back(th.value());
  }
  return out;
}

bool write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return static_cast<bool>(out);
}

// Reports, summary and threshold verdicts; returns the exit code.
int finish(const Report& r, const OutputFlags& out, const std::vector<Threshold>& ths) {
  const auto results = evaluate(ths, r);
  std::cout << text_summary(r, results) << std::flush;
  if (!out.report_json.empty() && !write_file(out.report_json, report_to_json(r).dump(1) + "\n")) {
    std::cerr << "telnyx-loadgen: error: cannot write " << out.report_json << "\n";
    return kExitRunError;
  }
  if (!out.report_html.empty() && !write_file(out.report_html, html_report(r, results))) {
    std::cerr << "telnyx-loadgen: error: cannot write " << out.report_html << "\n";
    return kExitRunError;
  }
  for (const auto& t : results)
    if (!t.pass) return kExitThreshold;
  // A run in which nothing succeeded measured only error answers: never report it as a pass.
  if (r.run.issued > 0 && r.run.ok == 0) {
    std::cerr << "telnyx-loadgen: error: no request succeeded (" << r.run.issued
              << " issued); see the status counts above\n";
    return kExitRunError;
  }
  return kExitOk;
}

// A run's error on one line, or finish() of its report.
int finish_run(const core::Expected<Report, std::string>& r, const OutputFlags& out,
               const std::vector<Threshold>& ths) {
  if (!r) {
    std::cerr << "telnyx-loadgen: error: " << r.error() << "\n";
    return kExitRunError;
  }
  return finish(r.value(), out, ths);
}

// Progress rewritten in place on a terminal (rather than one line per period).
bool tty_progress(const OutputFlags& out) {
  return out.progress == "tty" || (out.progress == "auto" && ::isatty(STDERR_FILENO));
}

// The in-place progress line ends without a newline; the summary starts on a fresh line.
void end_progress_line(const OutputFlags& out) {
  if (tty_progress(out)) std::cerr << "\n";
}

RunHooks hooks_for(const OutputFlags& out) {
  RunHooks h;
  h.stop = &g_stop;
  h.progress_interval = duration_flag("--progress-interval", out.progress_interval);
  h.log = [](const std::string& s) { std::cerr << "telnyx-loadgen: " << s << "\n"; };
  const bool tty = tty_progress(out);
  if (out.progress == "off") return h;
  auto before = std::make_shared<LiveSnapshot>();
  auto last = std::make_shared<double>(0);
  h.on_progress = [tty, before, last](const LiveSnapshot& s, Nanos elapsed) {
    const double e = std::chrono::duration<double>(elapsed).count();
    const std::string line = progress_line(s, *before, e, e - *last);
    if (tty) std::cerr << "\r" << line << "\033[K" << std::flush;
    else std::cerr << line << "\n";
    *before = s;
    *last = e;
  };
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"telnyx-loadgen: open-loop load and webhook accounting for the Telnyx Messaging API v2"};
  app.require_subcommand(1);
  LoadFlags lf;
  OutputFlags of;

  auto* send = app.add_subcommand("send", "POST /v2/messages at a planned rate; match every webhook");
  add_load_flags(send, lf, "base URL of a Telnyx-compatible API (the mock, a proxy, the real API)");
  add_output_flags(send, of);
  std::string api_key, from, to = "+1773555{seq:4}", text = "load test {seq}", profile;
  std::string public_key, keys_from, receiver_host = "127.0.0.1", receiver_path = "/webhooks", ack_delay = "0s";
  bool webhooks = false, no_verify = false;
  int receiver_port = 0, ack_status = 200, receiver_threads = 96;
  double ack_fail_rate = 0;
  send->add_option("--api-key", api_key, "API key (default: $TELNYX_API_KEY)");
  send->add_option("--from", from, "sender template (default: none, so the profile's number pool sends)");
  send->add_option("--to", to, "recipient template: {seq} {seq:N} {shard} {rand:N} (default +1773555{seq:4})");
  send->add_option("--text", text, "text template");
  send->add_option("--messaging-profile-id", profile, "messaging_profile_id for every send");
  send->add_flag("--webhooks", webhooks, "run the webhook receiver and match every message's events");
  send->add_option("--receiver-host", receiver_host, "receiver bind address and URL host (default 127.0.0.1)");
  send->add_option("--receiver-port", receiver_port, "receiver port (default 0: ephemeral)");
  send->add_option("--receiver-path", receiver_path, "receiver path (default /webhooks)");
  send->add_option("--receiver-threads", receiver_threads, "receiver handler threads, one per keep-alive connection (default 96)");
  send->add_option("--public-key", public_key, "webhook Ed25519 public key, base64 (default: GET <url>/_mock/keys)");
  send->add_option("--keys-from", keys_from, "base URL serving GET /_mock/keys (default: --url)");
  send->add_flag("--no-verify", no_verify, "do not check webhook signatures");
  send->add_option("--ack-status", ack_status, "status the receiver answers (default 200)");
  send->add_option("--ack-delay", ack_delay, "delay before answering (default 0s)");
  send->add_option("--ack-fail-rate", ack_fail_rate, "fraction of deliveries answered 500 (default 0)");

  auto* inbound = app.add_subcommand("inbound", "POST signed message.received events to an integration, then message.sent / message.finalized for its replies");
  LoadFlags ilf;
  ilf.timeout = "2s";   // Telnyx's delivery deadline (contract §7.6)
  ilf.retries = 2;      // 3 attempts per URL
  OutputFlags iof;
  add_load_flags(inbound, ilf, "the integration's webhook URL");
  double dup_rate = 0, forged_rate = 0, stale_rate = 0;
  std::string failover_url;
  inbound->add_option("--failover-url", failover_url, "once the attempts on --url are spent, as many again here (Telnyx's webhook_failover_url)");
  inbound->add_option("--duplicate-rate", dup_rate, "fraction of deliveries that re-deliver an earlier event (same data.id)");
  inbound->add_option("--bad-signature-rate", forged_rate, "fraction of events signed with another key (must be refused)");
  inbound->add_option("--stale-rate", stale_rate, "fraction of events with a 10-minute-old timestamp (must be refused)");
  double failed_rate = 0, reorder_rate = 0, delay_rate = 0, replay_rate = 0;
  std::string delay_max = "1s", replay_after = "0s", tolerance = "300s";
  inbound->add_option("--failed-rate", failed_rate, "fraction of message.finalized outcomes that failed (delivery_failed / sending_failed)");
  inbound->add_option("--reorder-rate", reorder_rate, "fraction of replies whose message.finalized is delivered before message.sent");
  inbound->add_option("--delay-rate", delay_rate, "fraction of deliveries held back on purpose, by up to --delay-max");
  inbound->add_option("--delay-max", delay_max, "longest hold of a delayed delivery (default 1s; uniform, seeded)");
  inbound->add_option("--replay-rate", replay_rate, "fraction of events whose request is sent again later, byte for byte");
  inbound->add_option("--replay-after", replay_after, "replays wait until their timestamp is this old (default 0s: at the end)");
  inbound->add_option("--tolerance", tolerance, "the integration's timestamp tolerance (default 300s): a replay older answered 2xx is a finding");
  add_output_flags(inbound, iof);
  std::string signing_key, in_from = "+1555{shard}{seq:7}", in_to = "+13125550100", in_text = "HELLO {seq}", in_profile, mock_url;
  inbound->add_option("--signing-key", signing_key, "Ed25519 private key: file (PEM or base64) or base64 seed")->required();
  inbound->add_option("--from", in_from, "sender template; must be unique per event to match replies");
  inbound->add_option("--to", in_to, "the integration's number");
  inbound->add_option("--text", in_text, "text template");
  inbound->add_option("--messaging-profile-id", in_profile, "messaging_profile_id in the payload");
  inbound->add_option("--mock", mock_url, "mock base URL: match replies via GET /_mock/messages");

  auto* merge = app.add_subcommand("merge", "combine shard reports exactly");
  std::vector<std::string> inputs;
  OutputFlags mof;
  merge->add_option("reports", inputs, "shard report JSON files")->required();
  add_output_flags(merge, mof);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "telnyx-loadgen: error: " << e.what() << " (see --help)\n";
    return kExitUsage;
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    if (*merge) {
      const auto ths = thresholds_of(mof);
      std::vector<Report> reps;
      for (const auto& p : inputs) {
        auto r = load_report(p);
        if (!r) {
          std::cerr << "telnyx-loadgen: error: " << r.error() << "\n";
          return kExitRunError;
        }
        reps.push_back(r.value());
      }
      return finish_run(merge_reports(reps), mof, ths);
    }
    if (*send) {
      SendOptions o;
      o.load = load_options(lf, true);
      const auto ths = thresholds_of(of);
      if (api_key.empty() && std::getenv("TELNYX_API_KEY")) api_key = std::getenv("TELNYX_API_KEY");
      if (api_key.empty()) throw UsageError{"--api-key (or TELNYX_API_KEY) is required"};
      if (api_key.find_first_of("\r\n") != std::string::npos) throw UsageError{"--api-key: bad characters"};
      o.api_key = api_key;
      set_message_flags(o, from, to, text, profile);
      o.webhooks = webhooks;
      if (ack_status < 100 || ack_status > 599) throw UsageError{"--ack-status: must be 100..599"};
      if (!(ack_fail_rate >= 0 && ack_fail_rate <= 1)) throw UsageError{"--ack-fail-rate: must be 0..1"};
      if (receiver_port < 0 || receiver_port > 65535) throw UsageError{"--receiver-port: must be 0..65535"};
      if (receiver_threads < 1 || receiver_threads > 1024) throw UsageError{"--receiver-threads: must be 1..1024"};
      if (receiver_path.empty() || receiver_path[0] != '/') throw UsageError{"--receiver-path must start with /"};
      o.receiver.host = receiver_host;
      o.receiver.port = receiver_port;
      o.receiver.path = receiver_path;
      o.receiver.threads = receiver_threads;
      o.receiver.ack_status = ack_status;
      o.receiver.ack_delay = std::chrono::duration_cast<std::chrono::milliseconds>(duration_flag("--ack-delay", ack_delay, true));
      o.receiver.ack_fail_rate = ack_fail_rate;
      o.receiver.seed = lf.seed;
      o.receiver.public_key_base64 = public_key;
      if (webhooks && public_key.empty() && !no_verify) o.keys_from = keys_from.empty() ? lf.url : keys_from;
      if (!keys_from.empty()) url_flag("--keys-from", keys_from);
      o.load.config_echo["webhooks"] = webhooks;
      auto rep = run_send(o, hooks_for(of));
      end_progress_line(of);
      return finish_run(rep, of, ths);
    }
    InboundOptions o;
    o.load = load_options(ilf, false);
    const auto ths = thresholds_of(iof);
    o.signing_key = signing_key;
    set_message_flags(o, in_from, in_to, in_text, in_profile);
    o.mock_url = mock_url;
    for (const auto& [name, v] : {std::pair<const char*, double>{"--duplicate-rate", dup_rate},
                                  {"--bad-signature-rate", forged_rate}, {"--stale-rate", stale_rate}})
      if (!(v >= 0 && v <= 1)) throw UsageError{std::string(name) + ": must be 0..1"};
    if (dup_rate + forged_rate + stale_rate > 1) throw UsageError{"--duplicate-rate, --bad-signature-rate and --stale-rate add up to more than 1"};
    for (const auto& [name, v] : {std::pair<const char*, double>{"--failed-rate", failed_rate}, {"--reorder-rate", reorder_rate},
                                  {"--delay-rate", delay_rate}, {"--replay-rate", replay_rate}})
      if (!(v >= 0 && v <= 1)) throw UsageError{std::string(name) + ": must be 0..1"};
    o.chaos.failed = failed_rate;
    o.chaos.reorder = reorder_rate;
    o.chaos.delay = delay_rate;
    o.chaos.delay_max = duration_flag("--delay-max", delay_max);
    if (o.chaos.delay_max > std::chrono::minutes(10)) throw UsageError{"--delay-max: at most 10m"};
    o.chaos.replay = replay_rate;
    o.chaos.replay_after = duration_flag("--replay-after", replay_after, true);
    if (o.chaos.replay_after > std::chrono::hours(1)) throw UsageError{"--replay-after: at most 1h"};
    o.chaos.tolerance = duration_flag("--tolerance", tolerance);
    if (o.chaos.tolerance < std::chrono::seconds(1) || o.chaos.tolerance > std::chrono::hours(1))
      throw UsageError{"--tolerance: must be 1s..1h"};
    o.chaos.stale_age = std::max<Nanos>(std::chrono::minutes(10), 2 * o.chaos.tolerance);   // always past it
    if ((reorder_rate > 0 || failed_rate > 0) && mock_url.empty())
      throw UsageError{"--reorder-rate and --failed-rate need --mock (status events are about the integration's replies)"};
    if (!failover_url.empty()) o.failover = url_flag("--failover-url", failover_url);
    o.chaos.duplicate = dup_rate;
    o.chaos.forged = forged_rate;
    o.chaos.stale = stale_rate;
    // Fresh event ids in every run (an integration's dedup table remembers the last one),
    // unless --seed asks for a repeatable run.
    o.run_id = inbound->get_option("--seed")->count() > 0 ? ilf.seed : std::random_device{}() * 0x100000001ULL + std::random_device{}();
    o.load.config_echo["duplicate_rate"] = dup_rate;
    o.load.config_echo["bad_signature_rate"] = forged_rate;
    o.load.config_echo["stale_rate"] = stale_rate;
    o.load.config_echo["failed_rate"] = failed_rate;
    o.load.config_echo["reorder_rate"] = reorder_rate;
    o.load.config_echo["delay_rate"] = delay_rate;
    o.load.config_echo["delay_max"] = delay_max;
    o.load.config_echo["replay_rate"] = replay_rate;
    o.load.config_echo["replay_after"] = replay_after;
    o.load.config_echo["tolerance"] = tolerance;
    if (!mock_url.empty()) {
      url_flag("--mock", mock_url);
      if (o.from.uses_rand()) throw UsageError{"--from: with --mock the sender must not use {rand:N} (replies are matched by it)"};
    }
    auto rep = run_inbound(o, hooks_for(iof));
    end_progress_line(iof);
    return finish_run(rep, iof, ths);
  } catch (const UsageError& e) {
    std::cerr << "telnyx-loadgen: error: " << e.what << "\n";
    return kExitUsage;
  }
}
