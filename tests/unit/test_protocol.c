/* The worker's side of the isolation protocol's framing: frames split
 * across reads, several in one read, a frame far larger than the read
 * buffer, the count of frames already waiting (which decides when a
 * worker sends the results it holds, and which reads only when it must),
 * a pipe as well as a socket, and ends of input clean or not. */
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
#include "protocol.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_in_order_and_counted),
        cmocka_unit_test(test_end_inside_a_frame_is_an_error),
        cmocka_unit_test(test_length_beyond_the_limit_is_refused),
        cmocka_unit_test(test_poll_reads_only_when_short),
        cmocka_unit_test(test_poll_on_a_pipe),
        cmocka_unit_test(test_large_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
