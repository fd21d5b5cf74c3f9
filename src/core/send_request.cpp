#include "core/send_request.h"
