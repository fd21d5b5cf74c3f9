// Running a program as a child process: its stdout, stderr and exit code, for tests of the
// command-line tools.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include "support/paths.h"

namespace harness::testing {

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `prog` with `args` and waits for it. `env` entries ("NAME=value") are set and `unset`
// names removed in the child only.
inline RunResult run_program(const std::string& prog, const std::vector<std::string>& args,
                             const std::vector<std::string>& env = {},
                             const std::vector<std::string>& unset = {}) {
  const std::string base = ::testing::TempDir() + "run-" + std::to_string(::getpid());
  const std::string out_path = base + ".out", err_path = base + ".err";
  pid_t pid = ::fork();
  if (pid == 0) {
    for (const auto& name : unset) ::unsetenv(name.c_str());
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    if (!std::freopen(out_path.c_str(), "w", stdout) || !std::freopen(err_path.c_str(), "w", stderr))
      ::_exit(120);
    std::vector<char*> argv;
    std::string p = prog;
    argv.push_back(p.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(p.c_str(), argv.data());
    ::_exit(127);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  RunResult r;
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

}  // namespace harness::testing
