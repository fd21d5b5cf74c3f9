// Exit codes of telnyx-send: one per error kind, so scripts can branch without parsing output.
//   0 success                       4 authentication error (401; never retry)
//   1 I/O or configuration error    5 rate limited (retries exhausted; see retry_after_ms)
//   2 bad command line              6 network error (connect failure, or ambiguous: see output)
//   3 validation error              7 API error (5xx after retries, 404, unreadable answer)
// In file mode every line is attempted; the exit code is that of the first failing line.
#pragma once
#include "client/error.h"

namespace harness::tools {

enum ExitCode : int {
  kExitOk = 0,
  kExitIo = 1,
  kExitUsage = 2,
  kExitValidation = 3,
  kExitAuthentication = 4,
  kExitRateLimit = 5,
  kExitNetwork = 6,
  kExitApi = 7,
};

inline int exit_code_for(client::ErrorKind k) {
  switch (k) {
    case client::ErrorKind::Validation: return kExitValidation;
    case client::ErrorKind::Authentication: return kExitAuthentication;
    case client::ErrorKind::RateLimit: return kExitRateLimit;
    case client::ErrorKind::Network: return kExitNetwork;
    case client::ErrorKind::Api: return kExitApi;
  }
  return kExitApi;
}

}  // namespace harness::tools
