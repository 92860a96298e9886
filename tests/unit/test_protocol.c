/* The worker's side of the isolation protocol's framing: frames split
 * across reads, several in one read, a frame far larger than the read
 * buffer, the count of frames already waiting (which decides when a
 * worker sends the results it holds, and which reads only when it must),
 * a pipe as well as a socket, and ends of input clean or not; and the
 * binary UNIT and RESULT messages, whole and malformed. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc.h"
#include "isolate/protocol.h"
#include "strbuf.h"

static void make_socketpair(int fds[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
}

static void put_frame(int fd, const char *payload, size_t len)
{
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    assert_int_equal(glossa__frame_append(&sb, payload, len), 0);
    assert_int_equal(glossa__write_all(fd, sb.data, sb.len), 0);
    glossa__strbuf_free(&sb);
}

static void expect_frame(glossa__frame_reader_t *r, const char *want)
{
    const char *payload;
    uint32_t len;
    assert_int_equal(glossa__frame_next(r, &payload, &len), 1);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(payload, want, len);
}

static void test_frames_in_order_and_counted(void **state)
{
    (void)state;
    int fds[2];
    make_socketpair(fds);
    glossa__frame_reader_t r = {.fd = fds[0]};
    assert_int_equal(glossa__frame_poll(&r, INT_MAX),
                     0); /* nothing yet: no wait */
    put_frame(fds[1], "one", 3);
    put_frame(fds[1], "", 0);
    put_frame(fds[1], "three", 5);
    assert_int_equal(glossa__frame_poll(&r, INT_MAX), 3);
    expect_frame(&r, "one");
    assert_int_equal(glossa__frame_poll(&r, INT_MAX), 2);
    expect_frame(&r, "");
    expect_frame(&r, "three");
    assert_int_equal(glossa__frame_poll(&r, INT_MAX), 0);
    /* Half a frame is not counted until the rest arrives. */
    unsigned char head[4];
    glossa__put_u32(head, 6);
    assert_int_equal(glossa__write_all(fds[1], head, 4), 0);
    assert_int_equal(glossa__write_all(fds[1], "hal", 3), 0);
    assert_int_equal(glossa__frame_poll(&r, INT_MAX), 0);
    assert_int_equal(glossa__write_all(fds[1], "ves", 3), 0);
    assert_int_equal(glossa__frame_poll(&r, INT_MAX), 1);
    expect_frame(&r, "halves");
    /* End of input between frames is clean. */
    close(fds[1]);
    const char *payload;
    uint32_t len;
    assert_int_equal(glossa__frame_next(&r, &payload, &len), 0);
    glossa__frame_reader_free(&r);
    close(fds[0]);
}

static void test_end_inside_a_frame_is_an_error(void **state)
{
    (void)state;
    int fds[2];
    make_socketpair(fds);
    glossa__frame_reader_t r = {.fd = fds[0]};
    unsigned char head[4];
    glossa__put_u32(head, 10);
    assert_int_equal(glossa__write_all(fds[1], head, 4), 0);
    assert_int_equal(glossa__write_all(fds[1], "short", 5), 0);
    close(fds[1]);
    const char *payload;
    uint32_t len;
    assert_int_equal(glossa__frame_next(&r, &payload, &len), -1);
    glossa__frame_reader_free(&r);
    close(fds[0]);
}

static void test_length_beyond_the_limit_is_refused(void **state)
{
    (void)state;
    int fds[2];
    make_socketpair(fds);
    glossa__frame_reader_t r = {.fd = fds[0]};
    unsigned char head[4];
    glossa__put_u32(head, GLOSSA__MAX_FRAME + 1u);
    assert_int_equal(glossa__write_all(fds[1], head, 4), 0);
    const char *payload;
    uint32_t len;
    assert_int_equal(glossa__frame_next(&r, &payload, &len), -1);
    glossa__frame_reader_free(&r);
    close(fds[0]);
    close(fds[1]);
}

typedef struct {
    int fd;
    const char *data;
    size_t len;
} writer_args_t;

static void *write_frame_thread(void *arg)
{
    writer_args_t *a = arg;
    put_frame(a->fd, a->data, a->len);
    put_frame(a->fd, "after", 5);
    return NULL;
}

/* Counting stops at `enough`: with that many frames buffered the reader
 * does not read (what arrived since is not counted yet); with fewer it
 * reads what has arrived. */
static void test_poll_reads_only_when_short(void **state)
{
    (void)state;
    int fds[2];
    make_socketpair(fds);
    glossa__frame_reader_t r = {.fd = fds[0]};
    put_frame(fds[1], "a", 1);
    put_frame(fds[1], "b", 1);
    assert_int_equal(glossa__frame_poll(&r, 2), 2);
    put_frame(fds[1], "c", 1);
    assert_int_equal(glossa__frame_poll(&r, 2), 2); /* buffered: no read */
    assert_int_equal(glossa__frame_poll(&r, INT_MAX), 3);
    expect_frame(&r, "a");
    expect_frame(&r, "b");
    put_frame(fds[1], "d", 1);
    assert_int_equal(glossa__frame_poll(&r, 2), 2); /* short: reads */
    expect_frame(&r, "c");
    expect_frame(&r, "d");
    assert_int_equal(glossa__frame_poll(&r, 2), 0);
    glossa__frame_reader_free(&r);
    close(fds[0]);
    close(fds[1]);
}

/* On a pipe (no recv), polling falls back to poll and read. */
static void test_poll_on_a_pipe(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    glossa__frame_reader_t r = {.fd = fds[0]};
    assert_int_equal(glossa__frame_poll(&r, 2), 0); /* empty: no wait */
    put_frame(fds[1], "one", 3);
    assert_int_equal(glossa__frame_poll(&r, 2), 1);
    put_frame(fds[1], "two", 3);
    assert_int_equal(glossa__frame_poll(&r, 2), 2);
    expect_frame(&r, "one");
    expect_frame(&r, "two");
    close(fds[1]);
    assert_int_equal(glossa__frame_poll(&r, 2), 0);
    const char *payload;
    uint32_t len;
    assert_int_equal(glossa__frame_next(&r, &payload, &len), 0);
    glossa__frame_reader_free(&r);
    close(fds[0]);
}

/* A frame many times the read buffer and the socket's capacity arrives
 * whole, and the buffer serves small frames again afterwards. */
static void test_large_frame(void **state)
{
    (void)state;
    int fds[2];
    make_socketpair(fds);
    size_t big = (size_t)5 << 20;
    char *data = malloc(big);
    assert_non_null(data);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)('a' + i % 26);
    writer_args_t a = {fds[1], data, big};
    pthread_t writer;
    assert_int_equal(pthread_create(&writer, NULL, write_frame_thread, &a), 0);
    glossa__frame_reader_t r = {.fd = fds[0]};
    const char *payload;
    uint32_t len;
    assert_int_equal(glossa__frame_next(&r, &payload, &len), 1);
    assert_int_equal(len, big);
    assert_memory_equal(payload, data, big);
    expect_frame(&r, "after");
    pthread_join(writer, NULL);
    put_frame(fds[1], "small", 5);
    expect_frame(&r, "small");
    glossa__frame_reader_free(&r);
    free(data);
    close(fds[0]);
    close(fds[1]);
}

static glossa__bytes_t bytes_of(const char *s)
{
    return (glossa__bytes_t){s, (uint32_t)strlen(s)};
}

static void assert_bytes(glossa__bytes_t got, const void *want, size_t len)
{
    assert_int_equal(got.len, len);
    if (len)
        assert_memory_equal(got.data, want, len);
}

/* A UNIT with a document goes through the frame reader and comes out
 * with every field and part as sent; the head the supervisor writes
 * before the document's own bytes is the frame's start. */
static void test_unit_request_round_trip(void **state)
{
    (void)state;
    const char *text = "Hello world.";
    glossa__unit_request_t r = {
        .step = 2,
        .slot = 7,
        .flags = 0,
        .drop = (1u << 1) | (1u << 4),
        .id = bytes_of("doc-1"),
        .meta = bytes_of("{\"published\":\"2022-10-31\"}"),
        .layers = bytes_of("{\"entities\":{\"spans\":[],\"document\":null}}"),
        .text = bytes_of(text),
    };
    glossa__strbuf_t frame = GLOSSA__STRBUF_INIT, head = GLOSSA__STRBUF_INIT;
    assert_int_equal(glossa__unit_request_append(&frame, &r), 0);
    assert_int_equal(glossa__unit_request_head(&head, &r), 0);
    assert_true(head.len < frame.len);
    assert_memory_equal(head.data, frame.data, head.len);
    assert_int_equal(frame.len - head.len, strlen(text));

    int fds[2];
    make_socketpair(fds);
    assert_int_equal(glossa__write_all(fds[1], frame.data, frame.len), 0);
    glossa__frame_reader_t reader = {.fd = fds[0]};
    const char *payload;
    uint32_t len;
    assert_int_equal(glossa__frame_next(&reader, &payload, &len), 1);
    assert_int_equal(len + 4, frame.len);
    glossa__unit_request_t got;
    assert_int_equal(glossa__unit_request_parse(payload, len, &got), 0);
    assert_int_equal(got.step, 2);
    assert_int_equal(got.slot, 7);
    assert_int_equal(got.flags, 0);
    assert_int_equal(got.drop, r.drop);
    assert_bytes(got.id, "doc-1", 5);
    assert_bytes(got.meta, r.meta.data, r.meta.len);
    assert_bytes(got.layers, r.layers.data, r.layers.len);
    assert_bytes(got.text, text, strlen(text));
    glossa__frame_reader_free(&reader);
    close(fds[0]);
    close(fds[1]);
    glossa__strbuf_free(&frame);
    glossa__strbuf_free(&head);
}

/* A unit on a document the worker keeps: every part empty. */
static void test_unit_request_on_a_kept_document(void **state)
{
    (void)state;
    glossa__unit_request_t r = {
        .step = 1, .slot = 3, .flags = GLOSSA__UNIT_SAME};
    glossa__strbuf_t frame = GLOSSA__STRBUF_INIT;
    assert_int_equal(glossa__unit_request_append(&frame, &r), 0);
    glossa__unit_request_t got;
    assert_int_equal(glossa__unit_request_parse(frame.data + 4,
                                                (uint32_t)frame.len - 4, &got),
                     0);
    assert_int_equal(got.flags, GLOSSA__UNIT_SAME);
    assert_int_equal(got.step, 1);
    assert_int_equal(got.slot, 3);
    assert_int_equal(got.text.len + got.id.len + got.meta.len + got.layers.len,
                     0);
    glossa__strbuf_free(&frame);
}

/* Every truncation of a valid request, and trailing bytes, are refused. */
static void test_unit_request_malformed(void **state)
{
    (void)state;
    glossa__unit_request_t r = {.id = bytes_of("x"), .text = bytes_of("a b")};
    glossa__strbuf_t frame = GLOSSA__STRBUF_INIT;
    assert_int_equal(glossa__unit_request_append(&frame, &r), 0);
    glossa__unit_request_t got;
    uint32_t len = (uint32_t)frame.len - 4;
    for (uint32_t cut = 0; cut < len; cut++)
        assert_int_equal(glossa__unit_request_parse(frame.data + 4, cut, &got),
                         -1);
    glossa__strbuf_append(&frame, "!", 1);
    assert_int_equal(glossa__unit_request_parse(frame.data + 4, len + 1, &got),
                     -1);
    glossa__strbuf_free(&frame);
}

static void test_unit_result_round_trip(void **state)
{
    (void)state;
    glossa__unit_result_t r = {
        .flags = GLOSSA__RESULT_DONE | GLOSSA__RESULT_REALS,
        .code = GLOSSA_ETOOBIG,
        .nanos = ((uint64_t)5 << 32) | 7u, /* beyond 32 bits */
        .prepare_nanos = ((uint64_t)3 << 32) | 9u,
        .error = bytes_of("too big"),
        .warnings = bytes_of("[{\"code\":\"EINVAL\"}]"),
        .spans = bytes_of("[{\"start\":0,\"end\":1}]"),
        .document = bytes_of("{\"score\":0.5}")};
    glossa__strbuf_t frame = GLOSSA__STRBUF_INIT;
    assert_int_equal(glossa__unit_result_append(&frame, &r), 0);
    assert_int_equal(glossa__get_u32((unsigned char *)frame.data),
                     frame.len - 4);
    glossa__unit_result_t got;
    uint32_t len = (uint32_t)frame.len - 4;
    assert_int_equal(glossa__unit_result_parse(frame.data + 4, len, &got), 0);
    assert_int_equal(got.flags, r.flags);
    assert_true(got.nanos == r.nanos);
    assert_true(got.prepare_nanos == r.prepare_nanos);
    assert_int_equal(got.code, GLOSSA_ETOOBIG);
    assert_bytes(got.error, "too big", 7);
    assert_bytes(got.warnings, r.warnings.data, r.warnings.len);
    assert_bytes(got.spans, r.spans.data, r.spans.len);
    assert_bytes(got.document, r.document.data, r.document.len);
    for (uint32_t cut = 0; cut < len; cut++)
        assert_int_equal(glossa__unit_result_parse(frame.data + 4, cut, &got),
                         -1);
    glossa__strbuf_free(&frame);
}

/* Codes travel as integers: a code of the table comes back as itself,
 * anything else a worker might send as EPLUGIN, none as 0. */
static void test_unit_result_codes(void **state)
{
    (void)state;
    const int sent[] = {GLOSSA_ENOMEM,
                        GLOSSA_EINVAL,
                        GLOSSA_EPLUGIN,
                        GLOSSA_EEMPTY,
                        GLOSSA__ERRNO_MIN,
                        -1000,
                        7,
                        0};
    const int want[] = {
        GLOSSA_ENOMEM,  GLOSSA_EINVAL,  GLOSSA_EPLUGIN, GLOSSA_EEMPTY,
        GLOSSA_EPLUGIN, GLOSSA_EPLUGIN, GLOSSA_EPLUGIN, 0};
    for (size_t i = 0; i < sizeof(sent) / sizeof(sent[0]); i++) {
        glossa__unit_result_t r = {.code = sent[i]};
        glossa__strbuf_t frame = GLOSSA__STRBUF_INIT;
        assert_int_equal(glossa__unit_result_append(&frame, &r), 0);
        glossa__unit_result_t got;
        assert_int_equal(glossa__unit_result_parse(
                             frame.data + 4, (uint32_t)frame.len - 4, &got),
                         0);
        assert_int_equal(got.code, want[i]);
        glossa__strbuf_free(&frame);
    }
}

/* The frame length every reader goes by: complete, not yet, too long. */
static void test_frame_length(void **state)
{
    (void)state;
    unsigned char buf[12] = {0};
    glossa__put_u32(buf, 8);
    assert_int_equal(glossa__frame_length((char *)buf, 3), -1);
    assert_int_equal(glossa__frame_length((char *)buf, 11), -1);
    assert_int_equal(glossa__frame_length((char *)buf, 12), 8);
    glossa__put_u32(buf, GLOSSA__MAX_FRAME + 1u);
    assert_int_equal(glossa__frame_length((char *)buf, 12), -2);
}

/* Control frames (supervisor and zygote): length, what, arguments. */
static void test_control_frames(void **state)
{
    (void)state;
    unsigned char frame[GLOSSA__CONTROL_FRAME_MAX];
    const uint32_t args[3] = {1234, 7, 9};
    size_t len = glossa__control_frame(frame, GLOSSA__ZYGOTE_EXITED, args, 3);
    assert_int_equal(len, GLOSSA__CONTROL_FRAME_MAX);
    assert_int_equal(glossa__frame_length((char *)frame, len), 16);
    assert_int_equal(glossa__get_u32(frame + 4), GLOSSA__ZYGOTE_EXITED);
    assert_int_equal(glossa__get_u32(frame + 8), 1234);
    assert_int_equal(glossa__get_u32(frame + 16), 9);
    len = glossa__control_frame(frame, GLOSSA__ZYGOTE_KILL, args, 1);
    assert_int_equal(len, 12);
    assert_int_equal(glossa__frame_length((char *)frame, len), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_in_order_and_counted),
        cmocka_unit_test(test_end_inside_a_frame_is_an_error),
        cmocka_unit_test(test_length_beyond_the_limit_is_refused),
        cmocka_unit_test(test_poll_reads_only_when_short),
        cmocka_unit_test(test_poll_on_a_pipe),
        cmocka_unit_test(test_large_frame),
        cmocka_unit_test(test_unit_request_round_trip),
        cmocka_unit_test(test_unit_request_on_a_kept_document),
        cmocka_unit_test(test_unit_request_malformed),
        cmocka_unit_test(test_unit_result_round_trip),
        cmocka_unit_test(test_unit_result_codes),
        cmocka_unit_test(test_frame_length),
        cmocka_unit_test(test_control_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
