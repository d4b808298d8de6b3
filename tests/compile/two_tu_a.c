/* two_tu_a.c -- the implementation translation unit of a two-TU program;
 * two_tu_b.c includes only the declarations.  Links and runs in compile-check. */
#define COPP_IMPLEMENTATION
#include "../../copp.h"

int tu_b_check(void);

int main(void)
{
    return tu_b_check() == 0 && copp_session_state(0) == COPP_STATE_CLOSED ? 0 : 1;
}
