// The baseline for bench/mock/run.sh: a bare cpp-httplib server with the same pool size and
// keep-alive settings as telnyx-mock, answering POST /v2/messages with a fixed JSON body of the
// size telnyx-mock returns. No parsing, validation, state or journal: the ceiling of the library.
// Usage: bench_bare_httplib <port> <response-bytes> [threads]
#include <httplib.h>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <port> <response-bytes> [threads]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const size_t size = static_cast<size_t>(std::atol(argv[2]));
  const size_t threads = argc > 3 ? static_cast<size_t>(std::atol(argv[3])) : 64;
  // {"data":{"pad":"xxxx..."}} padded to exactly `size` bytes (minimum a few bytes more).
  const std::string head = "{\"data\":{\"pad\":\"", tail = "\"}}";
  std::string body = head + std::string(size > head.size() + tail.size() ? size - head.size() - tail.size() : 0, 'x') + tail;

  httplib::Server svr;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_tcp_nodelay(true);
  svr.set_keep_alive_max_count(100000);
  svr.Post("/v2/messages", [&body](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  });
  if (!svr.bind_to_port("127.0.0.1", port)) {
    std::fprintf(stderr, "cannot bind 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("bench_bare_httplib listening on 127.0.0.1:%d, body %zu bytes\n", port, body.size());
  std::fflush(stdout);
  svr.listen_after_bind();
  return 0;
}
