#include "core/rng.h"
