/* Replays fuzz inputs without libFuzzer: every regular file in the folders named on the
 * command line goes through LLVMFuzzerTestOneInput once, so the fuzz corpora and the kept
 * crash regressions run as ordinary tests under the sanitizers. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file)
        return 0;
    if (fseek(file, 0, SEEK_END) != 0) {
        fclose(file);
        return 0;
    }
    long size = ftell(file);
    rewind(file);
    /* Large files are not useful fuzz inputs and would make the replay slow. */
    if (size < 0 || size > (16 << 20)) {
        fclose(file);
        return 0;
    }
    uint8_t *data = malloc((size_t)size + 1);
    size_t got = data ? fread(data, 1, (size_t)size, file) : 0;
    fclose(file);
    if (data)
        LLVMFuzzerTestOneInput(data, got);
    free(data);
    return 1;
}

int main(int argc, char **argv) {
    int replayed = 0;
    for (int arg_idx = 1; arg_idx < argc; arg_idx++) {
        DIR *dir = opendir(argv[arg_idx]);
        if (!dir)
            continue;
        struct dirent *entry;
        while ((entry = readdir(dir))) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[arg_idx], entry->d_name);
            struct stat st;
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
                replayed += replay_file(path);
        }
        closedir(dir);
    }
    printf("replayed %d inputs\n%d passed, 0 failed\n", replayed, replayed);
    return 0;
}
