// Placeholder telnyx-mock: the real server is being built in this folder.
#include <cstdio>
int main() {
  std::puts("telnyx-mock: placeholder binary; the faithful mock server is not built yet.");
  return 0;
}
