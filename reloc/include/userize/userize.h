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
	/* Base BTF for split (kernel module) BTF: raw split BTF or a module
	 * ELF (.ko). Required for module files; /sys/kernel/btf/MODULE
	 * defaults to /sys/kernel/btf/vmlinux. */
	const char *base_path;
	/* Name shown in reports; default: the path. */
	const char *name;
	/* Mask of enum uz_source_kind the input may be read as; 0 = auto. */
	unsigned int sources;
	/* Archive entry selector: kernel release (uname -r) and/or build id
	 * (hex). NULL: the running kernel's release, then its build id. */
	const char *kernel_release;
	const char *kernel_build_id;
	/* Lazy sources (DWARF, tracefs): names of types to make available at
	 * load time. Others are read when uz_object_relocate() needs them.
	 * tracefs also takes "tracepoint:SYS/EVENT" (that event's record) and
	 * "tracepoint:*" (every event's). */
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
 * build id or at /usr/lib/debug/boot/vmlinux-RELEASE (refused when its
 * build id is not the running kernel's), else (tracefs
 * allowed) its tracefs mount (tracepoint records only). A tracefs tree is a
 * mount, a copy of its events/ directory, or a tar (plain, gzip, xz, zstd)
 * of one.
 * Options are validated: bytes past the fields this library knows must be
 * zero (-EINVAL otherwise).
 * A DWARF file stays mapped while the target lives: cut short meanwhile
 * (truncated, rewritten in place), a later read past its new end raises
 * SIGBUS in the process, as with any mapped reader; replace such files by
 * renaming (docs/reloc.md, DWARF targets).
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

/*
 * Which kernel a relocated object was relocated for: uz_relocation_write()
 * records it in a non-allocated ELF note section, .note.userize (plain
 * libbpf ignores it). Strings are "" when the target did not say.
 */
struct uz_relocated_info {
	char target[256];        /* the target's name (path) as given to reloc */
	char release[128];       /* kernel release, e.g. "6.1.0-56-cloud-amd64" */
	char build_id[128];      /* GNU build id of the kernel, hex */
	char btf_digest[40];     /* "fnv1a64:<16 hex digits>" of the target's raw BTF */
	char source[16];         /* "btf", "dwarf", "archive", "tracefs" */
};

/* 1 and *@info filled if @obj was written by uz_relocation_write*() (its
 * CO-RE records are consumed: relocating it again would change nothing),
 * 0 if not. */
UZ_API int uz_object_relocated_for(const struct uz_object *obj, struct uz_relocated_info *info);

/*
 * Can @obj be loaded as is on the kernel @target describes (NULL: the
 * running kernel, by uname release, /sys/kernel/notes build id and the
 * /sys/kernel/btf/vmlinux digest)? 0 if it was relocated for that kernel
 * (every identity both sides know agrees: build id, release, BTF digest),
 * or if it has no CO-RE records at all (it runs anywhere). -EXDEV with a
 * message naming both kernels if it was relocated for another one, -ENODATA
 * if it has CO-RE records that were never relocated.
 */
UZ_API int uz_object_check_kernel(const struct uz_object *obj, const struct uz_target *target,
				  struct uz_error *err);

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
	/* The relocated instruction is dead code: no path of the relocated
	 * program reaches it once every CO-RE value is a constant (the
	 * verifier drops it). A poisoned record that is dead is harmless, e.g.
	 * a read behind an existence check that answered 0; one that is not
	 * dead makes the kernel refuse the program. Always false for errors. */
	bool dead;
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
	/* Fields below start at or past the size of the first version of this
	 * struct (an older library then refuses them rather than reading its
	 * tail padding), hence the explicit padding. */
	unsigned char reserved0[sizeof(size_t) - 2];
	/* Relocate an object of one byte order against a target of the other
	 * (refused by default: the program cannot run on that kernel). */
	bool allow_cross_endian;
};

/*
 * Resolve every CO-RE record of @obj against @target. @obj is not modified;
 * the patched instructions and the report live in *@out. @obj and @target
 * are borrowed: both must outlive *@out (writing it records @target's
 * identity). An object relocated before is refused (-EALREADY, naming the
 * kernel it was relocated for), as is a target of the other byte order
 * (-ENOEXEC) unless opts->allow_cross_endian. An object without CO-RE
 * records (and possibly without .BTF) relocates to zero records and is
 * written unchanged.
 * Without opts->allow_errors, any record that libbpf would refuse makes the
 * call fail with a message naming section, instruction and record.
 */
UZ_API int uz_object_relocate(const struct uz_object *obj,
			      const struct uz_target *target,
			      const struct uz_reloc_opts *opts,
			      struct uz_relocation **out, struct uz_error *err);
UZ_API void uz_relocation_free(struct uz_relocation *rel);
/*
 * Lazy target sources (DWARF): make available now every type that
 * relocating each of @objs with @opts will need, in one conversion.
 * uz_object_relocate() does this for its own object; calling this first
 * with all objects (as `userize matrix` does) converts their types once
 * instead of once per object. A no-op for complete sources (BTF).
 */
UZ_API int uz_target_need_objects(struct uz_target *target,
				  const struct uz_object *const *objs, size_t cnt,
				  const struct uz_reloc_opts *opts, struct uz_error *err);

UZ_API size_t uz_relocation_record_cnt(const struct uz_relocation *rel);
/* Record @idx. The nearest names in the message of a record whose type the
 * kernel lacks are found when the record (or a report, explanation) is
 * first read, so the first read of a relocation must not race another
 * read of it from another thread; the target must still be loaded. */
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
 * (docs/reloc.md, "Output files"). A .note.userize section records the
 * target (see uz_object_relocated_for()); an object that had no CO-RE
 * records is written byte for byte unchanged.
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

/* ---- bpftool skeletons ------------------------------------------------ */

struct bpf_object_skeleton; /* libbpf's <bpf/libbpf.h> */

/*
 * Relocate the object embedded in a `bpftool gen skeleton` skeleton before
 * it is opened: s->data and s->data_sz are replaced by the relocated bytes,
 * which *@relocated receives; free it after the skeleton is destroyed (the
 * bpf_object reads them until then). @target NULL: the running kernel.
 * Use it between NAME__create_skeleton() and bpf_object__open_skeleton()
 * (NAME__open() does both at once):
 *
 *	skel = calloc(1, sizeof(*skel));
 *	NAME__create_skeleton(skel);
 *	uz_skeleton_relocate(skel->skeleton, NULL, NULL, &bytes, &err);
 *	bpf_object__open_skeleton(skel->skeleton, NULL);
 *	NAME__load(skel); NAME__attach(skel); ... NAME__destroy(skel); free(bytes);
 */
UZ_API int uz_skeleton_relocate(struct bpf_object_skeleton *s, const struct uz_target *target,
				const struct uz_reloc_opts *opts, void **relocated,
				struct uz_error *err);

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

/* ---- btfgen: minimized BTF and archives of many kernels ---------------- */

struct uz_btfgen_opts {
	size_t sz;
	/* Ignore userize decl tags: plain libbpf semantics (as uz_reloc_opts). */
	bool no_userize_tags;
};

/*
 * The smallest BTF of @target that resolves every CO-RE record of the
 * @cnt objects exactly as @target itself does: the types and members the
 * records reach, enums whole, full member lists where type_matches compares
 * them, pointers to unreached types as pointers to void. Before it is
 * returned it is proven: every object is relocated against it and every
 * record (result, value, target type and access path, error message)
 * compared with the relocation against @target; any difference is an
 * error (-EPROTO). Raw BTF in the target kernel's byte order, malloc'ed
 * (caller frees). A record that does not resolve against @target keeps
 * nothing and does not resolve against the result either.
 */
UZ_API int uz_btfgen_minimize(const struct uz_object *const *objs, size_t cnt,
			      const struct uz_target *target, const struct uz_btfgen_opts *opts,
			      void **btf, size_t *len, struct uz_error *err);
/* The proof alone: relocate the objects against @full and @cand and compare
 * every record as uz_btfgen_minimize() does. From an archive entry
 * (@cand's provenance source UZ_SOURCE_ARCHIVE) target_type_id records must
 * be poisoned. 0 when equal, -EPROTO naming the first difference. */
UZ_API int uz_btfgen_verify(const struct uz_object *const *objs, size_t cnt,
			    const struct uz_target *full, const struct uz_target *cand,
			    const struct uz_btfgen_opts *opts, struct uz_error *err);

/* Identity of one archive entry. Strings are "" when unknown. */
struct uz_archive_entry_info {
	const char *release;     /* uname -r */
	const char *arch;        /* uname -m: "x86_64", "aarch64", "s390x", "i686" */
	const char *build_id;    /* GNU build id of the kernel, hex */
	const char *distro;      /* "debian 6.1.192-2" */
	bool big_endian;         /* byte order of the kernel */
};

struct uz_archive_writer;

UZ_API int uz_archive_writer_new(struct uz_archive_writer **out, struct uz_error *err);
/* Add one kernel: its (minimized) raw BTF, either byte order. Two entries
 * with the same release and build id (or the same release where a build id
 * is missing) are refused (-EEXIST), naming both. */
UZ_API int uz_archive_writer_add(struct uz_archive_writer *w, const void *btf, size_t len,
				 const struct uz_archive_entry_info *info, struct uz_error *err);
/* The archive bytes (malloc'ed, caller frees); see docs/btfgen.md. */
UZ_API int uz_archive_writer_finish(struct uz_archive_writer *w, void **data, size_t *len,
				    struct uz_error *err);
UZ_API void uz_archive_writer_free(struct uz_archive_writer *w);

struct uz_archive;

/* Open an archive held in memory; @data is borrowed and must outlive the
 * archive. The header and index are validated; entries are read on demand. */
UZ_API int uz_archive_open_mem(const void *data, size_t len, struct uz_archive **out,
			       struct uz_error *err);
/* Open an archive file (mapped read-only). */
UZ_API int uz_archive_open(const char *path, struct uz_archive **out, struct uz_error *err);
UZ_API void uz_archive_free(struct uz_archive *a);
UZ_API size_t uz_archive_entry_cnt(const struct uz_archive *a);
UZ_API const struct uz_archive_entry_info *uz_archive_entry(const struct uz_archive *a,
							    size_t idx);
/* The one entry for a kernel: @release and/or @build_id (NULL: the running
 * kernel's release, then its build id; an entry of that release with
 * another build id is refused, -ENOENT, naming both ids). -ENOENT when none
 * matches; two entries that match are an error (-EEXIST) naming both, never
 * a guess. */
UZ_API int uz_archive_find(const struct uz_archive *a, const char *release,
			   const char *build_id, size_t *idx, struct uz_error *err);
/* Entry @idx as raw BTF in its kernel's byte order (malloc'ed, caller
 * frees): what libbpf's btf_custom_path or bpf_object_open_opts wants. */
UZ_API int uz_archive_entry_btf(const struct uz_archive *a, size_t idx, void **btf,
				size_t *len, struct uz_error *err);

#ifdef __cplusplus
}
#endif
#endif /* USERIZE_USERIZE_H */
