#include "core/pagination.h"
