/* sig_blocked_read_interrupted_socket: sig_blocked_read_interrupted with its socket checks (recv interrupted by a signal).
 * The socket parts need issue 5; the rest runs in sig_blocked_read_interrupted. */
#define CONF_WITH_SOCKETS
#include "sig_blocked_read_interrupted.c"
