/* open_dangling: O_CREAT through a dangling symlink creates its target;
 * O_EXCL and O_NOFOLLOW fail on the link; a self-loop is ELOOP. */
#include "conf.h"

int main(void)
{
    const char *t = conf_tmp("dangling-target"), *l = conf_tmp("dangling-link");
    const char *loop = conf_tmp("dangling-loop");
    int fd;

    unlink(t);
    unlink(l);
    MUST(symlink(t, l));
    fd = open(l, O_CREAT | O_WRONLY, 0600);
    TRUE("create through the link", fd >= 0);
    TRUE("the target now exists", access(t, F_OK) == 0);
    EQ("write through it", write(fd, "ab", 2), 2);
    close(fd);
    MUST(unlink(t));
    ERR("O_EXCL on the link", open(l, O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST);
    ERR("O_NOFOLLOW on the link", open(l, O_CREAT | O_NOFOLLOW | O_WRONLY, 0600), ELOOP);
    TRUE("nothing created", access(t, F_OK) == -1);
    MUST(symlink(loop, loop));
    ERR("a self-loop", open(loop, O_CREAT | O_WRONLY, 0600), ELOOP);
    unlink(loop);
    unlink(l);
    unlink(t);
    return conf_done();
}
