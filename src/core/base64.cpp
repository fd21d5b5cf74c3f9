#include "core/base64.h"
