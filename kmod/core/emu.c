// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated NSM's state: PCR bank, boot measurements and defaults.
 */
#include "nsm_core.h"

static_assert(sizeof(NSM_DEFAULT_MODULE_ID) <= NSM_MODULE_ID_MAX + 1,
	      "default module_id does not fit");

/*
 * Default boot measurements, computed with nitro-cli's formulas
 * (NSM-FACTS.md section 5; ext(x) = SHA384(48 zero bytes || SHA384(x))) over
 * a fake, unsigned EIF whose sections are, in file order:
 *
 *   kernel    "nsm-emu fake kernel"
 *   cmdline   "console=ttyS0 nsm-emu=fake"
 *   ramdisk   "nsm-emu fake bootstrap ramdisk"
 *   ramdisk   "nsm-emu fake application ramdisk"
 *
 * on a parent instance %NSM_DEFAULT_INSTANCE_ID without an IAM role:
 *
 *   PCR0 = ext(kernel || cmdline || both ramdisks)
 *   PCR1 = ext(kernel || cmdline || first ramdisk)
 *   PCR2 = ext(second ramdisk)
 *   PCR3 = 0 (no role)
 *   PCR4 = SHA384(48 zero bytes || "i-0123456789abcdef0")
 *   PCR8 = 0 (unsigned EIF)
 *
 * They are constants so that a reset cannot fail; tests/core recomputes them
 * from the strings above with OpenSSL.
 */
const struct nsm_measurements nsm_default_measurements = {
	.mask = 1u << 0 | 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 8,
	.pcr = {
		[0] = {
			0x4a, 0x94, 0x61, 0x66, 0x51, 0x8b, 0x5a, 0x40,
			0x9d, 0xfa, 0x5f, 0x15, 0xdc, 0x80, 0xb0, 0x64,
			0xac, 0xb4, 0xee, 0x61, 0x7b, 0xc3, 0x58, 0xf7,
			0x5d, 0x0e, 0x32, 0xf9, 0x00, 0x62, 0xa6, 0x30,
			0x94, 0x8b, 0x15, 0x30, 0xb0, 0x10, 0x7a, 0xe1,
			0x34, 0xa0, 0xf5, 0xbe, 0x00, 0xbd, 0x38, 0xbc,
		},
		[1] = {
			0xfb, 0xe4, 0x4c, 0xfb, 0x7e, 0xf0, 0x2f, 0xb8,
			0xda, 0x11, 0x68, 0x68, 0x56, 0x9a, 0x5c, 0x6f,
			0xfc, 0xc9, 0xf1, 0x01, 0x3b, 0x12, 0x04, 0xfa,
			0x50, 0xa8, 0x85, 0x2d, 0xab, 0xbe, 0x5c, 0x9e,
			0x02, 0x74, 0x67, 0x37, 0x42, 0xe6, 0xed, 0x66,
			0xdf, 0x75, 0xfb, 0x7d, 0x28, 0xd7, 0xce, 0x9a,
		},
		[2] = {
			0xdd, 0x28, 0x39, 0xd5, 0x0d, 0x72, 0xee, 0xcb,
			0x32, 0xb8, 0x95, 0x28, 0x6e, 0xf1, 0x37, 0x30,
			0xda, 0x13, 0x3d, 0x29, 0x14, 0x1c, 0x40, 0x6e,
			0xfc, 0x4c, 0xe3, 0xd9, 0xc9, 0x21, 0x07, 0x43,
			0xf7, 0x96, 0x6f, 0x97, 0xfb, 0x38, 0x51, 0x95,
			0x02, 0xbd, 0xb6, 0xf7, 0xa7, 0x1d, 0xe9, 0x25,
		},
		[4] = {
			0xd6, 0x43, 0x29, 0x00, 0xac, 0x1c, 0x34, 0x3c,
			0xb4, 0x02, 0x86, 0x89, 0x87, 0x92, 0xc5, 0x5e,
			0x96, 0x2a, 0xef, 0x0c, 0xc3, 0x5c, 0x49, 0x10,
			0xc0, 0xc2, 0x86, 0x14, 0x5b, 0x51, 0xaf, 0x19,
			0xe7, 0x82, 0xcb, 0x21, 0xcc, 0x31, 0xa0, 0x42,
			0x67, 0x1d, 0x7d, 0xfb, 0xd3, 0x98, 0x25, 0x1c,
		},
	},
};

/**
 * nsm_emu_reset() - "boot" the emulated NSM
 * @emu: device state (caller holds its lock)
 * @m:   measurements for the PCRs whose bit is set in @m->mask (0..15), or
 *       NULL for the defaults
 *
 * Clears every PCR and lock, writes each PCR 0..15 from @m if given there,
 * else from nsm_default_measurements if given there, else leaves it zero,
 * then locks PCRs 0..15. Request counters, module_id, version and debug
 * mode are kept.
 */
void nsm_emu_reset(struct nsm_emu *emu, const struct nsm_measurements *m)
{
	const struct nsm_measurements *d = &nsm_default_measurements;
	unsigned int i;

	memset(emu->pcr, 0, sizeof(emu->pcr));
	emu->locked = 0;
	for (i = 0; i < NSM_PCR_BOOT_LOCKED; i++) {
		if (m && (m->mask & (1u << i)))
			memcpy(emu->pcr[i], m->pcr[i], NSM_PCR_LEN);
		else if (d->mask & (1u << i))
			memcpy(emu->pcr[i], d->pcr[i], NSM_PCR_LEN);
	}
	emu->locked = (1u << NSM_PCR_BOOT_LOCKED) - 1;
}

/**
 * nsm_emu_init() - set up a fresh emulated NSM with the defaults
 * @emu: state to initialise; nothing in it is kept
 *
 * Zeroes @emu (so @emu->pki is NULL: set it afterwards), reports version
 * 1.0.0 and module_id %NSM_DEFAULT_MODULE_ID, and boots with the default
 * measurements.
 */
void nsm_emu_init(struct nsm_emu *emu)
{
	static const char id[] = NSM_DEFAULT_MODULE_ID;

	memset(emu, 0, sizeof(*emu));
	memcpy(emu->module_id, id, sizeof(id));
	emu->version[0] = 1;
	emu->version[1] = 0;
	emu->version[2] = 0;
	nsm_emu_reset(emu, NULL);
}
