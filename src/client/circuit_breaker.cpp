#include "client/circuit_breaker.h"

namespace harness::client {

std::string_view to_string(BreakerState s) {
  switch (s) {
    case BreakerState::Closed: return "closed";
    case BreakerState::Open: return "open";
    case BreakerState::HalfOpen: return "half_open";
  }
  return "closed";
}

bool CircuitBreaker::counts_as_failure(const Error& e) {
  if (e.type == ErrorKind::Network) return e.code != kCodeCircuitOpen;
  return e.type == ErrorKind::Api && e.http_status >= 500;
}

void CircuitBreaker::maybe_half_open_locked() {
  if (state_ == BreakerState::Open && clock_.now() - opened_at_ >= s_.open_for) {
    state_ = BreakerState::HalfOpen;
    probes_in_flight_ = 0;
  }
}

bool CircuitBreaker::allow() {
  std::lock_guard<std::mutex> lk(mu_);
  maybe_half_open_locked();
  switch (state_) {
    case BreakerState::Closed: return true;
    case BreakerState::Open: return false;
    case BreakerState::HalfOpen:
      if (probes_in_flight_ >= s_.half_open_probes) return false;
      ++probes_in_flight_;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  std::lock_guard<std::mutex> lk(mu_);
  state_ = BreakerState::Closed;
  consecutive_failures_ = 0;
  probes_in_flight_ = 0;
}

void CircuitBreaker::record_failure() {
  std::lock_guard<std::mutex> lk(mu_);
  if (state_ == BreakerState::HalfOpen) {
    state_ = BreakerState::Open;
    opened_at_ = clock_.now();
    probes_in_flight_ = 0;
    return;
  }
  if (++consecutive_failures_ >= s_.failure_threshold && state_ == BreakerState::Closed) {
    state_ = BreakerState::Open;
    opened_at_ = clock_.now();
  }
}

void CircuitBreaker::record(const Error* e) {
  if (e && counts_as_failure(*e)) record_failure();
  else record_success();
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard<std::mutex> lk(mu_);
  const_cast<CircuitBreaker*>(this)->maybe_half_open_locked();
  return state_;
}

}  // namespace harness::client
