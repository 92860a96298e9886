/* glossa merge --redis: the index of the input stream, and the checks of
 * a result against it (merge_redis.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "merge_redis.h"

/* The fields a record's id depends on, of the entries from ARGV[1] to
 * ARGV[2], ARGV[3] at most: [[id, [field, value, ...]], ...] like XRANGE,
 * without the text, which the index does not need. (The script holds a
 * page's texts while it runs, hence small pages.) */
static const char IDS_SCRIPT[] =
    "local r = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', "
    "ARGV[3])\n"
    "for i, e in ipairs(r) do\n"
    "  local keep, f = {}, e[2]\n"
    "  for j = 1, #f, 2 do\n"
    "    if f[j] == 'id' or f[j] == 'origin' then\n"
    "      keep[#keep + 1] = f[j]\n"
    "      keep[#keep + 1] = f[j + 1]\n"
    "    end\n"
    "  end\n"
    "  r[i] = {e[1], keep}\n"
    "end\n"
    "return r\n";

/* FNV-1a, 64 bits. */
static uint64_t hash_id(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

/* Adds one input entry: its id, and the id its record must carry, by the
 * worker's own rules. Returns 0, or -1 after printing why. */
static int index_add(input_index_t *idx, const char *stream,
                     const redisReply *e)
{
    if (idx->n == idx->cap) {
        size_t cap = idx->cap ? idx->cap * 2 : 1024;
        input_entry_t *grown = realloc(idx->e, cap * sizeof(input_entry_t));
        if (!grown)
            goto oom;
        idx->e = grown;
        idx->cap = cap;
    }
    input_entry_t *x = &idx->e[idx->n];
    if (glossa_cli_redis_parse_id(e->element[0]->str, &x->ms, &x->seq)) {
        fprintf(stderr, "glossa merge: stream %s: entry id '%s' unexpected\n",
                stream, e->element[0]->str);
        return -1;
    }
    glossa_cli_entry_t d;
    if (glossa_cli_entry_read(&d, stream, e))
        goto oom;
    const char *id = glossa_cli_entry_record_id(&d);
    x->id_hash = hash_id(id, strlen(id));
    x->has_result = 0;
    glossa_cli_entry_free(&d);
    idx->n++;
    return 0;
oom:
    fprintf(stderr, "glossa merge: out of memory\n");
    return -1;
}

/* One page of the input stream from `start`: by the script, or (when
 * Redis runs none) by XRANGE, text and all. */
static redisReply *read_page(glossa_cli_redis_t *r, const char *stream,
                             const char *start, const char *last, int *script)
{
    if (*script) {
        redisReply *reply = glossa_cli_redis_command(
            r, "reading the input stream", "EVAL %s 1 %s %s %s 200", IDS_SCRIPT,
            stream, start, last);
        if (!reply || reply->type != REDIS_REPLY_ERROR)
            return reply;
        fprintf(stderr,
                "glossa merge: note: Redis at %s runs no scripts (%s); "
                "reading stream %s with its text\n",
                r->display, reply->str, stream);
        freeReplyObject(reply);
        *script = 0;
    }
    return glossa_cli_redis_command(r, "reading the input stream",
                                    "XRANGE %s %s %s COUNT 100", stream, start,
                                    last);
}

int glossa_cli_merge__read_index(glossa_cli_redis_t *r, const char *stream,
                                 const char *last, input_index_t *idx)
{
    if (glossa_cli_redis_parse_id(last, &idx->last_ms, &idx->last_seq))
        idx->last_ms = idx->last_seq = 0;
    char start[64] = "-";
    int script = 1;
    for (;;) {
        redisReply *reply = read_page(r, stream, start, last, &script);
        if (!reply || reply->type != REDIS_REPLY_ARRAY) {
            if (reply)
                fprintf(stderr, "glossa merge: reading stream %s: %s\n", stream,
                        reply->type == REDIS_REPLY_ERROR ? reply->str
                                                         : "unexpected reply");
            freeReplyObject(reply);
            return -1;
        }
        size_t got = reply->elements;
        int rc = 0;
        for (size_t i = 0; i < got && rc == 0; i++) {
            const redisReply *e = reply->element[i];
            if (glossa_cli_redis_is_entry(e)) {
                rc = index_add(idx, stream, e);
            } else {
                fprintf(stderr,
                        "glossa merge: reading stream %s: unexpected reply\n",
                        stream);
                rc = -1;
            }
        }
        if (rc == 0 && got > 0)
            glossa_cli_redis_next_id(reply->element[got - 1]->element[0]->str,
                                     start, sizeof(start));
        freeReplyObject(reply);
        if (rc)
            return -1;
        if (got < (script ? 200u : 100u))
            return 0;
    }
}

/* The place of entry ms-seq in idx, or -1. */
static long index_find(const input_index_t *idx, unsigned long long ms,
                       unsigned long long seq)
{
    size_t lo = 0, hi = idx->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const input_entry_t *x = &idx->e[mid];
        if (x->ms == ms && x->seq == seq)
            return (long)mid;
        if (x->ms < ms || (x->ms == ms && x->seq < seq))
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Whether a record is one JSON object on one line whose id hashes to
 * id_hash; if not, why says why. */
static int record_ok(const redisReply *record, uint64_t id_hash,
                     const char *entry, const char *stream, char *why,
                     size_t size)
{
    if (memchr(record->str, '\n', record->len) ||
        memchr(record->str, '\r', record->len)) {
        snprintf(why, size, "its record spans lines");
        return 0;
    }
    json_error_t jerr;
    json_t *rec = json_loadb(record->str, record->len, 0, &jerr);
    const char *id = json_string_value(json_object_get(rec, "id"));
    int ok = 0;
    if (!rec)
        snprintf(why, size, "its record is not valid JSON (column %d: %s)",
                 jerr.column, jerr.text);
    else if (!json_is_object(rec) || !id)
        snprintf(why, size, "its record is not a JSON object with an id");
    else if (hash_id(id, json_string_length(json_object_get(rec, "id"))) !=
             id_hash)
        snprintf(why, size,
                 "its record's id \"%.200s\" is not the id of entry %s of "
                 "stream %s",
                 id, entry, stream);
    else
        ok = 1;
    json_decref(rec);
    return ok;
}

long glossa_cli_merge__check(const input_index_t *idx, const char *stream,
                             const redisReply *e, char *why, size_t size)
{
    const redisReply *entry = glossa_cli_redis_field(e->element[1], "entry");
    const redisReply *record = glossa_cli_redis_field(e->element[1], "record");
    if (!entry || !record || entry->type != REDIS_REPLY_STRING ||
        record->type != REDIS_REPLY_STRING) {
        snprintf(why, size,
                 "it is not a glossa worker result (no entry or record "
                 "field)");
        return MERGE_BAD;
    }
    unsigned long long ms, seq;
    if (memchr(entry->str, '\0', entry->len) ||
        glossa_cli_redis_parse_id(entry->str, &ms, &seq)) {
        char *shown = glossa_cli_bytes_escape(entry->str, entry->len);
        snprintf(why, size, "its entry field '%.100s' is not an entry id",
                 shown ? shown : "?");
        free(shown);
        return MERGE_BAD;
    }
    if (ms > idx->last_ms || (ms == idx->last_ms && seq > idx->last_seq))
        return MERGE_LATER;
    long at = index_find(idx, ms, seq);
    if (at < 0) {
        int before = idx->n == 0 || ms < idx->e[0].ms ||
                     (ms == idx->e[0].ms && seq < idx->e[0].seq);
        snprintf(why, size, "it names entry %s, which is not in stream %s%s",
                 entry->str, stream,
                 before ? " (earlier than its first entry: trimmed or "
                          "deleted?)"
                        : "");
        return MERGE_BAD;
    }
    return record_ok(record, idx->e[at].id_hash, entry->str, stream, why, size)
               ? at
               : MERGE_BAD;
}
