/* copy_range: copy_file_range and sendfile between files, offsets and errors. */
#include "conf.h"
#include <sys/sendfile.h>

int main(void)
{
    const char *a = conf_tmp("cr-a"), *b = conf_tmp("cr-b");
    char buf[32] = "";
    int in, out, p[2];
    off_t oi, oo;

    in = open(a, O_RDWR | O_CREAT | O_TRUNC, 0600);
    out = open(b, O_RDWR | O_CREAT | O_TRUNC, 0600);
    MUST(in);
    MUST(out);
    MUST(write(in, "0123456789", 10));
    oi = 2;
    oo = 0;
    EQ("copy 5 from offset 2", copy_file_range(in, &oi, out, &oo, 5, 0), 5);
    EQ("  in offset advanced", oi, 7);
    EQ("  out offset advanced", oo, 5);
    EQ("  file position untouched", lseek(in, 0, SEEK_CUR), 10);
    EQ("read back", pread(out, buf, sizeof(buf) - 1, 0), 5);
    STREQ("  bytes", buf, "23456");
    MUST(lseek(in, 0, SEEK_SET));
    EQ("copy at file positions, past EOF clipped", copy_file_range(in, NULL, out, NULL, 100, 0), 10);
    EQ("  in position", lseek(in, 0, SEEK_CUR), 10);
    EQ("at EOF: 0", copy_file_range(in, NULL, out, NULL, 5, 0), 0);
    ERR("flags", copy_file_range(in, NULL, out, NULL, 5, 1), EINVAL);
    ERR("bad fd", copy_file_range(99, NULL, out, NULL, 5, 0), EBADF);
    oi = 0;
    oo = 2;
    ERR("overlap in one file", copy_file_range(in, &oi, in, &oo, 5, 0), EINVAL);
    MUST(pipe(p));
    ERR("to a pipe", copy_file_range(in, &oi, p[1], NULL, 5, 0), EINVAL);
    oi = 0;
    EQ("sendfile to a pipe", sendfile(p[1], in, &oi, 4), 4);
    memset(buf, 0, sizeof(buf));
    EQ("  read from the pipe", read(p[0], buf, sizeof(buf)), 4);
    STREQ("  bytes", buf, "0123");
    EQ("  offset updated", oi, 4);
    unlink(a);
    unlink(b);
    return conf_done();
}
