#include "protocol.h"

#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

#include "alloc.h"

static int read_exact(int fd, void *buf, size_t n, int eof_ok)
{
    char *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 && got == 0 && eof_ok)
            return 0;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 1;
}

int glossa__frame_read(int fd, char **payload, uint32_t *len)
{
    unsigned char head[4];
    int rc = read_exact(fd, head, sizeof(head), 1);
    if (rc <= 0)
        return rc;
    uint32_t n = glossa__get_u32(head);
    if (n > GLOSSA__MAX_FRAME)
        return -1;
    char *buf = glossa__malloc((size_t)n + 1);
    if (!buf)
        return -1;
    if (read_exact(fd, buf, n, 0) != 1) {
        glossa__free(buf);
        return -1;
    }
    buf[n] = '\0';
    *payload = buf;
    *len = n;
    return 1;
}

int glossa__frame_write(int fd, const char *payload, size_t len)
{
    if (len > GLOSSA__MAX_FRAME)
        return -1;
    unsigned char head[4];
    glossa__put_u32(head, (uint32_t)len);
    /* One writev for the length and the payload: two writes would wake the
     * reader twice per frame. */
    struct iovec iov[2] = {{head, sizeof(head)}, {(void *)payload, len}};
    struct iovec *v = iov;
    int n = 2;
    while (n > 0) {
        ssize_t w = writev(fd, v, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        size_t done = (size_t)w;
        while (n > 0 && done >= v->iov_len) {
            done -= v->iov_len;
            v++;
            n--;
        }
        if (n > 0) {
            v->iov_base = (char *)v->iov_base + done;
            v->iov_len -= done;
        }
    }
    return 0;
}
