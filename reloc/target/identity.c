/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Target identity: what a relocated object records about the kernel it was
 * relocated for (release, build id, digest of the raw BTF, source kind),
 * and the check a loader makes before loading such an object: does that
 * identity agree with a given target, or with the running kernel?
 */
#include <stdio.h>
#include <stdlib.h>

#include <bpf/btf.h>

#include "object/object.h"
#include "target/identity.h"
#include "target/kinfo.h"

#define UZ_SYSFS_VMLINUX "/sys/kernel/btf/vmlinux"

static void digest_str(const void *data, size_t len, char *out, size_t sz)
{
	snprintf(out, sz, "fnv1a64:%016llx", (unsigned long long)uz_fnv1a64(data, len));
}

void uz_target_identity(const struct uz_target *t, struct uz_relocated_info *info)
{
	const void *raw;
	uint32_t len = 0;

	memset(info, 0, sizeof(*info));
	snprintf(info->target, sizeof(info->target), "%s", t->name);
	snprintf(info->release, sizeof(info->release), "%s", t->prov.release);
	snprintf(info->build_id, sizeof(info->build_id), "%s", t->prov.build_id);
	snprintf(info->source, sizeof(info->source), "%s", uz_source_kind_name(t->prov.source));
	raw = t->btf ? btf__raw_data(t->btf, &len) : NULL;
	if (raw)
		digest_str(raw, len, info->btf_digest, sizeof(info->btf_digest));
}

/* The running kernel's identity; its BTF digest (a read of 5 MB or more)
 * only when @want_digest. */
static void running_identity(struct uz_relocated_info *info, bool want_digest)
{
	char rel[UZ_RELEASE_MAX], bid[UZ_BUILD_ID_MAX];
	uint8_t *data = NULL;
	size_t len = 0;

	memset(info, 0, sizeof(*info));
	uz_kinfo_running(rel, bid);
	snprintf(info->target, sizeof(info->target), "the running kernel");
	snprintf(info->release, sizeof(info->release), "%s", rel);
	snprintf(info->build_id, sizeof(info->build_id), "%s", bid);
	snprintf(info->source, sizeof(info->source), "btf");
	if (want_digest && !uz_read_file(UZ_SYSFS_VMLINUX, &data, &len, NULL))
		digest_str(data, len, info->btf_digest, sizeof(info->btf_digest));
	free(data);
}

static const char *or_unknown(const char *s)
{
	return *s ? s : "unknown release";
}

/*
 * The first identity both sides know that differs ("build id", "release",
 * "BTF digest"), NULL if none; *@compared counts the ones compared. The
 * digest is the fallback when no build id can be compared, and only
 * between BTF sources (types converted from DWARF are other bytes).
 */
static const char *differs(const struct uz_relocated_info *a, const struct uz_relocated_info *b,
			   unsigned int *compared, const char **va, const char **vb)
{
	bool bid = a->build_id[0] && b->build_id[0];

	*compared = 0;
	if (bid) {
		(*compared)++;
		if (strcmp(a->build_id, b->build_id)) {
			*va = a->build_id, *vb = b->build_id;
			return "build id";
		}
	}
	if (a->release[0] && b->release[0]) {
		(*compared)++;
		if (strcmp(a->release, b->release)) {
			*va = a->release, *vb = b->release;
			return "release";
		}
	}
	if (!bid && a->btf_digest[0] && b->btf_digest[0] && !strcmp(a->source, "btf") &&
	    !strcmp(b->source, "btf")) {
		(*compared)++;
		if (strcmp(a->btf_digest, b->btf_digest)) {
			*va = a->btf_digest, *vb = b->btf_digest;
			return "BTF digest";
		}
	}
	return NULL;
}

int uz_object_check_kernel(const struct uz_object *obj, const struct uz_target *target,
			   struct uz_error *err)
{
	const struct uz_relocated_info *rf;
	struct uz_relocated_info k;
	const char *what, *va = "", *vb = "";
	unsigned int compared;

	if (!obj)
		return uz_err_set(err, -EINVAL, "uz_object_check_kernel: obj is NULL");
	if (!obj->relocated) {
		if (!uz_object_core_relo_cnt(obj))
			return 0;
		return uz_err_set(err, -ENODATA, "%s has %zu CO-RE relocation(s) and was never relocated: relocate it for the kernel first",
				  obj->name, uz_object_core_relo_cnt(obj));
	}
	rf = &obj->relocated_for;
	if (target)
		uz_target_identity(target, &k);
	else
		running_identity(&k, !rf->build_id[0]);
	what = differs(rf, &k, &compared, &va, &vb);
	if (what)
		return uz_err_set(err, -EXDEV, "%s was relocated for kernel %s (%s), not for %s, kernel %s: the %s differs (%s, not %s); relocate the original object for this kernel",
				  obj->name, or_unknown(rf->release), rf->target, k.target,
				  or_unknown(k.release), what, va, vb);
	if (!compared)
		return uz_err_set(err, -EXDEV, "%s was relocated for %s, and neither side names a release, build id or BTF digest to compare with %s",
				  obj->name, rf->target, k.target);
	return 0;
}
