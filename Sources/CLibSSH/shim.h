// libssh (Debian: libssh-dev): SSH sessions and the SFTP subsystem, for remote inbox and outbox folders.
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <fcntl.h>
