/* two_tu_b.c -- declarations only: calls into the implementation in two_tu_a.c. */
#include "../../copp.h"

int tu_b_check(void)
{
    copp_connector c;
    copp_session s;
    (void)c;
    (void)s;
    if (copp_open(0, 0) != COPP_E_POINTER) return 1;
    if (copp_extended_format(2, 0, 0, 0, 0, 0, 0) != 2u) return 1;
    return copp_result_str(COPP_E_UNEXPECTED)[0] == 'E' ? 0 : 1;
}
