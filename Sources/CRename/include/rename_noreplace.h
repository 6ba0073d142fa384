// An atomic rename that never replaces a file: Linux's renameat2(RENAME_NOREPLACE), macOS's
// renamex_np(RENAME_EXCL). In C, because glibc declares renameat2 only under _GNU_SOURCE, which
// Swift's Glibc module is not built with.
#ifndef JOORBRIDGE_RENAME_NOREPLACE_H
#define JOORBRIDGE_RENAME_NOREPLACE_H

/// Renames `from` to `to` in one step, unless `to` exists.
/// Returns 0, or -1 with errno set: EEXIST when `to` exists; EINVAL, ENOSYS or ENOTSUP where the
/// kernel or the file system (NFS, some FUSE mounts) cannot rename without replacing.
int joorbridge_rename_noreplace(const char *from, const char *to);

#endif
