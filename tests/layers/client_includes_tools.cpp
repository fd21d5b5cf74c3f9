// Compiled with harness_client's include directories only (ctest layers.build_refuses_client_including_tools):
// the client may not include src/tools, and the build must refuse to find it.
#include "client/client.h"
#include "tools/service/service.h"
