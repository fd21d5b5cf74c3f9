#include "scenario/faults.h"

namespace harness::mock {

namespace faults {
const char kMalformedResponse[] = "HTTP/1.1 2OO OK\r\nContent-Length: nope\r\n\r\n{garbage";
}  // namespace faults

// Each fault is counted before the connection is touched: the client sees the close at once, and
// a report read right after it must already include this fault.
bool SocketFaultExecutor::execute(FaultKind kind, net::Exchange& conn, std::function<void()> on_client_gave_up) {
  switch (kind) {
    case FaultKind::None:
      stats_.failed.fetch_add(1);
      return false;
    case FaultKind::Timeout: {
      if (lot_->parked_.load() >= max_parked_) {
        // A full lot closes the connection instead: no answer either.
        stats_.overflow.fetch_add(1);
        conn.close_silently();
        return true;
      }
      stats_.timeouts.fetch_add(1);
      lot_->parked_.fetch_add(1);
      std::shared_ptr<ParkedConnections> lot = lot_;
      conn.park(std::chrono::milliseconds(cap_ms_.load()), [lot, gave_up = std::move(on_client_gave_up)](net::ParkEnd how) {
        if (how == net::ParkEnd::PeerClosed) {
          if (gave_up) gave_up();   // before the counter: a test that sees the count sees this
          lot->closed_by_peer_.fetch_add(1);
        }
        if (how == net::ParkEnd::Expired) lot->expired_.fetch_add(1);
        lot->parked_.fetch_sub(1);
      });
      return true;
    }
    case FaultKind::ConnectionReset:
      stats_.resets.fetch_add(1);
      conn.reset();
      return true;
    case FaultKind::EmptyResponse:
      stats_.empty.fetch_add(1);
      conn.close_silently();
      return true;
    case FaultKind::MalformedResponse:
      stats_.malformed.fetch_add(1);
      conn.send_raw_and_close(faults::kMalformedResponse);
      return true;
    case FaultKind::AcceptThenDrop:
      // The request was processed; the answer is lost: close without a byte.
      stats_.dropped.fetch_add(1);
      conn.close_silently();
      return true;
  }
  stats_.failed.fetch_add(1);
  return false;
}

}  // namespace harness::mock
