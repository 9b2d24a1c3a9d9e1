/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Without libFuzzer, every fuzz target links this main(): it feeds each file
 * named on the command line (or every file in a named directory) to
 * LLVMFuzzerTestOneInput once.  The unit suite runs each target over its
 * checked-in corpus this way, so targets are exercised on every build.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	uint8_t *buf = malloc(1 << 20);
	if (buf == NULL) {
		fclose(f);
		return 1;
	}
	size_t n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	uint8_t *exact = malloc(n ? n : 1);	/* exact size so ASan sees overruns */
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int fails = 0, runs = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			fails++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			fails += run_file(argv[i]);
			runs++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		while (d != NULL && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			fails += run_file(path);
			runs++;
		}
		if (d != NULL)
			closedir(d);
	}
	printf("replayed %d inputs, %d unreadable\n", runs, fails);
	return fails == 0 && runs > 0 ? 0 : 1;
}
