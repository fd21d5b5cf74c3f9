// The inbox page served at GET /_mock/ui: one HTML document with its CSS and JavaScript inline,
// compiled into the binary from mock-server/ui/inbox.html (see embed.cmake).
#pragma once
#include <string_view>

namespace harness::mock {
std::string_view inbox_html();
}  // namespace harness::mock
