/*
 * attach/attach_usdt.c - usdt:PATH:PROVIDER:NAME, a USDT probe, attached
 * the way libbpf's bpf_program__attach_usdt does it.
 *
 * A USDT probe is a nop in a user program plus a note saying where it is
 * and where the compiler left each argument (elf/usdt_note.h). Attaching
 * one is attaching uprobes, one per note, with two additions:
 *
 *   1. the arguments. The BPF side (<bpf/usdt.bpf.h>) reads them through
 *      records in its ARRAY map __bpf_usdt_specs (elf/usdt_arg.h); the
 *      loader writes one record per distinct argument string and gives
 *      each uprobe the record's index as its BPF cookie, which
 *      bpf_usdt_arg() reads back with bpf_get_attach_cookie(). (Kernels
 *      without cookies, before 5.15, would need the second map,
 *      __bpf_usdt_ip_to_spec_id, keyed by address; rawload's kernels all
 *      have cookies, and LINUX_HAS_BPF_COOKIE tells the BPF side so.)
 *   2. the semaphore. A probe built with one is skipped by the program
 *      unless its counter is non-zero; the uprobe's ref_ctr_offset asks
 *      the kernel to increment the counter in every process that maps the
 *      file while the uprobe exists (bpf/probe.c).
 *
 * The steps, as for any attach (commit point last): everything that can
 * be checked without the kernel is checked first for all sites (the file,
 * the probe, every argument, the map), so a bad argument at the last site
 * attaches nothing; then the spec records are written; then one uprobe
 * per site. A failure there leaves the uprobes already made in the attach
 * set, which the caller releases as for every other attach.
 *
 * Like libbpf, specs are shared only within one attach (two sites with the
 * same argument string, "-4@$5", get one record) and ids are handed out
 * from 0 in attach order across the run.
 */
#include "attach_internal.h"

#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/hook.h"
#include "bpf/map.h"
#include "bpf/probe.h"
#include "elf/usdt_arg.h"
#include "elf/usdt_layout.h"
#include "elf/usdt_note.h"

/* One probe site to attach: its note, its argument record, the record's
 * index in __bpf_usdt_specs (the uprobe's cookie). */
struct usdt_site {
	const struct usdt_note *note;
	struct usdt_spec spec;
	uint32_t spec_id;
	int new_spec;		/* first site with this argument string */
};

/* What a usdt target resolves to before the kernel is asked anything. */
struct usdt_plan {
	char path[PATH_MAX];	/* absolute: the kernel resolves it to an inode */
	char provider[128], name[128];
	struct usdt_notes notes;
	struct usdt_site *sites;
	size_t nsites;
	struct usdt_layout lay;	/* the object's struct __bpf_usdt_spec */
	uint8_t *values;	/* [nsites] records of lay.value_size bytes, as
				   written to __bpf_usdt_specs */
};

static void plan_free(struct usdt_plan *up)
{
	usdt_notes_free(&up->notes);
	free(up->sites);
	free(up->values);
	up->values = NULL;
	up->sites = NULL;
	up->nsites = 0;
}

/* "PATH:PROVIDER:NAME", split at the last two colons (a path may hold
 * one; a provider or name, C identifiers, never do). */
static int split_target(const char *target, struct usdt_plan *up, struct errbuf *eb)
{
	const char *c2 = strrchr(target, ':'), *c1 = NULL;
	char file[PATH_MAX];

	for (const char *p = target; c2 && p < c2; p++)
		if (*p == ':')
			c1 = p;
	if (!c1 || c1 == target || c2 == c1 + 1 || !c2[1] ||
	    (size_t)(c1 - target) >= sizeof(file) ||
	    (size_t)(c2 - c1 - 1) >= sizeof(up->provider) || strlen(c2 + 1) >= sizeof(up->name))
		return err_set(eb, -EINVAL, "expected PATH:PROVIDER:NAME, e.g. "
			       "usdt:./server:myapp:request_start");
	snprintf(file, sizeof(file), "%.*s", (int)(c1 - target), target);
	snprintf(up->provider, sizeof(up->provider), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	snprintf(up->name, sizeof(up->name), "%s", c2 + 1);
	return attach_user_file(file, up->path, eb);
}

/* No note matched: say which probes the file has (the first few). */
static int no_such_probe(const struct usdt_plan *up, struct errbuf *eb)
{
	char have[256] = "";
	size_t len = 0, shown = 0, distinct = 0;

	for (size_t i = 0; i < up->notes.n; i++) {
		const struct usdt_note *n = &up->notes.v[i];
		int seen = 0;

		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(up->notes.v[k].provider, n->provider) &&
			       !strcmp(up->notes.v[k].name, n->name);
		if (seen)
			continue;
		distinct++;
		if (shown < 6 && len + strlen(n->provider) + strlen(n->name) + 4 < sizeof(have)) {
			len += (size_t)snprintf(have + len, sizeof(have) - len, "%s%s:%s",
						shown ? ", " : "", n->provider, n->name);
			shown++;
		}
	}
	return err_set(eb, -ENOENT, "%s has no USDT probe '%s:%s'; it has %zu: %s%s "
		       "(list them with 'readelf -n %s')", up->path, up->provider, up->name,
		       distinct, have, distinct > shown ? ", ..." : "", up->path);
}

/* One matching note: its uprobe offset, semaphore and argument record. */
static int site_check(const struct usdt_note *n, size_t k, size_t total,
		      struct usdt_site *s, struct errbuf *eb)
{
	int err;

	s->note = n;
	if (n->pc_loc != USDT_LOC_OK)
		return err_set(eb, -ENOEXEC, "site %zu of %zu: address 0x%llx is %s", k + 1,
			       total, (unsigned long long)n->addr, usdt_loc_str(n->pc_loc));
	if (n->semaphore && n->sema_loc != USDT_LOC_OK)
		return err_set(eb, -ENOEXEC, "site %zu of %zu: semaphore at 0x%llx is %s",
			       k + 1, total, (unsigned long long)n->semaphore,
			       usdt_loc_str(n->sema_loc));
	err = usdt_spec_parse(n->args, 0, &s->spec, eb);
	if (err)
		return err_prefix(eb, err, "site %zu of %zu (file offset 0x%llx)", k + 1, total,
				  (unsigned long long)n->file_off);
	return 0;
}

/* Steps without the kernel: the file, its notes, the matching sites and
 * their argument records. @up is freed by the caller, also on failure. */
static int usdt_resolve(const char *target, struct usdt_plan *up, struct errbuf *eb)
{
	size_t total = 0;
	int err;

	if ((err = split_target(target, up, eb)) || (err = usdt_notes_read(up->path, &up->notes, eb)))
		return err;
	for (size_t i = 0; i < up->notes.n; i++)
		total += !strcmp(up->notes.v[i].provider, up->provider) &&
			 !strcmp(up->notes.v[i].name, up->name);
	if (!total)
		return no_such_probe(up, eb);
	if (up->notes.e_machine != EM_X86_64)
		return err_set(eb, -ENOEXEC, "%s is for ELF machine %u; rawload reads the "
			       "argument specs of x86-64 (%u) programs only", up->path,
			       up->notes.e_machine, EM_X86_64);
	up->sites = calloc(total, sizeof(*up->sites));
	if (!up->sites)
		return err_set(eb, -ENOMEM, "out of memory");
	for (size_t i = 0; i < up->notes.n; i++) {
		const struct usdt_note *n = &up->notes.v[i];

		if (strcmp(n->provider, up->provider) || strcmp(n->name, up->name))
			continue;
		err = site_check(n, up->nsites, total, &up->sites[up->nsites], eb);
		if (err)
			return err_prefix(eb, err, "%s: probe %s:%s", up->path, up->provider,
					  up->name);
		up->nsites++;
	}
	return 0;
}

/* The object's __bpf_usdt_specs and, from its BTF value type, the layout
 * of its records (elf/usdt_layout.h): the usdt.bpf.h the object was built
 * with decides it, whichever libbpf that came from. */
static int specs_map(const struct object *obj, struct usdt_layout *lay, struct errbuf *eb)
{
	int m = obj_find_map(obj, USDT_SPECS_MAP);
	const struct obj_map *mp;
	int err;

	if (m < 0)
		return err_set(eb, -EINVAL, "the object has no map " USDT_SPECS_MAP ": a usdt "
			       "program reads its arguments through <bpf/usdt.bpf.h>, which "
			       "declares it");
	mp = &obj->maps[m];
	if (mp->type != BPF_MAP_TYPE_ARRAY || mp->key_size != 4)
		return err_set(eb, -EINVAL, "map " USDT_SPECS_MAP " is type %u, key %u; "
			       "usdt.bpf.h declares an ARRAY (2) with 4-byte keys", mp->type,
			       mp->key_size);
	if (!obj->btf || !mp->btf_value_type_id)
		return err_set(eb, -EINVAL, "map " USDT_SPECS_MAP " has no BTF value type, from "
			       "which rawload reads where each field of its records lies");
	err = usdt_layout_read(obj->btf, mp->btf_value_type_id, lay, eb);
	if (err)
		return err_prefix(eb, err, "map " USDT_SPECS_MAP);
	if (lay->value_size != mp->value_size)
		return err_set(eb, -EINVAL, "map " USDT_SPECS_MAP ": value %u bytes, but its BTF "
			       "value type struct __bpf_usdt_spec is %u", mp->value_size,
			       lay->value_size);
	return m;
}

/* Every site's record in the object's layout, before the kernel is asked
 * anything: a record the layout cannot hold fails the attach whole. */
static int encode_specs(struct usdt_plan *up, struct errbuf *eb)
{
	size_t vs = up->lay.value_size;

	up->values = calloc(up->nsites ? up->nsites : 1, vs ? vs : 1);
	if (!up->values)
		return err_set(eb, -ENOMEM, "out of memory");
	for (size_t i = 0; i < up->nsites; i++) {
		const struct usdt_site *s = &up->sites[i];
		int err = usdt_spec_encode(&up->lay, &s->spec, up->values + i * vs, eb);

		if (err)
			return err_prefix(eb, err, "%s: probe %s:%s: site %zu of %zu (args '%s')",
					  up->path, up->provider, up->name, i + 1, up->nsites,
					  s->note->args);
	}
	return 0;
}

/* Spec ids: one per distinct argument string, new ones from the run's
 * counter in @set, which the map's max_entries as created bounds (the
 * declared one, unless the loader set set->usdt_nspecs). */
static int assign_ids(struct usdt_plan *up, const struct obj_map *mp, struct attach_set *set,
		      struct errbuf *eb)
{
	uint32_t nspecs = set->usdt_nspecs ? set->usdt_nspecs : mp->max_entries;

	for (size_t i = 0; i < up->nsites; i++) {
		struct usdt_site *s = &up->sites[i];
		size_t k;

		for (k = 0; k < i; k++)
			if (!strcmp(up->sites[k].note->args, s->note->args))
				break;
		if (k < i) {
			s->spec_id = up->sites[k].spec_id;
			continue;
		}
		if (set->usdt_next_spec >= nspecs)
			return err_set(eb, -E2BIG, "all %u entries of " USDT_SPECS_MAP " are in use; "
				       "give more with --resize " USDT_SPECS_MAP "=N (or define "
				       "BPF_USDT_MAX_SPEC_CNT before including usdt.bpf.h)",
				       nspecs);
		s->spec_id = set->usdt_next_spec++;
		s->new_spec = 1;
	}
	return 0;
}

/* Write the records of the specs this attach added. */
static int write_specs(const struct usdt_plan *up, int map_fd, const char *what,
		       struct errbuf *eb)
{
	char why[160];
	int err;

	for (size_t i = 0; i < up->nsites; i++) {
		const struct usdt_site *s = &up->sites[i];

		if (!s->new_spec)
			continue;
		snprintf(why, sizeof(why), "argument spec %u for '%s' (%d argument%s), "
			 "read by bpf_usdt_arg()", s->spec_id, s->note->args, s->spec.arg_cnt,
			 s->spec.arg_cnt == 1 ? "" : "s");
		err = map_update(map_fd, &s->spec_id, up->values + i * up->lay.value_size,
				 BPF_ANY, SYS_ATTACH, why, eb);
		if (err)
			return err_prefix(eb, err, "%s: map " USDT_SPECS_MAP, what);
	}
	return 0;
}

/* Without uprobe_multi: one perf-event uprobe per site, its spec id as
 * the BPF cookie (a BPF_PERF_EVENT link's perf_event.bpf_cookie). */
static int attach_perf_sites(const struct usdt_plan *up, int prog_fd, const char *what,
			     struct attach_set *set, struct errbuf *eb)
{
	char spec[PATH_MAX + 400];
	int err;

	for (size_t i = 0; i < up->nsites; i++) {
		const struct usdt_site *s = &up->sites[i];
		struct probe_spec ps = { 0 };

		snprintf(spec, sizeof(spec), "%s (site %zu of %zu, file offset 0x%llx)", what,
			 i + 1, up->nsites, (unsigned long long)s->note->file_off);
		ps.uprobe = 1;
		ps.path = up->path;
		ps.offset = s->note->file_off;
		ps.ref_ctr_offset = s->note->semaphore ? s->note->sema_off : 0;
		ps.bpf_cookie = s->spec_id;
		ps.has_cookie = 1;
		/* --pid: every site's uprobe in that process only; its
		 * semaphore is raised there only too, since the kernel
		 * updates the counter where it installs the breakpoint */
		ps.pid = set->pid;
		ps.spec = spec;
		if ((err = attach_keep_probe(prog_fd, &ps, set, eb)))
			return err;
	}
	return 0;
}

/* With uprobe_multi (libbpf 1.3+'s way): every site in one link, each
 * with its semaphore (link_create.uprobe_multi.ref_ctr_offsets) and its
 * spec id as cookie (.cookies); --pid is the link's pid, filtered by the
 * kernel as for a perf-event uprobe. */
static int attach_multi_sites(const struct usdt_plan *up, int prog_fd, const char *what,
			      struct attach_set *set, struct errbuf *eb)
{
	uint64_t *arr = calloc(up->nsites ? 3 * up->nsites : 1, sizeof(*arr));
	struct umulti_sites ms = { up->path, arr, NULL, NULL, up->nsites, "USDT site" };
	int fd, any_sema = 0;

	if (!arr)
		return err_set(eb, -ENOMEM, "out of memory");
	for (size_t i = 0; i < up->nsites; i++) {
		const struct usdt_note *n = up->sites[i].note;

		arr[i] = n->file_off;
		arr[up->nsites + i] = n->semaphore ? n->sema_off : 0;
		arr[2 * up->nsites + i] = up->sites[i].spec_id;
		any_sema |= n->semaphore != 0;
	}
	ms.ref_ctr_offsets = any_sema ? arr + up->nsites : NULL;
	ms.cookies = arr + 2 * up->nsites;
	fd = hook_uprobe_multi_sites(prog_fd, &ms, 0, (uint32_t)set->pid, what, eb);
	free(arr);
	return fd < 0 ? fd : attach_keep(set, fd, eb);
}

int attach_usdt(const struct attach_call *c)
{
	const struct object *obj = c->obj;
	const struct obj_prog *pr = c->pr;
	const char *target = c->target;
	struct attach_set *set = c->set;
	struct errbuf *eb = c->eb;
	struct usdt_plan up = { 0 };
	char what[PATH_MAX + 300];
	int m, err;

	snprintf(what, sizeof(what), "usdt:%s", target);
	if (!pr->def || pr->def->prog_type != BPF_PROG_TYPE_KPROBE) {
		err = err_set(eb, -EINVAL, "only uprobe-type programs (SEC(\"usdt\")) attach "
			      "there; this one is in section '%s'", pr->sec_name);
		goto out;
	}
	if ((m = specs_map(obj, &up.lay, eb)) < 0) {
		err = m;
		goto out;
	}
	if ((err = usdt_resolve(target, &up, eb)) || (err = encode_specs(&up, eb)) ||
	    (err = assign_ids(&up, &obj->maps[m], set, eb)))
		goto out;
	err = write_specs(&up, c->map_fds[m], what, eb);
	/* the link the program was loaded for (attach_usdt_pick_link) */
	if (!err)
		err = set->usdt_multi && pr->def->attach == ATTACH_USDT ?
		      attach_multi_sites(&up, c->prog_fd, what, set, eb) :
		      attach_perf_sites(&up, c->prog_fd, what, set, eb);
	plan_free(&up);
	return err;
out:
	plan_free(&up);
	return err_prefix(eb, err, "%s", what);
}

int attach_usdt_check(const struct attach_call *c, char *info, size_t size)
{
	const struct object *obj = c->obj;
	const char *target = c->target;
	struct errbuf *eb = c->eb;
	struct usdt_plan up = { 0 };
	size_t len = 0;
	int err;

	if (info && size)
		info[0] = '\0';
	err = specs_map(obj, &up.lay, eb);
	if (err >= 0)
		err = usdt_resolve(target, &up, eb);
	if (!err)
		err = encode_specs(&up, eb);
	for (size_t i = 0; !err && info && i < up.nsites && len < size; i++) {
		const struct usdt_note *n = up.sites[i].note;
		int w;

		w = snprintf(info + len, size - len, "%s0x%llx args '%s'",
			     i ? ", " : up.nsites == 1 ? "1 site at file offset " :
			     "sites at file offsets ", (unsigned long long)n->file_off, n->args);
		len += w < 0 ? 0 : (size_t)w;
		if (n->semaphore && len < size) {
			w = snprintf(info + len, size - len, " semaphore 0x%llx",
				     (unsigned long long)n->sema_off);
			len += w < 0 ? 0 : (size_t)w;
		}
	}
	plan_free(&up);
	return err < 0 ? err_prefix(eb, err, "usdt:%s", target) : 0;
}

/*
 * Which link the usdt programs of this run get, decided before they are
 * loaded, since the program is verified for it (a uprobe_multi program's
 * bpf_get_attach_cookie() reads the multi link's cookie, a plain one the
 * perf event's): uprobe_multi where the kernel has it, as libbpf 1.3+
 * does, else perf-event uprobes. The kernel is asked (libbpf's probe,
 * bpf/hook.c) once, and only when a usdt program is loaded.
 * RAWLOAD_FORCE_USDT_PERF=1 keeps perf-event uprobes;
 * RAWLOAD_FORCE_LEGACY_KPROBE=1 does too (tracefs uprobe_events, the way
 * of kernels before the uprobe PMU, which have no uprobe_multi either).
 */
void attach_usdt_pick_link(const struct object *obj, const int *selected,
			   struct attach_set *set)
{
	int any = 0;
	struct errbuf eb;

	for (size_t i = 0; i < obj->nprogs; i++)
		any |= selected[i] && obj->progs[i].def &&
		       obj->progs[i].def->attach == ATTACH_USDT;
	set->usdt_multi = 0;
	if (!any || attach_env_flag("RAWLOAD_FORCE_USDT_PERF") ||
	    attach_env_flag("RAWLOAD_FORCE_LEGACY_KPROBE"))
		return;
	/* a refused probe program (EPERM) counts as no: the program's own
	 * load then says why */
	set->usdt_multi = probe_uprobe_multi_link(&eb) > 0;
}
