// The seam for socket-level faults (scenario Decision::Kind::Fault). The HTTP layer hands the
// executor the exchange (request and connection) being served; the executor resets, closes,
// stalls or garbles it through the transport's socket actions (net::Exchange), on the loop
// thread. The HTTP layer never performs these actions itself, so without an executor a fault
// decision is answered with 500 / 10007 "fault not available".
#pragma once
#include <functional>
#include "net/exchange.h"
#include "scenario/decision.h"

namespace harness::mock {

class FaultExecutor {
 public:
  virtual ~FaultExecutor() = default;
  // Returns true when the fault was carried out (the exchange is ended: no HTTP response may be
  // written); false to fall back to 500 / 10007.
  // For AcceptThenDrop the request was already fully processed when this is called.
  // `on_client_gave_up` (may be empty) is called when a parked (Timeout) connection is closed
  // by the client.
  virtual bool execute(FaultKind kind, net::Exchange& conn, std::function<void()> on_client_gave_up) = 0;
};

}  // namespace harness::mock
