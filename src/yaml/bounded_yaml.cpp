#include "yaml/bounded_yaml.h"

#include <algorithm>
#include <limits>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace harness::yaml {
namespace {

uint64_t add_saturating(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

// Counts nodes as a loader would create them if every alias were a deep copy: a collection is
// 1 plus its children, an alias is the size of the node its anchor names.
class Counter final : public YAML::EventHandler {
 public:
  explicit Counter(uint64_t max) : max_(max) {}
  uint64_t total() const { return total_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { leaf(m, a); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string&) override { leaf(m, a); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t a) override {
    auto it = sizes_.find(a);
    // An anchor is sized once its node is complete: an alias to an open one is a cycle, which
    // any walk of the loaded document (YAML -> JSON) would follow forever.
    if (it == sizes_.end()) throw YAML::ParserException(m, "an alias refers to a node that contains it (a cycle)");
    add(m, it->second);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    open(m, a);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    open(m, a);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YAML::anchor_t anchor;
    uint64_t size;
  };
  void add(const YAML::Mark& m, uint64_t n) {
    total_ = add_saturating(total_, n);
    for (auto& f : stack_) f.size = add_saturating(f.size, n);
    if (total_ > max_)
      throw YAML::ParserException(m, "the document expands to more than " + std::to_string(max_) +
                                         " nodes (each alias counts as a copy of what it names)");
  }
  void leaf(const YAML::Mark& m, YAML::anchor_t a) {
    add(m, 1);
    if (a) sizes_[a] = 1;
  }
  void open(const YAML::Mark& m, YAML::anchor_t a) {
    add(m, 1);
    stack_.push_back({a, 1});
  }
  void close() {
    if (stack_.empty()) return;
    const Frame f = stack_.back();
    stack_.pop_back();
    if (f.anchor) sizes_[f.anchor] = f.size;
  }

  uint64_t max_;
  uint64_t total_ = 0;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, uint64_t> sizes_;
};

YAML::Mark mark_at(std::string_view text, size_t offset) {
  YAML::Mark m;
  const std::string_view before = text.substr(0, std::min(offset, text.size()));
  m.pos = static_cast<int>(before.size());
  m.line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const size_t nl = before.rfind('\n');
  m.column = static_cast<int>(before.size() - (nl == std::string_view::npos ? 0 : nl + 1));
  return m;
}

}  // namespace

uint64_t expanded_nodes(std::string_view text, uint64_t max_nodes) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  Counter counter(max_nodes);
  parser.HandleNextDocument(counter);
  return counter.total();
}

YAML::Node load_bounded(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_bytes)
    throw YAML::ParserException(mark_at(text, limits.max_bytes),
                                "the document is larger than " + std::to_string(limits.max_bytes) + " bytes");
  expanded_nodes(text, limits.max_nodes);
  return YAML::Load(std::string(text));
}

}  // namespace harness::yaml
