#include "loadgen/plan/template.h"

namespace harness::loadgen {
namespace {
bool parse_width(std::string_view s, int lo, int hi, int& out) {
  if (s.empty() || s.size() > 2) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return false;
  out = v;
  return true;
}
}  // namespace

Template Template::parse(std::string_view text, std::string& error) {
  Template t;
  std::string lit;
  auto flush = [&] {
    if (!lit.empty()) t.parts_.push_back({Kind::Literal, std::move(lit), 0});
    lit.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}' ) {
      if (i + 1 < text.size() && text[i + 1] == '}') { lit += '}'; ++i; continue; }
      error = "unmatched '}' in template: " + std::string(text);
      return {};
    }
    if (c != '{') { lit += c; continue; }
    if (i + 1 < text.size() && text[i + 1] == '{') { lit += '{'; ++i; continue; }
    const size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      error = "unclosed '{' in template: " + std::string(text);
      return {};
    }
    const std::string_view tok = text.substr(i + 1, close - i - 1);
    const size_t colon = tok.find(':');
    const std::string_view name = tok.substr(0, colon);
    const std::string_view arg = colon == std::string_view::npos ? std::string_view() : tok.substr(colon + 1);
    Part p{Kind::Literal, {}, 0};
    if (name == "seq") {
      p.kind = Kind::Seq;
      if (colon != std::string_view::npos && !parse_width(arg, 1, 20, p.width)) {
        error = "bad {seq:N} width in template: " + std::string(text);
        return {};
      }
    } else if (name == "shard" && colon == std::string_view::npos) {
      p.kind = Kind::Shard;
    } else if (name == "rand") {
      p.kind = Kind::Rand;
      if (!parse_width(arg, 1, 18, p.width)) {
        error = "{rand:N} needs N in 1..18 in template: " + std::string(text);
        return {};
      }
    } else {
      error = "unknown placeholder {" + std::string(tok) + "} in template: " + std::string(text);
      return {};
    }
    flush();
    t.parts_.push_back(std::move(p));
    i = close;
  }
  flush();
  return t;
}

bool Template::is_constant() const {
  for (const auto& p : parts_)
    if (p.kind != Kind::Literal) return false;
  return true;
}

bool Template::uses_rand() const {
  for (const auto& p : parts_)
    if (p.kind == Kind::Rand) return true;
  return false;
}

void Template::expand(uint64_t seq, uint32_t shard, core::Rng& rng, std::string& out) const {
  for (const auto& p : parts_) {
    switch (p.kind) {
      case Kind::Literal: out += p.text; break;
      case Kind::Shard: out += std::to_string(shard); break;
      case Kind::Seq: {
        const std::string s = std::to_string(seq);
        if (static_cast<int>(s.size()) < p.width) out.append(static_cast<size_t>(p.width) - s.size(), '0');
        out += s;
        break;
      }
      case Kind::Rand:
        for (int d = 0; d < p.width; ++d) out += static_cast<char>('0' + rng.uniform(10));
        break;
    }
  }
}

std::string Template::expand(uint64_t seq, uint32_t shard, core::Rng& rng) const {
  std::string s;
  expand(seq, shard, rng, s);
  return s;
}

}  // namespace harness::loadgen
