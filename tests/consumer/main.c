/* A tiny consumer of an installed copp.h (built by make consumer-check once
 * through pkg-config and once through CMake's find_package). */
#define COPP_IMPLEMENTATION
#include <copp.h>
#include <stdio.h>

int main(void)
{
    copp_session s = { 0 };
    if (copp_session_state(&s) != COPP_STATE_CLOSED || copp_open(NULL, &s) != COPP_E_POINTER) return 1;
    printf("consumer: copp.h found and working\n");
    return 0;
}
