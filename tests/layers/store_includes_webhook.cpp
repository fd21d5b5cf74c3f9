// Compiled with mock_store's include directories only (ctest layers.build_refuses_store_including_webhook):
// the store may not include the webhook engine, and the build must refuse to find it.
#include "store/store.h"
#include "webhook/engine.h"
