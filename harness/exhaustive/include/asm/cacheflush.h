#include <klp_shim.h>
