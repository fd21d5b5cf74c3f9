// The seam for socket-level faults (scenario Decision::Kind::Fault). The HTTP layer hands the
// executor the socket of the connection being served (see socket_server.h); the executor resets,
// closes, stalls or garbles it. The HTTP layer never performs these actions itself, so without
// an executor a fault decision is answered with 500 / 10007 "fault not available".
#pragma once
#include "scenario/decision.h"

namespace harness::mock {

class FaultExecutor {
 public:
  virtual ~FaultExecutor() = default;
  // `sock` is the connected socket (a POSIX fd). Returns true when the fault was carried out and
  // no HTTP response must be written; false to fall back to 500 / 10007.
  // For AcceptThenDrop the request was already fully processed when this is called.
  virtual bool execute(FaultKind kind, int sock) = 0;
};

}  // namespace harness::mock
