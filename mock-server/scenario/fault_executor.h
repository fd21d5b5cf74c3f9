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
  // Whether execute carries out `kind`. Asked once, when the HTTP layer arms the fault, before the
  // request is recorded: a kind the executor refuses is answered 500 / 10007 "fault not
  // available", and the journal and verdicts record that same answer.
  virtual bool supports(FaultKind kind) const { return kind != FaultKind::None; }
  // Returns true when the fault was carried out (the exchange is ended: no HTTP response may be
  // written). Called only for a kind supports() accepted; false (an executor breaking that
  // promise) falls back to 500 / 10007, which the record of the request then does not show.
  // For AcceptThenDrop the request was already fully processed when this is called.
  // `on_client_gave_up` (may be empty) is called when a parked (Timeout) connection is closed
  // by the client.
  virtual bool execute(FaultKind kind, net::Exchange& conn, std::function<void()> on_client_gave_up) = 0;
};

}  // namespace harness::mock
