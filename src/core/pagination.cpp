// Paging arithmetic in size_t/uint64 so that page[number]=2000000000 cannot overflow: it simply
// yields an empty slice. total_pages is 0 for an empty collection.
#include "core/pagination.h"

#include <algorithm>
#include <climits>
#include <tuple>

#include "core/json_fields.h"

namespace harness::core {
namespace {

// Plain decimal digits only; nullopt for anything else or beyond INT_MAX.
std::optional<int> parse_positive_int(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > INT_MAX) return std::nullopt;
  return static_cast<int>(v);
}

constexpr auto kMetaFields = std::make_tuple(detail::wire("page_number", &PageMeta::page_number, detail::kRequired),
                                             detail::wire("page_size", &PageMeta::page_size, detail::kRequired),
                                             detail::wire("total_pages", &PageMeta::total_pages, detail::kRequired),
                                             detail::wire("total_results", &PageMeta::total_results, detail::kRequired));

}  // namespace

bool PageMeta::operator==(const PageMeta& o) const { return detail::equal_fields(*this, o, kMetaFields); }

void to_json(json& j, const PageMeta& m) { j = detail::to_object(m, kMetaFields); }
void from_json(const json& j, PageMeta& m) { m = detail::from_object(j, kMetaFields); }

Expected<PageRequest, PageParamError> parse_page(std::optional<std::string_view> number,
                                                  std::optional<std::string_view> size) {
  PageRequest r;
  if (number) {
    const auto n = parse_positive_int(*number);
    if (!n || *n < 1)
      return unexpected(PageParamError{"page[number]", "must be an integer greater than or equal to 1"});
    r.number = *n;
  }
  if (size) {
    const auto n = parse_positive_int(*size);
    if (!n || *n < 1 || *n > 250) return unexpected(PageParamError{"page[size]", "must be an integer from 1 to 250"});
    r.size = *n;
  }
  return r;
}

PageMeta page_meta(const PageRequest& r, size_t total) {
  PageMeta m;
  m.page_number = r.number;
  m.page_size = r.size;
  const uint64_t size = r.size > 0 ? static_cast<uint64_t>(r.size) : 1;
  const uint64_t pages = (static_cast<uint64_t>(total) + size - 1) / size;
  m.total_pages = static_cast<int>(std::min<uint64_t>(pages, INT_MAX));
  m.total_results = static_cast<int>(std::min<uint64_t>(total, INT_MAX));
  return m;
}

std::pair<size_t, size_t> page_slice(const PageRequest& r, size_t total) {
  const uint64_t size = r.size > 0 ? static_cast<uint64_t>(r.size) : 1;
  const uint64_t number = r.number > 0 ? static_cast<uint64_t>(r.number) : 1;
  const uint64_t begin = std::min<uint64_t>((number - 1) * size, total);   // < 2^31 * 2^8: no overflow
  const uint64_t end = std::min<uint64_t>(begin + size, total);
  return {static_cast<size_t>(begin), static_cast<size_t>(end)};
}

}  // namespace harness::core
