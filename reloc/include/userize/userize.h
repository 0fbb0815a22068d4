/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * userize public C API.
 *
 * Data flow: uz_object_open() reads a BPF ELF object and its CO-RE records,
 * uz_target_load() loads the target kernel's types (BTF) and indexes them by
 * name, uz_object_relocate() resolves every record against the target and
 * returns patched instructions plus a per-relocation report, and
 * uz_relocation_write() emits a relocated object whose CO-RE records are
 * consumed (loadable by plain libbpf on a kernel without BTF).
 *
 * Conventions: every fallible function returns 0 or a negative errno value
 * and, when @err is not NULL, fills it with a sentence a user can act on.
 * Options structs start with a size field (set it with UZ_OPTS_INIT) so they
 * can grow without breaking the ABI; a caller built against a newer header
 * that sets fields this library does not know gets -EINVAL, never a
 * silently ignored option. There is no global state.
 * Pointer arguments are checked: a NULL object, target, relocation, path or
 * out pointer gives -EINVAL (with a message in @err where the function takes
 * one); accessors given NULL return NULL, 0, "" or false.
 */
#ifndef USERIZE_USERIZE_H
#define USERIZE_USERIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UZ_API __attribute__((visibility("default")))

#define UZ_VERSION_MAJOR 0
#define UZ_VERSION_MINOR 2

/* Error value: a negative errno code plus a message for humans. */
struct uz_error {
	int code;
	char msg[1024];
};

/* Declare and zero an options struct, recording its size. */
#define UZ_OPTS_INIT(type, name, ...) \
	struct type name = { .sz = sizeof(struct type), __VA_ARGS__ }

/* CO-RE relocation kinds, values as in the kernel's enum bpf_core_relo_kind. */
enum uz_kind {
	UZ_FIELD_BYTE_OFFSET = 0,
	UZ_FIELD_BYTE_SIZE = 1,
	UZ_FIELD_EXISTS = 2,
	UZ_FIELD_SIGNED = 3,
	UZ_FIELD_LSHIFT_U64 = 4,
	UZ_FIELD_RSHIFT_U64 = 5,
	UZ_TYPE_ID_LOCAL = 6,
	UZ_TYPE_ID_TARGET = 7,
	UZ_TYPE_EXISTS = 8,
	UZ_TYPE_SIZE = 9,
	UZ_ENUMVAL_EXISTS = 10,
	UZ_ENUMVAL_VALUE = 11,
	UZ_TYPE_MATCHES = 12,
	UZ_KIND_MAX,
};

/* libbpf's name for a kind ("byte_off", ...), "unknown" when out of range. */
UZ_API const char *uz_kind_name(unsigned int kind);

/* ---- target types ------------------------------------------------------ */

struct uz_target;

/*
 * Where target types may come from (uz_target_opts.sources, a mask).
 * 0 means any, "auto": BTF wherever the input has it, else the next
 * source that can read the input.
 */
enum uz_source_kind {
	/* Raw BTF, the .BTF of an ELF vmlinux or module, kernel images and
	 * packages (bzImage, arm64 Image, .deb), /sys/kernel/btf. */
	UZ_SOURCE_BTF = 1u << 0,
	/* DWARF debug info of a vmlinux (-dbg packages), read lazily: only
	 * the types the relocated programs need are converted. */
	UZ_SOURCE_DWARF = 1u << 1,
	/* A userize btfgen archive of minimized BTF for many kernels. */
	UZ_SOURCE_ARCHIVE = 1u << 2,
	/* tracefs event format files (tracepoint records only). */
	UZ_SOURCE_TRACEFS = 1u << 3,
	UZ_SOURCE_ALL = 0xfu,
};

/* "btf", "dwarf", "archive", "tracefs" (one bit), "auto" for 0. */
UZ_API const char *uz_source_kind_name(unsigned int kind);
/* Parse "auto", "btf", "dwarf", "archive", "tracefs" into a mask; -EINVAL if unknown. */
UZ_API int uz_source_kind_parse(const char *s, unsigned int *mask);

struct uz_target_opts {
	size_t sz;
	/* Base BTF for split (kernel module) BTF; the default for a module
	 * file is /sys/kernel/btf/vmlinux. Ignored for non-split inputs. */
	const char *base_path;
	/* Name shown in reports; default: the path. */
	const char *name;
	/* Mask of enum uz_source_kind the input may be read as; 0 = auto. */
	unsigned int sources;
	/* Archive entry selector: kernel release (uname -r) and/or build id
	 * (hex). NULL: the running kernel's release, then its build id. */
	const char *kernel_release;
	const char *kernel_build_id;
	/* Lazy sources (DWARF): names of types to make available at load
	 * time. Others are read when uz_object_relocate() needs them. */
	const char *const *type_names;
	size_t type_name_cnt;
};

/* Where a target's types came from. Strings are "" when unknown. */
struct uz_target_provenance {
	const char *path;        /* the file or directory read; "" for memory */
	unsigned int source;     /* one enum uz_source_kind bit */
	const char *container;   /* the path taken, e.g. "deb data.tar.xz boot/vmlinuz-... -> bzImage(zstd) -> ELF vmlinux .BTF" */
	const char *release;     /* kernel release, e.g. "6.1.0-56-cloud-amd64" */
	const char *build_id;    /* GNU build id of the kernel, hex */
	const char *base_path;   /* base BTF of split (module) BTF, else "" */
	bool big_endian;         /* byte order of the kernel the types describe */
	unsigned int pointer_size; /* 4 or 8; 0 when the source does not say */
};

/*
 * Load target types from @path: a raw BTF file (native or swapped endian),
 * an ELF file with a .BTF section (vmlinux), kernel module split BTF (with
 * opts->base_path or the running kernel's vmlinux as base), a kernel image
 * or package, a vmlinux with DWARF, an archive or a tracefs tree, as
 * opts->sources allows. @path NULL means the running kernel:
 * /sys/kernel/btf/vmlinux, else (DWARF allowed) its debug vmlinux found by
 * build id or at /usr/lib/debug/boot/vmlinux-RELEASE.
 * Options are validated: bytes past the fields this library knows must be
 * zero (-EINVAL otherwise).
 */
UZ_API int uz_target_load(const char *path, const struct uz_target_opts *opts,
			  struct uz_target **out, struct uz_error *err);
/* Same from memory (the bytes are copied); opts as for uz_target_load()
 * (opts->name names it in messages, default "<memory>"). */
UZ_API int uz_target_load_mem(const void *data, size_t len, const struct uz_target_opts *opts,
			      struct uz_target **out, struct uz_error *err);
UZ_API void uz_target_free(struct uz_target *target);
UZ_API const char *uz_target_name(const struct uz_target *target);
UZ_API const struct uz_target_provenance *uz_target_provenance(const struct uz_target *target);
/* Number of types, including id 0 (void), as btf__type_cnt(). For lazy
 * sources: the types converted so far. */
UZ_API uint32_t uz_target_type_cnt(const struct uz_target *target);
/* The libbpf BTF object (struct btf *), for callers that read it further.
 * For lazy sources it holds the types converted so far and stays valid
 * until uz_target_free(), but a later uz_object_relocate() that needs
 * more types may make a new one: call again. */
UZ_API const void *uz_target_btf(const struct uz_target *target);
/* Lazy sources: make the types named @names available (no-op for the
 * others). -ENOENT is not returned for names the kernel lacks. */
UZ_API int uz_target_need_types(struct uz_target *target, const char *const *names,
				size_t cnt, struct uz_error *err);

/* ---- objects ----------------------------------------------------------- */

struct uz_object;

struct uz_object_opts {
	size_t sz;
	/* Name used in messages; default: the path or "<memory>". */
	const char *name;
};

UZ_API int uz_object_open(const char *path, const struct uz_object_opts *opts,
			  struct uz_object **out, struct uz_error *err);
/* Same from memory; the bytes are copied. */
UZ_API int uz_object_open_mem(const void *data, size_t len,
			      const struct uz_object_opts *opts,
			      struct uz_object **out, struct uz_error *err);
UZ_API void uz_object_free(struct uz_object *obj);
UZ_API bool uz_object_is_big_endian(const struct uz_object *obj);
/* Number of CO-RE relocation records in .BTF.ext. */
UZ_API size_t uz_object_core_relo_cnt(const struct uz_object *obj);

/* ---- relocation -------------------------------------------------------- */

enum uz_result {
	UZ_RESULT_OK = 0,
	UZ_RESULT_POISONED = 1,
	UZ_RESULT_ERROR = 2,
};

/* One CO-RE relocation record and what became of it. */
struct uz_record {
	const char *section;     /* ELF section of the instruction */
	uint32_t insn;           /* instruction index within the section */
	uint32_t relo_idx;       /* record index within its .BTF.ext section */
	unsigned int kind;       /* enum uz_kind */
	uint32_t local_type_id;
	const char *local_type;  /* "struct task_struct_user" */
	const char *access;      /* raw access string "0:1:2" */
	const char *spec;        /* "task_struct_user.state" */
	enum uz_result result;
	uint64_t orig_value;     /* value the compiler put in the insn */
	uint64_t new_value;      /* value after relocation (0 if poisoned/error) */
	uint32_t target_type_id; /* 0 when nothing matched */
	const char *target_type; /* "struct task_struct" or "" */
	const char *target_spec; /* "task_struct.__state" or "" */
	const char *message;     /* why poisoned/error, or which alias won */
	size_t cand_cnt;         /* candidates tried (see uz_record_candidate) */
};

/* Why one candidate was rejected or accepted, for `userize explain`. */
struct uz_candidate {
	uint32_t type_id;
	const char *name;        /* "struct task_struct" */
	const char *verdict;     /* "matched task_struct.__state", "no field 'state'", ... */
	bool matched;
};

struct uz_relocation;

struct uz_reloc_opts {
	size_t sz;
	/* Report records that fail (ambiguity, bad access string, insn
	 * mismatch) instead of failing the whole call. */
	bool allow_errors;
	/* Ignore userize decl tags: plain libbpf semantics only. */
	bool no_userize_tags;
};

/*
 * Resolve every CO-RE record of @obj against @target. @obj is not modified;
 * the patched instructions and the report live in *@out.
 * Without opts->allow_errors, any record that libbpf would refuse makes the
 * call fail with a message naming section, instruction and record.
 */
UZ_API int uz_object_relocate(const struct uz_object *obj,
			      const struct uz_target *target,
			      const struct uz_reloc_opts *opts,
			      struct uz_relocation **out, struct uz_error *err);
UZ_API void uz_relocation_free(struct uz_relocation *rel);

UZ_API size_t uz_relocation_record_cnt(const struct uz_relocation *rel);
UZ_API const struct uz_record *uz_relocation_record(const struct uz_relocation *rel,
						    size_t idx);
UZ_API const struct uz_candidate *uz_record_candidate(const struct uz_relocation *rel,
						      size_t rec_idx, size_t cand_idx);
/* Counts of records by result. */
UZ_API size_t uz_relocation_count(const struct uz_relocation *rel, enum uz_result res);

/*
 * Relocated instructions of section @section in host byte order (struct
 * bpf_insn layout), NULL if the object has no such program section.
 */
UZ_API const void *uz_relocation_insns(const struct uz_relocation *rel,
				       const char *section, size_t *insn_cnt);

/*
 * Write the relocated object to @path: the program sections carry the
 * patched instructions and .BTF.ext carries no CO-RE records any more.
 * "-" is standard output; a character device or FIFO is written through; a
 * symbolic link's target is replaced; a regular file is replaced atomically
 * (temporary file in the same directory, fsync, rename), keeping its mode
 * (docs/reloc.md, "Output files").
 */
UZ_API int uz_relocation_write(const struct uz_relocation *rel, const char *path,
			       struct uz_error *err);

/* Same bytes into a malloc'ed buffer (caller frees), for bpf_object__open_mem(). */
UZ_API int uz_relocation_write_mem(const struct uz_relocation *rel, void **data,
				   size_t *len, struct uz_error *err);

/* Reports: JSON array (one object per record) or aligned text. */
UZ_API int uz_relocation_write_json(const struct uz_relocation *rel, FILE *out);
UZ_API int uz_relocation_write_text(const struct uz_relocation *rel, FILE *out);
/* Explanation of every poisoned or failed record: candidates and nearest names. */
UZ_API int uz_relocation_write_explain(const struct uz_relocation *rel, FILE *out);

/*
 * Raw form for loaders that hold instructions in memory: relocate @insns
 * (host byte order, @insn_cnt entries) of program section @section in place,
 * using the program's own .BTF and .BTF.ext bytes. *@out (optional) gets the
 * report, which stays valid until uz_relocation_free().
 */
UZ_API int uz_insns_relocate(void *insns, size_t insn_cnt, const char *section,
			     const void *btf, size_t btf_len,
			     const void *btf_ext, size_t btf_ext_len,
			     const struct uz_target *target,
			     const struct uz_reloc_opts *opts,
			     struct uz_relocation **out, struct uz_error *err);

/*
 * Translate a verifier log that rejected a poisoned instruction
 * ("call unknown#195896080") into a sentence naming the field, the kernel
 * and the candidates tried. Returns 1 and writes to @out if the log refers
 * to a poisoned relocation of @rel for program section @section, else 0.
 */
UZ_API int uz_relocation_explain_verifier_log(const struct uz_relocation *rel,
					      const char *section,
					      uint32_t prog_insn_off,
					      const char *log, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* USERIZE_USERIZE_H */
