#include "core/ids.h"
