/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsmctl emu: declarations shared by its files.
 *
 *   cmd_emu.c   the subcommand table; instances: create, list, destroy,
 *               set, reset, rotate, status
 *   emu_boot.c  boot measurements: --pcr values, presets, measurements
 *   emu_pki.c   the shared test PKI: root, provision, new-chain
 *
 * Every emu_*() command takes its arguments as a subcommand's argv
 * (argv[0] is the subcommand's name) and returns an nsmctl exit code.
 */
#ifndef NSMCTL_EMU_H
#define NSMCTL_EMU_H

#include <stdbool.h>

/* A boot measurement as its attribute takes it: 96 lower-case hex digits. */
#define EMU_PCR_HEX	96

/* Whether PCR @index has a boot measurement attribute (0-4 and 8). */
bool emu_boot_pcr(unsigned long index);

/*
 * emu_pcr_value() - check the value @arg of a boot measurement
 * @what: how the value was given, for messages ("--pcr 3=...", "pcr3")
 * @hex:  receives 96 lower-case hex digits, or "" for "default" and the
 *        empty string (the attribute's default)
 * Prints a usage error. Return: NSMCTL_OK or NSMCTL_USAGE.
 */
int emu_pcr_value(const char *cmd, const char *what, const char *arg,
		  char hex[EMU_PCR_HEX + 1]);

/*
 * emu_pcr_arg() - parse the option value "N=HEX" of --pcr
 * Prints a usage error naming the index (not a boot measurement) or the
 * value (not 48 bytes of hex). Return: NSMCTL_OK or NSMCTL_USAGE.
 */
int emu_pcr_arg(const char *cmd, const char *arg, unsigned long *index,
		char hex[EMU_PCR_HEX + 1]);

/* The attribute of boot measurement @index ("pcr3"), in @name[8]. */
void emu_pcr_attr(char name[8], unsigned long index);

/* Write 1 to action @attr of instance directory @dir (reset, rotate). */
int emu_instance_action(const char *name, const char *dir, const char *attr);

/*
 * emu_eif_pcrs() - the boot measurements of enclave image @path: PCR0, 1,
 * 2 and 8 (zero for an unsigned image) into @hex[i] with @has[i] set,
 * indexed by PCR (arrays of NSM_MAX_PCRS). An image whose CRC or
 * signature fails is refused. Prints an error.
 * Return: NSMCTL_OK, NSMCTL_INPUT (not a sound EIF), NSMCTL_DEVICE (cannot
 * read it) or NSMCTL_INTERNAL.
 */
int emu_eif_pcrs(const char *path, char hex[][EMU_PCR_HEX + 1], bool *has);

int emu_preset(int argc, char **argv);
int emu_measurements(int argc, char **argv);

int emu_root(int argc, char **argv);
int emu_provision(int argc, char **argv);
int emu_new_chain(int argc, char **argv);

/*
 * emu_read_pki() / emu_print_pki() - the PKI's state for `status`: read
 * everything first (a status must not be half printed), then print.
 */
struct emu_pki_state;
int emu_read_pki(struct emu_pki_state **st);
void emu_print_pki(const struct emu_pki_state *st);
void emu_free_pki(struct emu_pki_state **st);

/*
 * emu_args() - parse the options of a subcommand that takes only -h and
 * -j, and check it got @min..@max arguments
 * @usage: what the arguments are, for the message ("NAME [INSTANCE]")
 * Return: NSMCTL_OK with optind at the first argument, EMU_HELP after
 * printing the usage (-h), or NSMCTL_USAGE.
 */
#define EMU_HELP	(-1)
int emu_args(int argc, char **argv, int min, int max, const char *usage);

/* Print the number @val under @key (text: @label first); a string if not. */
void emu_print_num(const char *key, const char *label, const char *val,
		   bool is_time);

#endif /* NSMCTL_EMU_H */
