/*
 * tests/fuzz/replay_main.c - a main() for the harnesses without libFuzzer:
 * feeds each file named on the command line to LLVMFuzzerTestOneInput
 * once. Linked with ASan + UBSan (no recovery), so a regression input that
 * crashes, reads out of bounds, trips UB or leaks makes the process fail;
 * tests/fuzz/replay.sh runs it once per file.
 */
#include <stdio.h>
#include <stdlib.h>
#include "tests/fuzz/fuzz.h"

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return 1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *p = realloc(data, cap = cap ? cap * 2 : 65536);

			if (!p) {
				fclose(f);
				free(data);
				fprintf(stderr, "%s: out of memory\n", path);
				return 1;
			}
			data = p;
		}
		n = fread(data + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		perror(path);
		fclose(f);
		free(data);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		bad |= replay(argv[i]);
	return bad;
}
