// Pagination (contract §8.1): page[number] (default 1, min 1), page[size] (default 20, 1-250);
// meta {page_number, page_size, total_pages, total_results}.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include "core/expected.h"
#include "core/json.h"

namespace harness::core {

struct PageMeta {
  int page_number = 1;
  int page_size = 20;
  int total_pages = 0;
  int total_results = 0;
  bool operator==(const PageMeta& o) const;
};
void to_json(json& j, const PageMeta& m);
void from_json(const json& j, PageMeta& m);

struct PageRequest {
  int number = 1;
  int size = 20;
};
struct PageParamError {
  std::string parameter;   // "page[size]"
  std::string detail;      // "must be an integer from 1 to 250"
};
// Parses the raw query values (nullopt = absent).
Expected<PageRequest, PageParamError> parse_page(std::optional<std::string_view> number,
                                                  std::optional<std::string_view> size);
// meta for `total` items; [begin, end) of the slice to return.
PageMeta page_meta(const PageRequest& r, size_t total);
std::pair<size_t, size_t> page_slice(const PageRequest& r, size_t total);

}  // namespace harness::core
