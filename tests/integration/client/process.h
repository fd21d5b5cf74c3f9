// Running telnyx-send as a child process: capture stdout and the exit code, or start the
// service in the background and kill it.
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/paths.h"
#include "support/process.h"

namespace harness::testing {

inline std::string telnyx_send_path() { return binary_path("src/tools/telnyx-send"); }

// argv[0] is telnyx-send; env entries are "NAME=value".
inline RunResult run_telnyx_send(const std::vector<std::string>& args,
                                 const std::vector<std::string>& env = {}) {
  return run_program(telnyx_send_path(), args, env, {"TELNYX_API_KEY", "TELNYX_BASE_URL"});
}

inline pid_t spawn_service(const std::string& config_path, const std::string& log_path) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(log_path.c_str(), "a", stderr)) ::_exit(120);
    std::string prog = telnyx_send_path();
    ::execl(prog.c_str(), prog.c_str(), "serve", "--config", config_path.c_str(), nullptr);
    ::_exit(127);
  }
  return pid;
}

inline void kill_hard(pid_t pid) {
  ::kill(pid, SIGKILL);
  int st = 0;
  ::waitpid(pid, &st, 0);
}

inline int stop_gracefully(pid_t pid) {
  ::kill(pid, SIGTERM);
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace harness::testing
