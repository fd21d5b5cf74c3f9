# Writes OUT: a C++ source defining harness::mock::inbox_html() from IN (mock-server/ui/inbox.html),
# so the page is compiled into telnyx-mock (no files to ship, no network).
file(READ "${IN}" CONTENT)
string(FIND "${CONTENT}" ")inbox\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )inbox\"")
endif()
file(WRITE "${OUT}.tmp" "// Generated from mock-server/ui/inbox.html by mock-server/ui/embed.cmake.\n#include \"ui/inbox.h\"\nnamespace harness::mock {\nstd::string_view inbox_html() {\n  static const char kPage[] = R\"inbox(${CONTENT})inbox\";\n  return {kPage, sizeof kPage - 1};\n}\n}  // namespace harness::mock\n")
file(RENAME "${OUT}.tmp" "${OUT}")
