// YAML from outside (scenarios, POST /_mock/verify bodies, configuration files) loaded under
// caps: the document size, and the number of nodes the document stands for once every alias is
// counted as a copy of what it names. yaml-cpp shares aliased nodes, so a few hundred bytes of
// nested aliases ("billion laughs") load cheaply and then expand into billions of nodes in any
// walk that copies them (YAML -> JSON). The count is taken in one linear pass over the parser's
// events before the document is loaded; nothing is expanded to count it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace harness::yaml {

struct Limits {
  size_t max_bytes = 4 * 1024 * 1024;   // document size
  uint64_t max_nodes = 200000;          // scalars, sequences and mappings, aliases expanded
};

// The first document of `text` (a Null node for an empty text). Throws YAML::ParserException
// whose mark is the line and column where a limit was crossed, or yaml-cpp's own exceptions for
// invalid YAML (also with a mark).
YAML::Node load_bounded(std::string_view text, const Limits& limits = {});

// The expanded node count of the first document (saturating); throws like load_bounded once
// it passes `max_nodes`.
uint64_t expanded_nodes(std::string_view text, uint64_t max_nodes);

}  // namespace harness::yaml
