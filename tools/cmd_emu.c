// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl emu: the emulator's root-only control interface. Instances and
 * the PKI live in configfs (Documentation/ABI/testing/configfs-nsm_emu),
 * the runtime state of an instance's device in sysfs
 * (Documentation/ABI/testing/sysfs-driver-nsm_emu); ctl.c reaches both.
 *
 *   create NAME [options]    mkdir, write the attributes, enable
 *   list                     every instance
 *   destroy NAME             rmdir
 *   set NAME ATTR VALUE...   write attributes
 *   reset|rotate [NAME]      boot again; retire the current leaf
 *   status [NAME]            attributes, PCRs, statistics, leaf, PKI
 *
 * The boot measurement commands are in emu_boot.c, the PKI's in emu_pki.c.
 * Where NAME is optional it defaults to "default", the instance the module
 * creates at load with /dev/nsm.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nsm_verify.h>

#include "ctl.h"
#include "emu.h"
#include "nsmctl.h"
#include "helpers/pcr.h"
#include "helpers/print.h"
#include "helpers/timeutil.h"

int emu_args(int argc, char **argv, int min, int max, const char *usage)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ NULL, 0, NULL, 0 }
	};
	int opt, n;

	while ((opt = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			show_usage("emu");
			return EMU_HELP;
		case 'j':
			nsmctl.json = true;
			break;
		default:
			return option_error("emu", opt, argv);
		}
	}
	n = argc - optind;
	if (n < min || n > max)
		return usage_error("emu", "%s takes %s", argv[0],
				   *usage ? usage : "no argument");
	return NSMCTL_OK;
}

void emu_print_num(const char *key, const char *label, const char *val,
		   bool is_time)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(val, &end, 10);
	pr_text("%s", label);
	if (!*val || *end || errno) {
		pr_str(PR_ANY, key, "%s\n", val);
		return;
	}
	pr_i64(PR_ANY, key, "%" PRId64, v);
	if (is_time && v > 0) {
		char when[TIME_STR_LEN];

		format_time_ms(when, v * 1000);
		pr_text(" (%s)", when);
	}
	pr_text("\n");
}

int emu_instance_action(const char *name, const char *dir, const char *attr)
{
	int err = ctl_write(dir, attr, "1\n", 2);

	if (!err)
		return NSMCTL_OK;
	ctl_fail(dir, attr, err);
	if (err == ENODEV)
		fprintf(stderr, "hint: 'nsmctl emu set %s enable 1' enables "
			"it\n", name);
	return NSMCTL_DEVICE;
}

/* The attributes `set` writes, with what they take (for messages). */
static const struct {
	const char *name;
	const char *takes;
} settable[] = {
	{ "enable", "1 (register the device and boot) or 0 (remove it)" },
	{ "devname", "the name in /dev: 1-32 of A-Z a-z 0-9 _ . - (only "
	  "while disabled)" },
	{ "module_id", "1-127 printable characters, no spaces" },
	{ "debug_mode", "0 or 1 (the device reports PCR0-2 as zero)" },
	{ "pcrN", "N = 0, 1, 2, 3, 4 or 8: 96 hex digits, or 'default'; "
	  "applies at the next boot" },
	{ "cose_tagged", "0 or 1 (COSE_Sign1 tag 18)" },
	{ "indefinite_map", "0 or 1 (indefinite-length payload map)" },
	{ "clock_offset_ms", "milliseconds added to document timestamps" },
	{ "leaf_lifetime_s", "seconds a new leaf certificate lives" },
};

#define NSETTABLE	(sizeof(settable) / sizeof(settable[0]))

static void list_settable(void)
{
	size_t i;

	for (i = 0; i < NSETTABLE; i++)
		fprintf(stderr, "  %-16s %s\n", settable[i].name,
			settable[i].takes);
}

/* "pcr" and decimal digits: a boot measurement, if N is one. */
static bool is_pcr_attr(const char *attr)
{
	size_t n = strlen(attr);

	return n > 3 && n < 6 && !strncmp(attr, "pcr", 3) &&
	       strspn(attr + 3, "0123456789") == n - 3;
}

/*
 * Check the value @val of attribute @attr as far as nsmctl can, for a
 * clearer message than the module's EINVAL. A boot measurement is
 * rewritten into @hex, and *@out points at what to write.
 */
static int check_value(const char *attr, const char *val,
		       char hex[EMU_PCR_HEX + 1], const char **out)
{
	char *end;
	unsigned long idx;

	*out = val;
	if (is_pcr_attr(attr)) {
		errno = 0;
		idx = strtoul(attr + 3, &end, 10);
		if (*end || errno || !emu_boot_pcr(idx))
			return usage_error("emu", "%s: PCR%s has no boot "
					   "measurement; only PCR0, 1, 2, 3, 4 "
					   "and 8 have one", attr, attr + 3);
		*out = hex;
		return emu_pcr_value("emu", attr, val, hex);
	}
	if (!strcmp(attr, "devname") && !ctl_valid_name(val, CTL_DEVNAME_MAX))
		return usage_error("emu", "'%s' is not a device name: 1 to %d "
				   "characters from A-Z a-z 0-9 _ . -", val,
				   CTL_DEVNAME_MAX);
	return NSMCTL_OK;
}

static bool valid_module_id(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > CTL_MODULE_ID_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

struct create_args {
	const char *devname;
	const char *module_id;
	bool debug;
	bool no_enable;
	char pcr[NSM_MAX_PCRS][EMU_PCR_HEX + 1];
	bool has_pcr[NSM_MAX_PCRS];
};

/* Write what create was given; enable unless told not to. */
static int create_configure(const char *dir, const struct create_args *a)
{
	char attr[8];
	unsigned long i;
	int err;

	if (a->devname && ctl_set(dir, "devname", a->devname))
		return NSMCTL_DEVICE;
	if (a->module_id && ctl_set(dir, "module_id", a->module_id))
		return NSMCTL_DEVICE;
	if (a->debug && ctl_set(dir, "debug_mode", "1"))
		return NSMCTL_DEVICE;
	for (i = 0; i < NSM_MAX_PCRS; i++) {
		if (!a->has_pcr[i])
			continue;
		emu_pcr_attr(attr, i);
		if (ctl_set(dir, attr, a->pcr[i]))
			return NSMCTL_DEVICE;
	}
	if (a->no_enable)
		return NSMCTL_OK;
	err = ctl_write(dir, "enable", "1\n", 2);
	if (!err)
		return NSMCTL_OK;
	ctl_fail(dir, "enable", err);
	if (err == EEXIST)
		fprintf(stderr, "hint: another instance or misc device uses "
			"the device name; choose another with --devname\n");
	return NSMCTL_DEVICE;
}

static int emu_create(int argc, char **argv)
{
	enum { OPT_DEBUG = 256, OPT_NO_ENABLE, OPT_MODULE_ID, OPT_DEVNAME,
	       OPT_EIF };
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ "module-id", required_argument, NULL, OPT_MODULE_ID },
		{ "eif", required_argument, NULL, OPT_EIF },
		{ "pcr", required_argument, NULL, 'p' },
		{ "debug-mode", no_argument, NULL, OPT_DEBUG },
		{ "devname", required_argument, NULL, OPT_DEVNAME },
		{ "no-enable", no_argument, NULL, OPT_NO_ENABLE },
		{ NULL, 0, NULL, 0 }
	};
	struct create_args a = { 0 };
	char dir[PATH_MAX], hex[EMU_PCR_HEX + 1], *devname = NULL;
	const char *name;
	unsigned long idx;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":hjp:", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("emu");
		case 'j':
			nsmctl.json = true;
			break;
		case OPT_MODULE_ID:
			if (!valid_module_id(optarg))
				return usage_error("emu", "--module-id '%s': 1 "
						   "to %d printable characters "
						   "without spaces", optarg,
						   CTL_MODULE_ID_MAX);
			a.module_id = optarg;
			break;
		case 'p':
			ret = emu_pcr_arg("emu", optarg, &idx, hex);
			if (ret)
				return ret;
			memcpy(a.pcr[idx], hex, sizeof(hex));
			a.has_pcr[idx] = true;
			break;
		case OPT_DEBUG:
			a.debug = true;
			break;
		case OPT_DEVNAME:
			if (!ctl_valid_name(optarg, CTL_DEVNAME_MAX))
				return usage_error("emu", "--devname '%s': 1 to "
						   "%d characters from A-Z a-z "
						   "0-9 _ . -", optarg,
						   CTL_DEVNAME_MAX);
			a.devname = optarg;
			break;
		case OPT_NO_ENABLE:
			a.no_enable = true;
			break;
		case OPT_EIF:
			/* --pcr values given after --eif win, as any later option. */
			ret = emu_eif_pcrs(optarg, a.pcr, a.has_pcr);
			if (ret)
				return ret;
			break;
		default:
			return option_error("emu", opt, argv);
		}
	}
	if (argc - optind != 1)
		return usage_error("emu", "create takes one instance name");
	name = argv[optind];
	if (!ctl_valid_name(name, CTL_NAME_MAX))
		return usage_error("emu", "'%s' is not an instance name: 1 to "
				   "%d characters from A-Z a-z 0-9 _ . -", name,
				   CTL_NAME_MAX);
	ret = ctl_check();
	if (ret)
		return ret;
	ctl_instance_dir(dir, name);
	if (mkdir(dir, 0755)) {
		int err = errno;

		if (err == EEXIST) {
			error("instance '%s' exists already", name);
			fprintf(stderr, "hint: 'nsmctl emu set %s ...' changes "
				"it, 'nsmctl emu destroy %s' removes it\n", name,
				name);
		} else {
			error("cannot create %s: %s%s", dir, strerror(err),
			      err == EACCES || err == EPERM ?
			      " (the control interface is root only)" : "");
		}
		return NSMCTL_DEVICE;
	}
	ret = create_configure(dir, &a);
	if (ret) {
		/* No half-made instance is left behind. */
		if (rmdir(dir))
			warning("cannot remove the half-made instance %s: %s",
				dir, strerror(errno));
		return ret;
	}
	ret = ctl_get(dir, "devname", &devname);
	if (ret)
		return ret;
	pr_begin(stdout, nsmctl.json);
	pr_str(PR_ANY, "instance", "instance '%s' created: ", name);
	pr_str(PR_JSON, "devname", "%s", devname);
	pr_bool(PR_JSON, "enabled", "%s", !a.no_enable);
	if (a.no_enable)
		pr_text("disabled; 'nsmctl emu set %s enable 1' gives it "
			"/dev/%s\n", name, devname);
	else
		pr_text("/dev/%s\n", devname);
	free(devname);
	return pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
}

/* The attributes list shows, per instance. */
static const char *const list_attrs[] = {
	"devname", "enable", "module_id", "debug_mode",
};

#define NLIST	(sizeof(list_attrs) / sizeof(list_attrs[0]))

static int not_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int emu_list(int argc, char **argv)
{
	char instances[PATH_MAX], dir[PATH_MAX];
	struct dirent **ents = NULL;
	char *(*vals)[NLIST] = NULL;
	int ret, n, i;
	size_t j;

	ret = emu_args(argc, argv, 0, 0, "");
	if (ret)
		return ret == EMU_HELP ? NSMCTL_OK : ret;
	ret = ctl_check();
	if (ret)
		return ret;
	snprintf(instances, sizeof(instances), "%s/instances", ctl_configfs());
	n = scandir(instances, &ents, not_dot, alphasort);
	if (n < 0) {
		error("cannot list %s: %s", instances, strerror(errno));
		return NSMCTL_DEVICE;
	}
	vals = calloc((size_t)n + 1, sizeof(*vals));
	if (!vals)
		die(NSMCTL_INTERNAL, "out of memory");
	/* Read everything first: a partial list would mislead. */
	for (i = 0; i < n && !ret; i++) {
		ctl_instance_dir(dir, ents[i]->d_name);
		for (j = 0; j < NLIST && !ret; j++)
			ret = ctl_get(dir, list_attrs[j], &vals[i][j]);
	}
	if (ret)
		goto out;
	pr_begin(stdout, nsmctl.json);
	pr_text("%-16s %-20s %-8s %-6s %s\n", "NAME", "DEVICE", "ENABLED",
		"DEBUG", "MODULE_ID");
	pr_arr_open(PR_JSON, "instances");
	for (i = 0; i < n; i++) {
		pr_obj_open(PR_JSON, NULL);
		pr_str(PR_ANY, "name", "%-16s ", ents[i]->d_name);
		pr_text("/dev/%-15s ", vals[i][0]);
		pr_str(PR_JSON, "devname", "%s", vals[i][0]);
		pr_bool(PR_ANY, "enabled", "%-8s ", !strcmp(vals[i][1], "1"));
		pr_bool(PR_ANY, "debug_mode", "%-6s ",
			!strcmp(vals[i][3], "1"));
		pr_str(PR_ANY, "module_id", "%s\n", vals[i][2]);
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);
	ret = pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
out:
	for (i = 0; i < n; i++) {
		for (j = 0; j < NLIST; j++)
			free(vals[i][j]);
		free(ents[i]);
	}
	free(vals);
	free(ents);
	return ret;
}

static int emu_destroy(int argc, char **argv)
{
	char dir[PATH_MAX];
	const char *name;
	int ret;

	ret = emu_args(argc, argv, 1, 1, "NAME");
	if (ret)
		return ret == EMU_HELP ? NSMCTL_OK : ret;
	name = argv[optind];
	ret = ctl_instance(name, dir);
	if (ret)
		return ret;
	if (!rmdir(dir))
		return NSMCTL_OK;
	if (errno == EPERM) {
		error("cannot destroy instance '%s': %s (the module keeps it)",
		      name, strerror(errno));
		fprintf(stderr, "hint: the default instance can only be "
			"disabled: 'nsmctl emu set %s enable 0' removes its "
			"device\n", name);
	} else {
		error("cannot destroy instance '%s': %s%s", name,
		      strerror(errno), errno == EACCES ?
		      " (the control interface is root only)" : "");
	}
	return NSMCTL_DEVICE;
}

/*
 * set NAME --eif FILE: the image's PCR0, 1, 2 and 8 become the boot
 * measurements, and an enabled instance boots from them at once, so its
 * next document carries the image's measurements.
 */
static int emu_set_eif(int argc, char **argv)
{
	char hex[NSM_MAX_PCRS][EMU_PCR_HEX + 1], dir[PATH_MAX], attr[8];
	bool has[NSM_MAX_PCRS] = { false }, enabled;
	char *on = NULL;
	unsigned long i;
	int ret;

	if (argc != 4)
		return usage_error("emu", "set NAME --eif FILE takes one file");
	ret = emu_eif_pcrs(argv[3], hex, has);
	if (ret)
		return ret;
	ret = ctl_instance(argv[1], dir);
	if (ret)
		return ret;
	for (i = 0; i < NSM_MAX_PCRS; i++) {
		if (!has[i])
			continue;
		emu_pcr_attr(attr, i);
		if (ctl_set(dir, attr, hex[i]))
			return NSMCTL_DEVICE;
	}
	ret = ctl_get(dir, "enable", &on);
	if (ret)
		return ret;
	enabled = on[0] == '1';
	free(on);
	if (enabled)
		return emu_instance_action(argv[1], dir, "reset");
	if (!nsmctl.json)
		printf("boot measurements of '%s' set from %s; they apply when "
		       "it is enabled\n", argv[1], argv[3]);
	return NSMCTL_OK;
}

static int emu_set(int argc, char **argv)
{
	char hex[EMU_PCR_HEX + 1], dir[PATH_MAX];
	const char *name, *val;
	int i, ret, err;
	size_t k;

	/* Values such as clock_offset_ms -3600000: no options after set. */
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return show_usage("emu");
	if (argc >= 3 && !strcmp(argv[2], "--eif"))
		return emu_set_eif(argc, argv);
	if (argc < 4 || argc % 2)
		return usage_error("emu", "set takes NAME ATTR VALUE [ATTR "
				   "VALUE]...");
	name = argv[1];
	/* Check every pair before writing any. */
	for (i = 2; i < argc; i += 2) {
		for (k = 0; k < NSETTABLE; k++)
			if (!strcmp(argv[i], settable[k].name) ||
			    (is_pcr_attr(argv[i]) &&
			     !strcmp(settable[k].name, "pcrN")))
				break;
		if (k == NSETTABLE || !strcmp(argv[i], "pcrN")) {
			error("'%s' cannot be set; settable:", argv[i]);
			list_settable();
			return NSMCTL_USAGE;
		}
		ret = check_value(argv[i], argv[i + 1], hex, &val);
		if (ret)
			return ret;
	}
	ret = ctl_instance(name, dir);
	if (ret)
		return ret;
	for (i = 2; i < argc; i += 2) {
		char *line;

		check_value(argv[i], argv[i + 1], hex, &val);
		if (asprintf(&line, "%s\n", val) < 0)
			die(NSMCTL_INTERNAL, "out of memory");
		err = ctl_write(dir, argv[i], line, strlen(line));
		free(line);
		if (!err)
			continue;
		ctl_fail(dir, argv[i], err);
		for (k = 0; k < NSETTABLE; k++)
			if (!strcmp(argv[i], settable[k].name))
				fprintf(stderr, "hint: %s takes %s\n",
					settable[k].name, settable[k].takes);
		if (err == EBUSY)
			fprintf(stderr, "hint: 'nsmctl emu set %s enable 0' "
				"first\n", name);
		return NSMCTL_DEVICE;
	}
	return NSMCTL_OK;
}

/* reset and rotate: write 1 to the action attribute of an instance. */
static int emu_action(int argc, char **argv)
{
	char dir[PATH_MAX];
	const char *name;
	int ret;

	ret = emu_args(argc, argv, 0, 1, "[NAME]");
	if (ret)
		return ret == EMU_HELP ? NSMCTL_OK : ret;
	name = optind < argc ? argv[optind] : CTL_DEFAULT_INSTANCE;
	ret = ctl_instance(name, dir);
	if (ret)
		return ret;
	return emu_instance_action(name, dir, argv[0]);
}

/* Everything status shows, read before anything is printed. */
enum { S_ENABLE, S_DEVNAME, S_MODULE_ID, S_DEBUG, S_COSE, S_INDEF,
       S_CLOCK, S_LIFETIME, S_NCONF };

static const char *const status_attrs[S_NCONF] = {
	"enable", "devname", "module_id", "debug_mode", "cose_tagged",
	"indefinite_map", "clock_offset_ms", "leaf_lifetime_s",
};

static const char *const leaf_files[] = { "not_before", "not_after",
					  "issued" };
#define NLEAF	(sizeof(leaf_files) / sizeof(leaf_files[0]))

struct status {
	char *conf[S_NCONF];
	char *boot[NSM_MAX_PCRS];		/* boot measurement attributes */
	bool enabled;
	char devdir[PATH_MAX];
	char *pcr[NSM_MAX_PCRS], *locked[NSM_MAX_PCRS];
	struct dirent **stat_names;
	int nstats;
	char **stats;
	char *leaf[NLEAF];
	struct emu_pki_state *pki;
};

static void status_free(struct status *s)
{
	size_t i;
	int k;

	for (i = 0; i < S_NCONF; i++)
		free(s->conf[i]);
	for (i = 0; i < NSM_MAX_PCRS; i++) {
		free(s->boot[i]);
		free(s->pcr[i]);
		free(s->locked[i]);
	}
	for (k = 0; k < s->nstats; k++) {
		free(s->stat_names[k]);
		if (s->stats)
			free(s->stats[k]);
	}
	free(s->stat_names);
	free(s->stats);
	for (i = 0; i < NLEAF; i++)
		free(s->leaf[i]);
	emu_free_pki(&s->pki);
}

/* The sysfs state of the instance's device. */
static int status_read_device(struct status *s, const char *name)
{
	char group[PATH_MAX + 16], file[8], *inst;
	size_t i;
	int ret, k;

	ctl_device_dir(s->devdir, s->conf[S_DEVNAME]);
	if (!ctl_has(s->devdir, ".")) {
		error("instance '%s' is enabled, but its device has no "
		      "directory %s: %s", name, s->devdir, strerror(errno));
		return NSMCTL_DEVICE;
	}
	ret = ctl_get(s->devdir, "instance", &inst);
	if (ret) {
		fprintf(stderr, "hint: is %s an nsm_emu device?\n", s->devdir);
		return ret;
	}
	if (strcmp(inst, name)) {
		error("%s belongs to instance '%s', not '%s'", s->devdir, inst,
		      name);
		free(inst);
		return NSMCTL_DEVICE;
	}
	free(inst);
	for (i = 0; i < NSM_MAX_PCRS; i++) {
		snprintf(file, sizeof(file), "%zu", i);
		snprintf(group, sizeof(group), "%s/pcrs", s->devdir);
		ret = ctl_get(group, file, &s->pcr[i]);
		if (ret)
			return ret;
		snprintf(group, sizeof(group), "%s/pcr_locked", s->devdir);
		ret = ctl_get(group, file, &s->locked[i]);
		if (ret)
			return ret;
	}
	snprintf(group, sizeof(group), "%s/statistics", s->devdir);
	s->nstats = scandir(group, &s->stat_names, not_dot, alphasort);
	if (s->nstats < 0) {
		s->nstats = 0;
		error("cannot list %s: %s", group, strerror(errno));
		return NSMCTL_DEVICE;
	}
	s->stats = calloc((size_t)s->nstats + 1, sizeof(*s->stats));
	if (!s->stats)
		die(NSMCTL_INTERNAL, "out of memory");
	for (k = 0; k < s->nstats; k++) {
		ret = ctl_get(group, s->stat_names[k]->d_name, &s->stats[k]);
		if (ret)
			return ret;
	}
	snprintf(group, sizeof(group), "%s/leaf", s->devdir);
	for (i = 0; i < NLEAF; i++) {
		ret = ctl_get(group, leaf_files[i], &s->leaf[i]);
		if (ret)
			return ret;
	}
	return NSMCTL_OK;
}

static int status_read(struct status *s, const char *dir, const char *name)
{
	char attr[8];
	unsigned long i;
	int ret;

	for (i = 0; i < S_NCONF; i++) {
		ret = ctl_get(dir, status_attrs[i], &s->conf[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < NSM_MAX_PCRS; i++) {
		if (!emu_boot_pcr(i))
			continue;
		emu_pcr_attr(attr, i);
		ret = ctl_get(dir, attr, &s->boot[i]);
		if (ret)
			return ret;
	}
	s->enabled = !strcmp(s->conf[S_ENABLE], "1");
	if (s->enabled) {
		ret = status_read_device(s, name);
		if (ret)
			return ret;
	}
	return emu_read_pki(&s->pki);
}

static void status_print_device(const struct status *s)
{
	char label[NAME_MAX + 2];
	size_t i;
	int k;

	pr_arr_open(PR_JSON, "pcrs");
	pr_text("pcrs:\n");
	pr_indent(1);
	for (i = 0; i < NSM_MAX_PCRS; i++) {
		const char *m = pcr_label((uint32_t)i);
		bool locked = !strcmp(s->locked[i], "1");

		pr_obj_open(PR_JSON, NULL);
		pr_u64(PR_ANY, "index", "PCR%-2" PRIu64 " ", i);
		pr_bool(PR_JSON, "locked", "%s", locked);
		pr_text("%s ", locked ? "locked  " : "unlocked");
		pr_str(PR_ANY, "value", "%s", s->pcr[i]);
		if (m)
			pr_str(PR_ANY, "meaning", "  (%s)", m);
		pr_text("\n");
		pr_obj_close(PR_JSON);
	}
	pr_indent(-1);
	pr_arr_close(PR_JSON);

	pr_obj_open(PR_JSON, "statistics");
	pr_text("statistics:\n");
	pr_indent(1);
	for (k = 0; k < s->nstats; k++) {
		snprintf(label, sizeof(label), "%-16s",
			 s->stat_names[k]->d_name);
		emu_print_num(s->stat_names[k]->d_name, label, s->stats[k],
			      false);
	}
	pr_indent(-1);
	pr_obj_close(PR_JSON);

	pr_obj_open(PR_JSON, "leaf");
	pr_text("leaf:\n");
	pr_indent(1);
	for (i = 0; i < NLEAF; i++) {
		snprintf(label, sizeof(label), "%-16s", leaf_files[i]);
		emu_print_num(leaf_files[i], label, s->leaf[i],
			      strcmp(leaf_files[i], "issued"));
	}
	pr_indent(-1);
	pr_obj_close(PR_JSON);
}

static void status_print(const struct status *s, const char *name,
			 const char *dir)
{
	char label[32], attr[8];
	unsigned long i;

	pr_str(PR_ANY, "instance", "instance:        %s\n", name);
	pr_str(PR_ANY, "configfs", "configfs:        %s\n", dir);
	pr_bool(PR_ANY, "enabled", "enabled:         %s\n", s->enabled);
	pr_str(PR_ANY, "devname", "devname:         %s", s->conf[S_DEVNAME]);
	if (s->enabled)
		pr_text("  (/dev/%s, %s)\n", s->conf[S_DEVNAME], s->devdir);
	else
		pr_text("  (no device while disabled)\n");
	pr_str(PR_ANY, "module_id", "module_id:       %s\n",
	       s->conf[S_MODULE_ID]);
	pr_bool(PR_ANY, "debug_mode", "debug_mode:      %s\n",
		!strcmp(s->conf[S_DEBUG], "1"));
	pr_bool(PR_ANY, "cose_tagged", "cose_tagged:     %s\n",
		!strcmp(s->conf[S_COSE], "1"));
	pr_bool(PR_ANY, "indefinite_map", "indefinite_map:  %s\n",
		!strcmp(s->conf[S_INDEF], "1"));
	emu_print_num("clock_offset_ms", "clock_offset_ms: ",
		      s->conf[S_CLOCK], false);
	emu_print_num("leaf_lifetime_s", "leaf_lifetime_s: ",
		      s->conf[S_LIFETIME], false);

	pr_obj_open(PR_JSON, "boot_measurements");
	pr_text("boot measurements (applied at the next boot):\n");
	pr_indent(1);
	for (i = 0; i < NSM_MAX_PCRS; i++) {
		if (!s->boot[i])
			continue;
		emu_pcr_attr(attr, i);
		snprintf(label, sizeof(label), "%-5s", attr);
		pr_text("%s", label);
		pr_str(PR_ANY, attr, "%s\n", s->boot[i]);
	}
	pr_indent(-1);
	pr_obj_close(PR_JSON);

	if (s->enabled)
		status_print_device(s);
	emu_print_pki(s->pki);
}

static int emu_status(int argc, char **argv)
{
	struct status s = { 0 };
	char dir[PATH_MAX];
	const char *name;
	int ret;

	ret = emu_args(argc, argv, 0, 1, "[NAME]");
	if (ret)
		return ret == EMU_HELP ? NSMCTL_OK : ret;
	name = optind < argc ? argv[optind] : CTL_DEFAULT_INSTANCE;
	ret = ctl_instance(name, dir);
	if (ret)
		return ret;
	/* Read everything first: a partial status would mislead. */
	ret = status_read(&s, dir, name);
	if (!ret) {
		pr_begin(stdout, nsmctl.json);
		status_print(&s, name, dir);
		ret = pr_end() ? NSMCTL_DEVICE : NSMCTL_OK;
	}
	status_free(&s);
	return ret;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subs[] = {
	{ "create", emu_create },
	{ "list", emu_list },
	{ "destroy", emu_destroy },
	{ "set", emu_set },
	{ "reset", emu_action },
	{ "rotate", emu_action },
	{ "status", emu_status },
	{ "preset", emu_preset },
	{ "measurements", emu_measurements },
	{ "root", emu_root },
	{ "provision", emu_provision },
	{ "new-chain", emu_new_chain },
};

int cmd_emu(int argc, char **argv)
{
	static const struct option opts[] = {
		NSMCTL_OPT_HELP, NSMCTL_OPT_JSON,
		{ NULL, 0, NULL, 0 }
	};
	size_t i;
	int opt;

	/* Options before the subcommand; the subcommand parses its own. */
	while ((opt = getopt_long(argc, argv, "+:hj", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return show_usage("emu");
		case 'j':
			nsmctl.json = true;
			break;
		default:
			return option_error("emu", opt, argv);
		}
	}
	if (optind >= argc)
		return usage_error("emu", "missing subcommand (create, list, "
				   "destroy, set, reset, rotate, status, "
				   "preset, measurements, root, provision, "
				   "new-chain)");
	argc -= optind;
	argv += optind;
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (!strcmp(argv[0], subs[i].name)) {
			optind = 0;	/* getopt afresh over the subcommand */
			return subs[i].run(argc, argv);
		}
	}
	return usage_error("emu", "unknown subcommand '%s'", argv[0]);
}
