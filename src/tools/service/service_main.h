// `telnyx-send serve`: loads the config, opens the outbox, recovers rows left in flight by a
// crash, runs the service until SIGINT/SIGTERM.
#pragma once
#include <iosfwd>
#include <string>

namespace harness::tools::service {

int serve_main(const std::string& config_path, std::ostream& log);

}  // namespace harness::tools::service
