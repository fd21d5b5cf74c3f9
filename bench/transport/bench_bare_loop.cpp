// The transport's own ceiling for bench/transport/throughput.sh: telnyx-mock's event-loop server
// (net::HttpServer, same limits and parser) with one handler that answers a fixed JSON body of
// the given size. No routing, validation, state or journal: what the pipeline costs on top of it
// is telnyx-mock's figure minus this one.
// Usage: bench_bare_loop <port> <response-bytes> [threads]   (threads 0 = one per core)
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include "net/http_server.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <port> <response-bytes> [threads]\n", argv[0]);
    return 2;
  }
  const size_t size = static_cast<size_t>(std::atol(argv[2]));
  const std::string head = "{\"data\":{\"pad\":\"", tail = "\"}}";
  const std::string body =
      head + std::string(size > head.size() + tail.size() ? size - head.size() - tail.size() : 0, 'x') + tail;
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  harness::net::ServerOptions o;
  o.port = std::atoi(argv[1]);
  o.threads = argc > 3 ? std::atoi(argv[3]) : 0;
  harness::net::HttpServer server(
      o,
      [&body](const std::shared_ptr<harness::net::Exchange>& ex) {
        ex->res.status = 200;
        ex->res.body = body;
        ex->res.set_header("Content-Type", "application/json");
        ex->reply();
      },
      [](const httplib::Request&, httplib::Response&, const std::string&) {});
  if (auto err = server.start()) {
    std::fprintf(stderr, "bench_bare_loop: %s\n", err->c_str());
    return 1;
  }
  std::printf("bench_bare_loop listening on 127.0.0.1:%d, body %zu bytes, %d loop threads\n", server.port(),
              body.size(), server.threads());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&sigs, &sig);
  server.stop();
  return 0;
}
