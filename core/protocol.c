#include "protocol.h"

#include <errno.h>
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

static int write_exact(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int glossa__frame_write(int fd, const char *payload, size_t len)
{
    if (len > GLOSSA__MAX_FRAME)
        return -1;
    unsigned char head[4];
    glossa__put_u32(head, (uint32_t)len);
    if (write_exact(fd, (const char *)head, sizeof(head)))
        return -1;
    return write_exact(fd, payload, len);
}
