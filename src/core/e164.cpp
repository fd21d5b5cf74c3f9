#include "core/e164.h"
