/* flow_main.c -- the kernel module's init flow (kmod_flow.c) run in user
 * space by make kmod-check, built the way the module builds copp.h:
 * COPP_HAVE_TYPES (the types declared here first, no header from copp.h),
 * COPP_NO_STDLIB, COPP_STATIC, the C library's memcpy/memset. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define COPP_HAVE_TYPES
#define COPP_NO_STDLIB
#define COPP_STATIC
#define COPP_MEMCPY(d, s, n) memcpy((d), (s), (n))
#define COPP_MEMSET(d, v, n) memset((d), (v), (n))
#define COPP_IMPLEMENTATION
#define COPP_WITH_APP
#include "../../copp.h"
#include "../mock_hw.c"
#include "../mock_crypto.c"
#include "kmod_flow.c"

int main(void)
{
    int32_t hr = 0;
    int step = copp_kmod_flow(&hr);
    if (step) {
        printf("kmod flow: step %d failed: 0x%08X (%s), errno %d\n", step, (unsigned)(uint32_t)hr,
               copp_result_str(hr), copp_hresult_to_errno(hr));
        return 1;
    }
    printf("kmod flow: one session on the simulated hardware, HDCP on and off, a MACed status reply, VIDEOPARAMETERS key on and off\n");
    return 0;
}
