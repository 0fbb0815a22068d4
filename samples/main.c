// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * samples/main.c: main() of every sample binary. Built once per sample with
 * UZ_SAMPLE (the struct uz_sample to run) and UZ_SAMPLE_OBJ (path of the
 * compiled BPF object, embedded here so one binary is all a user ships).
 */
#include "samples.h"

__asm__(".section .rodata\n"
	".balign 8\n"
	"uz_sample_obj_start:\n"
	".incbin \"" UZ_SAMPLE_OBJ "\"\n"
	"uz_sample_obj_end:\n"
	".previous\n");

extern const char uz_sample_obj_start[] __asm__("uz_sample_obj_start");
extern const char uz_sample_obj_end[] __asm__("uz_sample_obj_end");

int main(int argc, char **argv)
{
	return uz_sample_main(&UZ_SAMPLE, argc, argv, uz_sample_obj_start,
			      (size_t)(uz_sample_obj_end - uz_sample_obj_start));
}
