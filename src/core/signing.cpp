#include "core/signing.h"
