/* The write-ahead journal record (DESIGN.md §5 step 6) and the escaping its lines use.
 *
 * A journal is line-oriented text so that an operator can read it with `cat` when something
 * went badly wrong:
 *
 *     fluxforge-journal 1
 *     txid 20251126T101500123456-1a2b3c4d
 *     op delete
 *     time 1764152100
 *     history-offset 4096
 *     backup-dir /mnt/backups                  (only when backups are copies)
 *     add _fluxforge/stage/<txid>/00000.parquet.tmp k=v/part-<txid>-00000.parquet
 *     remove k=v/part-<old>-00000.parquet <size> <mtime_ns> <inode> <device>
 *     history {"op":"delete",...}
 *     end <FNV-1a 64 of every byte before this line, 16 hex digits>
 *
 * Paths are escaped (ds_escape) so each is one token; the history line is the rest of its
 * line (JSON written here never holds a raw newline). The checksum line makes a torn or
 * altered journal detectable; since a journal only becomes visible by rename after fsync, a
 * torn one means outside damage, and recovery refuses it rather than guessing. */
#include "dataset/dataset_internal.h"

#include "util/check.h"
#include "util/hash.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOURNAL_MAGIC "fluxforge-journal 1"

void ds_journal_init(ds_journal *journal) {
    memset(journal, 0, sizeof *journal);
    ff_arena_init(&journal->arena, 0);
}

void ds_journal_free(ds_journal *journal) {
    if (!journal)
        return;
    ff_arena_free(&journal->arena);
    free(journal->adds);
    free(journal->removes);
    memset(journal, 0, sizeof *journal);
}

ff_status ds_journal_add(ds_journal *journal, const char *stage_rel, const char *final_rel,
                         ff_error *err) {
    if (journal->num_adds == journal->adds_cap) {
        size_t new_cap = journal->adds_cap ? journal->adds_cap * 2 : 8;
        ds_add *grown = ff_realloc(journal->adds, new_cap * sizeof *grown, "journal", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        journal->adds = grown;
        journal->adds_cap = new_cap;
    }
    ds_add *add = &journal->adds[journal->num_adds];
    add->stage_rel = ff_arena_strndup(&journal->arena, stage_rel, strlen(stage_rel), err);
    add->final_rel = ff_arena_strndup(&journal->arena, final_rel, strlen(final_rel), err);
    add->size = 0;
    if (!add->stage_rel || !add->final_rel)
        return FF_ERR_NO_MEMORY;
    journal->num_adds++;
    return FF_OK;
}

ff_status ds_journal_remove(ds_journal *journal, const char *rel, const ff_file_identity *identity,
                            ff_error *err) {
    if (journal->num_removes == journal->removes_cap) {
        size_t new_cap = journal->removes_cap ? journal->removes_cap * 2 : 8;
        ds_remove *grown = ff_realloc(journal->removes, new_cap * sizeof *grown, "journal", err);
        if (!grown)
            return FF_ERR_NO_MEMORY;
        journal->removes = grown;
        journal->removes_cap = new_cap;
    }
    ds_remove *remove = &journal->removes[journal->num_removes];
    remove->rel = ff_arena_strndup(&journal->arena, rel, strlen(rel), err);
    if (!remove->rel)
        return FF_ERR_NO_MEMORY;
    remove->identity = *identity;
    journal->num_removes++;
    return FF_OK;
}

ff_status ds_escape(const char *text, ff_buf *out, ff_error *err) {
    static const char hex_digits[] = "0123456789ABCDEF";
    for (const uint8_t *p = (const uint8_t *)text; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f || *p == '%') {
            char escaped[3] = {'%', hex_digits[*p >> 4], hex_digits[*p & 15]};
            FF_FORWARD_IF_ERROR(ff_buf_append(out, escaped, 3, err));
        } else {
            FF_FORWARD_IF_ERROR(ff_buf_append_byte(out, *p, err));
        }
    }
    return FF_OK;
}

static int unhex(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

char *ds_unescape(ff_arena *arena, const char *text, size_t len, ff_error *err) {
    char *out = ff_arena_alloc(arena, len + 1, err);
    if (!out)
        return NULL;
    size_t used = 0;
    for (size_t pos = 0; pos < len; pos++) {
        int high, low;
        if (text[pos] == '%' && pos + 2 < len && (high = unhex(text[pos + 1])) >= 0 &&
            (low = unhex(text[pos + 2])) >= 0 && (high || low)) {
            out[used++] = (char)(high << 4 | low);
            pos += 2;
        } else if (text[pos] == '%') {
            ff_error_set(err, FF_ERR_CORRUPT, "bad escape in '%.*s'", (int)len, text);
            return NULL;
        } else {
            out[used++] = text[pos];
        }
    }
    out[used] = '\0';
    return out;
}

ff_status ds_journal_serialize(const ds_journal *journal, ff_buf *out, ff_error *err) {
    ff_status status;
    FF_FORWARD_IF_ERROR(ff_buf_printf(out, err, "%s\ntxid %s\nop ", JOURNAL_MAGIC, journal->txid));
    FF_FORWARD_IF_ERROR(ds_escape(journal->op, out, err));
    FF_FORWARD_IF_ERROR(ff_buf_printf(out, err, "\ntime %" PRId64 "\nhistory-offset %" PRId64 "\n",
                                      journal->time_unix, journal->history_offset));
    if (journal->backup_dir) {
        FF_FORWARD_IF_ERROR(ff_buf_printf(out, err, "backup-dir "));
        FF_FORWARD_IF_ERROR(ds_escape(journal->backup_dir, out, err));
        FF_FORWARD_IF_ERROR(ff_buf_append_byte(out, '\n', err));
    }
    for (size_t add_idx = 0; add_idx < journal->num_adds; add_idx++) {
        FF_FORWARD_IF_ERROR(ff_buf_printf(out, err, "add "));
        FF_FORWARD_IF_ERROR(ds_escape(journal->adds[add_idx].stage_rel, out, err));
        FF_FORWARD_IF_ERROR(ff_buf_append_byte(out, ' ', err));
        FF_FORWARD_IF_ERROR(ds_escape(journal->adds[add_idx].final_rel, out, err));
        FF_FORWARD_IF_ERROR(ff_buf_printf(out, err, " %" PRId64 "\n", journal->adds[add_idx].size));
    }
    for (size_t remove_idx = 0; remove_idx < journal->num_removes; remove_idx++) {
        const ds_remove *remove = &journal->removes[remove_idx];
        FF_FORWARD_IF_ERROR(ff_buf_printf(out, err, "remove "));
        FF_FORWARD_IF_ERROR(ds_escape(remove->rel, out, err));
        FF_FORWARD_IF_ERROR(ff_buf_printf(
            out, err, " %" PRId64 " %" PRId64 " %" PRIu64 " %" PRIu64 "\n", remove->identity.size,
            remove->identity.mtime_ns, remove->identity.inode, remove->identity.device));
    }
    status = ff_buf_printf(out, err, "history %s\n",
                           journal->history_line ? journal->history_line : "{}");
    if (status != FF_OK)
        return status;
    uint64_t checksum = ff_fnv1a64(out->data, out->len);
    return ff_buf_printf(out, err, "end %016" PRIx64 "\n", checksum);
}

/* Splits line into up to max_tokens space-separated tokens (the last takes the rest). */
static size_t split_tokens(const char *line, size_t len, size_t max_tokens, const char **starts,
                           size_t *lens) {
    size_t num_tokens = 0, pos = 0;
    while (pos < len && num_tokens < max_tokens) {
        size_t start = pos;
        if (num_tokens + 1 == max_tokens)
            pos = len;
        else
            while (pos < len && line[pos] != ' ')
                pos++;
        starts[num_tokens] = line + start;
        lens[num_tokens] = pos - start;
        num_tokens++;
        if (pos < len)
            pos++;
    }
    return num_tokens;
}

static bool parse_i64(const char *text, size_t len, int64_t *out) {
    char buf[32];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end = NULL;
    long long value = strtoll(buf, &end, 10);
    if (*end)
        return false;
    *out = value;
    return true;
}

static bool parse_u64(const char *text, size_t len, uint64_t *out) {
    char buf[32];
    if (len == 0 || len >= sizeof buf || text[0] == '-')
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end = NULL;
    unsigned long long value = strtoull(buf, &end, 10);
    if (*end)
        return false;
    *out = value;
    return true;
}

static bool token_is(const char *token, size_t len, const char *word) {
    return len == strlen(word) && !memcmp(token, word, len);
}

ff_status ds_journal_parse(const uint8_t *text, size_t len, ds_journal *journal, ff_error *err) {
    const char *data = (const char *)text;
    /* The checksum line comes last; find it and check it before reading anything else. */
    if (len < 22 || data[len - 1] != '\n')
        return ff_error_set(err, FF_ERR_CORRUPT, "record is torn (no final line)");
    size_t end_line = len - 1;
    while (end_line > 0 && data[end_line - 1] != '\n')
        end_line--;
    char expected[32];
    snprintf(expected, sizeof expected, "end %016" PRIx64 "\n", ff_fnv1a64(text, end_line));
    if (len - end_line != strlen(expected) || memcmp(data + end_line, expected, strlen(expected)))
        return ff_error_set(err, FF_ERR_CORRUPT, "record checksum does not match (torn or edited)");
    size_t pos = 0, line_idx = 0;
    while (pos < end_line) {
        const char *line = data + pos;
        const char *newline = memchr(line, '\n', end_line - pos);
        size_t line_len = (size_t)(newline - line);
        pos += line_len + 1;
        if (line_idx++ == 0) {
            if (!token_is(line, line_len, JOURNAL_MAGIC))
                return ff_error_set(err, FF_ERR_CORRUPT, "not a fluxforge journal");
            continue;
        }
        const char *tokens[6];
        size_t token_lens[6];
        size_t num_tokens = split_tokens(line, line_len, 2, tokens, token_lens);
        if (num_tokens < 2)
            return ff_error_set(err, FF_ERR_CORRUPT, "line %zu is malformed", line_idx);
        const char *key = tokens[0];
        size_t key_len = token_lens[0];
        if (token_is(key, key_len, "txid")) {
            if (token_lens[1] >= FF_TXID_CAP)
                return ff_error_set(err, FF_ERR_CORRUPT, "txid too long");
            memcpy(journal->txid, tokens[1], token_lens[1]);
            journal->txid[token_lens[1]] = '\0';
        } else if (token_is(key, key_len, "op")) {
            journal->op = ds_unescape(&journal->arena, tokens[1], token_lens[1], err);
            if (!journal->op)
                return err ? err->code : FF_ERR_CORRUPT;
        } else if (token_is(key, key_len, "time")) {
            if (!parse_i64(tokens[1], token_lens[1], &journal->time_unix))
                return ff_error_set(err, FF_ERR_CORRUPT, "bad time");
        } else if (token_is(key, key_len, "history-offset")) {
            if (!parse_i64(tokens[1], token_lens[1], &journal->history_offset))
                return ff_error_set(err, FF_ERR_CORRUPT, "bad history offset");
        } else if (token_is(key, key_len, "backup-dir")) {
            journal->backup_dir = ds_unescape(&journal->arena, tokens[1], token_lens[1], err);
            if (!journal->backup_dir)
                return err ? err->code : FF_ERR_CORRUPT;
        } else if (token_is(key, key_len, "history")) {
            journal->history_line =
                ff_arena_strndup(&journal->arena, tokens[1], token_lens[1], err);
            if (!journal->history_line)
                return FF_ERR_NO_MEMORY;
        } else if (token_is(key, key_len, "add")) {
            num_tokens = split_tokens(line, line_len, 4, tokens, token_lens);
            int64_t size = 0;
            if (num_tokens != 4 || !parse_i64(tokens[3], token_lens[3], &size))
                return ff_error_set(err, FF_ERR_CORRUPT, "line %zu: bad add", line_idx);
            char *stage_rel = ds_unescape(&journal->arena, tokens[1], token_lens[1], err);
            char *final_rel =
                stage_rel ? ds_unescape(&journal->arena, tokens[2], token_lens[2], err) : NULL;
            if (!final_rel)
                return err ? err->code : FF_ERR_CORRUPT;
            FF_FORWARD_IF_ERROR(ds_journal_add(journal, stage_rel, final_rel, err));
            journal->adds[journal->num_adds - 1].size = size;
        } else if (token_is(key, key_len, "remove")) {
            num_tokens = split_tokens(line, line_len, 6, tokens, token_lens);
            ff_file_identity identity;
            if (num_tokens != 6 || !parse_i64(tokens[2], token_lens[2], &identity.size) ||
                !parse_i64(tokens[3], token_lens[3], &identity.mtime_ns) ||
                !parse_u64(tokens[4], token_lens[4], &identity.inode) ||
                !parse_u64(tokens[5], token_lens[5], &identity.device))
                return ff_error_set(err, FF_ERR_CORRUPT, "line %zu: bad remove", line_idx);
            char *rel = ds_unescape(&journal->arena, tokens[1], token_lens[1], err);
            if (!rel)
                return err ? err->code : FF_ERR_CORRUPT;
            FF_FORWARD_IF_ERROR(ds_journal_remove(journal, rel, &identity, err));
        } else {
            return ff_error_set(err, FF_ERR_CORRUPT, "line %zu: unknown key '%.*s'", line_idx,
                                (int)key_len, key);
        }
    }
    if (!ds_is_txid(journal->txid) || !journal->op)
        return ff_error_set(err, FF_ERR_CORRUPT, "journal lacks txid or op");
    /* A journal names only paths of the dataset; refuse anything else before acting on it. */
    for (size_t add_idx = 0; add_idx < journal->num_adds; add_idx++) {
        if (strncmp(journal->adds[add_idx].stage_rel, DS_STAGE_REL "/", strlen(DS_STAGE_REL) + 1) ||
            strstr(journal->adds[add_idx].stage_rel, "/../") ||
            ds_check_rel_path(journal->adds[add_idx].final_rel, true, err) != FF_OK)
            return ff_error_set(err, FF_ERR_CORRUPT, "journal names an unsafe path '%s'",
                                journal->adds[add_idx].final_rel);
    }
    for (size_t remove_idx = 0; remove_idx < journal->num_removes; remove_idx++)
        if (ds_check_rel_path(journal->removes[remove_idx].rel, true, err) != FF_OK)
            return ff_error_set(err, FF_ERR_CORRUPT, "journal names an unsafe path '%s'",
                                journal->removes[remove_idx].rel);
    return FF_OK;
}

ff_status ds_journal_load(const char *path, ds_journal *journal, ff_error *err) {
    ff_buf text;
    ff_buf_init(&text, DS_RECORD_MAX);
    ff_status status = ff_io_read_file(path, DS_RECORD_MAX, &text, err);
    if (status == FF_OK)
        status = ds_journal_parse(text.data, text.len, journal, err);
    if (status != FF_OK && status != FF_ERR_NOT_FOUND && status != FF_ERR_NO_MEMORY &&
        (!err || !strstr(err->message, path)))
        ff_error_prefix(err, "%s", path);
    ff_buf_free(&text);
    return status;
}
