/* splice_pipe_file: splice between a file and a pipe in both directions,
 * offset pointers vs file positions, SPLICE_F_NONBLOCK, EINVAL/ESPIPE. */
#include "conf.h"

int main(void)
{
    const char *d = conf_mkdtemp("splice_pipe_file");
    const char *f = conf_join(d, "f"), *g = conf_join(d, "g");
    char buf[64];
    loff_t off;
    int fd, out, p[2];

    MUST(fd = open(f, O_RDWR | O_CREAT, 0644));
    MUST(write(fd, "0123456789abcdef", 16));
    MUST(out = open(g, O_RDWR | O_CREAT, 0644));
    MUST(pipe2(p, O_NONBLOCK)); /* never hang where splice is missing */

    off = 4;
    EQ("file -> pipe with offset", splice(fd, &off, p[1], NULL, 6, 0), 6);
    EQ("  offset advanced", off, 10);
    EQ("  file position untouched", lseek(fd, 0, SEEK_CUR), 16);
    memset(buf, 0, sizeof(buf));
    EQ("  read pipe", read(p[0], buf, sizeof(buf)), 6);
    STREQ("  data", buf, "456789");
    MUST(lseek(fd, 10, SEEK_SET));
    EQ("file -> pipe at the position", splice(fd, NULL, p[1], NULL, 100, 0), 6);
    EQ("  position advanced to EOF", lseek(fd, 0, SEEK_CUR), 16);
    EQ("file at EOF -> pipe", splice(fd, NULL, p[1], NULL, 100, 0), 0);
    off = 2;
    EQ("pipe -> file with offset", splice(p[0], NULL, out, &off, 100, 0), 6);
    EQ("  offset advanced", off, 8);
    EQ("  out position untouched", lseek(out, 0, SEEK_CUR), 0);
    memset(buf, 0, sizeof(buf));
    EQ("  file size", pread(out, buf, sizeof(buf), 0), 8);
    TRUE("  zeros then data", buf[0] == 0 && buf[1] == 0 && !memcmp(buf + 2, "abcdef", 6));
    MUST(write(p[1], "XYZ", 3));
    EQ("pipe -> file at the position", splice(p[0], NULL, out, NULL, 3, 0), 3);
    EQ("  position", lseek(out, 0, SEEK_CUR), 3);
    EQ("len 0", splice(fd, NULL, p[1], NULL, 0, 0), 0);
    ERR("empty pipe, SPLICE_F_NONBLOCK", splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK), EAGAIN);
    ERR("file -> file", splice(fd, NULL, out, NULL, 10, 0), EINVAL);
    off = 0;
    ERR("offset for the pipe end", splice(p[0], &off, out, NULL, 10, 0), ESPIPE);
    off = -1;
    ERR("negative offset", splice(fd, &off, p[1], NULL, 10, 0), EINVAL);
    ERR("O_WRONLY file as input", ({ int w = open(g, O_WRONLY); long r = splice(w, NULL, p[1], NULL, 10, 0); close(w); r; }), EBADF);
    ERR("bad fd", splice(-1, NULL, p[1], NULL, 10, 0), EBADF);
    ERR("pipe read end as output", splice(fd, NULL, p[0], NULL, 10, 0), EBADF);
    {
        int q[2];
        MUST(pipe2(q, O_NONBLOCK));
        MUST(write(p[1], "pp", 2));
        EQ("pipe -> pipe", splice(p[0], NULL, q[1], NULL, 10, 0), 2);
        memset(buf, 0, sizeof(buf));
        EQ("  read", read(q[0], buf, sizeof(buf)), 2);
        ERR("same pipe both ends", splice(q[0], NULL, q[1], NULL, 10, 0), EINVAL);
        close(q[0]);
        close(q[1]);
    }
    close(p[0]);
    close(p[1]);
    close(fd);
    close(out);
    conf_rmtree(d);
    return conf_done();
}
