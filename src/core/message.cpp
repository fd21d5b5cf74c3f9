#include "core/message.h"
