#include "core/webhook_event.h"
