/* sendfile_file: sendfile file -> file and file -> pipe, offset pointer vs
 * file position, short counts at EOF, and errors. */
#include "conf.h"
#include <sys/sendfile.h>

int main(void)
{
    const char *d = conf_mkdtemp("sendfile_file");
    const char *f = conf_join(d, "f"), *g = conf_join(d, "g");
    char buf[64];
    off_t off;
    int in, out, p[2];

    MUST(in = open(f, O_RDWR | O_CREAT, 0644));
    MUST(write(in, "abcdefghij", 10));
    MUST(out = open(g, O_RDWR | O_CREAT, 0644));
    off = 3;
    EQ("with offset", sendfile(out, in, &off, 4), 4);
    EQ("  offset advanced", off, 7);
    EQ("  in position untouched", lseek(in, 0, SEEK_CUR), 10);
    EQ("  out position advanced", lseek(out, 0, SEEK_CUR), 4);
    MUST(lseek(in, 8, SEEK_SET));
    EQ("without offset: short at EOF", sendfile(out, in, NULL, 100), 2);
    EQ("  in position advanced", lseek(in, 0, SEEK_CUR), 10);
    EQ("at EOF", sendfile(out, in, NULL, 100), 0);
    memset(buf, 0, sizeof(buf));
    EQ("out content", pread(out, buf, sizeof(buf), 0), 6);
    STREQ("  data", buf, "defgij");
    off = 100;
    EQ("offset past EOF", sendfile(out, in, &off, 10), 0);
    EQ("count 0", sendfile(out, in, NULL, 0), 0);
    MUST(pipe(p));
    off = 0;
    EQ("file -> pipe", sendfile(p[1], in, &off, 10), 10);
    memset(buf, 0, sizeof(buf));
    EQ("  read", read(p[0], buf, sizeof(buf)), 10);
    STREQ("  data", buf, "abcdefghij");
    off = -1;
    ERR("negative offset", sendfile(out, in, &off, 1), EINVAL);
    ERR("bad in fd", sendfile(out, -1, NULL, 1), EBADF);
    ERR("bad out fd", sendfile(-1, in, NULL, 1), EBADF);
    ERR("in not readable", ({ int w = open(f, O_WRONLY); long r = sendfile(out, w, NULL, 1); close(w); r; }), EBADF);
    ERR("out not writable", ({ int r0 = open(g, O_RDONLY); long r = sendfile(r0, in, NULL, 1); close(r0); r; }), EBADF);
    ERR("out O_APPEND", ({ int a = open(g, O_WRONLY | O_APPEND); off_t o = 0; long r = sendfile(a, in, &o, 1); close(a); r; }), EINVAL);
    ERR("in is a directory", ({ int dd = open(d, O_RDONLY | O_DIRECTORY); long r = sendfile(out, dd, NULL, 1); close(dd); r; }), EINVAL);
    close(p[0]);
    close(p[1]);
    close(in);
    close(out);
    conf_rmtree(d);
    return conf_done();
}
