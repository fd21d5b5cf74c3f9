// Test support: writing a whole buffer to a blocking socket, for the raw-socket clients and
// peers of the tests.
#pragma once
#include <sys/socket.h>
#include <sys/types.h>

#include <string_view>

namespace harness::testing {

// Sends all of `s` (no SIGPIPE); false once the peer is gone.
inline bool send_all(int fd, std::string_view s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace harness::testing
