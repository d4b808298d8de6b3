/* static_impl.c -- COPP_STATIC: every copp function is private to this
 * translation unit; compile-check asserts with nm that no copp symbol is
 * exported. */
#define COPP_STATIC
#define COPP_IMPLEMENTATION
#include "../../copp.h"

int static_impl_probe(void);
int static_impl_probe(void)
{
    return copp_session_state(0) == COPP_STATE_CLOSED;
}
