/*
 * elf/usdt_note.h - the USDT probes of an executable or shared library:
 * its SystemTap SDT notes, with each probe's address turned into the file
 * offset a uprobe is placed at.
 *
 * A program built with <sys/sdt.h> probes (DTRACE_PROBEn, STAP_PROBEn)
 * has a nop at each probe site and, in the non-loaded section
 * .note.stapsdt, one ELF note per site (a probe inlined or repeated in
 * several places has several notes, one per copy):
 *
 *   Elf64_Nhdr  n_namesz = 8, n_descsz, n_type = 3 (NT_STAPSDT)
 *   name        "stapsdt\0"                         (padded to 4 bytes)
 *   desc        u64 pc          address of the nop
 *               u64 base        address of .stapsdt.base, as linked
 *               u64 semaphore   address of PROVIDER_NAME_semaphore, or 0
 *               "provider\0" "name\0" "args\0"       (padded to 4 bytes)
 *
 * Addresses, not offsets: a uprobe names an (inode, file offset) pair, so
 * each address goes through the PT_LOAD segment that holds it, as for
 * uprobes on symbols (host/usym.c):
 *
 *   file offset = address - p_vaddr + p_offset
 *
 * e.g. PT_LOAD offset 0x1000 vaddr 0x1000 (a PIE, ET_DYN): pc 0x110c ->
 * 0x110c; the same program linked -no-pie (ET_EXEC), PT_LOAD offset
 * 0x1000 vaddr 0x401000: pc 0x4010fc -> 0x10fc.
 *
 * The base field exists for prelink, which moved a library's addresses
 * after linking without rewriting notes: if .stapsdt.base now lies at
 * another address than the note recorded, every address in the note moves
 * by the same amount (libbpf adjusts the pc this way; rawload also the
 * semaphore, which lies in the same moved image).
 *
 * Source of truth: https://sourceware.org/systemtap/wiki/UserSpaceProbeImplementation
 * and <sys/sdt.h> (_SDT_NOTE_TYPE 3, _SDT_NOTE_NAME "stapsdt").
 *
 * The file is untrusted: every header, table, note and string is checked
 * against the file's size; nothing is read through an unchecked offset.
 */
#ifndef RAWLOAD_USDT_NOTE_H
#define RAWLOAD_USDT_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Whether an address could be turned into a file offset. */
enum usdt_loc {
	USDT_LOC_OK,		/* file offset found */
	USDT_LOC_NONE,		/* no address (a probe without a semaphore) */
	USDT_LOC_NO_SEGMENT,	/* in no PT_LOAD segment's file bytes */
	USDT_LOC_NOT_EXEC,	/* pc: in a segment without PF_X */
	USDT_LOC_NOT_WRITABLE,	/* semaphore: in a segment without PF_W */
};

/* One note: one probe site. */
struct usdt_note {
	char *provider;		/* malloc'ed copies of the note's strings */
	char *name;
	char *args;		/* "-4@$42 8@%rdi ...", "" for no arguments */
	uint64_t pc;		/* the nop's address, as the note says */
	uint64_t base;		/* .stapsdt.base's address, as the note says */
	uint64_t semaphore;	/* the semaphore's address, 0 for none */
	uint64_t addr;		/* @pc after the prelink adjustment */
	uint64_t file_off;	/* the uprobe's offset (valid if pc_loc is OK) */
	uint64_t sema_off;	/* ref_ctr_offset: the semaphore's file offset
				   (valid if sema_loc is OK) */
	enum usdt_loc pc_loc, sema_loc;
};

/* Every note of one file, in file order. Zeroed = empty. */
struct usdt_notes {
	uint16_t e_type;	/* ET_EXEC or ET_DYN */
	uint16_t e_machine;	/* EM_X86_64, ... (argument syntax differs) */
	struct usdt_note *v;	/* malloc'ed, @cap entries, @n used */
	size_t n, cap;
};

/*
 * Parse the @size bytes at @img, a whole 64-bit little-endian ELF
 * executable or shared library, into @out (which the caller frees with
 * usdt_notes_free, also after a failure). Notes of other owners or types in
 * the section are skipped.
 * 0, or -errno with @eb: -ENOEXEC not such an ELF file or malformed (the
 * message names the table or note and offset), -ENOENT no .note.stapsdt
 * section, -ENOMEM.
 */
int usdt_notes_parse(const void *img, size_t size, struct usdt_notes *out,
		     struct errbuf *eb);

/* usdt_notes_parse on the file at @path (mapped read-only, unmapped
 * before returning). Adds -errno of open/fstat/mmap, named in @eb. */
int usdt_notes_read(const char *path, struct usdt_notes *out, struct errbuf *eb);

void usdt_notes_free(struct usdt_notes *notes);

/* "NOT_EXEC" and friends in words, for messages. */
const char *usdt_loc_str(enum usdt_loc loc);

#endif
