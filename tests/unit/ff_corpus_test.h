/* The conformance corpus for tests that walk it: its manifest (../shared/corpus README) read
 * once and handed out entry by entry, and scratch folders for the copies a test makes (the
 * corpus itself is read-only). */
#ifndef FF_CORPUS_TEST_H
#define FF_CORPUS_TEST_H

#include "ff_json_test.h"
#include "ff_test.h"

#include <stdlib.h>
#include <unistd.h>

typedef struct ff_test_manifest {
    char dir[4096]; /* the corpus's parquet-testing folder */
    char path[4200];
    char *text;
    size_t len;
    ff_json_span files;
    const char *pos;
} ff_test_manifest;

/* Reads the manifest; false when it cannot be read or has no files list (path says which). */
static inline bool ff_test_manifest_open(ff_test_manifest *m) {
    snprintf(m->dir, sizeof m->dir, "%s/parquet-testing", ff_test_corpus_dir());
    snprintf(m->path, sizeof m->path, "%s/manifest.json", m->dir);
    m->text = ff_test_read_file(m->path, &m->len);
    if (!m->text)
        return false;
    ff_json_span root = {m->text, m->text + m->len};
    if (!ff_json_member(root, "files", &m->files)) {
        free(m->text);
        m->text = NULL;
        return false;
    }
    m->pos = m->files.start;
    return true;
}

/* The next entry of the files list; false after the last. */
static inline bool ff_test_manifest_next(ff_test_manifest *m, ff_json_span *entry) {
    return ff_json_next(m->files, &m->pos, entry);
}

static inline void ff_test_manifest_close(ff_test_manifest *m) {
    free(m->text);
    m->text = NULL;
}

/* Creates a scratch folder $TMPDIR/<prefix>-XXXXXX (TMPDIR defaults to /tmp) into out. */
static inline bool ff_test_scratch_dir(char *out, size_t cap, const char *prefix) {
    snprintf(out, cap, "%s/%s-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", prefix);
    return mkdtemp(out) != NULL;
}

#endif
