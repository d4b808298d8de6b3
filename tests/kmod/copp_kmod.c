// SPDX-License-Identifier: MIT
/* copp_kmod.c -- copp.h's core built as a Linux kernel module (make
 * kmod-check): COPP_KERNEL (the types from <linux/types.h>, no C library),
 * COPP_STATIC (nothing exported), the kernel's memcpy/memset, COPP_ASSERT as
 * WARN_ON, the simulated hardware (tests/mock_hw.c) and the mock crypto
 * (tests/mock_crypto.c), and the application helpers the init's flow needs
 * (kmod_flow.c, also run in user space by make kmod-check).  Building is the
 * check: modules cannot be loaded on the build machine.
 * -DCOPP_KMOD_PLANT_UNRESOLVED adds a call to a function no kernel exports:
 * the control make kmod-check builds to show that modpost's check can fail. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/bug.h>

#define COPP_KERNEL
#define COPP_STATIC
#define COPP_MEMCPY(d, s, n) memcpy((d), (s), (n))
#define COPP_MEMSET(d, v, n) memset((d), (v), (n))
#define COPP_ASSERT(x) WARN_ON(!(x))
#define COPP_IMPLEMENTATION
#define COPP_WITH_APP
#include "copp.h"

#define abort() BUG()   /* mock_connector_init (unused here) */
#include "mock_hw.c"
#include "mock_crypto.c"
#include "kmod/kmod_flow.c"

#ifdef COPP_KMOD_PLANT_UNRESOLVED
extern int copp_kmod_no_such_kernel_function(void);
#endif

static int __init copp_kmod_init(void)
{
	int32_t hr = 0;
	int step = copp_kmod_flow(&hr);

#ifdef COPP_KMOD_PLANT_UNRESOLVED
	step += copp_kmod_no_such_kernel_function();
#endif
	if (step) {
		pr_err("copp: step %d failed: HRESULT 0x%08x (%s)\n", step, (unsigned int)(uint32_t)hr,
		       copp_result_str(hr));
		return hr ? copp_hresult_to_errno(hr) : -EIO;
	}
	pr_info("copp: one session on the simulated hardware, HDCP on and off\n");
	return 0;
}

static void __exit copp_kmod_exit(void)
{
}

module_init(copp_kmod_init);
module_exit(copp_kmod_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("copp.h core on simulated hardware (build check)");
