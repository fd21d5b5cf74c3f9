// Where the source tree (fixtures/, scenarios/) and the build tree (binaries) are.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

namespace harness::testing {

inline std::string source_path(const std::string& rel) { return std::string(HARNESS_SOURCE_DIR) + "/" + rel; }
inline std::string binary_path(const std::string& rel) { return std::string(HARNESS_BINARY_DIR) + "/" + rel; }
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
inline std::string fixture(const std::string& name) { return read_file(source_path("fixtures/" + name)); }

}  // namespace harness::testing
